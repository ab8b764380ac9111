import { SIGNING_ALGS } from '@app/config';
import { AccessTokenClaims } from './access-token.claims';
import { AccessTokenReader, OpaqueTokenLookup } from './access-token.reader';
import { IdTokenFormat } from './id-token.format';
import { JwtAccessTokenFormat } from './jwt-access-token.format';
import { JwtAccessTokenVerifier } from './jwt-access-token.verifier';
import { KeyRing } from './key-ring';

const ISSUER = 'https://issuer.example';
/** A client whose id is also an API's identifier: an ID token's aud then names the API. */
const CLIENT = 'https://api.example';

const noOpaque: OpaqueTokenLookup = { find: () => Promise.resolve(null) };

function accessClaims(): AccessTokenClaims {
  const iat = Math.floor(Date.now() / 1000);
  return {
    iss: ISSUER,
    sub: 'alice',
    aud: CLIENT,
    clientId: CLIENT,
    scope: 'openid read',
    jti: 'jti-1',
    iat,
    nbf: iat,
    exp: iat + 60,
  };
}

/**
 * An ID token is not an access token (OpenID Connect Core §2, RFC 9068 §2.1 and §4): every
 * reader of access tokens refuses one, even one minted by the same issuer and keys whose
 * audience is the API asking.
 */
describe('an ID token presented as an access token', () => {
  let keys: KeyRing;
  let idTokens: IdTokenFormat;
  let jwt: JwtAccessTokenFormat;

  beforeAll(async () => {
    keys = await KeyRing.generate();
    idTokens = new IdTokenFormat(keys, ISSUER);
    jwt = new JwtAccessTokenFormat(keys, ISSUER);
  });

  const idToken = (alg: (typeof SIGNING_ALGS)[number]) =>
    idTokens.mint(
      {
        sub: 'alice',
        clientId: CLIENT,
        authTime: Math.floor(Date.now() / 1000),
        nonce: 'n-1',
        grantId: 'grant-1',
        userClaims: { name: 'Alice', email: 'alice@example.com' },
      },
      { alg, ttlSeconds: 300 },
    ).token;

  it('a genuine access token of the same keys is read (control)', async () => {
    const sut = new AccessTokenReader(jwt, noOpaque);
    const claims = accessClaims();
    await expect(sut.read(await jwt.mint(claims, 'RS256'))).resolves.toEqual({ claims });
  });

  it.each(SIGNING_ALGS)(
    'introspection (AccessTokenReader) reads nothing from a %s ID token',
    async (alg) => {
      const sut = new AccessTokenReader(jwt, noOpaque);
      await expect(sut.read(idToken(alg))).resolves.toBeNull();
    },
  );

  it.each(SIGNING_ALGS)('JwtAccessTokenFormat.verify refuses a %s ID token', async (alg) => {
    await expect(jwt.verify(idToken(alg))).resolves.toBeNull();
  });

  it.each(SIGNING_ALGS)(
    'a resource server verifier whose audience is the ID token aud refuses a %s ID token',
    async (alg) => {
      const sut = new JwtAccessTokenVerifier(keys, { issuer: ISSUER, audience: CLIENT });
      await expect(sut.verify(idToken(alg))).resolves.toBeNull();
    },
  );
});
