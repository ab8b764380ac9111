import Ajv, { ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EventFactory, LifecycleEvent } from './event-envelope';
import { parseLifecycleEvent } from './event.parser';
import { kafkaHeaders } from './kafka/kafka-trace';
import {
  CONFIRMATION_KINDS,
  DENIAL_ERRORS,
  DENIAL_REASONS,
  EventCatalogue,
  EventSchemas,
  EventType,
  EXCHANGE_KINDS,
  KEY_ROTATION_STEPS,
  registryKeyOf,
  SchemaVersion,
  SESSION_END_REASONS,
  TOKEN_KINDS,
  TOPIC_OF,
} from './topics';

/**
 * The contract between docs/asyncapi.yaml and the code: the same event types on the same topics,
 * and the document's JSON Schemas accept exactly what the producers build and what
 * `parseLifecycleEvent` accepts.
 */

interface Ref {
  readonly $ref: string;
}
interface MessageDoc {
  readonly name: string;
  readonly headers?: Ref;
  readonly summary: string;
  readonly bindings: { readonly kafka: { readonly key: object } };
  readonly payload: Ref;
  readonly examples?: readonly { readonly payload: Json }[];
}
interface Doc {
  readonly asyncapi: string;
  readonly servers: Record<string, { readonly protocol: string; readonly host: string }>;
  readonly channels: Record<
    string,
    { readonly address: string; readonly messages: Record<string, Ref> }
  >;
  readonly operations: Record<
    string,
    {
      readonly action: string;
      readonly channel: Ref;
      readonly messages: readonly Ref[];
      readonly 'x-producer'?: object;
    }
  >;
  readonly components: { readonly messages: Record<string, MessageDoc> };
}
type Json = { [name: string]: unknown; data: Record<string, unknown> };

const DOC_ID = 'urn:token-lifecycle:asyncapi';
const doc = parse(
  readFileSync(join(__dirname, '..', '..', '..', 'docs', 'asyncapi.yaml'), 'utf8'),
) as Doc;

