import { createHash } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, JWK, jwtVerify } from 'jose';
import { SIGNING_ALGS } from '@app/config';
import { IdTokenClaims } from './id-token.claims';
import { DEFAULT_ID_TOKEN_ALG, IdTokenFormat } from './id-token.format';
import { KeyRing } from './key-ring';

const ISSUER = 'https://issuer.example';
const CLIENT = 'web-app';
const ACCESS_TOKEN = 'at_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG';

function claims(over: Partial<IdTokenClaims> = {}): IdTokenClaims {
  return {
    sub: 'alice',
    clientId: CLIENT,
    authTime: Math.floor(Date.now() / 1000) - 30,
    ...over,
  };
}

/** The left half of `hash(value)`, base64url: at_hash computed here, apart from the format. */
function leftHalf(algorithm: string, value: string): string {
  const digest = createHash(algorithm).update(value).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

describe('IdTokenFormat (OpenID Connect Core §2)', () => {
  let keys: KeyRing;
  /** The JWKS as a relying party fetches it from the jwks_uri. */
  let published: { keys: JWK[] };
  let sut: IdTokenFormat;

  beforeAll(async () => {
    keys = await KeyRing.generate();
    published = JSON.parse(JSON.stringify(keys.publicJwks())) as { keys: JWK[] };
    sut = new IdTokenFormat(keys, ISSUER);
  });

  /** Verified as a relying party would: the published keys, its own client id as audience. */
  const verifyAsClient = (token: string, alg: string) =>
    jwtVerify(token, createLocalJWKSet(published), {
      issuer: ISSUER,
      audience: CLIENT,
      typ: 'JWT',
      algorithms: [alg],
      requiredClaims: ['sub', 'exp', 'iat', 'auth_time'],
    });

  it.each(SIGNING_ALGS)('is signed with %s and verifies with the published JWKS', async (alg) => {
    const given = claims({ nonce: 'n-0S6_WzA2Mj', accessToken: ACCESS_TOKEN });
    const minted = sut.mint(given, { alg, ttlSeconds: 300 });
    const { payload, protectedHeader } = await verifyAsClient(minted.token, alg);
    expect(protectedHeader).toEqual({ alg, kid: keys.signingKey(alg).kid, typ: 'JWT' });
    expect(payload).toEqual({
      iss: ISSUER,
      sub: 'alice',
      aud: CLIENT,
      exp: minted.exp,
      iat: minted.iat,
      auth_time: given.authTime,
      nonce: 'n-0S6_WzA2Mj',
      azp: CLIENT,
      at_hash: expect.any(String),
      jti: minted.jti,
    });
    // The key that verified it is published for that algorithm only (RFC 7517 §4.4).
    const jwk = published.keys.find((k) => k.kid === minted.kid)!;
    expect(jwk.alg).toBe(alg);
  });

  it('is RS256 when the client registered no algorithm (§15.1)', async () => {
    const minted = sut.mint(claims(), { ttlSeconds: 60 });
    expect(DEFAULT_ID_TOKEN_ALG).toBe('RS256');
    expect(minted.alg).toBe('RS256');
    expect(decodeProtectedHeader(minted.token).alg).toBe('RS256');
    await expect(verifyAsClient(minted.token, 'RS256')).resolves.toBeDefined();
  });

  it('RS256 and PS256 are signed by two different RSA keys, each published once', () => {
    const rs = keys.signingKey('RS256');
    const ps = keys.signingKey('PS256');
    expect(rs.kid).not.toBe(ps.kid);
    const rsa = published.keys.filter((k) => k.kty === 'RSA');
    expect(rsa.map((k) => k.alg).sort()).toEqual(['PS256', 'RS256']);
    expect(rsa[0]!.n).not.toBe(rsa[1]!.n);
  });

  it('a PS256 token does not verify under the RS256 key', async () => {
    const minted = sut.mint(claims(), { alg: 'PS256', ttlSeconds: 60 });
    const [, payload, signature] = minted.token.split('.');
    const header = Buffer.from(
      JSON.stringify({ alg: 'PS256', kid: keys.signingKey('RS256').kid, typ: 'JWT' }),
    ).toString('base64url');
    await expect(verifyAsClient(`${header}.${payload}.${signature}`, 'PS256')).rejects.toThrow();
  });

  describe('at_hash (§3.1.3.6)', () => {
    it.each([
      ['RS256', 'sha256'],
      ['PS256', 'sha256'],
      ['ES256', 'sha256'],
      ['EdDSA', 'sha512'],
    ] as const)('with %s is the left half of %s of the access token', (alg, hash) => {
      const minted = sut.mint(claims({ accessToken: ACCESS_TOKEN }), { alg, ttlSeconds: 60 });
      expect(decodeJwt(minted.token).at_hash).toBe(leftHalf(hash, ACCESS_TOKEN));
    });

    it('is left out when no access token is issued with the ID token', () => {
      const minted = sut.mint(claims(), { ttlSeconds: 60 });
      expect(decodeJwt(minted.token)).not.toHaveProperty('at_hash');
    });
  });

  it('carries nonce, acr, amr, sid and grant_id only when given', () => {
    const bare = decodeJwt(sut.mint(claims(), { ttlSeconds: 60 }).token);
    for (const name of ['nonce', 'acr', 'amr', 'sid', 'grant_id'])
      expect(bare).not.toHaveProperty(name);
    const full = decodeJwt(
      sut.mint(
        claims({
          nonce: 'n-1',
          acr: 'urn:mace:incommon:iap:silver',
          amr: ['pwd', 'otp'],
          sid: 'sid-1',
          grantId: 'grant-1',
        }),
        { ttlSeconds: 60 },
      ).token,
    );
    expect(full).toEqual(
      expect.objectContaining({
        nonce: 'n-1',
        acr: 'urn:mace:incommon:iap:silver',
        amr: ['pwd', 'otp'],
        sid: 'sid-1',
        grant_id: 'grant-1',
      }),
    );
  });

  it('carries the standard user claims given, which never replace what the token asserts', () => {
    const minted = sut.mint(
      claims({
        userClaims: {
          name: 'Alice',
          email: 'alice@example.com',
          email_verified: true,
          sub: 'mallory',
          iss: 'https://evil.example',
          aud: 'other-client',
          nonce: 'chosen-by-the-user-record',
          exp: 9_999_999_999,
          scope: 'admin',
          client_id: 'https://orders.example.com',
          employee_number: 'E-42',
        },
      }),
      { ttlSeconds: 60 },
    );
    const payload = decodeJwt(minted.token);
    expect(payload).toEqual(
      expect.objectContaining({
        name: 'Alice',
        email: 'alice@example.com',
        email_verified: true,
        sub: 'alice',
        iss: ISSUER,
        aud: CLIENT,
        exp: minted.exp,
      }),
    );
    for (const name of ['nonce', 'scope', 'client_id', 'employee_number'])
      expect(payload).not.toHaveProperty(name);
  });

  describe('lifetime', () => {
    afterEach(() => jest.useRealTimers());

    it('is the given number of seconds from now', () => {
      jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
      const minted = sut.mint(claims({ authTime: 1_893_455_000 }), { ttlSeconds: 3600 });
      const payload = decodeJwt(minted.token);
      expect(payload.iat).toBe(1_893_456_000);
      expect(payload.exp).toBe(1_893_456_000 + 3600);
      expect(payload.auth_time).toBe(1_893_455_000);
      expect(minted).toEqual(expect.objectContaining({ iat: 1_893_456_000, exp: 1_893_459_600 }));
    });

    it.each([0, -1, 1.5, Number.NaN])('refuses a lifetime of %p', (ttlSeconds) => {
      expect(() => sut.mint(claims(), { ttlSeconds })).toThrow(RangeError);
    });
  });

  it('is refused by the relying party once expired', async () => {
    const minted = sut.mint(claims(), { ttlSeconds: 1 });
    expect(decodeJwt(minted.token).exp).toBe(minted.iat + 1);
    await expect(
      jwtVerify(minted.token, createLocalJWKSet(published), {
        issuer: ISSUER,
        audience: CLIENT,
        currentDate: new Date((minted.exp + 1) * 1000),
      }),
    ).rejects.toThrow('"exp" claim timestamp check failed');
  });

  it('gives every token its own jti', () => {
    const a = sut.mint(claims(), { ttlSeconds: 60 });
    const b = sut.mint(claims(), { ttlSeconds: 60 });
    expect(a.jti).not.toBe(b.jti);
    expect(a.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('cannot sign with an algorithm the ring holds no key for', async () => {
    const ecOnly = new IdTokenFormat(await KeyRing.generate(['ES256']), ISSUER);
    expect(() => ecOnly.mint(claims(), { ttlSeconds: 60 })).toThrow('no signing key for RS256');
  });
});
