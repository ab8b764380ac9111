import { InvalidRequest } from '../errors';

export type JsonObject = Readonly<Record<string, unknown>>;

/**
 * Strict readers of JSON request bodies (the login/consent API, the admin API). Every refusal is `invalid_request`
 * naming our field and its rule, never the value sent (RFC 6749 §5.2: no request input echoed).
 * `null` counts as absent, as many JSON serialisers write an unset optional field.
 */

/** An object made by JSON.parse or a literal: no class instance, no array. */
export function isPlainObject(v: unknown): v is JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * `value` as an object whose fields are all among `allowed`. An unknown field is refused rather
 * than ignored: a misspelt `remember_for` would otherwise drop the user's choice in silence.
 */
export function fieldsOf(value: unknown, name: string, allowed: readonly string[]): JsonObject {
  if (!isPlainObject(value)) throw new InvalidRequest(`${name} must be a JSON object`);
  if (Object.keys(value).some((k) => !allowed.includes(k)))
    throw new InvalidRequest(
      `${name} has a field this request does not take; it takes only ${allowed.join(', ')}`,
    );
  return value;
}

function present(o: JsonObject, name: string): unknown {
  const v = o[name];
  return v === null ? undefined : v;
}

/** A string matching `syntax` (whose `rule` the error states), or undefined when absent. */
export function optionalString(
  o: JsonObject,
  name: string,
  syntax: RegExp,
  rule: string,
): string | undefined {
  const v = present(o, name);
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !syntax.test(v)) throw new InvalidRequest(`${name} ${rule}`);
  return v;
}

export function requiredString(o: JsonObject, name: string, syntax: RegExp, rule: string): string {
  const v = optionalString(o, name, syntax, rule);
  if (v === undefined) throw new InvalidRequest(`${name} is required`);
  return v;
}

export function optionalFlag(o: JsonObject, name: string): boolean | undefined {
  const v = present(o, name);
  if (v === undefined || typeof v === 'boolean') return v;
  throw new InvalidRequest(`${name} must be true or false`);
}

/** Whole seconds from 0 to `cap`; 0 or absent is the cap (the longest the platform allows). */
export function secondsUpTo(o: JsonObject, name: string, cap: number): number {
  const v = present(o, name);
  if (v === undefined) return cap;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > cap)
    throw new InvalidRequest(`${name} must be a whole number of seconds from 0 to ${cap}`);
  return v === 0 ? cap : v;
}

/** A list of distinct strings, each matching `syntax`, at most `maxItems` of them. */
export function optionalList(
  o: JsonObject,
  name: string,
  syntax: RegExp,
  maxItems: number,
  rule: string,
): string[] | undefined {
  const v = present(o, name);
  if (v === undefined) return undefined;
  const rules = `${name} must be an array of at most ${maxItems} distinct strings, each ${rule}`;
  if (!Array.isArray(v) || v.length > maxItems || new Set(v).size !== v.length)
    throw new InvalidRequest(rules);
  if (!v.every((s): s is string => typeof s === 'string' && syntax.test(s)))
    throw new InvalidRequest(rules);
  return v;
}

/** Distinct values of `offered` (what the authorization request asked for), in request order. */
export function optionalSubset(
  o: JsonObject,
  name: string,
  offered: readonly string[],
  offeredName: string,
): string[] | undefined {
  const v = present(o, name);
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || new Set(v).size !== v.length)
    throw new InvalidRequest(`${name} must be an array of distinct strings`);
  if (!v.every((s) => typeof s === 'string' && offered.includes(s)))
    throw new InvalidRequest(`${name} may hold only values of ${offeredName}`);
  return offered.filter((s) => v.includes(s));
}

/** One of `values`, or undefined when absent. */
export function optionalOneOf<T extends string>(
  o: JsonObject,
  name: string,
  values: readonly T[],
): T | undefined {
  const v = present(o, name);
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v))
    throw new InvalidRequest(`${name} must be one of ${values.join(', ')}`);
  return v as T;
}
