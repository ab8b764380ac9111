import Ajv, { ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EventFactory, LifecycleEvent } from './event-envelope';
import { parseLifecycleEvent } from './event.parser';
import { EventCatalogue, EventType, TOPIC_OF } from './topics';

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

/** Every message, with its event type (`name`) and the topic of the channel that carries it. */
const onChannels = Object.entries(doc.channels).flatMap(([channel, c]) =>
  Object.entries(c.messages).map(([key, ref]) => ({
    channel,
    key,
    topic: c.address,
    message: deref<MessageDoc>(ref.$ref),
    ref: ref.$ref,
  })),
);
const messageOf = (type: EventType) => {
  const found = onChannels.find((m) => m.message.name === type);
  if (!found) throw new Error(`no message for ${type}`);
  return found;
};

// Realistic data for each type, typed against the V1 interfaces (tsc checks the tables): every
// field, and only the required ones.
const DIGEST = '47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU'; // base64url SHA-256 of ""
type RequiredOnly<P> = {
  [K in keyof P as Pick<P, K> extends Required<Pick<P, K>> ? K : never]: P[K];
};
const FULL: { [T in EventType]: Required<EventCatalogue[T]> } = {
  'token.issued': {
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
  },
  'token.revoked': {
    jti: '0b7e4d9c-5a6f-4e3d-8c2b-1a0f9e8d7c6b',
    client_id: 'web-app',
    token_digest: DIGEST,
    exp: 1_736_938_800,
    revoked_by: 'web-app',
  },
  'grant.revoked': {
    grant_id: 'grant-7f3a',
    client_id: 'web-app',
    exp: 1_739_527_200,
    reason: 'refresh_token_reuse',
  },
  'client.tokens_revoked': {
    client_id: 'svc-a',
    revoked_at: 1_736_942_400_123,
    exp: 1_736_946_000,
    reason: 'compromised',
  },
  'key.rotated': {
    kid: 'es256-2025-01-15',
    alg: 'ES256',
    jwks_uri: 'https://auth.example.com/oauth2/jwks',
  },
};
const MINIMAL: { [T in EventType]: RequiredOnly<EventCatalogue[T]> } = {
  'token.issued': {
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
  'token.revoked': {
    jti: '5c8d1e2f-3a4b-4c6d-9e7f-8a9b0c1d2e3f',
    client_id: 'svc-a',
    exp: 1_736_938_800,
    revoked_by: 'svc-a',
  },
  'grant.revoked': FULL['grant.revoked'],
  'client.tokens_revoked': FULL['client.tokens_revoked'],
  'key.rotated': FULL['key.rotated'],
};
const TYPES = Object.keys(FULL) as EventType[];

/** Subject and partition key the way the producers choose them. */
const ROUTE: { [T in EventType]: (d: EventCatalogue[T]) => [subject: string, key: string] } = {
  'token.issued': (d) => [d.jti, d.grant_id ?? d.client_id],
  'token.revoked': (d) => [d.jti, d.client_id],
  'grant.revoked': (d) => [d.grant_id, d.grant_id],
  'client.tokens_revoked': (d) => [d.client_id, d.client_id],
  'key.rotated': (d) => [d.kid, d.kid],
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
const payloadOf = (type: EventType): ValidateFunction =>
  compile(`#/components/messages/${messageOf(type).key}/payload`);
const anyPayload = (value: unknown) => TYPES.some((type) => payloadOf(type)(value));

/** Broken variants of a good event, each labelled, that every validator must refuse. */
function mutations(event: LifecycleEvent, required: readonly string[]): [string, Json][] {
  const variant = (change: (e: Json) => void): Json => {
    const e = json(event);
    change(e);
    return e;
  };
  const fields = Object.keys(event.data);
  const e0 = json(event);
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
    ['schema v2', variant((e) => (e.dataschema = String(e.dataschema).replace(/:v1$/, ':v2')))],
    ['schema v01', variant((e) => (e.dataschema = String(e.dataschema).replace(/:v1$/, ':v01')))],
  ];
}

describe('docs/asyncapi.yaml', () => {
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

  it('describes exactly the event types of TOPIC_OF, each on its topic', () => {
    const names = onChannels.map((m) => m.message.name);
    expect([...names].sort()).toEqual(Object.keys(TOPIC_OF).sort());
    for (const type of TYPES) expect(messageOf(type).topic).toBe(TOPIC_OF[type]);
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

  it.each(TYPES)('says who writes and who reads %s, and what its key is', (type) => {
    const { message } = messageOf(type);
    expect(message.summary).toMatch(/^Written by .+; read by .+\.$/);
    expect(message.bindings.kafka.key).toBeDefined();
  });

  it.each(TYPES)('has a %s payload schema that ajv compiles in strict draft-07 mode', (type) => {
    expect(() => payloadOf(type)).not.toThrow();
  });

  it.each(TYPES)('requires exactly the required fields of the %s interface', (type) => {
    const event = deref<{ allOf: [unknown, { properties: { data: Ref } }] }>(
      messageOf(type).message.payload.$ref,
    );
    const data = deref<{ required: string[]; properties: object; additionalProperties: boolean }>(
      event.allOf[1].properties.data.$ref,
    );
    expect(data.additionalProperties).toBe(false);
    expect([...data.required].sort()).toEqual(Object.keys(MINIMAL[type]).sort());
    expect(Object.keys(data.properties).sort()).toEqual(Object.keys(FULL[type]).sort());
  });

  describe.each(TYPES)('%s', (type) => {
    const validate = (value: unknown) => payloadOf(type)(value);
    const full = build(type, FULL[type]);
    const samples: [string, LifecycleEvent][] = [
      ['every field', full],
      ['only the required fields', build(type, MINIMAL[type] as EventCatalogue[typeof type])],
    ];

    it.each(samples)('accepts the event built with %s, as the parser does', (_, event) => {
      const strict = payloadOf(type);
      const valid = strict(json(event));
      expect(strict.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
      expect(parseLifecycleEvent(JSON.stringify(event))).toEqual({ ok: true, event });
    });

    it('has message examples that validate and parse', () => {
      const examples = messageOf(type).message.examples ?? [];
      expect(examples.length).toBeGreaterThan(0);
      for (const { payload } of examples) {
        expect(validate(payload)).toBe(true);
        expect(parseLifecycleEvent(JSON.stringify(payload)).ok).toBe(true);
      }
    });

    it('keys the event as its message key schema says', () => {
      const key = messageOf(type).message.bindings.kafka.key;
      const validateKey =
        '$ref' in key ? compile((key as Ref).$ref) : ajv.compile(key as Record<string, unknown>);
      for (const [, event] of samples) expect(validateKey(event.partitionkey)).toBe(true);
    });

    it.each(mutations(full, Object.keys(MINIMAL[type])))(
      'refuses it %s, as the parser does',
      (_, broken) => {
        expect(validate(broken)).toBe(false);
        expect(anyPayload(broken)).toBe(false);
        expect(parseLifecycleEvent(JSON.stringify(broken)).ok).toBe(false);
      },
    );
  });

  it('agrees with parseLifecycleEvent on every sample', () => {
    const all = TYPES.flatMap((type) => {
      const full = build(type, FULL[type]);
      return [
        json(full),
        json(build(type, MINIMAL[type] as EventCatalogue[typeof type])),
        ...mutations(full, Object.keys(MINIMAL[type])).map(([, e]) => e),
      ];
    });
    const disagreements = all.filter(
      (e) => parseLifecycleEvent(JSON.stringify(e)).ok !== anyPayload(e),
    );
    expect(disagreements).toEqual([]);
  });
});
