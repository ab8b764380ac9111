import { parseRegistryFile } from './registry-file.parser';
import { parseSignInSettings, SIGN_IN_DEFAULTS } from './sign-in-client.parser';

const ORDERS = { identifier: 'https://orders.example.com', scopes: ['orders:read'] };
const web = {
  client_id: 'web',
  client_secret: 'a-long-enough-secret',
  grant_types: ['authorization_code'],
  redirect_uris: ['https://app.example.com/callback'],
  scope: 'openid profile orders:read',
  resources: [ORDERS.identifier],
};
const machine = {
  client_id: 'svc',
  client_secret: 'a-long-enough-secret',
  grant_types: ['client_credentials'],
  scope: 'orders:read',
  resources: [ORDERS.identifier],
};

const parse = (client: Record<string, unknown>, resources: unknown[] = [ORDERS]) =>
  parseRegistryFile({ resources, clients: [client] }).clients[0]!;

/** The refusal's message, or 'accepted'. */
const refusal = (client: Record<string, unknown>, resources: unknown[] = [ORDERS]): string => {
  try {
    parse(client, resources);
    return 'accepted';
  } catch (e) {
    return (e as Error).message;
  }
};

const PRIVATE_USE =
  'must be https, http on a loopback IP literal (RFC 8252 §7.3) or a private-use scheme named by ' +
  'a reverse domain name, such as com.example.app:/callback (RFC 8252 §7.1)';
const withUris = (...redirect_uris: unknown[]) => ({ ...web, redirect_uris });
const camel = (field: string) => field.replace(/_(.)/g, (_, c: string) => c.toUpperCase());

