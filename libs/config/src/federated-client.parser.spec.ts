import { ConfigError } from './config.error';
import { federatedSubjectMatches, JWT_BEARER_GRANT } from './federated-client.parser';
import { parseRegistryFile } from './registry-file.parser';

const GITHUB = 'https://token.actions.githubusercontent.com';
const K8S = 'https://k8s.example';
const resource = { identifier: 'https://orders.example.com', scopes: ['orders:read'] };
const federated = (over: Record<string, unknown> = {}) => ({
  client_id: 'svc-deploy',
  token_endpoint_auth_method: 'private_key_jwt',
  grant_types: ['client_credentials'],
  scope: 'orders:read',
  resources: [resource.identifier],
  federated_credentials: [{ issuer: GITHUB, subject: 'repo:org/app:ref:refs/heads/main' }],
  ...over,
});
const parse = (client: Record<string, unknown>) =>
  parseRegistryFile({
    resources: [resource],
    clients: [client],
    trusted_issuers: [{ issuer: GITHUB }, { issuer: K8S }],
  }).clients[0]!;
const refusal = (client: Record<string, unknown>) => {
  try {
    parse(client);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('accepted');
};

describe('federated_credentials', () => {
  it('registers a private_key_jwt client with federated credentials and no keys of its own', () => {
    const sut = parse(
      federated({
        federated_credentials: [
          { issuer: GITHUB, subject: 'repo:org/app:ref:refs/heads/main', audience: 'api://as' },
          { issuer: K8S, subject: 'system:serviceaccount:payments:*' },
        ],
      }),
    );
    expect(sut.federatedCredentials).toEqual([
      {
        issuer: GITHUB,
        subject: 'repo:org/app:ref:refs/heads/main',
        subjectIsPrefix: false,
        audience: 'api://as',
      },
      { issuer: K8S, subject: 'system:serviceaccount:payments:', subjectIsPrefix: true },
    ]);
    expect(sut.jwks).toBeUndefined();
    expect(sut.jwksUri).toBeUndefined();
  });

  it("may sit beside the client's own keys", () => {
    const sut = parse(federated({ jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] } }));
    expect(sut.jwks?.keys).toHaveLength(1);
    expect(sut.federatedCredentials).toHaveLength(1);
  });

  it.each([
    [
      'another method',
      { token_endpoint_auth_method: 'client_secret_basic', client_secret: 'a-long-enough-secret' },
      'clients[0].federated_credentials',
      /private_key_jwt/,
    ],
    [
      'an untrusted issuer',
      { federated_credentials: [{ issuer: 'https://evil.example', subject: 's' }] },
      'clients[0].federated_credentials[0].issuer',
      /trusted_issuers/,
    ],
    [
      'no subject',
      { federated_credentials: [{ issuer: GITHUB }] },
      'clients[0].federated_credentials[0].subject',
      /non-empty/,
    ],
    [
      'a star inside',
      { federated_credentials: [{ issuer: GITHUB, subject: 'repo:org/*:ref' }] },
      'clients[0].federated_credentials[0].subject',
      /last character/,
    ],
    [
      'a star after a name',
      { federated_credentials: [{ issuer: GITHUB, subject: 'repo:org/app*' }] },
      'clients[0].federated_credentials[0].subject',
      /after ":" or "\/"/,
    ],
    [
      'a star alone',
      { federated_credentials: [{ issuer: GITHUB, subject: '*' }] },
      'clients[0].federated_credentials[0].subject',
      /last character/,
    ],
    [
      'an unknown field',
      { federated_credentials: [{ issuer: GITHUB, subject: 's', subjects: ['x'] }] },
      'clients[0].federated_credentials[0].subjects',
      /not a known field/,
    ],
    [
      'an empty list',
      { federated_credentials: [] },
      'clients[0].federated_credentials',
      /at least one/,
    ],
    [
      'the same credential twice',
      {
        federated_credentials: [
          { issuer: GITHUB, subject: 's' },
          { issuer: GITHUB, subject: 's' },
        ],
      },
      'clients[0].federated_credentials',
      /duplicate/,
    ],
  ])('refuses %s', (_case, over, field, reason) => {
    const e = refusal(federated(over));
    expect(e.field).toBe(field);
    expect(e.message).toMatch(reason);
  });

  it('still needs keys or credentials for private_key_jwt', () => {
    expect(refusal(federated({ federated_credentials: undefined })).message).toMatch(
      /jwks or jwks_uri, or federated_credentials/,
    );
  });

  it('matches a subject exactly, or under its prefix (never the prefix alone)', () => {
    const exact = {
      issuer: GITHUB,
      subject: 'repo:org/app:ref:refs/heads/main',
      subjectIsPrefix: false,
    };
    expect(federatedSubjectMatches(exact, 'repo:org/app:ref:refs/heads/main')).toBe(true);
    expect(federatedSubjectMatches(exact, 'repo:org/app:ref:refs/heads/mainx')).toBe(false);
    const prefix = { issuer: GITHUB, subject: 'repo:org/app:', subjectIsPrefix: true };
    expect(federatedSubjectMatches(prefix, 'repo:org/app:ref:refs/heads/dev')).toBe(true);
    expect(federatedSubjectMatches(prefix, 'repo:org/app-evil:ref:refs/heads/dev')).toBe(false);
    expect(federatedSubjectMatches(prefix, 'repo:org/app:')).toBe(false);
  });
});

describe('jwt_bearer', () => {
  const bearer = (over: Record<string, unknown> = {}) => ({
    client_id: 'svc-portal',
    client_secret: 'a-long-enough-secret',
    grant_types: [JWT_BEARER_GRANT],
    scope: 'orders:read',
    resources: [resource.identifier],
    jwt_bearer: { issuers: [K8S] },
    ...over,
  });

  it('lists the trusted issuers whose assertions the client may present', () => {
    expect(parse(bearer()).jwtBearer).toEqual({ issuers: [K8S] });
  });

  it.each([
    [
      'the grant without jwt_bearer',
      { jwt_bearer: undefined },
      'clients[0].jwt_bearer',
      /required/,
    ],
    [
      'jwt_bearer without the grant',
      { grant_types: ['client_credentials'] },
      'clients[0].jwt_bearer',
      /applies only/,
    ],
    [
      'an untrusted issuer',
      { jwt_bearer: { issuers: ['https://evil.example'] } },
      'clients[0].jwt_bearer.issuers[0]',
      /trusted_issuers/,
    ],
    ['no issuer', { jwt_bearer: { issuers: [] } }, 'clients[0].jwt_bearer.issuers', /at least one/],
    [
      'an unknown field',
      { jwt_bearer: { issuers: [K8S], audience: 'x' } },
      'clients[0].jwt_bearer.audience',
      /not a known field/,
    ],
    [
      'a public client',
      { client_secret: undefined, token_endpoint_auth_method: 'none' },
      'clients[0].grant_types[0]',
      /may not use/,
    ],
  ])('refuses %s', (_case, over, field, reason) => {
    const e = refusal(bearer(over));
    expect(e.field).toBe(field);
    expect(e.message).toMatch(reason);
  });
});
