import { ConfigError } from './config.error';

/** A JSON object read from a configuration file. */
export type Json = Record<string, unknown>;

/*
 * Readers of one JSON value of CONFIG_FILE each: they return it typed or throw a ConfigError
 * naming its JSON path. None of them quotes the value it refuses (the file holds secrets).
 */

export function object(v: unknown, path: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ConfigError(path, 'must be an object');
  return v as Json;
}

export function array(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw new ConfigError(path, 'must be an array');
  return v;
}

export function nonEmptyString(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.length === 0)
    throw new ConfigError(path, 'must be a non-empty string');
  return v;
}

export function oneOf<T extends string>(v: unknown, allowed: readonly T[], path: string): T {
  if (typeof v !== 'string' || !allowed.includes(v as T))
    throw new ConfigError(path, `must be one of ${allowed.join(', ')}`);
  return v as T;
}

/** A JSON `true` or `false`, absent meaning false: `"true"` or `1` is a mistake worth stopping on. */
export function flag(v: unknown, path: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new ConfigError(path, 'must be true or false (a JSON boolean)');
  return v;
}

export function absoluteUrl(v: unknown, path: string): string {
  const s = nonEmptyString(v, path);
  if (!URL.canParse(s)) throw new ConfigError(path, 'must be an absolute URL');
  return s;
}

export function unique(values: string[], path: string, field: string): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw new ConfigError(path, `duplicate ${field} "${v}"`);
    seen.add(v);
  }
}
