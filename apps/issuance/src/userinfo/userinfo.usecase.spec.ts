import { AppConfig, ResourceConfig } from '@app/config';
import {
  GrantRecord,
  MemoryGrantStore,
  MemoryReplayStore,
  MemoryRevocationStore,
  MemoryTokenStore,
  StoreUnavailable,
} from '@app/store';
import {
  AccessTokenClaims,
  AccessTokenReader,
  certificateThumbprint,
  IdTokenFormat,
  JwtAccessTokenFormat,
  KeyRing,
  OpaqueTokenFormat,
} from '@app/tokens';
import { DPOP_ERRORS } from '@app/tokens';
import { DpopKey, dpopKey, dpopProof } from '../../../../test/support/dpop-proof';
import { UserinfoDpopCheck } from './userinfo-dpop.check';
import { der, PKI_CLIENT, SELF_SIGNED } from '../../../../test/fixtures/mtls-certificates';
import { UserinfoUseCase } from './userinfo.usecase';

const ISSUER = 'https://as.example.com';
const USERINFO = `${ISSUER}/oauth2/userinfo`;
const ORDERS: Pick<ResourceConfig, 'identifier'> = { identifier: 'https://orders.example.com' };

const GRANT: GrantRecord = {
  grantId: 'grant-1',
  subject: 'user-alice',
  clientId: 'web-app',
  scopes: ['openid', 'profile', 'email'],
  resources: [],
  authTime: 1_700_000_000,
  amr: ['pwd'],
  idTokenClaims: {},
  userinfoClaims: {
    name: 'Alice',
    email: 'alice@example.com',
    email_verified: true,
    phone_number: '+1 555 0100',
    employee_id: 'E-17',
  },
  createdAt: Date.now(),
  lastUsedAt: Date.now(),
};

const claims = (over: Partial<AccessTokenClaims> = {}): AccessTokenClaims => {
  const iat = Math.floor(Date.now() / 1000);
  return {
    iss: ISSUER,
    sub: 'pairwise-sub-of-alice',
    aud: USERINFO,
    clientId: 'web-app',
    scope: 'openid profile',
    jti: `jti-${Math.random()}`,
    iat,
    nbf: iat,
    exp: iat + 600,
    grantId: 'grant-1',
    ...over,
  };
};

