import { AnyLifecycleEvent, LifecycleEvent } from './event-envelope';
import {
  ActorChainV6,
  CONFIRMATION_KINDS,
  DENIAL_ERRORS,
  DENIAL_REASONS,
  DenialReason,
  EventSchemas,
  EventType,
  EXCHANGE_KINDS,
  KEY_ROTATION_STEPS,
  GRANT_BOUND_KINDS,
  RegistryDocument,
  SchemaVersion,
  SESSION_END_REASONS,
  TOKEN_KINDS,
  TOPIC_OF,
} from './topics';

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

/**
 * How one payload field is checked. Strings must be non-empty, integers non-negative, arrays
 * hold distinct non-empty strings (and may be empty).
 */
type FieldSpec<V> = [V] extends [number] // [V]: `'jwt' | 'opaque'` stays one spec, not two
  ? { readonly type: 'integer' }
  : [V] extends [readonly string[]]
    ? { readonly type: 'array' }
    : [V] extends [ActorChainV6]
      ? { readonly type: 'actor_chain' }
      : [V] extends [RegistryDocument]
        ? { readonly type: 'document' }
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
  readonly type: 'string' | 'integer' | 'array' | 'actor_chain' | 'document';
  readonly optional?: boolean;
  readonly oneOf?: readonly unknown[];
  readonly pattern?: RegExp;
}

const S = { type: 'string' } as const;
const I = { type: 'integer' } as const;
const A = { type: 'array' } as const;
const opt = <F extends object>(spec: F) => ({ ...{}, ...spec, optional: true }) as const;
// base64url SHA-256 is exactly 43 characters: a raw opaque token (kind prefix + 43) never fits.
const DIGEST = { type: 'string', pattern: /^[A-Za-z0-9_-]{43}$/ } as const;
// A client secret at rest (libs/registry secret-hash.ts): never the secret itself.
const SCRYPT_HASH = {
  type: 'string',
  pattern: /^\$scrypt\$ln=\d+,r=\d+,p=\d+\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/,
} as const;
const DOCUMENT = { type: 'document' } as const;
const CLIENT_STATE_V1: FieldTable<EventSchemas['client.registered']['v1']> = {
  client_id: S,
  client: DOCUMENT,
  registration_access_token_digest: opt(DIGEST),
  previous_client_secret_hash: opt(SCRYPT_HASH),
  previous_secret_expires_at: opt(I),
};
const RESOURCE_STATE_V1: FieldTable<EventSchemas['resource.registered']['v1']> = {
  identifier: S,
  resource: DOCUMENT,
};
/** Members a registry document may never carry on the log: plain secrets and passwords. */
const PLAIN_SECRET_MEMBERS = ['client_secret', 'password'];

const TOKEN_ISSUED_V1: FieldTable<EventSchemas['token.issued']['v1']> = {
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
  auth_time: opt(I),
  acr: opt(S),
  amr: opt(A),
};

const TOKEN_ISSUED_V3: FieldTable<EventSchemas['token.issued']['v3']> = {
  ...{},
  ...TOKEN_ISSUED_V1,
  token_kind: { type: 'string', oneOf: TOKEN_KINDS },
  family_exp: opt(I),
};

/**
 * One table per event type and schema version, typed against its interface: a field added,
 * removed, renamed or made optional in topics.ts fails to compile here until the table (and the
 * AsyncAPI document, via its contract test) follow. Unknown fields are refused, so a payload
 * can never smuggle a token, code or password past a reader.
 */
