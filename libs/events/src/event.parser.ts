import { AnyLifecycleEvent, LifecycleEvent } from './event-envelope';
import { EventCatalogue, EventType, SCHEMA_VERSION, TOPIC_OF } from './topics';

/**
 * Strict reading of a lifecycle event off the wire (a Kafka record value), for consumers that
 * must count, log and skip a malformed message rather than stop on it. It accepts exactly what
 * `docs/asyncapi.yaml` accepts (`asyncapi.spec.ts` holds the two together), without a schema
 * engine at run time.
 */
export type ParseResult =
  | { readonly ok: true; readonly event: AnyLifecycleEvent }
  | { readonly ok: false; readonly reason: ParseFailure; readonly detail: string };

export type ParseFailure = 'json' | 'envelope' | 'unknown_type' | 'schema_version' | 'data';

/** How one payload field is checked. Strings must be non-empty, integers non-negative. */
type FieldSpec<V> = [V] extends [number] // [V]: `'jwt' | 'opaque'` stays one spec, not two
  ? { readonly type: 'integer' }
  : { readonly type: 'string'; readonly oneOf?: readonly V[]; readonly pattern?: RegExp };
/** Optional in the table exactly when optional in the interface (checked by the compiler). */
type FieldTable<P> = {
  readonly [K in keyof P]-?: FieldSpec<NonNullable<P[K]>> &
    (Pick<P, K> extends Required<Pick<P, K>>
      ? { readonly optional?: never }
      : { readonly optional: true });
};
/** The run-time view of any FieldSpec, for the one generic checker. */
interface AnyFieldSpec {
  readonly type: 'string' | 'integer';
  readonly optional?: boolean;
  readonly oneOf?: readonly unknown[];
  readonly pattern?: RegExp;
}

const S = { type: 'string' } as const;
const I = { type: 'integer' } as const;
const opt = <F extends object>(spec: F) => ({ ...spec, optional: true }) as const;
// base64url SHA-256 is exactly 43 characters: a raw opaque token (kind prefix + 43) never fits.
const DIGEST = { type: 'string', pattern: /^[A-Za-z0-9_-]{43}$/ } as const;

/**
 * One table per event type, typed against its V1 interface: a field added, removed, renamed or
 * made optional in topics.ts fails to compile here until the table (and the AsyncAPI document,
 * via its contract test) follow.
 */
const DATA_FIELDS: { readonly [T in EventType]: FieldTable<EventCatalogue[T]> } = {
  'token.issued': {
    jti: S,
    client_id: S,
    sub: S,
    aud: S,
    scope: S,
    grant_type: S,
    grant_id: opt(S),
    format: { type: 'string', oneOf: ['jwt', 'opaque'] },
    token_digest: opt(DIGEST),
    iat: I,
    exp: I,
  },
  'token.revoked': { jti: S, client_id: S, token_digest: opt(DIGEST), exp: I, revoked_by: S },
  'grant.revoked': { grant_id: S, client_id: S, exp: I, reason: S },
  'client.tokens_revoked': { client_id: S, revoked_at: I, exp: I, reason: S },
  'key.rotated': { kid: S, alg: S, jwks_uri: S },
};

const nonEmpty = (v: unknown) => typeof v === 'string' && v.length > 0;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
// RFC 3339 date-time (CloudEvents `time`); Date.parse then rejects month 13, hour 25 and the like.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const SCHEMA_URN = /^urn:token-lifecycle:schema:(.+):v(\d+)$/;

/** Every envelope attribute is required. Others (CloudEvents extensions) pass through unread. */
const ENVELOPE: Readonly<Record<keyof LifecycleEvent, (v: unknown) => boolean>> = {
  specversion: (v) => v === '1.0',
  id: nonEmpty,
  source: nonEmpty,
  type: nonEmpty,
  time: (v) => typeof v === 'string' && RFC3339.test(v) && !Number.isNaN(Date.parse(v)),
  subject: nonEmpty,
  datacontenttype: (v) => v === 'application/json',
  dataschema: nonEmpty,
  partitionkey: nonEmpty,
  data: isObject,
};

const fail = (reason: ParseFailure, detail: string): ParseResult => ({ ok: false, reason, detail });
/** Names read off the wire go into logs: bounded, and escaped so they cannot forge a log line. */
const printable = (name: string) =>
  JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name).slice(1, -1);

// Details name fields, never their values: a malformed message may hold what must not be logged.
export function parseLifecycleEvent(raw: Buffer | string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    // Not the SyntaxError's message: V8 quotes the input in it.
    return fail('json', `not valid JSON (${Buffer.byteLength(raw)} bytes)`);
  }
  if (!isObject(value)) return fail('envelope', 'not a JSON object');
  const bad = Object.entries(ENVELOPE)
    .filter(([name, valid]) => !valid(value[name]))
    .map(([name]) => name);
  if (bad.length > 0) return fail('envelope', `missing or invalid: ${bad.join(', ')}`);

  const type = value.type as string;
  // Own keys only: `toString` or `__proto__` are not event types.
  if (!Object.hasOwn(TOPIC_OF, type)) return fail('unknown_type', `type "${printable(type)}"`);
  const schema = SCHEMA_URN.exec(value.dataschema as string);
  if (schema?.[1] !== type) return fail('envelope', 'dataschema does not name the event type');
  // Compared as text, as the document's `const` does: `v01` is not v1.
  if (schema[2] !== String(SCHEMA_VERSION))
    return fail('schema_version', `${type} v${schema[2]}, expected v${SCHEMA_VERSION}`);

  const problems = dataProblems(
    DATA_FIELDS[type as EventType],
    value.data as Record<string, unknown>,
  );
  if (problems.length > 0) return fail('data', problems.join('; '));
  return { ok: true, event: value as unknown as AnyLifecycleEvent };
}

function dataProblems(
  fields: Readonly<Record<string, AnyFieldSpec>>,
  data: Record<string, unknown>,
) {
  const problems = Object.keys(data)
    .filter((name) => !Object.hasOwn(fields, name))
    .map((name) => `data.${printable(name)}: unknown field`);
  for (const [name, spec] of Object.entries(fields)) {
    const problem = Object.hasOwn(data, name)
      ? fieldProblem(spec, data[name])
      : !spec.optional && 'missing';
    if (problem) problems.push(`data.${name}: ${problem}`);
  }
  return problems;
}

function fieldProblem(spec: AnyFieldSpec, v: unknown): string | undefined {
  if (spec.type === 'integer')
    return Number.isInteger(v) && (v as number) >= 0 ? undefined : 'not a non-negative integer';
  if (!nonEmpty(v)) return 'not a non-empty string';
  if (spec.oneOf && !spec.oneOf.includes(v)) return `not one of ${spec.oneOf.join(', ')}`;
  if (spec.pattern && !spec.pattern.test(v as string)) return 'not of the expected shape';
  return undefined;
}