describe('UserinfoUseCase (OIDC Core §5.3)', () => {
  let keys: KeyRing;
  let jwt: JwtAccessTokenFormat;
  let tokens: MemoryTokenStore;
  let revocations: MemoryRevocationStore;
  let grants: MemoryGrantStore;
  let sut: UserinfoUseCase;

  beforeAll(async () => {
    keys = await KeyRing.generate(['ES256', 'RS256']);
  });

  beforeEach(async () => {
    jwt = new JwtAccessTokenFormat(keys, ISSUER);
    tokens = new MemoryTokenStore();
    revocations = new MemoryRevocationStore();
    grants = new MemoryGrantStore();
    await grants.save(GRANT, Date.now() + 3_600_000);
    const config = {
      revocationFailurePolicy: 'fail-closed',
      dpop: { proofMaxAgeSeconds: 60, clockSkewSeconds: 5 },
      endpoints: { userinfo: USERINFO },
      mtls: { trustedProxies: [] },
    } as unknown as AppConfig;
    sut = new UserinfoUseCase(
      config,
      new AccessTokenReader(jwt, tokens),
      revocations,
      grants,
      new UserinfoDpopCheck(config, new MemoryReplayStore()),
    );
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const jwtToken = (over: Partial<AccessTokenClaims> = {}) => jwt.mint(claims(over), 'ES256');

  it('answers the token’s sub and the claims the token’s scopes release', async () => {
    await expect(sut.execute(bearer(await jwtToken()))).resolves.toStrictEqual({
      sub: 'pairwise-sub-of-alice',
      name: 'Alice',
    });
  });

  it('releases the claims of every granted scope the token carries, and no custom claim', async () => {
    const token = await jwtToken({ scope: 'openid profile email phone' });
    await expect(sut.execute(bearer(token))).resolves.toStrictEqual({
      sub: 'pairwise-sub-of-alice',
      name: 'Alice',
      email: 'alice@example.com',
      email_verified: true,
      phone_number: '+1 555 0100',
    });
  });

  it('accepts an API’s access token that carries openid (any audience)', async () => {
    const token = await jwtToken({ aud: ORDERS.identifier, scope: 'openid orders:read' });
    await expect(sut.execute(bearer(token))).resolves.toStrictEqual({
      sub: 'pairwise-sub-of-alice',
    });
  });

  it('accepts an opaque access token by its record', async () => {
    const { token, digest } = OpaqueTokenFormat.mint('at');
    await tokens.save(digest, claims({ aud: ORDERS.identifier }));
    await expect(sut.execute(bearer(token))).resolves.toMatchObject({ name: 'Alice' });
  });

  it('accepts the token in a form body (RFC 6750 §2.2)', async () => {
    await expect(sut.execute({ formAccessToken: await jwtToken() })).resolves.toMatchObject({
      sub: 'pairwise-sub-of-alice',
    });
  });

  // RFC 8705 §3: /userinfo is a protected resource like any other.
  describe('a certificate-bound token', () => {
    const BOUND = der(SELF_SIGNED);
    const overTls = (cert: Buffer) => ({
      headers: {},
      socket: { remoteAddress: '198.51.100.1', getPeerCertificate: () => ({ raw: cert }) },
    });
    const boundToken = () => jwtToken({ cnf: { 'x5t#S256': certificateThumbprint(BOUND) } });

    it('is answered over a connection with its certificate', async () => {
      const sources = { ...bearer(await boundToken()), connection: overTls(BOUND) as never };
      await expect(sut.execute(sources)).resolves.toMatchObject({ name: 'Alice' });
    });

    it.each([
      ['another certificate', () => overTls(der(PKI_CLIENT)) as never],
      ['no certificate', () => ({ headers: {}, socket: { remoteAddress: '198.51.100.1' } })],
    ])('is refused with %s: 401 invalid_token', async (_, connection) => {
      const sources = { ...bearer(await boundToken()), connection: connection() };
      await expect(sut.execute(sources)).rejects.toMatchObject({
        status: 401,
        error: 'invalid_token',
      });
    });
  });

  describe('401 invalid_token', () => {
    it.each([
      [
        'an ID token (typ JWT, aud the client)',
        async () =>
          new IdTokenFormat(keys, ISSUER).mint(
            { sub: 'pairwise-sub-of-alice', clientId: 'web-app', authTime: 1, grantId: 'grant-1' },
            { ttlSeconds: 300, alg: 'ES256' },
          ).token,
      ],
      ['a token of another issuer', async () => jwtToken({ iss: 'https://evil.example' })],
      ['an expired token', async () => jwtToken({ iat: 1, nbf: 1, exp: 2 })],
      ['an unknown opaque token', async () => OpaqueTokenFormat.mint('at').token],
      [
        'a client_credentials token (no grant)',
        async () => jwtToken({ grantId: undefined, sub: 'svc-a', clientId: 'svc-a' }),
      ],
      ['a token whose grant is gone', async () => jwtToken({ grantId: 'grant-gone' })],
      ['a token of another client than its grant’s', async () => jwtToken({ clientId: 'other' })],
      ['a tampered token', async () => `${(await jwtToken()).slice(0, -4)}AAAA`],
    ])('%s', async (_case, make) => {
      await expect(sut.execute(bearer(await make()))).rejects.toMatchObject({
        status: 401,
        error: 'invalid_token',
      });
    });

    it.each([
      ['the token', (c: AccessTokenClaims) => ({ kind: 'token' as const, jti: c.jti })],
      ['its grant', () => ({ kind: 'grant' as const, grantId: 'grant-1' })],
    ])('a token when %s is revoked', async (_case, what) => {
      const token = await jwtToken();
      const c = (await jwt.verify(token))!;
      await revocations.revoke({ clientId: 'web-app', expiresAt: Date.now() + 60_000, ...what(c) });
      await expect(sut.execute(bearer(token))).rejects.toMatchObject({ error: 'invalid_token' });
    });
  });

  it('401 without an error code when there is no token (RFC 6750 §3.1)', async () => {
    await expect(sut.execute({})).rejects.toMatchObject({ status: 401, error: undefined });
  });

  it('400 invalid_request for a token in the header and the body at once', async () => {
    const token = await jwtToken();
    await expect(sut.execute({ ...bearer(token), formAccessToken: token })).rejects.toMatchObject({
      status: 400,
      error: 'invalid_request',
    });
  });

  it('403 insufficient_scope for a good token without openid', async () => {
    const token = await jwtToken({ aud: ORDERS.identifier, scope: 'orders:read' });
    await expect(sut.execute(bearer(token))).rejects.toMatchObject({
      status: 403,
      error: 'insufficient_scope',
      scope: 'openid',
    });
  });

  it('503 rather than vouch for a token whose revocation state cannot be checked', async () => {
    jest.spyOn(revocations, 'isRevoked').mockRejectedValueOnce(new StoreUnavailable());
    await expect(sut.execute(bearer(await jwtToken()))).rejects.toMatchObject({ status: 503 });
  });

  describe('DPoP-bound tokens (RFC 9449 §7)', () => {
    let key: DpopKey;
    let other: DpopKey;
    beforeAll(async () => {
      [key, other] = await Promise.all([dpopKey(), dpopKey()]);
    });

    const boundToken = () => jwtToken({ cnf: { jkt: key.jkt } });
    const presented = async (token: string, o: Partial<Parameters<typeof dpopProof>[0]> = {}) => ({
      authorization: `DPoP ${token}`,
      method: 'GET',
      dpop: await dpopProof({ key, htm: 'GET', htu: USERINFO, accessToken: token, ...o }),
    });

    it('answers with the DPoP scheme and a proof of the bound key for /userinfo', async () => {
      const token = await boundToken();
      await expect(sut.execute(await presented(token))).resolves.toMatchObject({ name: 'Alice' });
    });

    it('refuses the bound token as Bearer, under the Bearer challenge', async () => {
      const e = await sut.execute(bearer(await boundToken())).catch((x: unknown) => x);
      expect(e).toMatchObject({ status: 401, error: 'invalid_token', scheme: 'Bearer' });
    });

    it.each([
      ['htu of another endpoint', { htu: `${ISSUER}/oauth2/token` }, DPOP_ERRORS.htu],
      ['ath of another token', { accessToken: 'another-token' }, DPOP_ERRORS.ath],
      ['htm of another method', { htm: 'POST' }, DPOP_ERRORS.htm],
    ])('401 invalid_dpop_proof for a proof with %s', async (_case, o, description) => {
      const token = await boundToken();
      await expect(sut.execute(await presented(token, o))).rejects.toMatchObject({
        status: 401,
        error: 'invalid_dpop_proof',
        description,
        scheme: 'DPoP',
      });
    });

    it('401 invalid_token, under DPoP, for a proof by another key or an unbound token', async () => {
      const token = await boundToken();
      await expect(sut.execute(await presented(token, { key: other }))).rejects.toMatchObject({
        error: 'invalid_token',
        scheme: 'DPoP',
      });
      const unbound = await jwtToken();
      await expect(sut.execute(await presented(unbound))).rejects.toMatchObject({
        error: 'invalid_token',
        scheme: 'DPoP',
      });
    });

    it('401 invalid_dpop_proof without a proof; invalid_token under DPoP once revoked', async () => {
      const token = await boundToken();
      const { dpop: _, ...noProof } = await presented(token);
      await expect(sut.execute(noProof)).rejects.toMatchObject({ error: 'invalid_dpop_proof' });
      const c = (await jwt.verify(token))!;
      await revocations.revoke({
        kind: 'token',
        jti: c.jti,
        clientId: 'web-app',
        expiresAt: Date.now() + 60_000,
      });
      await expect(sut.execute(await presented(token))).rejects.toMatchObject({
        error: 'invalid_token',
        scheme: 'DPoP',
      });
    });
  });
});