const DATA_FIELDS: {
  readonly [T in EventType]: {
    readonly [V in SchemaVersion<T>]: FieldTable<EventSchemas[T][V]>;
  };
} = {
  'token.issued': {
    v1: TOKEN_ISSUED_V1,
    v2: {
      ...{},
      ...TOKEN_ISSUED_V1,
      kind: { type: 'string', oneOf: TOKEN_KINDS },
      family_exp: opt(I),
    },
    v3: TOKEN_ISSUED_V3,
    v4: {
      ...{},
      ...TOKEN_ISSUED_V3,
      cnf_kind: { type: 'string', oneOf: CONFIRMATION_KINDS },
      cnf_thumbprint: DIGEST,
    },
    v5: {
      ...{},
      ...TOKEN_ISSUED_V3,
      cnf_kind: opt({ type: 'string', oneOf: CONFIRMATION_KINDS }),
      cnf_thumbprint: opt(DIGEST),
      federated_issuer: S,
      federated_subject: S,
      idp: opt(S),
    },
    v6: {
      ...{},
      ...TOKEN_ISSUED_V3,
      grant_id: S,
      cnf_kind: opt({ type: 'string', oneOf: CONFIRMATION_KINDS }),
      cnf_thumbprint: opt(DIGEST),
      federated_issuer: opt(S),
      federated_subject: opt(S),
      idp: opt(S),
      exchange_kind: { type: 'string', oneOf: EXCHANGE_KINDS },
      act: opt({ type: 'actor_chain' }),
      subject_jti: S,
      subject_client_id: S,
      subject_token_digest: opt(DIGEST),
      subject_grant_id: opt(S),
    },
  },
  'token.revoked': {
    v1: { jti: S, client_id: S, token_digest: opt(DIGEST), exp: I, revoked_by: S },
  },
  'grant.revoked': { v1: { grant_id: S, client_id: S, exp: I, refresh_exp: opt(I), reason: S } },
  'client.tokens_revoked': { v1: { client_id: S, revoked_at: I, exp: I, reason: S } },
  'subject.tokens_revoked': { v1: { sub: S, revoked_at: I, exp: I, reason: S } },
  'key.rotated': {
    v1: { kid: S, alg: S, jwks_uri: S },
    v2: {
      kid: S,
      alg: S,
      jwks_uri: S,
      step: { type: 'string', oneOf: KEY_ROTATION_STEPS },
      activate_at: opt(I),
      retire_at: opt(I),
      remove_at: opt(I),
    },
  },
  'grant.created': {
    v1: {
      grant_id: S,
      sub: S,
      client_id: S,
      scopes: A,
      resources: A,
      acr: opt(S),
      amr: opt(A),
      auth_time: I,
      sid: opt(S),
    },
  },
  'authorization.denied': {
    v1: {
      client_id: S,
      reason: { type: 'string', oneOf: Object.keys(DENIAL_REASONS) as DenialReason[] },
      error: { type: 'string', oneOf: DENIAL_ERRORS },
      sub: opt(S),
      sid: opt(S),
    },
  },
  'session.started': {
    v1: {
      sid: S,
      sub: S,
      auth_time: I,
      exp: I,
      acr: opt(S),
      amr: opt(A),
      client_id: opt(S),
    },
  },
  'session.ended': {
    v1: {
      sid: S,
      sub: S,
      reason: { type: 'string', oneOf: SESSION_END_REASONS },
      client_id: opt(S),
    },
  },
  'client.registered': { v1: CLIENT_STATE_V1 },
  'client.updated': { v1: CLIENT_STATE_V1 },
  'client.secret_rotated': { v1: CLIENT_STATE_V1 },
  'client.deleted': { v1: { client_id: S } },
  'resource.registered': { v1: RESOURCE_STATE_V1 },
  'resource.updated': { v1: RESOURCE_STATE_V1 },
  'resource.deleted': { v1: { identifier: S } },
  'initial_access_token.issued': { v1: { token_digest: DIGEST, issued_by: S, uses: I, exp: I } },
};

