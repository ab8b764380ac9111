import { EventFactory, LifecycleEvent } from './event-envelope';
import { parseLifecycleEvent } from './event.parser';
import {
  CONFIRMATION_KINDS,
  DENIAL_ERRORS,
  DENIAL_REASONS,
  EventCatalogue,
  EventType,
  TOKEN_KINDS,
  TokenIssuedV1,
  TokenIssuedV3,
  TokenIssuedV4,
  TokenIssuedV5,
  tokenKindOf,
} from './topics';

const factory = new EventFactory('urn:token-lifecycle:test:spec-1');
const DIGEST = 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg'; // base64url SHA-256 of "test"

const samples: { [T in EventType]: [subject: string, key: string, data: EventCatalogue[T]] } = {
  'token.issued': [
    'jti-1',
    'grant-1',
    {
      jti: 'jti-1',
      client_id: 'web-app',
      sub: 'user-1',
      aud: 'https://orders.example.com',
      scope: 'orders:read',
      grant_type: 'authorization_code',
      grant_id: 'grant-1',
      format: 'opaque',
      token_digest: DIGEST,
      iat: 1_700_000_000,
      exp: 1_700_003_600,
    },
  ],
  'token.revoked': [
    'jti-2',
    'svc-a',
    { jti: 'jti-2', client_id: 'svc-a', exp: 1_700_003_600, revoked_by: 'svc-a' },
  ],
  'grant.revoked': [
    'grant-1',
    'grant-1',
    { grant_id: 'grant-1', client_id: 'web-app', exp: 1_702_592_000, reason: 'reuse' },
  ],
  'client.tokens_revoked': [
    'svc-a',
    'svc-a',
    { client_id: 'svc-a', revoked_at: 1_700_000_000_123, exp: 1_700_003_600, reason: 'admin' },
  ],
  'subject.tokens_revoked': [
    'user-1',
    'user-1',
    { sub: 'user-1', revoked_at: 1_700_000_000_456, exp: 1_700_003_660, reason: 'admin' },
  ],
  'key.rotated': [
    'k-2',
    'k-2',
    { kid: 'k-2', alg: 'ES256', jwks_uri: 'https://auth.example.com/oauth2/jwks' },
  ],
  'grant.created': [
    'grant-1',
    'grant-1',
    {
      grant_id: 'grant-1',
      sub: 'user-1',
      client_id: 'web-app',
      scopes: ['openid', 'profile', 'orders:read'],
      resources: ['https://orders.example.com'],
      acr: 'urn:example:loa:2',
      amr: ['pwd', 'otp'],
      auth_time: 1_700_000_000,
      sid: 'sid-1',
    },
  ],
  'authorization.denied': [
    'web-app',
    'web-app',
    { client_id: 'web-app', reason: 'consent_denied', error: 'access_denied', sub: 'user-1' },
  ],
  'session.started': [
    'sid-1',
    'sid-1',
    {
      sid: 'sid-1',
      sub: 'user-1',
      auth_time: 1_700_000_000,
      exp: 1_700_086_400,
      amr: ['pwd'],
      client_id: 'web-app',
    },
  ],
  'session.ended': ['sid-1', 'sid-1', { sid: 'sid-1', sub: 'user-1', reason: 'logout' }],
  'client.registered': [
    'svc-a',
    'client:svc-a',
    { client_id: 'svc-a', client: { client_id: 'svc-a' } },
  ],
  'client.updated': [
    'svc-a',
    'client:svc-a',
    { client_id: 'svc-a', client: { client_id: 'svc-a' } },
  ],
  'client.secret_rotated': [
    'svc-a',
    'client:svc-a',
    { client_id: 'svc-a', client: { client_id: 'svc-a' } },
  ],
  'client.deleted': ['svc-a', 'client:svc-a', { client_id: 'svc-a' }],
  'resource.registered': [
    'https://orders.example.com',
    'resource:https://orders.example.com',
    { identifier: 'https://orders.example.com', resource: { scopes: [] } },
  ],
  'resource.updated': [
    'https://orders.example.com',
    'resource:https://orders.example.com',
    { identifier: 'https://orders.example.com', resource: { scopes: [] } },
  ],
  'resource.deleted': [
    'https://orders.example.com',
    'resource:https://orders.example.com',
    { identifier: 'https://orders.example.com' },
  ],
  'initial_access_token.issued': [
    '1oq9f4h2Zq3yJX0vB7s6LwKcTn8mRpE5aGdUiV2xYbQ',
    '1oq9f4h2Zq3yJX0vB7s6LwKcTn8mRpE5aGdUiV2xYbQ',
    {
      token_digest: '1oq9f4h2Zq3yJX0vB7s6LwKcTn8mRpE5aGdUiV2xYbQ',
      issued_by: 'ops-admin',
      uses: 5,
      exp: 1_700_003_600,
    },
  ],
};
const TYPES = Object.keys(samples) as EventType[];
function build<T extends EventType>(type: T): LifecycleEvent<T> {
  const [subject, key, data] = samples[type];
  return factory.create(type, subject, key, data);
}