/** Follows a local `#/a/b` reference inside the document. */
function deref<T>(ref: string): T {
  expect(ref).toMatch(/^#\//);
  const node = ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((at, part) => (at as Record<string, unknown> | undefined)?.[part], doc);
  if (node === undefined) throw new Error(`dangling reference ${ref}`);
  return node as T;
}

/** The schema version a message describes: its payload's `dataschema` constant. */
const versionOf = (message: MessageDoc) => {
  const event = deref<{ allOf?: [unknown, { properties: { dataschema: { const: string } } }] }>(
    message.payload.$ref,
  );
  return /:(v\d+)$/.exec(event.allOf?.[1].properties.dataschema.const ?? '')?.[1];
};

/** Every message, with its event type (`name`), its version and the topic of its channel. */
const onChannels = Object.entries(doc.channels).flatMap(([channel, c]) =>
  Object.entries(c.messages).map(([key, ref]) => {
    const message = deref<MessageDoc>(ref.$ref);
    return { channel, key, topic: c.address, message, version: versionOf(message), ref: ref.$ref };
  }),
);
const messageOf = (type: EventType, version: string) => {
  const found = onChannels.find((m) => m.message.name === type && m.version === version);
  if (!found) throw new Error(`no message for ${type} ${version}`);
  return found;
};

// Realistic data for each type and version, typed against the interfaces (tsc checks the
// tables): every field, and only the required ones.
const DIGEST = '47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU'; // base64url SHA-256 of ""
type RequiredOnly<P> = {
  [K in keyof P as Pick<P, K> extends Required<Pick<P, K>> ? K : never]: P[K];
};
type Table<F extends 'full' | 'minimal'> = {
  [T in EventType]: {
    [V in SchemaVersion<T>]: F extends 'full'
      ? Required<EventSchemas[T][V]>
      : RequiredOnly<EventSchemas[T][V]>;
  };
};
const ACCESS_TOKEN: Required<EventSchemas['token.issued']['v1']> = {
  jti: '0b7e4d9c-5a6f-4e3d-8c2b-1a0f9e8d7c6b',
  client_id: 'web-app',
  sub: 'user-123',
  aud: 'https://orders.example.com',
  scope: 'orders:read orders:write',
  grant_type: 'authorization_code',
  grant_id: 'grant-7f3a',
  format: 'opaque',
  token_digest: DIGEST,
  iat: 1_736_935_200,
  exp: 1_736_938_800,
  auth_time: 1_736_935_100,
  acr: 'urn:example:loa:2',
  amr: ['pwd', 'otp'],
};
const SCRYPT_HASH =
  '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U';
const CLIENT_STATE: Required<EventSchemas['client.registered']['v1']> = {
  client_id: 'billing-batch',
  client: {
    client_id: 'billing-batch',
    client_secret_hash: SCRYPT_HASH,
    grant_types: ['client_credentials'],
    resources: ['https://orders.example.com'],
  },
  registration_access_token_digest: DIGEST,
  previous_client_secret_hash: SCRYPT_HASH,
  previous_secret_expires_at: 1_736_946_000,
};
const RESOURCE_STATE: Required<EventSchemas['resource.registered']['v1']> = {
  identifier: 'https://orders.example.com',
  resource: { identifier: 'https://orders.example.com', scopes: ['orders:read'] },
};
const FULL: Table<'full'> = {
  'token.issued': {
    v1: ACCESS_TOKEN,
    // Every field: v2's optional ones too, although an ID token is a JWT in practice.
    v2: {
      ...ACCESS_TOKEN,
      aud: 'web-app',
      scope: 'openid profile',
      kind: 'id_token',
      family_exp: 1_739_527_200,
    },
    // Every field; in practice only a refresh token has `family_exp`.
    v3: {
      ...ACCESS_TOKEN,
      aud: 'https://auth.example.com',
      scope: 'openid offline_access orders:read',
      token_kind: 'refresh_token',
      family_exp: 1_739_527_200,
    },
    // Every field; a bound refresh token (a public client's DPoP key, RFC 9449 §5).
    v4: {
      ...ACCESS_TOKEN,
      aud: 'https://auth.example.com',
      scope: 'openid offline_access orders:read',
      token_kind: 'refresh_token',
      family_exp: 1_739_527_200,
      cnf_kind: 'jkt',
      cnf_thumbprint: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I',
    },
    // Every field; a DPoP-bound JWT-bearer grant token of a client that authenticated with a
    // federated credential (in practice a refresh token is never v5: none is issued with it).
    v5: {
      ...ACCESS_TOKEN,
      sub: 'alice@corp.example',
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      token_kind: 'access_token',
      family_exp: 1_739_527_200,
      cnf_kind: 'jkt',
      cnf_thumbprint: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I',
      federated_issuer: 'https://token.actions.githubusercontent.com',
      federated_subject: 'repo:org/app:ref:refs/heads/main',
      idp: 'https://idp.corp.example',
    },
    // Every field: a DPoP-bound opaque token of a second delegation (RFC 8693 §4.1, nested act),
    // exchanged by a client that authenticated with a federated credential.
    v6: {
      ...ACCESS_TOKEN,
      client_id: 'payments-api',
      aud: 'https://payments.example.com',
      scope: 'payments:read',
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      grant_id: 'xg_Qm9vdHN0cmFwcGVkX2V4Y2hhbmdl',
      token_kind: 'access_token',
      family_exp: 1_739_527_200,
      cnf_kind: 'jkt',
      cnf_thumbprint: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I',
      federated_issuer: 'https://kubernetes.default.svc.cluster.local',
      federated_subject: 'system:serviceaccount:payments:api',
      idp: 'https://idp.corp.example',
      exchange_kind: 'delegation',
      act: { sub: 'ledger-api', client_id: 'ledger-app', act: { sub: 'orders-api' } },
      subject_jti: 'rT5yH2kP9mW3xC7vB1nQ4A',
      subject_client_id: 'ledger-app',
      subject_token_digest: DIGEST,
      subject_grant_id: 'xg_T3JkZXJzRXhjaGFuZ2VHcmFudA',
    },
  },
  'token.revoked': {
    v1: {
      jti: '0b7e4d9c-5a6f-4e3d-8c2b-1a0f9e8d7c6b',
      client_id: 'web-app',
      token_digest: DIGEST,
      exp: 1_736_938_800,
      revoked_by: 'web-app',
    },
  },
  'grant.revoked': {
    v1: {
      grant_id: 'grant-7f3a',
      client_id: 'web-app',
      exp: 1_736_938_860,
      refresh_exp: 1_739_527_200,
      reason: 'refresh_token_reuse',
    },
  },
  'client.tokens_revoked': {
    v1: {
      client_id: 'svc-a',
      revoked_at: 1_736_942_400_123,
      exp: 1_736_946_000,
      reason: 'compromised',
    },
  },
  'subject.tokens_revoked': {
    v1: {
      sub: 'user-123',
      revoked_at: 1_736_944_200_456,
      exp: 1_736_947_860,
      reason: 'admin',
    },
  },
  'key.rotated': {
    v1: { kid: 'es256-2025-01-15', alg: 'ES256', jwks_uri: 'https://auth.example.com/oauth2/jwks' },
    // A seed key (KEYS_FILE) retired by a runtime rotation: every time of its schedule.
    v2: {
      kid: 'es256-2025-01-15',
      alg: 'ES256',
      jwks_uri: 'https://auth.example.com/oauth2/jwks',
      step: 'retired',
      activate_at: 1_736_935_200_000,
      retire_at: 1_736_935_800_000,
      remove_at: 1_736_939_460_000,
    },
  },
  'grant.created': {
    v1: {
      grant_id: 'grant-7f3a',
      sub: 'user-123',
      client_id: 'web-app',
      scopes: ['openid', 'profile', 'orders:read'],
      resources: ['https://orders.example.com'],
      acr: 'urn:example:loa:2',
      amr: ['pwd', 'otp'],
      auth_time: 1_736_935_100,
      sid: 'c3a1f0e2-5b4d-4e6f-8a7b-9c0d1e2f3a4b',
    },
  },
  'authorization.denied': {
    v1: {
      client_id: 'web-app',
      reason: 'consent_denied',
      error: 'access_denied',
      sub: 'user-123',
      sid: 'c3a1f0e2-5b4d-4e6f-8a7b-9c0d1e2f3a4b',
    },
  },
  'session.started': {
    v1: {
      sid: 'c3a1f0e2-5b4d-4e6f-8a7b-9c0d1e2f3a4b',
      sub: 'user-123',
      auth_time: 1_736_935_100,
      exp: 1_737_021_500,
      acr: 'urn:example:loa:2',
      amr: ['pwd', 'otp'],
      client_id: 'web-app',
    },
  },
  'session.ended': {
    v1: {
      sid: 'c3a1f0e2-5b4d-4e6f-8a7b-9c0d1e2f3a4b',
      sub: 'user-123',
      reason: 'logout',
      client_id: 'web-app',
    },
  },
  'client.registered': { v1: CLIENT_STATE },
  'client.updated': { v1: CLIENT_STATE },
  'client.secret_rotated': { v1: CLIENT_STATE },
  'client.deleted': { v1: { client_id: 'billing-batch' } },
  'resource.registered': { v1: RESOURCE_STATE },
  'resource.updated': { v1: RESOURCE_STATE },
  'resource.deleted': { v1: { identifier: 'https://orders.example.com' } },
  'initial_access_token.issued': {
    v1: {
      token_digest: '1oq9f4h2Zq3yJX0vB7s6LwKcTn8mRpE5aGdUiV2xYbQ',
      issued_by: 'ops-admin',
      uses: 5,
      exp: 1_737_021_500,
    },
  },
};
const MINIMAL: Table<'minimal'> = {
  'token.issued': {
    v1: {
      jti: '5c8d1e2f-3a4b-4c6d-9e7f-8a9b0c1d2e3f',
      client_id: 'svc-a',
      sub: 'svc-a',
      aud: 'https://orders.example.com',
      scope: 'orders:read',
      grant_type: 'client_credentials',
      format: 'jwt',
      iat: 1_736_935_200,
      exp: 1_736_938_800,
    },
    v2: {
      jti: '7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a098',
      client_id: 'web-app',
      sub: 'user-123',
      aud: 'web-app',
      scope: 'openid',
      grant_type: 'authorization_code',
      format: 'jwt',
      kind: 'id_token',
      iat: 1_736_935_200,
      exp: 1_736_938_800,
    },
    // A client_credentials access token: no grant, so no grant_id.
    v3: {
      jti: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      client_id: 'svc-a',
      sub: 'svc-a',
      aud: 'https://orders.example.com',
      scope: 'orders:read',
      grant_type: 'client_credentials',
      format: 'jwt',
      token_kind: 'access_token',
      iat: 1_736_935_200,
      exp: 1_736_938_800,
    },
    // A certificate-bound client_credentials access token (RFC 8705 §3.1).
    v4: {
      jti: '1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9',
      client_id: 'svc-a',
      sub: 'svc-a',
      aud: 'https://orders.example.com',
      scope: 'orders:read',
      grant_type: 'client_credentials',
      format: 'jwt',
      token_kind: 'access_token',
      iat: 1_736_935_200,
      exp: 1_736_938_800,
      cnf_kind: 'x5t#S256',
      cnf_thumbprint: 'A4DtL2JmUMhAsvJj5tKyn64SqzmuXbMrJa0n761y5v0',
    },
    // A client_credentials access token of a client that authenticated with a federated
    // credential (RFC 7523 §2.2): a Kubernetes service account.
    v5: {
      jti: '2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d',
      client_id: 'svc-k8s',
      sub: 'svc-k8s',
      aud: 'https://orders.example.com',
      scope: 'orders:read',
      grant_type: 'client_credentials',
      format: 'jwt',
      token_kind: 'access_token',
      iat: 1_736_935_200,
      exp: 1_736_938_800,
      federated_issuer: 'https://kubernetes.default.svc.cluster.local',
      federated_subject: 'system:serviceaccount:payments:worker',
    },
    // An impersonation of a client_credentials JWT: no actor, no subject grant.
    v6: {
      jti: '3b4c5d6e-7f8a-4b9c-8d0e-1f2a3b4c5d6e',
      client_id: 'ledger-app',
      sub: 'svc-a',
      aud: 'https://ledger.example.com',
      scope: 'ledger:read',
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      grant_id: 'xg_Y2xpZW50Q3JlZGVudGlhbHNKdGk',
      format: 'jwt',
      token_kind: 'access_token',
      iat: 1_736_935_200,
      exp: 1_736_938_800,
      exchange_kind: 'impersonation',
      subject_jti: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      subject_client_id: 'svc-a',
    },
  },
  'token.revoked': {
    v1: {
      jti: '5c8d1e2f-3a4b-4c6d-9e7f-8a9b0c1d2e3f',
      client_id: 'svc-a',
      exp: 1_736_938_800,
      revoked_by: 'svc-a',
    },
  },
  'grant.revoked': {
    v1: { grant_id: 'grant-7f3a', client_id: 'web-app', exp: 1_736_938_860, reason: 'code_replay' },
  },
  'client.tokens_revoked': FULL['client.tokens_revoked'],
  'subject.tokens_revoked': FULL['subject.tokens_revoked'],
  'key.rotated': {
    v1: FULL['key.rotated'].v1,
    // Only what every step carries.
    v2: { ...FULL['key.rotated'].v1, step: 'published' },
  },
  'grant.created': {
    v1: {
      grant_id: 'grant-9c1d',
      sub: 'user-123',
      client_id: 'svc-cli',
      scopes: [],
      resources: [],
      auth_time: 1_736_935_100,
    },
  },
  'authorization.denied': {
    v1: { client_id: 'web-app', reason: 'login_required', error: 'login_required' },
  },
  'session.started': {
    v1: {
      sid: 'c3a1f0e2-5b4d-4e6f-8a7b-9c0d1e2f3a4b',
      sub: 'user-123',
      auth_time: 1_736_935_100,
      exp: 1_736_938_700,
    },
  },
  'session.ended': {
    v1: { sid: 'c3a1f0e2-5b4d-4e6f-8a7b-9c0d1e2f3a4b', sub: 'user-123', reason: 'replaced' },
  },
  'client.registered': { v1: { client_id: 'billing-batch', client: CLIENT_STATE.client } },
  'client.updated': { v1: { client_id: 'billing-batch', client: CLIENT_STATE.client } },
  'client.secret_rotated': { v1: { client_id: 'billing-batch', client: CLIENT_STATE.client } },
  'client.deleted': FULL['client.deleted'],
  'resource.registered': FULL['resource.registered'],
  'resource.updated': FULL['resource.updated'],
  'resource.deleted': FULL['resource.deleted'],
  'initial_access_token.issued': FULL['initial_access_token.issued'],
};
/** Every (type, version) pair the code knows. */
const CASES = Object.entries(FULL).flatMap(([type, versions]) =>
  Object.keys(versions).map((version) => [type as EventType, version] as const),
);
const sampleOf = (
  table: Table<'full'> | Table<'minimal'>,
  type: EventType,
  version: string,
): EventCatalogue[EventType] =>
  (table[type] as Record<string, EventCatalogue[EventType]>)[version]!;
/** The fields a case requires. */
const requiredOf = (type: EventType, version: string) =>
  Object.keys(sampleOf(MINIMAL, type, version));

/** Subject and partition key the way the producers choose them. */
const ROUTE: { [T in EventType]: (d: EventCatalogue[T]) => [subject: string, key: string] } = {
  'token.issued': (d) => [d.jti, d.grant_id ?? d.client_id],
  'token.revoked': (d) => [d.jti, d.client_id],
  'grant.revoked': (d) => [d.grant_id, d.grant_id],
  'client.tokens_revoked': (d) => [d.client_id, d.client_id],
  'subject.tokens_revoked': (d) => [d.sub, d.sub],
  'key.rotated': (d) => [d.kid, d.kid],
  'grant.created': (d) => [d.grant_id, d.grant_id],
  'authorization.denied': (d) => [d.client_id, d.client_id],
  'session.started': (d) => [d.sid, d.sid],
  'session.ended': (d) => [d.sid, d.sid],
  'client.registered': (d) => [d.client_id, registryKeyOf('client', d.client_id)],
  'client.updated': (d) => [d.client_id, registryKeyOf('client', d.client_id)],
  'client.secret_rotated': (d) => [d.client_id, registryKeyOf('client', d.client_id)],
  'client.deleted': (d) => [d.client_id, registryKeyOf('client', d.client_id)],
  'resource.registered': (d) => [d.identifier, registryKeyOf('resource', d.identifier)],
  'resource.updated': (d) => [d.identifier, registryKeyOf('resource', d.identifier)],
  'resource.deleted': (d) => [d.identifier, registryKeyOf('resource', d.identifier)],
  'initial_access_token.issued': (d) => [d.token_digest, d.token_digest],
};
/** The fields whose values come from a closed list in the code, which the document must match. */
const ENUMS: Partial<Record<EventType, Record<string, readonly string[]>>> = {
  'token.issued': {
    format: ['jwt', 'opaque'],
    kind: TOKEN_KINDS,
    token_kind: TOKEN_KINDS,
    cnf_kind: CONFIRMATION_KINDS,
    exchange_kind: EXCHANGE_KINDS,
  },
  'authorization.denied': { reason: Object.keys(DENIAL_REASONS), error: DENIAL_ERRORS },
  'session.ended': { reason: SESSION_END_REASONS },
  'key.rotated': { step: KEY_ROTATION_STEPS },
};
const factory = new EventFactory('urn:token-lifecycle:issuance:host-a-4242');
function build<T extends EventType>(type: T, data: EventCatalogue[T]): LifecycleEvent<T> {
  const [subject, key] = ROUTE[type](data);
  return factory.create(type, subject, key, data);
}
const json = (event: LifecycleEvent): Json => JSON.parse(JSON.stringify(event));

const ajv = new Ajv({ strict: true, allErrors: true });
// The document promises RFC 3339 (`format: date-time`); ajv knows no formats of its own.
ajv.addFormat('date-time', {
  type: 'string',
  validate: (s: string) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) &&
    !Number.isNaN(Date.parse(s)),
});
// Only `components` is JSON Schema; registered under the document's layout so that its
// `#/components/...` references resolve, with the container keyword itself ignored.
ajv.addKeyword('components');
ajv.addSchema({ components: doc.components }, DOC_ID);
const compile = (ref: string): ValidateFunction => {
  const validate = ajv.getSchema(`${DOC_ID}${ref}`);
  if (!validate) throw new Error(`no schema at ${ref}`);
  return validate;
};
/** Compiled on first use, so that a broken schema fails the tests that need it, not the suite. */
const payloadOf = (type: EventType, version: string): ValidateFunction =>
  compile(`#/components/messages/${messageOf(type, version).key}/payload`);
