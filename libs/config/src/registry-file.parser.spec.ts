import { parseRegistryFile } from './registry-file.parser';

const resource = {
  identifier: 'https://orders.example.com',
  scopes: ['orders:read', 'orders:write'],
};
const client = {
  client_id: 'svc-a',
  client_secret: 'a-long-enough-secret',
  grant_types: ['client_credentials'],
  scope: 'orders:read',
  resources: ['https://orders.example.com'],
};
const file = (over: { resources?: unknown[]; clients?: unknown[] } = {}) => ({
  resources: [resource],
  clients: [client],
  ...over,
});

describe('parseRegistryFile', () => {
  it('applies the defaults: JWT, one hour, ES256, client_secret_basic', () => {
    const sut = parseRegistryFile(file());
    expect(sut.resources[0]).toEqual({
      identifier: resource.identifier,
      scopes: resource.scopes,
      accessTokenFormat: 'jwt',
      accessTokenTtl: 3600,
      signingAlg: 'ES256',
    });
    expect(sut.clients[0]).toMatchObject({
      clientId: 'svc-a',
      authMethod: 'client_secret_basic',
      secret: { kind: 'plain', value: client.client_secret },
      scopes: ['orders:read'],
    });
  });

  it.each([
    [
      { resources: [{ ...resource, access_token_format: 'paseto' }] },
      'resources[0].access_token_format',
    ],
    [{ resources: [{ ...resource, signing_alg: 'HS256' }] }, 'resources[0].signing_alg'],
    [{ resources: [{ ...resource, access_token_ttl: 0 }] }, 'resources[0].access_token_ttl'],
    [{ resources: [{ ...resource, identifier: 'orders' }] }, 'resources[0].identifier'],
    [{ resources: [{ ...resource, scopes: ['bad scope'] }] }, 'resources[0].scopes[0]'],
    [{ resources: [resource, resource] }, 'resources'],
    [
      { clients: [{ ...client, resources: ['https://unknown.example'] }] },
      'clients[0].resources[0]',
    ],
    [{ clients: [{ ...client, scope: 'orders:delete' }] }, 'clients[0].scope'],
    [
      { clients: [{ ...client, introspects: ['https://unknown.example'] }] },
      'clients[0].introspects[0]',
    ],
    [
      { clients: [{ ...client, introspects: [resource.identifier, 42] }] },
      'clients[0].introspects[1]',
    ],
    [{ clients: [{ ...client, introspects: resource.identifier }] }, 'clients[0].introspects'],
    [{ clients: [{ ...client, client_secret: 'short' }] }, 'clients[0].client_secret'],
    [{ clients: [{ ...client, client_secret_hash: 'plain-text' }] }, 'clients[0]'],
    [
      { clients: [{ ...client, token_endpoint_auth_method: 'client_secret_jwt' }] },
      'clients[0].token_endpoint_auth_method',
    ],
    [{ clients: [{ ...client, token_endpoint_auth_method: 'private_key_jwt' }] }, 'clients[0]'],
    [{ clients: [client, client] }, 'clients'],
    [
      { clients: [{ ...client, dpop_bound_access_tokens: 'yes' }] },
      'clients[0].dpop_bound_access_tokens',
    ],
    [{ clients: 'svc-a' as unknown as unknown[] }, 'clients'],
  ])('names the bad field %#', (over, field) => {
    expect(() => parseRegistryFile(file(over))).toThrow(`Invalid configuration: ${field}:`);
  });

  // RFC 9449 §5.2: false unless registered, so a client sends proofs only when it chooses to.
  it('reads dpop_bound_access_tokens, false when absent', () => {
    expect(parseRegistryFile(file()).clients[0]?.dpopBoundAccessTokens).toBe(false);
    const bound = file({ clients: [{ ...client, dpop_bound_access_tokens: true }] });
    expect(parseRegistryFile(bound).clients[0]?.dpopBoundAccessTokens).toBe(true);
  });

  describe('introspects (the APIs a client serves as a resource server)', () => {
    const ledger = { identifier: 'https://ledger.example.com', scopes: ['ledger:read'] };

    it('is empty when absent: a client introspects only the tokens issued to itself', () => {
      expect(parseRegistryFile(file()).clients[0]!.introspects).toEqual([]);
    });

    it('keeps every listed resource, whether or not the client may request it', () => {
      const api = {
        client_id: 'orders-api',
        client_secret: 'a-long-enough-secret',
        grant_types: [],
        introspects: [resource.identifier, ledger.identifier],
      };
      const sut = parseRegistryFile(file({ resources: [resource, ledger], clients: [api] }));
      expect(sut.clients[0]).toMatchObject({
        clientId: 'orders-api',
        resources: [],
        introspects: [resource.identifier, ledger.identifier],
      });
    });
  });

  describe('a public client (token_endpoint_auth_method none, RFC 6749 §2.1)', () => {
    const { client_secret: _secret, ...withoutSecret } = client;
    const publicClient = {
      ...withoutSecret,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      redirect_uris: ['http://127.0.0.1/callback'],
    };

    it('is accepted without a secret or keys', () => {
      const sut = parseRegistryFile(file({ clients: [publicClient] })).clients[0]!;
      expect(sut).toMatchObject({ clientId: 'svc-a', authMethod: 'none' });
      expect(sut.secret).toBeUndefined();
      expect(sut.jwks).toBeUndefined();
      expect(sut.jwksUri).toBeUndefined();
    });

    it.each([
      ['client_secret', { client_secret: 'a-long-enough-secret' }],
      ['client_secret_hash', { client_secret_hash: '$scrypt$ln=14,r=8,p=1$c2FsdA$a2V5' }],
      ['jwks', { jwks: { keys: [] } }],
      ['jwks_uri', { jwks_uri: 'https://svc-a.example/jwks' }],
    ])('is refused with %s, naming the field', (field, extra) => {
      expect(() => parseRegistryFile(file({ clients: [{ ...publicClient, ...extra }] }))).toThrow(
        `Invalid configuration: clients[0].${field}: a client with token_endpoint_auth_method "none" has no credentials`,
      );
    });

    it('may not list client_credentials (RFC 6749 §4.4), naming the entry', () => {
      const grants = { grant_types: ['authorization_code', 'client_credentials'] };
      expect(() => parseRegistryFile(file({ clients: [{ ...publicClient, ...grants }] }))).toThrow(
        'Invalid configuration: clients[0].grant_types[1]: a client with ' +
          'token_endpoint_auth_method "none" may not use client_credentials',
      );
    });
  });

  it('refuses a private key in a client key set', () => {
    const bad = {
      ...client,
      client_secret: undefined,
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ kty: 'EC', d: 'secret' }] },
    };
    expect(() => parseRegistryFile(file({ clients: [bad] }))).toThrow('clients[0].jwks.keys[0]');
  });

  describe('a jwks_uri', () => {
    const keyClient = (jwks_uri: string) => ({
      ...client,
      client_secret: undefined,
      token_endpoint_auth_method: 'private_key_jwt',
      jwks_uri,
    });
    const parse = (uri: string, allowLoopbackHttpJwksUri?: boolean) =>
      parseRegistryFile(file({ clients: [keyClient(uri)] }), { allowLoopbackHttpJwksUri });

    it('is an https URL', () => {
      expect(parse('https://svc.example.com/jwks').clients[0]!.jwksUri).toBe(
        'https://svc.example.com/jwks',
      );
      expect(() => parse('http://svc.example.com/jwks')).toThrow(
        'clients[0].jwks_uri: must be an https URL',
      );
      expect(() => parse('ftp://svc.example.com/jwks', true)).toThrow('clients[0].jwks_uri');
    });

    it('may be http on a loopback host only where the caller allows it (development)', () => {
      expect(() => parse('http://127.0.0.1:8080/jwks')).toThrow('clients[0].jwks_uri');
      expect(parse('http://127.0.0.1:8080/jwks', true).clients[0]!.jwksUri).toBe(
        'http://127.0.0.1:8080/jwks',
      );
      expect(parse('http://localhost:8080/jwks', true).clients[0]!.jwksUri).toBeDefined();
      expect(() => parse('http://svc.example.com/jwks', true)).toThrow(
        'clients[0].jwks_uri: must be an https URL (or http on a loopback host)',
      );
    });
  });

  it('accepts a scrypt hash in place of a plain secret', () => {
    const hashed = {
      ...client,
      client_secret: undefined,
      client_secret_hash: '$scrypt$ln=14,r=8,p=1$c2FsdA$a2V5',
    };
    const sut = parseRegistryFile(file({ clients: [hashed] }));
    expect(sut.clients[0]!.secret).toEqual({ kind: 'hash', value: hashed.client_secret_hash });
  });

  it('refuses plain secrets when told to (production), naming the field, never the value', () => {
    expect(() => parseRegistryFile(file(), { plainSecrets: false })).toThrow(
      'clients[0].client_secret: plain-text secrets are refused when NODE_ENV=production',
    );
    expect(() => parseRegistryFile(file(), { plainSecrets: false })).not.toThrow(
      client.client_secret,
    );
    const hashed = { ...client, client_secret: undefined, client_secret_hash: HASH };
    expect(parseRegistryFile(file({ clients: [hashed] }), { plainSecrets: false }).clients).toEqual(
      [expect.objectContaining({ secret: { kind: 'hash', value: HASH } })],
    );
  });

  it.each([
    [{ client_secret: 'short-secret' }, 'clients[0].client_secret'],
    [
      { client_secret: undefined, client_secret_hash: '$scrypt$short-secret' },
      'client_secret_hash',
    ],
  ])('never quotes a secret or a hash it refuses %#', (over, field) => {
    expect(() => parseRegistryFile(file({ clients: [{ ...client, ...over }] }))).toThrow(field);
    expect(() => parseRegistryFile(file({ clients: [{ ...client, ...over }] }))).not.toThrow(
      'short-secret',
    );
  });
});

const HASH = '$scrypt$ln=14,r=8,p=1$c2FsdA$a2V5';