/** The decoded JSON of an event, for the mutations a broken producer could make. */
type Wire = { [name: string]: unknown; data: Record<string, unknown> };
type Change<T> = (value: T) => unknown;

/** The event as plain JSON, with `change` applied. */
function wire(event: LifecycleEvent, change: Change<Wire> = () => {}) {
  const e = JSON.parse(JSON.stringify(event));
  change(e);
  return JSON.stringify(e);
}
const reasonOf = (raw: string | Buffer) => {
  const r = parseLifecycleEvent(raw);
  return r.ok ? 'ok' : r.reason;
};

describe('parseLifecycleEvent', () => {
  it.each(TYPES)('round-trips %s from a string and from a Buffer', (type) => {
    const event = build(type);
    expect(parseLifecycleEvent(JSON.stringify(event))).toEqual({ ok: true, event });
    expect(parseLifecycleEvent(Buffer.from(JSON.stringify(event)))).toEqual({ ok: true, event });
  });

  it('accepts optional fields absent and unknown envelope attributes (CloudEvents extensions)', () => {
    const event = factory.create('token.issued', 'jti-3', 'svc-a', {
      jti: 'jti-3',
      client_id: 'svc-a',
      sub: 'svc-a',
      aud: 'https://orders.example.com',
      scope: 'orders:read',
      grant_type: 'client_credentials',
      format: 'jwt',
      iat: 1,
      exp: 2,
    });
    expect(reasonOf(JSON.stringify(event))).toBe('ok');
    expect(reasonOf(wire(event, (e) => (e.traceparent = '00-abc-def-01')))).toBe('ok');
  });

  it.each(['', '{', 'not json', '{"a":1}}'])('rejects %j as json', (raw) => {
    expect(reasonOf(raw)).toBe('json');
  });

  it('does not echo the input in the detail (it may hold what must not be logged)', () => {
    const r = parseLifecycleEvent('{"secret":"at_hunter2"');
    expect(r).toMatchObject({ ok: false, reason: 'json' });
    expect(JSON.stringify(r)).not.toContain('hunter2');
  });

  it.each(['null', '[]', '42', '"event"'])('rejects the JSON value %s as envelope', (raw) => {
    expect(reasonOf(raw)).toBe('envelope');
  });

  it.each([
    'specversion',
    'id',
    'source',
    'type',
    'time',
    'subject',
    'datacontenttype',
    'dataschema',
    'partitionkey',
    'data',
  ])('rejects an event without %s as envelope, naming it', (name) => {
    const r = parseLifecycleEvent(wire(build('token.revoked'), (e) => delete e[name]));
    expect(r).toEqual({ ok: false, reason: 'envelope', detail: expect.stringContaining(name) });
  });

  it.each<[string, Change<Wire>]>([
    ['specversion 0.3', (e) => (e.specversion = '0.3')],
    ['an empty id', (e) => (e.id = '')],
    ['a numeric id', (e) => (e.id = 7)],
    ['a time that is not RFC 3339', (e) => (e.time = 'yesterday')],
    ['a time as epoch millis', (e) => (e.time = 1_700_000_000_000)],
    ['another datacontenttype', (e) => (e.datacontenttype = 'text/plain')],
    ['data as an array', (e) => Object.assign(e, { data: [] })],
    ['data null', (e) => Object.assign(e, { data: null })],
    ['a dataschema of another type', (e) => (e.dataschema = 'urn:token-lifecycle:schema:x:v1')],
    ['a dataschema that is no URN of ours', (e) => (e.dataschema = 'https://example.com/s.json')],
  ])('rejects %s as envelope', (_, change) => {
    expect(reasonOf(wire(build('token.revoked'), change))).toBe('envelope');
  });

  it.each(['token.refreshed', 'toString', '__proto__', 'constructor'])(
    'rejects the type %s as unknown_type',
    (type) => {
      const raw = wire(build('token.revoked'), (e) => {
        e.type = type;
        e.dataschema = `urn:token-lifecycle:schema:${type}:v1`;
      });
      expect(reasonOf(raw)).toBe('unknown_type');
    },
  );

  it('bounds and escapes wire names in the detail, so they cannot flood or forge log lines', () => {
    const name = `evil\n${'x'.repeat(500)}`;
    const r = parseLifecycleEvent(wire(build('key.rotated'), (e) => (e.data[name] = 1)));
    expect(r).toMatchObject({ ok: false, reason: 'data' });
    const detail = r.ok ? '' : r.detail;
    expect(detail).toContain('data.evil\\nxxx');
    expect(detail).not.toContain('\n');
    expect(detail.length).toBeLessThan(120);
  });

  it.each(['v0', 'v01', 'v2', 'v10'])(
    'rejects a known type at schema %s as schema_version',
    (v) => {
      const raw = wire(build('grant.revoked'), (e) => {
        e.dataschema = `urn:token-lifecycle:schema:grant.revoked:${v}`;
      });
      expect(parseLifecycleEvent(raw)).toEqual({
        ok: false,
        reason: 'schema_version',
        detail: expect.stringContaining(v),
      });
    },
  );

  it.each<[string, EventType, Change<Record<string, unknown>>, string]>([
    ['a string exp', 'token.revoked', (d) => (d.exp = '1700003600'), 'data.exp'],
    ['a fractional iat', 'token.issued', (d) => (d.iat = 1.5), 'data.iat'],
    ['a negative exp', 'grant.revoked', (d) => (d.exp = -1), 'data.exp'],
    ['a numeric client_id', 'client.tokens_revoked', (d) => (d.client_id = 7), 'data.client_id'],
    ['an empty kid', 'key.rotated', (d) => (d.kid = ''), 'data.kid'],
    ['a null optional field', 'token.issued', (d) => (d.grant_id = null), 'data.grant_id'],
    ['a format outside the enum', 'token.issued', (d) => (d.format = 'paseto'), 'data.format'],
    [
      'a raw opaque token as digest',
      'token.issued',
      (d) => (d.token_digest = `at_${DIGEST}`),
      'data.token_digest',
    ],
    ['an extra field', 'key.rotated', (d) => (d.private_key = 'x'), 'data.private_key'],
    [
      'an extra __proto__ field',
      'key.rotated',
      (d) => Object.defineProperty(d, '__proto__', { value: {}, enumerable: true }),
      'data.__proto__',
    ],
    ['a missing required field', 'token.revoked', (d) => delete d.revoked_by, 'data.revoked_by'],
    ['a missing jti', 'token.issued', (d) => delete d.jti, 'data.jti'],
    [
      'a kind at v1 (v1 is an access token)',
      'token.issued',
      (d) => (d.kind = 'id_token'),
      'data.kind',
    ],
    ['a grant without grant_id', 'grant.created', (d) => delete d.grant_id, 'data.grant_id'],
    ['a grant without auth_time', 'grant.created', (d) => delete d.auth_time, 'data.auth_time'],
    ['scopes as a string', 'grant.created', (d) => (d.scopes = 'openid profile'), 'data.scopes'],
    ['an empty scope', 'grant.created', (d) => (d.scopes = ['openid', '']), 'data.scopes'],
    [
      'a repeated resource',
      'grant.created',
      (d) => (d.resources = ['a:b', 'a:b']),
      'data.resources',
    ],
    ['a numeric amr item', 'grant.created', (d) => (d.amr = ['pwd', 1]), 'data.amr'],
    ['the code on a grant', 'grant.created', (d) => (d.code = 'ac_x'), 'data.code'],
    ['a user claim on a grant', 'grant.created', (d) => (d.email = 'a@b.example'), 'data.email'],
    ['a denial without reason', 'authorization.denied', (d) => delete d.reason, 'data.reason'],
    [
      'a reason off the list',
      'authorization.denied',
      (d) => (d.reason = 'bad_password'),
      'data.reason',
    ],
    [
      'an error off the list',
      'authorization.denied',
      (d) => (d.error = 'server_error'),
      'data.error',
    ],
    [
      "the login app's free text",
      'authorization.denied',
      (d) => (d.error_description = 'alice is locked out'),
      'data.error_description',
    ],
    ['a password', 'authorization.denied', (d) => (d.password = 'hunter2'), 'data.password'],
    [
      'the login challenge',
      'authorization.denied',
      (d) => (d.login_challenge = 'x'),
      'data.login_challenge',
    ],
    ['a session without exp', 'session.started', (d) => delete d.exp, 'data.exp'],
    ['a session without sid', 'session.started', (d) => delete d.sid, 'data.sid'],
    ['the session cookie', 'session.started', (d) => (d.cookie = 'x'), 'data.cookie'],
    ['a user claim on a session', 'session.started', (d) => (d.name = 'Alice'), 'data.name'],
    ['an end reason off the list', 'session.ended', (d) => (d.reason = 'expired'), 'data.reason'],
    ['an end without sub', 'session.ended', (d) => delete d.sub, 'data.sub'],
    [
      'an ID token hint on a logout',
      'session.ended',
      (d) => (d.id_token_hint = 'x'),
      'data.id_token_hint',
    ],
  ])('rejects %s as data, naming the field', (_, type, change, field) => {
    const r = parseLifecycleEvent(wire(build(type), (e) => change(e.data)));
    expect(r).toEqual({ ok: false, reason: 'data', detail: expect.stringContaining(field) });
  });

  it('names every bad data field, never their values', () => {
    const r = parseLifecycleEvent(
      wire(build('token.revoked'), (e) => {
        delete e.data.jti;
        e.data.exp = 'soon';
        e.data.token = 'at_secret-value';
      }),
    );
    expect(r).toMatchObject({ ok: false, reason: 'data' });
    const detail = r.ok ? '' : r.detail;
    for (const field of ['data.jti', 'data.exp', 'data.token']) expect(detail).toContain(field);
    expect(detail).not.toContain('secret-value');
  });

  describe('token.issued for an ID token (v2)', () => {
    const access = samples['token.issued'][2] as TokenIssuedV1;
    const idToken = () =>
      factory.create('token.issued', 'jti-9', 'grant-1', {
        ...access,
        jti: 'jti-9',
        aud: 'web-app',
        format: 'jwt',
        token_digest: undefined,
        kind: 'id_token',
      });
    const asV =
      (v: string): Change<Wire> =>
      (e) =>
        (e.dataschema = `urn:token-lifecycle:schema:token.issued:${v}`);

    it('is written as v2 with its kind and grant_id, and read back as an ID token', () => {
      const event = JSON.parse(JSON.stringify(idToken()));
      expect(event.dataschema).toBe('urn:token-lifecycle:schema:token.issued:v2');
      const r = parseLifecycleEvent(JSON.stringify(event));
      expect(r).toEqual({ ok: true, event });
      if (!r.ok || r.event.type !== 'token.issued') throw new Error('not parsed');
      expect(tokenKindOf(r.event.data)).toBe('id_token');
      expect(r.event.data.grant_id).toBe('grant-1');
    });

    it('leaves an access token at v1 (no kind), so readers of v1 still project it', () => {
      const event = build('token.issued');
      expect(event.dataschema).toBe('urn:token-lifecycle:schema:token.issued:v1');
      expect(event.data).not.toHaveProperty('kind');
      expect(tokenKindOf(event.data)).toBe('access_token');
    });

    it('refuses v2 without a kind, or with a kind off the list, as data', () => {
      expect(reasonOf(wire(build('token.issued'), asV('v2')))).toBe('data');
      const odd = wire(idToken(), (e) => (e.data.kind = 'authorization_code'));
      expect(parseLifecycleEvent(odd)).toEqual({
        ok: false,
        reason: 'data',
        detail: expect.stringContaining('data.kind'),
      });
    });

    it('refuses an ID token relabelled v1, v3 to v6, and an unknown v7, as an older reader would', () => {
      expect(reasonOf(wire(idToken(), asV('v1')))).toBe('data');
      expect(reasonOf(wire(idToken(), asV('v3')))).toBe('data');
      expect(reasonOf(wire(idToken(), asV('v4')))).toBe('data');
      expect(reasonOf(wire(idToken(), asV('v5')))).toBe('data');
      expect(reasonOf(wire(idToken(), asV('v6')))).toBe('data');
      expect(parseLifecycleEvent(wire(idToken(), asV('v7')))).toEqual({
        ok: false,
        reason: 'schema_version',
        detail: 'token.issued v7, expected v1 or v2 or v3 or v4 or v5 or v6',
      });
    });
  });

  describe('token.issued v3 (token_kind, written for every token)', () => {
    const access = samples['token.issued'][2] as TokenIssuedV1;
    const v3 = (data: Partial<TokenIssuedV3> & Pick<TokenIssuedV3, 'token_kind'>) =>
      factory.create('token.issued', 'jti-7', 'grant-1', { ...access, ...data });
    const asV2: Change<Wire> = (e) => (e.dataschema = 'urn:token-lifecycle:schema:token.issued:v2');

    it('is written as v3 and read back with its kind, whichever kind it is', () => {
      for (const kind of TOKEN_KINDS) {
        const event = JSON.parse(JSON.stringify(v3({ token_kind: kind })));
        expect(event.dataschema).toBe('urn:token-lifecycle:schema:token.issued:v3');
        const r = parseLifecycleEvent(JSON.stringify(event));
        expect(r).toEqual({ ok: true, event });
        if (!r.ok || r.event.type !== 'token.issued') throw new Error('not parsed');
        expect(tokenKindOf(r.event.data)).toBe(kind);
      }
    });

    it('refuses an ID or refresh token without its grant_id; an access token may have none', () => {
      for (const kind of ['id_token', 'refresh_token'] as const)
        expect(parseLifecycleEvent(wire(v3({ token_kind: kind, grant_id: undefined })))).toEqual({
          ok: false,
          reason: 'data',
          detail: `data.grant_id: missing for ${kind}`,
        });
      const clientCredentials = v3({ token_kind: 'access_token', grant_id: undefined });
      expect(parseLifecycleEvent(wire(clientCredentials)).ok).toBe(true);
    });

    it("refuses v2's `kind` at v3, and v3's `token_kind` at v2", () => {
      const both = wire(v3({ token_kind: 'id_token' }), (e) => (e.data.kind = 'id_token'));
      expect(reasonOf(both)).toBe('data');
      expect(reasonOf(wire(v3({ token_kind: 'id_token' }), asV2))).toBe('data');
    });
  });

  describe('token.issued v4 (a sender-constrained token)', () => {
    const access = samples['token.issued'][2] as TokenIssuedV1;
    const JKT = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';
    const bound = (data: Partial<TokenIssuedV4> = {}) =>
      factory.create('token.issued', 'jti-8', 'grant-1', {
        ...access,
        token_kind: 'access_token',
        cnf_kind: 'jkt',
        cnf_thumbprint: JKT,
        ...data,
      } as TokenIssuedV4);
    const asV3: Change<Wire> = (e) => (e.dataschema = 'urn:token-lifecycle:schema:token.issued:v3');

    it('is written as v4 with either binding and read back whole', () => {
      for (const kind of CONFIRMATION_KINDS) {
        const event = JSON.parse(JSON.stringify(bound({ cnf_kind: kind })));
        expect(event.dataschema).toBe('urn:token-lifecycle:schema:token.issued:v4');
        expect(parseLifecycleEvent(JSON.stringify(event))).toEqual({ ok: true, event });
      }
    });

    it('refuses v4 without its binding, a binding at v3, an unknown kind and a key as a thumbprint', () => {
      const unbound = wire(bound(), (e) => {
        delete e.data.cnf_kind;
        delete e.data.cnf_thumbprint;
      });
      expect(reasonOf(unbound)).toBe('data');
      expect(reasonOf(wire(bound(), asV3))).toBe('data');
      expect(reasonOf(wire(bound(), (e) => (e.data.cnf_kind = 'jwk')))).toBe('data');
      const key = wire(bound(), (e) => (e.data.cnf_thumbprint = JSON.stringify({ kty: 'EC' })));
      expect(reasonOf(key)).toBe('data');
    });
  });

  describe("token.issued v5 (a token obtained with a trusted external issuer's token)", () => {
    const access = samples['token.issued'][2] as TokenIssuedV1;
    const JKT = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';
    const federated = (data: Partial<TokenIssuedV5> = {}) =>
      factory.create('token.issued', 'jti-9', 'grant-1', {
        ...access,
        token_kind: 'access_token',
        federated_issuer: 'https://token.actions.githubusercontent.com',
        federated_subject: 'repo:org/app:ref:refs/heads/main',
        ...data,
      } as TokenIssuedV5);
    const asV: (v: string) => Change<Wire> = (v) => (e) =>
      (e.dataschema = `urn:token-lifecycle:schema:token.issued:${v}`);

    it('is written as v5, bound or not, with or without idp, and read back whole', () => {
      for (const data of [
        {},
        { idp: 'https://idp.corp.example' },
        { cnf_kind: 'jkt' as const, cnf_thumbprint: JKT },
      ]) {
        const event = JSON.parse(JSON.stringify(federated(data)));
        expect(event.dataschema).toBe('urn:token-lifecycle:schema:token.issued:v5');
        expect(parseLifecycleEvent(JSON.stringify(event))).toEqual({ ok: true, event });
      }
    });

    it('refuses v5 without its issuer or subject, half a binding, and its fields at v3 or v4', () => {
      expect(reasonOf(wire(federated(), (e) => delete e.data.federated_subject))).toBe('data');
      expect(reasonOf(wire(federated(), (e) => delete e.data.federated_issuer))).toBe('data');
      expect(reasonOf(wire(federated({ cnf_kind: 'jkt' } as never)))).toBe('data');
      expect(reasonOf(wire(federated({ cnf_thumbprint: JKT })))).toBe('data');
      expect(reasonOf(wire(federated(), asV('v3')))).toBe('data');
      expect(reasonOf(wire(federated({ cnf_kind: 'jkt', cnf_thumbprint: JKT }), asV('v4')))).toBe(
        'data',
      );
    });
  });

  it('maps every denial reason to an error a denial may send', () => {
    for (const error of Object.values(DENIAL_REASONS)) expect(DENIAL_ERRORS).toContain(error);
    expect(DENIAL_REASONS).toMatchObject({
      login_rejected: 'access_denied',
      consent_denied: 'access_denied',
    });
  });
});