describe('sign-in registration fields of a client', () => {
  it('applies the OpenID Registration defaults to an authorization_code client', () => {
    const sut = parse(web);
    expect(sut).toMatchObject({
      redirectUris: ['https://app.example.com/callback'],
      postLogoutRedirectUris: [],
      idTokenSignedResponseAlg: 'RS256',
      subjectType: 'public',
      requirePushedAuthorizationRequests: false,
      skipConsent: false,
      loginProvider: false,
    });
    expect(sut).not.toHaveProperty('sectorIdentifier');
  });

  it('gives a client outside the sign-in flow the defaults, and nowhere to redirect', () => {
    expect(parse(machine)).toMatchObject({ ...SIGN_IN_DEFAULTS, redirectUris: [] });
  });

  it('keeps every value it is given', () => {
    const sut = parse({
      ...web,
      redirect_uris: ['https://app.example.com/cb', 'https://app.example.com:8443/cb'],
      post_logout_redirect_uris: ['https://app.example.com/bye'],
      id_token_signed_response_alg: 'PS256',
      subject_type: 'pairwise',
      require_pushed_authorization_requests: true,
      skip_consent: true,
      login_provider: true,
    });
    expect(sut).toMatchObject({
      redirectUris: ['https://app.example.com/cb', 'https://app.example.com:8443/cb'],
      postLogoutRedirectUris: ['https://app.example.com/bye'],
      idTokenSignedResponseAlg: 'PS256',
      subjectType: 'pairwise',
      sectorIdentifier: 'app.example.com',
      requirePushedAuthorizationRequests: true,
      skipConsent: true,
      loginProvider: true,
    });
  });

  describe('redirect_uris', () => {
    it.each([
      'https://app.example.com/callback?tenant=a',
      'http://127.0.0.1/callback',
      'http://127.0.0.1:8080/callback',
      'http://127.10.0.1:8080/callback',
      'http://[::1]:8080/callback',
      'com.example.app:/oauth2redirect',
      'com.example.app://callback',
      'https://localhost:8443/callback',
    ])('accepts %s, kept exactly as written', (uri) => {
      expect(parse(withUris(uri)).redirectUris).toEqual([uri]);
    });

    it('keeps a URI as written, not normalised: it is matched as an exact string', () => {
      const uri = 'https://App.Example.com:443/callback';
      expect(parse(withUris(uri)).redirectUris).toEqual([uri]);
    });

    it.each([
      ['https://app.example.com/callback#top', 'must not have a fragment'],
      ['https://app.example.com/callback#', 'must not have a fragment'],
      ['https://*.example.com/callback', 'wildcards are not allowed'],
      ['https://app.example.com/*', 'wildcards are not allowed'],
      ['http://app.example.com/callback', 'must be https; http only on a loopback IP literal'],
      ['http://10.0.0.1/callback', 'must be https; http only on a loopback IP literal'],
      ['http://localhost:8080/callback', 'use http://127.0.0.1 or http://[::1] rather than'],
      ['/callback', 'must be an absolute URI'],
      ['app.example.com/callback', 'must be an absolute URI'],
      [' https://app.example.com/callback', 'must not contain spaces or control characters'],
      ['https://app.example.com/call back', 'must not contain spaces or control characters'],
      ['https://user:pw@app.example.com/callback', 'must not carry user information'],
      ['myapp:/callback', PRIVATE_USE],
      ['javascript:alert(1)', PRIVATE_USE],
      ['data:text/html,hello', PRIVATE_USE],
      ['file:///etc/passwd', PRIVATE_USE],
      ['ftp://app.example.com/callback', PRIVATE_USE],
      ['', 'must be a non-empty string'],
      [42, 'must be a non-empty string'],
    ])('refuses %p, naming the URI', (uri, reason) => {
      expect(refusal(withUris('https://app.example.com/ok', uri))).toContain(
        `Invalid configuration: clients[0].redirect_uris[1]: ${reason}`,
      );
    });

    it.each([
      [{ ...web, redirect_uris: undefined }, 'clients[0].redirect_uris: is required'],
      [withUris(), 'clients[0].redirect_uris: a client of the authorization_code grant needs'],
      [
        { ...web, redirect_uris: 'https://app.example.com/cb' },
        'clients[0].redirect_uris: must be an array',
      ],
      [
        withUris('https://app.example.com/cb', 'https://app.example.com/cb'),
        'clients[0].redirect_uris: duplicate redirect URI',
      ],
    ])('must list at least one URI, each once, for an authorization_code client %#', (c, msg) => {
      expect(refusal(c)).toContain(`Invalid configuration: ${msg}`);
    });
  });

  it('checks post_logout_redirect_uris by the same rules', () => {
    const logout = (...uris: string[]) => ({ ...web, post_logout_redirect_uris: uris });
    expect(parse(logout('http://127.0.0.1:8080/', 'com.example.app:/logged-out'))).toMatchObject({
      postLogoutRedirectUris: ['http://127.0.0.1:8080/', 'com.example.app:/logged-out'],
    });
    expect(refusal(logout('https://app.example.com/', 'https://app.example.com/#bye'))).toContain(
      'clients[0].post_logout_redirect_uris[1]: must not have a fragment',
    );
    expect(refusal(logout('http://app.example.com/'))).toContain(
      'clients[0].post_logout_redirect_uris[0]: must be https',
    );
    expect(refusal({ ...web, post_logout_redirect_uris: {} })).toContain(
      'clients[0].post_logout_redirect_uris: must be an array',
    );
  });

  it.each([
    ['redirect_uris', ['https://app.example.com/cb']],
    ['post_logout_redirect_uris', ['https://app.example.com/']],
    ['id_token_signed_response_alg', 'RS256'],
    ['subject_type', 'public'],
    ['require_pushed_authorization_requests', false],
    ['skip_consent', true],
  ])('refuses %s on a client without the authorization_code grant', (field, value) => {
    expect(refusal({ ...machine, [field]: value })).toContain(
      `clients[0].${field}: applies only to clients whose grant_types include authorization_code`,
    );
  });

  describe('id_token_signed_response_alg', () => {
    it.each(['RS256', 'ES256', 'EdDSA', 'PS256'])('accepts %s', (alg) => {
      expect(parse({ ...web, id_token_signed_response_alg: alg }).idTokenSignedResponseAlg).toBe(
        alg,
      );
    });

    it.each(['none', 'HS256', 'ES384', 'rs256', 42])('refuses %p', (alg) => {
      expect(refusal({ ...web, id_token_signed_response_alg: alg })).toContain(
        'clients[0].id_token_signed_response_alg: must be one of RS256, ES256, EdDSA, PS256',
      );
    });
  });

  describe('subject_type', () => {
    it('is public or pairwise', () => {
      expect(parse({ ...web, subject_type: 'public' }).subjectType).toBe('public');
      expect(refusal({ ...web, subject_type: 'hashed' })).toContain(
        'clients[0].subject_type: must be one of public, pairwise',
      );
    });

    it('computes pairwise subjects for the one host of the redirect URIs (OIDC Core §8.1)', () => {
      const sut = parse({
        ...withUris('https://app.example.com/a', 'https://app.example.com:8443/b'),
        subject_type: 'pairwise',
      });
      expect(sut.sectorIdentifier).toBe('app.example.com');
    });

    it.each([
      [
        ['https://app.example.com/cb', 'https://other.example.com/cb'],
        'needs a sector_identifier_uri (OIDC Core §8.1), which this server does not support',
      ],
      [['http://127.0.0.1:8080/cb'], 'a loopback or host-less redirect URI names no host'],
      [['com.example.app:/cb'], 'a loopback or host-less redirect URI names no host'],
    ])('refuses pairwise for redirect URIs %p', (uris, reason) => {
      const message = refusal({ ...withUris(...uris), subject_type: 'pairwise' });
      expect(message).toContain('Invalid configuration: clients[0].subject_type: ');
      expect(message).toContain(reason);
    });
  });

  it.each(['require_pushed_authorization_requests', 'skip_consent', 'login_provider'])(
    'takes only a JSON boolean for %s',
    (field) => {
      expect(parse({ ...web, [field]: false })).toHaveProperty(camel(field), false);
      for (const bad of ['true', 1, null, 'yes'])
        expect(refusal({ ...web, [field]: bad })).toContain(
          `clients[0].${field}: must be true or false (a JSON boolean)`,
        );
    },
  );

  it('lets a confidential client without any grant be a login provider', () => {
    const sut = parse({
      client_id: 'login',
      client_secret: 'a-long-enough-secret',
      login_provider: true,
    });
    expect(sut).toMatchObject({ ...SIGN_IN_DEFAULTS, loginProvider: true });
  });

  it.each(['client_secret_post', 'private_key_jwt'])(
    'refuses a login provider of %s: the login/consent API takes HTTP Basic only',
    (method) => {
      const fields = method === 'private_key_jwt' ? { jwks: { keys: [] } } : {};
      expect(
        refusal({
          client_id: 'login',
          client_secret: 'a-long-enough-secret',
          token_endpoint_auth_method: method,
          login_provider: true,
          ...fields,
        }),
      ).toBe(
        'Invalid configuration: clients[0].login_provider: a login provider must be a ' +
          'confidential client of ' +
          'token_endpoint_auth_method client_secret_basic: the login/consent API takes HTTP ' +
          'Basic only',
      );
      expect(() => parseSignInSettings({ login_provider: true }, 'c', [], method)).toThrow(
        'c.login_provider: a login provider must be a confidential client of ' +
          'token_endpoint_auth_method client_secret_basic',
      );
    },
  );

  describe('public clients (token_endpoint_auth_method none)', () => {
    const path = 'clients[3]';
    const code = ['authorization_code'];

    it('may not be login providers: the login/consent API needs a client that proves who it is', () => {
      expect(() => parseSignInSettings({ login_provider: true }, path, [], 'none')).toThrow(
        'clients[3].login_provider: a login provider must be a confidential client',
      );
      expect(
        parseSignInSettings({ login_provider: true }, path, [], 'client_secret_basic'),
      ).toMatchObject({ loginProvider: true });
    });

    it('may skip consent only when every redirect URI is https (RFC 8252 §8.6)', () => {
      const settings = (uri: string) => ({ redirect_uris: [uri], skip_consent: true });
      for (const uri of ['http://127.0.0.1:8080/cb', 'com.example.app:/cb'])
        expect(() => parseSignInSettings(settings(uri), path, code, 'none')).toThrow(
          'clients[3].skip_consent: a public client may skip consent only when every redirect URI is https',
        );
      expect(
        parseSignInSettings(settings('https://app.example.com/cb'), path, code, 'none'),
      ).toMatchObject({ skipConsent: true });
      expect(
        parseSignInSettings(
          settings('http://127.0.0.1:8080/cb'),
          path,
          code,
          'client_secret_basic',
        ),
      ).toMatchObject({ skipConsent: true });
    });
  });

  describe('scope', () => {
    it('lets an authorization_code client have the built-in OpenID scopes without a resource', () => {
      const scope = 'openid profile email address phone offline_access';
      expect(parse({ ...web, scope, resources: [] }).scopes).toEqual(scope.split(' '));
      expect(parse({ ...web, scope: 'offline_access orders:read' }).scopes).toEqual([
        'offline_access',
        'orders:read',
      ]);
    });

    it('still requires every other scope to come from one of the client resources', () => {
      expect(refusal({ ...web, scope: 'openid orders:write' })).toContain(
        'clients[0].scope: "orders:write" is defined by none of the client\'s resources',
      );
    });

    it('refuses OpenID scopes to a client without the authorization_code grant', () => {
      expect(refusal({ ...machine, scope: 'orders:read openid' })).toContain(
        'clients[0].scope: "openid" is an OpenID Connect scope: only clients whose grant_types ' +
          'include authorization_code may have it',
      );
    });

    it('refuses claims scopes without openid (OIDC Core §5.4)', () => {
      expect(refusal({ ...web, scope: 'email orders:read' })).toContain(
        'clients[0].scope: "email" asks for claims that only an openid request returns',
      );
    });

    it('refuses a resource that defines an OpenID scope', () => {
      const resource = { ...ORDERS, scopes: ['orders:read', 'profile'] };
      expect(refusal(machine, [resource])).toContain(
        'resources[0].scopes[1]: is an OpenID Connect scope',
      );
    });
  });
});
