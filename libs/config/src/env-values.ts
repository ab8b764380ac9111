import { ConfigError } from './config.error';

/**
 * Readers for single environment values, shared by every loader: each names the variable and
 * the reason when a value is wrong.
 */
export function integer(
  v: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${v}"`);
  return n;
}

export function oneOf<T extends string>(
  v: string | undefined,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  if (!v) return fallback;
  if (!(allowed as readonly string[]).includes(v))
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

/** An absolute http(s) URL; `fallback` when the variable is unset. */
export function httpUrl(v: string | undefined, name: string, fallback: string): string {
  if (!v) return fallback;
  if (!URL.canParse(v) || !/^https?:/.test(v))
    throw new ConfigError(name, `must be an absolute http(s) URL, got "${v}"`);
  return v;
}

export function boolean(v: string | undefined, name: string, fallback: boolean): boolean {
  if (!v) return fallback;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new ConfigError(name, `must be true or false, got "${v}"`);
}