const nonEmpty = (v: unknown) => typeof v === 'string' && v.length > 0;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
// RFC 3339 date-time (CloudEvents `time`); Date.parse then rejects month 13, hour 25 and the like.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const MAX_ACTOR_CHAIN = 5;
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
  // Compared as text, as the document's `const` does: `v01` is not v1. Own keys only, again.
  const versions: Readonly<Record<string, Readonly<Record<string, AnyFieldSpec>>>> =
    DATA_FIELDS[type as EventType];
  const version = `v${schema[2]}`;
  if (!Object.hasOwn(versions, version))
    return fail(
      'schema_version',
      `${type} ${printable(version)}, expected ${Object.keys(versions).join(' or ')}`,
    );

  const data = value.data as Record<string, unknown>;
  const problems = [...dataProblems(versions[version]!, data), ...ruleProblems(type, data)];
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

/**
 * Rules across fields, as the document's `if`/`then` and `dependentRequired` state them: an ID
 * or refresh token always belongs to a grant, so its `token.issued` v3 names it (v2 as it landed
 * has no such rule: old logs are read as they were written); a binding (v5 and v6, where it is
 * optional) is its kind with its thumbprint, and v6's federated credential its issuer with its
 * subject.
 */
function ruleProblems(type: string, data: Record<string, unknown>): string[] {
  if (type !== 'token.issued') return [];
  const problems = [
    ...(Object.hasOwn(data, 'cnf_kind') !== Object.hasOwn(data, 'cnf_thumbprint')
      ? ['data.cnf_kind: cnf_kind and cnf_thumbprint go together']
      : []),
    // v6: the exchanging client's federated credential is its issuer with its subject.
    ...(Object.hasOwn(data, 'federated_issuer') !== Object.hasOwn(data, 'federated_subject')
      ? ['data.federated_issuer: federated_issuer and federated_subject go together']
      : []),
  ];
  if (Object.hasOwn(data, 'grant_id')) return problems;
  const kind = data.token_kind;
  return GRANT_BOUND_KINDS.includes(kind as never)
    ? [...problems, `data.grant_id: missing for ${kind}`]
    : problems;
}

/** RFC 8693 §4.1 as v6 carries it: `sub`, optional `client_id`, optional nested `act`. */
function actorChainProblem(v: unknown, depth = 1): string | undefined {
  // As deep as a token may nest it (MAX_ACT_DEPTH in libs/tokens), and not one level more.
  if (depth > MAX_ACTOR_CHAIN) return 'nested too deep';
  if (!isObject(v)) return 'not an object';
  const extra = Object.keys(v).find((k) => !['sub', 'client_id', 'act'].includes(k));
  if (extra !== undefined) return 'has an unknown member';
  if (!nonEmpty(v.sub)) return 'sub is not a non-empty string';
  if (v.client_id !== undefined && !nonEmpty(v.client_id))
    return 'client_id is not a non-empty string';
  return v.act === undefined ? undefined : actorChainProblem(v.act, depth + 1);
}

function fieldProblem(spec: AnyFieldSpec, v: unknown): string | undefined {
  if (spec.type === 'actor_chain') return actorChainProblem(v);
  if (spec.type === 'document') {
    if (!isObject(v)) return 'not an object';
    return PLAIN_SECRET_MEMBERS.some((m) => Object.hasOwn(v, m))
      ? 'carries a plain secret (only its scrypt hash may be on the log)'
      : undefined;
  }
  if (spec.type === 'integer')
    return Number.isInteger(v) && (v as number) >= 0 ? undefined : 'not a non-negative integer';
  if (spec.type === 'array') {
    if (!Array.isArray(v) || !v.every(nonEmpty)) return 'not an array of non-empty strings';
    return new Set(v).size === v.length ? undefined : 'has a repeated item';
  }
  if (!nonEmpty(v)) return 'not a non-empty string';
  if (spec.oneOf && !spec.oneOf.includes(v)) return `not one of ${spec.oneOf.join(', ')}`;
  if (spec.pattern && !spec.pattern.test(v as string)) return 'not of the expected shape';
  return undefined;
}
