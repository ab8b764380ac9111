import { createLocalJWKSet, decodeProtectedHeader, JWK, jwtVerify } from 'jose';
import { JWT_BEARER_GRANT, OPENID_SCOPES, SIGNING_ALGS } from '@app/config';
import { DPOP_SIGNING_ALGS, IdTokenFormat, STANDARD_CLAIMS } from '@app/tokens';
import { CLIENTS, JWT_RESOURCES, RESOURCES } from '../fixtures/test-registry';
import { OAuthClient } from '../support/oauth-client';
import { clientAuth, JsonBody, send } from '../support/oauth-http';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

// No TLS and no trusted proxy here: no certificate can arrive, so no certificate method is
// advertised (mtls.e2e-spec.ts checks them where certificates can arrive).
const CREDENTIAL_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

describe('discovery (RFC 8414 metadata, RFC 7517 key set)', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;

  beforeAll(async () => {
    sut = await startStandaloneServer();
    oauth = new OAuthClient(sut.config.endpoints);
  });
  afterAll(() => sut?.close());

  const getJson = async (path: string): Promise<JsonBody> => {
    const res = await send(`${sut.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return res.body;
  };

  describe.each(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'])(
    'GET %s',
    (path) => {
      let metadata: JsonBody;
      beforeAll(async () => {
        metadata = await getJson(path);
      });

      it('names the issuer and the public URL of every endpoint', () => {
        expect(metadata).toMatchObject({
          issuer: sut.url,
          token_endpoint: `${sut.url}/oauth2/token`,
          jwks_uri: `${sut.url}/oauth2/jwks`,
          introspection_endpoint: `${sut.url}/oauth2/introspect`,
          revocation_endpoint: `${sut.url}/oauth2/revoke`,
          registration_endpoint: `${sut.url}/oauth2/register`,
        });
      });

      it('advertises client_credentials', () => {
        expect(metadata.grant_types_supported).toContain('client_credentials');
      });

      // RFC 7523 §2.1: advertised only while some client may use it (jwt-bearer-grant.e2e-spec.ts).
      it('does not advertise the JWT-bearer grant, which no client here may use', () => {
        expect(metadata.grant_types_supported).not.toContain(JWT_BEARER_GRANT);
      });

      // Public clients (none) at the token (RFC 6749 §3.2.1) and revocation (RFC 7009 §2.1)
      // endpoints; introspection is for clients that authenticate.
      it.each([
        ['token_endpoint_auth_methods_supported', [...CREDENTIAL_METHODS, 'none']],
        ['introspection_endpoint_auth_methods_supported', CREDENTIAL_METHODS],
        ['revocation_endpoint_auth_methods_supported', [...CREDENTIAL_METHODS, 'none']],
      ])('%s lists the methods that endpoint accepts', (field, methods) => {
        expect([...metadata[field]].sort()).toEqual([...methods].sort());
      });

      // RFC 8705 §3.3: omitted (false) where no certificate can arrive.
      it('does not claim certificate-bound tokens without TLS or a trusted proxy', () => {
        expect(metadata).not.toHaveProperty('tls_client_certificate_bound_access_tokens');
        expect(metadata).not.toHaveProperty('mtls_endpoint_aliases');
      });

      it.each([
        'token_endpoint_auth_signing_alg_values_supported',
        'introspection_endpoint_auth_signing_alg_values_supported',
        'revocation_endpoint_auth_signing_alg_values_supported',
      ])('%s lists asymmetric assertion algorithms only', (field) => {
        const algs: string[] = metadata[field];
        expect(algs).toEqual(expect.arrayContaining(['ES256', 'EdDSA', 'RS256']));
        expect(algs.filter((a) => a === 'none' || a.startsWith('HS'))).toEqual([]);
      });

      // RFC 9449 §5.1: the asymmetric algorithms the token endpoint takes DPoP proofs in.
      it('dpop_signing_alg_values_supported lists DPOP_SIGNING_ALGS, never none or HMAC', () => {
        expect(metadata.dpop_signing_alg_values_supported).toEqual([...DPOP_SIGNING_ALGS]);
        expect(metadata.dpop_signing_alg_values_supported).toEqual(
          expect.arrayContaining(['ES256', 'EdDSA', 'RS256', 'PS256']),
        );
        const algs: string[] = metadata.dpop_signing_alg_values_supported;
        expect(algs.filter((a) => a === 'none' || a.startsWith('HS'))).toEqual([]);
      });

      it('lists every scope the resources define, and the OpenID Connect scopes', () => {
        const defined = Object.values(RESOURCES).flatMap((r) => r.scopes);
        expect([...metadata.scopes_supported].sort()).toEqual(
          [...new Set([...OPENID_SCOPES, ...defined])].sort(),
        );
      });

      // OpenID Connect Discovery 1.0 §3, RFC 9126 §5, RFC 9207 §3.
      it('describes the OpenID Provider: endpoints, the code flow with PKCE S256 only, subjects', () => {
        expect(metadata).toMatchObject({
          authorization_endpoint: `${sut.url}/oauth2/authorize`,
          userinfo_endpoint: `${sut.url}/oauth2/userinfo`,
          end_session_endpoint: sut.config.endpoints.endSession,
          pushed_authorization_request_endpoint: sut.config.endpoints.par,
          require_pushed_authorization_requests: false,
          response_types_supported: ['code'],
          response_modes_supported: ['query', 'form_post'],
          code_challenge_methods_supported: ['S256'],
          authorization_response_iss_parameter_supported: true,
          subject_types_supported: ['public', 'pairwise'],
          request_parameter_supported: false,
          request_uri_parameter_supported: false,
          claims_parameter_supported: false,
        });
        expect(metadata.grant_types_supported).toContain('authorization_code');
        expect(metadata.userinfo_signing_alg_values_supported).toBeUndefined();
      });

      // OIDC Core §15.1: RS256 first, the one every relying party supports; never none or HS*.
      it('lists the ID token algorithms the issuer holds a key for, RS256 first', () => {
        expect(metadata.id_token_signing_alg_values_supported).toEqual([
          'RS256',
          'ES256',
          'EdDSA',
          'PS256',
        ]);
      });

      it('lists sub, the ID token claims and every claim a scope releases', () => {
        expect(metadata.claims_supported).toEqual(
          expect.arrayContaining(['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce']),
        );
        expect(metadata.claims_supported).toEqual(
          expect.arrayContaining(['acr', 'amr', 'azp', 'sid', ...STANDARD_CLAIMS]),
        );
        expect(new Set(metadata.claims_supported).size).toBe(metadata.claims_supported.length);
      });
    },
  );

  it('serves the same document at both well-known paths', async () => {
    const [oauthServer, openid] = await Promise.all([
      getJson('/.well-known/oauth-authorization-server'),
      getJson('/.well-known/openid-configuration'),
    ]);
    expect(openid).toEqual(oauthServer);
  });

  // RFC 8414 §2: grant_types_supported lists the grants the server supports. A configured
  // client's grant (here refresh_token) that the token endpoint does not implement is not one.
  it('advertises no grant type that the token endpoint rejects as unsupported', async () => {
    const { grant_types_supported: advertised } = await getJson(
      '/.well-known/oauth-authorization-server',
    );
    const unsupported: string[] = [];
    for (const grantType of advertised as string[]) {
      const res = await oauth.token(
        { grant_type: grantType },
        clientAuth.basic(CLIENTS.noClientCredentials),
      );
      if (res.body.error === 'unsupported_grant_type') unsupported.push(grantType);
    }
    expect(unsupported).toEqual([]);
  });

  describe('GET /oauth2/jwks', () => {
    let jwks: { keys: JWK[] };
    beforeAll(async () => {
      jwks = (await getJson('/oauth2/jwks')) as { keys: JWK[] };
    });

    it('is served at the advertised jwks_uri', async () => {
      const { jwks_uri } = await getJson('/.well-known/oauth-authorization-server');
      expect((await send(jwks_uri)).body).toEqual(jwks);
    });

    it('publishes public keys only, each with kid, alg and use', () => {
      expect(jwks.keys.length).toBeGreaterThan(0);
      for (const key of jwks.keys) {
        expect(key).toMatchObject({ kid: expect.any(String), alg: expect.any(String), use: 'sig' });
        expect(Object.keys(key).filter((m) => PRIVATE_JWK_MEMBERS.includes(m))).toEqual([]);
      }
      expect(new Set(jwks.keys.map((k) => k.kid)).size).toBe(jwks.keys.length);
    });

    it.each(JWT_RESOURCES.map((r) => [r.alg, r] as const))(
      'holds the key that verifies a %s access token',
      async (alg, resource) => {
        const token = await oauth.accessToken(clientAuth.basic(CLIENTS.basic), {
          resource: resource.identifier,
        });
        const { kid } = decodeProtectedHeader(token);
        expect(jwks.keys.find((k) => k.kid === kid)).toMatchObject({ alg });

        const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
          issuer: sut.url,
          audience: resource.identifier,
          typ: 'at+jwt',
          algorithms: [alg],
        });
        expect(protectedHeader.alg).toBe(alg);
        expect(payload.client_id).toBe(CLIENTS.basic.clientId);
      },
    );

    // OpenID Connect Core §10.1: a relying party verifies the ID token with the jwks_uri keys.
    it.each(SIGNING_ALGS)(
      'holds the key, published for %s only, that verifies an ID token',
      async (alg) => {
        const { token, kid } = sut.app
          .get(IdTokenFormat)
          .mint(
            { sub: 'alice', clientId: 'web-app', authTime: Math.floor(Date.now() / 1000) },
            { alg, ttlSeconds: 300 },
          );
        expect(jwks.keys.find((k) => k.kid === kid)).toMatchObject({ alg });
        const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
          issuer: sut.url,
          audience: 'web-app',
          typ: 'JWT',
          algorithms: [alg],
        });
        expect(payload).toMatchObject({ sub: 'alice', azp: 'web-app' });
      },
    );
  });
});
