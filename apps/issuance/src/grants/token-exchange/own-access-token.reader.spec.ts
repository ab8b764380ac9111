import { ClientConfig } from '@app/config';
import { MemoryRevocationStore, MemoryTokenStore } from '@app/store';
import {
  AccessTokenClaims,
  AccessTokenReader,
  JwtAccessTokenFormat,
  KeyRing,
  OpaqueTokenFormat,
} from '@app/tokens';
import { OwnAccessTokenReader } from './own-access-token.reader';
import { TOKEN_TYPES } from './token-types';

const ISSUER = 'https://as.example';
const ORDERS = 'https://orders.example';
const now = () => Math.floor(Date.now() / 1000);
const claims = (over: Partial<AccessTokenClaims> = {}): AccessTokenClaims => ({
  iss: ISSUER,
  sub: 'user-1',
  aud: ORDERS,
  clientId: 'web',
  scope: 'orders:read orders:write',
  jti: `jti-${Math.random()}`,
  iat: now(),
  nbf: now(),
  exp: now() + 60,
  grantId: 'grant-1',
  authTime: now() - 30,
  amr: ['pwd'],
  ...over,
});
const client = (clientId: string, introspects: string[] = []) =>
  ({ clientId, introspects }) as unknown as ClientConfig;

describe('OwnAccessTokenReader', () => {
  let jwt: JwtAccessTokenFormat;
  let opaque: MemoryTokenStore;
  let revocations: MemoryRevocationStore;
  let sut: OwnAccessTokenReader;

  beforeAll(async () => {
    jwt = new JwtAccessTokenFormat(await KeyRing.generate(), ISSUER);
  });
  beforeEach(() => {
    opaque = new MemoryTokenStore();
    revocations = new MemoryRevocationStore();
    sut = new OwnAccessTokenReader(new AccessTokenReader(jwt, opaque), revocations);
  });

  it('reads the RFC 8693 access_token and jwt types, and no other', () => {
    expect(sut.accepts(TOKEN_TYPES.accessToken)).toBe(true);
    expect(sut.accepts(TOKEN_TYPES.jwt)).toBe(true);
    expect(sut.accepts(TOKEN_TYPES.refreshToken)).toBe(false);
    expect(sut.accepts(TOKEN_TYPES.idToken)).toBe(false);
  });

  it('reads a JWT for an API that serves its audience: subject, scopes, grant, authentication', async () => {
    const c = claims({ act: { sub: 'svc' }, mayAct: { sub: 'orders-api' } });
    const token = await jwt.mint(c, 'ES256');
    const read = await sut.read(token, TOKEN_TYPES.jwt, client('orders-api', [ORDERS]));
    expect(read).toEqual({
      sub: 'user-1',
      clientId: 'web',
      aud: ORDERS,
      scopes: ['orders:read', 'orders:write'],
      jti: c.jti,
      exp: c.exp,
      grantId: 'grant-1',
      act: { sub: 'svc' },
      mayAct: { sub: 'orders-api' },
      authentication: { authTime: c.authTime, amr: ['pwd'] },
    });
  });

  it('reads an opaque token, with its digest, for the client it was issued to', async () => {
    const { token, digest } = OpaqueTokenFormat.mint('at');
    await opaque.save(digest, claims({ grantId: undefined, authTime: undefined, amr: undefined }));
    const read = await sut.read(token, TOKEN_TYPES.accessToken, client('web'));
    expect(read).toMatchObject({ digest, clientId: 'web' });
    expect(read).not.toHaveProperty('grantId');
    // Not stated to be a JWT: an opaque token presented as `jwt` is not one.
    await expect(sut.read(token, TOKEN_TYPES.jwt, client('web'))).resolves.toBeNull();
  });

  it('refuses a token neither issued to the client nor meant for an API it serves', async () => {
    const token = await jwt.mint(claims(), 'ES256');
    await expect(
      sut.read(token, TOKEN_TYPES.accessToken, client('ledger-api', ['https://ledger.example'])),
    ).resolves.toBeNull();
  });

  it('refuses a revoked token (by token, or by its grant) and an expired one', async () => {
    const byToken = claims();
    await revocations.revoke({
      kind: 'token',
      clientId: 'web',
      jti: byToken.jti,
      expiresAt: Date.now() + 60_000,
    });
    const byGrant = claims({ grantId: 'grant-revoked' });
    await revocations.revoke({
      kind: 'grant',
      clientId: 'web',
      grantId: 'grant-revoked',
      expiresAt: Date.now() + 60_000,
    });
    const expired = claims({ iat: now() - 120, nbf: now() - 120, exp: now() - 60 });
    for (const c of [byToken, byGrant, expired])
      await expect(
        sut.read(await jwt.mint(c, 'ES256'), TOKEN_TYPES.accessToken, client('web')),
      ).resolves.toBeNull();
  });

  it('refuses what is no token of ours', async () => {
    for (const token of ['at_nope', 'rt_' + 'a'.repeat(43), 'a.b.c'])
      await expect(sut.read(token, TOKEN_TYPES.accessToken, client('web'))).resolves.toBeNull();
  });
});