const anyPayload = (value: unknown) =>
  CASES.some(([type, version]) => payloadOf(type, version)(value));

/** Broken variants of a good event, each labelled, that every validator must refuse. */
function mutations(event: LifecycleEvent, required: readonly string[]): [string, Json][] {
  const variant = (change: (e: Json) => void): Json => {
    const e = json(event);
    change(e);
    return e;
  };
  const fields = Object.keys(event.data);
  const e0 = json(event);
  const arrays = fields.filter((f) => Array.isArray(e0.data[f]));
  const [, version] = /:(v\d+)$/.exec(event.dataschema) ?? [];
  const otherVersions = Object.keys(FULL[event.type]).filter((v) => v !== version);
  const relabel = (v: string) => (e: Json) =>
    (e.dataschema = String(e.dataschema).replace(/:v\d+$/, `:${v}`));
  return [
    ...required.map((f): [string, Json] => [`without data.${f}`, variant((e) => delete e.data[f])]),
    ...fields.map((f): [string, Json] => [
      `data.${f} of the wrong type`,
      variant((e) => (e.data[f] = typeof e.data[f] === 'number' ? String(e.data[f]) : 42)),
    ]),
    ...fields.map((f): [string, Json] => [
      `data.${f} empty or negative`,
      variant((e) => (e.data[f] = typeof e.data[f] === 'number' ? -1 : '')),
    ]),
    ...fields.map((f): [string, Json] => [`data.${f} null`, variant((e) => (e.data[f] = null))]),
    ...fields
      .filter((f) => typeof e0.data[f] === 'number')
      .map((f): [string, Json] => [`data.${f} fractional`, variant((e) => (e.data[f] = 1.5))]),
    ...arrays.flatMap((f): [string, Json][] => {
      const items = e0.data[f] as string[];
      return [
        [`data.${f} with an empty item`, variant((e) => (e.data[f] = [...items, '']))],
        [`data.${f} with a repeated item`, variant((e) => (e.data[f] = [...items, items[0]]))],
        [`data.${f} with a numeric item`, variant((e) => (e.data[f] = [...items, 7]))],
      ];
    }),
    ...Object.keys(ENUMS[event.type] ?? {})
      .filter((f) => fields.includes(f))
      .map((f): [string, Json] => [
        `data.${f} off its list`,
        variant((e) => (e.data[f] = 'x-not-on-the-list')),
      ]),
    ...fields
      .filter((f) => f === 'token_digest')
      .map((f): [string, Json] => [
        'a raw opaque token as token_digest',
        variant((e) => (e.data[f] = `at_${DIGEST}`)),
      ]),
    ['an extra data field', variant((e) => (e.data.refresh_token = 'rt_x'))],
    ...['id', 'time', 'subject', 'dataschema', 'partitionkey', 'data'].map((f): [string, Json] => [
      `without ${f}`,
      variant((e) => delete e[f]),
    ]),
    ['a time that is no date', variant((e) => (e.time = 'yesterday'))],
    ['specversion 0.3', variant((e) => (e.specversion = '0.3'))],
    ['an unknown type', variant((e) => (e.type = 'token.refreshed'))],
    ['an unknown schema version', variant(relabel('v9'))],
    [`schema ${version} written with a leading zero`, variant(relabel(`v0${version!.slice(1)}`))],
    ...otherVersions.map((v): [string, Json] => [`labelled ${v}`, variant(relabel(v))]),
  ];
}

