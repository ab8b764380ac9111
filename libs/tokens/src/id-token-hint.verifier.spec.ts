import { IdTokenFormat } from './id-token.format';
import { IdTokenHintVerifier } from './id-token-hint.verifier';
import { JwtAccessTokenFormat } from './jwt-access-token.format';
import { KeyRing } from './key-ring';

const ISSUER = 'https://issuer.example';

describe('IdTokenHintVerifier (RP-Initiated Logout 1.0 §2)', () => {
  let keys: KeyRing;
  let sut: IdTokenHintVerifier;
  let format: IdTokenFormat;

  beforeAll(async () => {
    keys = await KeyRing.generate();
    sut = new IdTokenHintVerifier(keys, ISSUER);
    format = new IdTokenFormat(keys, ISSUER);
  });
  afterEach(() => jest.useRealTimers());

  const mint = (f: IdTokenFormat = format, alg: 'RS256' | 'ES256' | 'EdDSA' | 'PS256' = 'RS256') =>
    f.mint({ sub: 'alice', clientId: 'web', authTime: 1, sid: 's1' }, { alg, ttlSeconds: 60 })
      .token;

  it.each(['RS256', 'ES256', 'EdDSA', 'PS256'] as const)('reads our %s ID token', async (alg) => {
    expect(await sut.verify(mint(format, alg))).toEqual({
      clientId: 'web',
      sub: 'alice',
      sid: 's1',
    });
  });

  it('reads one that has expired', async () => {
    jest.useFakeTimers({ now: Date.now() - 86_400_000 });
    const old = mint();
    jest.useRealTimers();
    expect(await sut.verify(old)).toMatchObject({ clientId: 'web' });
  });

  it('refuses another issuer, another key, a tampered payload and garbage', async () => {
    const otherKeys = await KeyRing.generate(['RS256']);
    const token = mint();
    const [h, p, s] = token.split('.');
    const tampered = [
      h,
      Buffer.from(JSON.stringify({ iss: ISSUER, aud: 'evil', sub: 'x' })).toString('base64url'),
      s,
    ].join('.');
    expect(await sut.verify(mint(new IdTokenFormat(keys, 'https://other.example')))).toBeNull();
    expect(await sut.verify(mint(new IdTokenFormat(otherKeys, ISSUER)))).toBeNull();
    expect(await sut.verify(tampered)).toBeNull();
    expect(await sut.verify(`${p}`)).toBeNull();
    expect(await sut.verify('a.b.c')).toBeNull();
    expect(await sut.verify(`${token}${'A'.repeat(9000)}`)).toBeNull();
  });

  it('refuses an access token of ours (typ at+jwt), even one whose aud is a client', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: ISSUER,
      sub: 'alice',
      aud: 'web',
      clientId: 'web',
      scope: 'a',
      jti: 'j1',
    };
    const at = await new JwtAccessTokenFormat(keys, ISSUER).mint(
      { ...claims, iat: now, nbf: now, exp: now + 60 },
      'RS256',
    );
    expect(await sut.verify(at)).toBeNull();
  });
});