describe('docs/asyncapi.yaml', () => {
  it('documents on every message the trace-context headers the bus writes', () => {
    for (const m of onChannels)
      expect(m.message.headers).toEqual({ $ref: '#/components/schemas/TraceContextHeaders' });
    const schema = deref<{ properties: Record<string, unknown> }>(
      '#/components/schemas/TraceContextHeaders',
    );
    const validate = new Ajv({ strict: true }).compile(schema);
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    for (const written of [
      kafkaHeaders({ traceparent }),
      kafkaHeaders({ traceparent, tracestate: 'vendor=opaque' }),
    ]) {
      const asText = Object.fromEntries(Object.entries(written).map(([k, v]) => [k, String(v)]));
      expect(validate(asText)).toBe(true);
      expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(Object.keys(written)));
    }
    expect(validate({ traceparent: 'not-a-traceparent' })).toBe(false);
  });

  it('is an AsyncAPI 3 document with a local Kafka server', () => {
    expect(doc.asyncapi).toMatch(/^3\.0\./);
    expect(Object.values(doc.servers)).toContainEqual(
      expect.objectContaining({ protocol: 'kafka', host: expect.stringMatching(/\S/) }),
    );
  });

  it('has no dangling reference', () => {
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (typeof node !== 'object' || node === null) return;
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string') refs.push(v);
        else walk(v);
      }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(() => deref(ref)).not.toThrow();
  });

  it('describes exactly the event types and versions of the code, each on its topic', () => {
    const names = new Set(onChannels.map((m) => m.message.name));
    expect([...names].sort()).toEqual(Object.keys(TOPIC_OF).sort());
    const described = onChannels.map((m) => `${m.message.name} ${m.version}`);
    expect(described.sort()).toEqual(CASES.map(([t, v]) => `${t} ${v}`).sort());
    for (const [type, version] of CASES)
      expect(messageOf(type, version).topic).toBe(TOPIC_OF[type]);
    expect(Object.values(doc.channels).map((c) => c.address)).toEqual(
      expect.arrayContaining([...new Set(Object.values(TOPIC_OF))]),
    );
  });

  it('has every operation send or receive messages of its own channel', () => {
    for (const op of Object.values(doc.operations)) {
      expect(['send', 'receive']).toContain(op.action);
      if (op.action === 'send')
        expect(op['x-producer']).toEqual({
          idempotent: true,
          acks: 'all',
          delivery: 'at-least-once',
        });
      for (const m of op.messages)
        expect(m.$ref.startsWith(`${op.channel.$ref}/messages/`)).toBe(true);
    }
  });

  it('has every message received by an operation (the projector reads the whole topic)', () => {
    for (const m of onChannels) {
      const receivers = Object.values(doc.operations).filter(
        (op) =>
          op.action === 'receive' &&
          op.messages.some((r) => r.$ref === `#/channels/${m.channel}/messages/${m.key}`),
      );
      expect(receivers.length).toBeGreaterThan(0);
    }
  });

  it.each(CASES)('says who writes and who reads %s %s, and what its key is', (type, version) => {
    const { message } = messageOf(type, version);
    expect(message.summary).toMatch(/^Written by .+; read by .+\.$/);
    expect(message.bindings.kafka.key).toBeDefined();
  });

  it.each(CASES)(
    'has a %s %s payload schema that ajv compiles in strict draft-07 mode',
    (type, version) => {
      expect(() => payloadOf(type, version)).not.toThrow();
    },
  );

  it.each(CASES)('requires exactly the required fields of %s %s', (type, version) => {
    const event = deref<{ allOf: [unknown, { properties: { data: Ref } }] }>(
      messageOf(type, version).message.payload.$ref,
    );
    const data = deref<{ required: string[]; properties: object; additionalProperties: boolean }>(
      event.allOf[1].properties.data.$ref,
    );
    expect(data.additionalProperties).toBe(false);
    expect([...data.required].sort()).toEqual(requiredOf(type, version).sort());
    expect(Object.keys(data.properties).sort()).toEqual(
      Object.keys(sampleOf(FULL, type, version)).sort(),
    );
  });

  describe.each(CASES)('%s %s', (type, version) => {
    const validate = (value: unknown) => payloadOf(type, version)(value);
    const full = build(type, sampleOf(FULL, type, version));
    const samples: [string, LifecycleEvent][] = [
      ['every field', full],
      ['only the required fields', build(type, sampleOf(MINIMAL, type, version))],
    ];

    it.each(samples)('is what the producers write with %s', (_, event) => {
      expect(event.dataschema).toBe(`urn:token-lifecycle:schema:${type}:${version}`);
    });

    it.each(samples)('accepts the event built with %s, as the parser does', (_, event) => {
      const strict = payloadOf(type, version);
      const valid = strict(json(event));
      expect(strict.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
      expect(parseLifecycleEvent(JSON.stringify(event))).toEqual({ ok: true, event });
    });

    it("lists exactly the code's values for each closed field, and accepts each", () => {
      const event = deref<{ allOf: [unknown, { properties: { data: Ref } }] }>(
        messageOf(type, version).message.payload.$ref,
      );
      const { properties } = deref<{ properties: Record<string, { enum?: string[] }> }>(
        event.allOf[1].properties.data.$ref,
      );
      const closed = Object.entries(ENUMS[type] ?? {}).filter(([f]) => f in properties);
      const documented = Object.entries(properties).filter(([, p]) => p.enum);
      expect(documented.map(([f]) => f).sort()).toEqual(closed.map(([f]) => f).sort());
      for (const [field, values] of closed) {
        expect([...properties[field]!.enum!].sort()).toEqual([...values].sort());
        for (const value of values) {
          const e = json(full);
          e.data[field] = value;
          expect(validate(e)).toBe(true);
          expect(parseLifecycleEvent(JSON.stringify(e)).ok).toBe(true);
        }
      }
    });

    it('has message examples that validate and parse', () => {
      const examples = messageOf(type, version).message.examples ?? [];
      expect(examples.length).toBeGreaterThan(0);
      for (const { payload } of examples) {
        expect(validate(payload)).toBe(true);
        expect(parseLifecycleEvent(JSON.stringify(payload)).ok).toBe(true);
      }
    });

    it('keys the event as its message key schema says', () => {
      const key = messageOf(type, version).message.bindings.kafka.key;
      const validateKey =
        '$ref' in key ? compile((key as Ref).$ref) : ajv.compile(key as Record<string, unknown>);
      for (const [, event] of samples) expect(validateKey(event.partitionkey)).toBe(true);
    });

    it.each(mutations(full, requiredOf(type, version)))(
      'refuses it %s, as the parser does',
      (_, broken) => {
        expect(validate(broken)).toBe(false);
        expect(anyPayload(broken)).toBe(false);
        expect(parseLifecycleEvent(JSON.stringify(broken)).ok).toBe(false);
      },
    );
  });

  it('requires grant_id of a v3 ID or refresh token, not of an access token, as the parser does', () => {
    const validate = payloadOf('token.issued', 'v3');
    for (const kind of TOKEN_KINDS) {
      const e = json(build('token.issued', { ...MINIMAL['token.issued'].v3, token_kind: kind }));
      const expected = kind === 'access_token';
      expect(validate(e)).toBe(expected);
      expect(parseLifecycleEvent(JSON.stringify(e)).ok).toBe(expected);
      e.data.grant_id = 'grant-7f3a';
      expect(validate(e)).toBe(true);
      expect(parseLifecycleEvent(JSON.stringify(e)).ok).toBe(true);
    }
  });

  it('refuses a v6 binding or federated credential with one member and not the other, as the parser does', () => {
    const validate = payloadOf('token.issued', 'v6');
    for (const drop of ['cnf_kind', 'cnf_thumbprint', 'federated_issuer', 'federated_subject']) {
      const e = json(build('token.issued', FULL['token.issued'].v6));
      delete e.data[drop];
      expect(validate(e)).toBe(false);
      expect(parseLifecycleEvent(JSON.stringify(e)).ok).toBe(false);
    }
  });

  it('refuses a v6 actor chain that is malformed or nested too deep, as the parser does', () => {
    const validate = payloadOf('token.issued', 'v6');
    const deep = (n: number): object =>
      n === 1 ? { sub: 's1' } : { sub: `s${n}`, act: deep(n - 1) };
    for (const [act, expected] of [
      [deep(5), true],
      [{ sub: 'a', act: { client_id: 'b' } }, false],
      [{ sub: 'a', iss: 'https://elsewhere' }, false],
    ] as const) {
      const e = json(build('token.issued', FULL['token.issued'].v6));
      e.data.act = act;
      expect(parseLifecycleEvent(JSON.stringify(e)).ok).toBe(expected);
      expect(validate(e)).toBe(expected);
    }
    // The document cannot count nesting; the parser bounds it as the tokens do.
    const e = json(build('token.issued', FULL['token.issued'].v6));
    e.data.act = deep(6);
    expect(parseLifecycleEvent(JSON.stringify(e)).ok).toBe(false);
  });

  it('refuses a registry document that carries a plain secret, as the parser does', () => {
    for (const [type, member] of [
      ['client.registered', 'client_secret'],
      ['client.updated', 'password'],
    ] as const) {
      const e = json(build(type, FULL[type].v1));
      (e.data.client as Record<string, unknown>)[member] = 'a-plain-secret-0123456789';
      expect(payloadOf(type, 'v1')(e)).toBe(false);
      expect(parseLifecycleEvent(JSON.stringify(e)).ok).toBe(false);
    }
  });

  it('agrees with parseLifecycleEvent on every sample', () => {
    const all = CASES.flatMap(([type, version]) => {
      const full = build(type, sampleOf(FULL, type, version));
      return [
        json(full),
        json(build(type, sampleOf(MINIMAL, type, version))),
        ...mutations(full, requiredOf(type, version)).map(([, e]) => e),
      ];
    });
    const disagreements = all.filter(
      (e) => parseLifecycleEvent(JSON.stringify(e)).ok !== anyPayload(e),
    );
    expect(disagreements).toEqual([]);
  });
});
