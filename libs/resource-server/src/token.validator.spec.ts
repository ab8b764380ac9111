import { MemoryRevocationStore } from '@app/store';
import { InvalidBearerRequest, InvalidToken, MissingToken } from './bearer.errors';
import { TokenValidator } from './token.validator';

const options = {
  issuer: 'https://issuer.example',
  audience: 'https://api.example',
  jwksUri: 'https://issuer.example/jwks',
  revocationFeed: new MemoryRevocationStore(),
};

describe('TokenValidator token sources (RFC 6750 §2)', () => {
  it('ignores body and query tokens unless the API enables them', async () => {
    const sut = new TokenValidator(options);
    await expect(sut.validate({ queryAccessToken: 'abc' })).rejects.toBeInstanceOf(MissingToken);
    await expect(sut.validate({ formAccessToken: 'abc' })).rejects.toBeInstanceOf(MissingToken);
  });

  it('reads an enabled source, and refuses a token sent in two places', async () => {
    const sut = new TokenValidator({ ...options, allowQuery: true, allowFormBody: true });
    await expect(sut.validate({ queryAccessToken: 'abc' })).rejects.toBeInstanceOf(InvalidToken);
    await expect(sut.validate({ formAccessToken: 'abc' })).rejects.toBeInstanceOf(InvalidToken);
    await expect(
      sut.validate({ authorization: 'Bearer abc', queryAccessToken: 'abc' }),
    ).rejects.toBeInstanceOf(InvalidBearerRequest);
  });
});

describe('TokenValidator and the DPoP scheme (RFC 9449 §7.1)', () => {
  const dpop = {
    publicUrl: 'https://api.example/',
    proofs: { proofMaxAgeSeconds: 60, clockSkewSeconds: 5 },
  };

  it('takes no DPoP token unless the API enables DPoP: only Bearer is challenged', async () => {
    const sut = new TokenValidator(options);
    const e = await sut.validate({ authorization: 'DPoP abc' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MissingToken);
    expect((e as MissingToken).challenge(sut.realm, sut.dpopAlgs)).toBe(
      'Bearer realm="https://api.example"',
    );
  });

  it('reports a malformed DPoP Authorization header under the DPoP challenge', async () => {
    const sut = new TokenValidator({ ...options, dpop });
    const e = await sut.validate({ authorization: 'DPoP a b' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InvalidBearerRequest);
    expect((e as InvalidBearerRequest).challenge(sut.realm, sut.dpopAlgs)).toMatch(
      /^Bearer realm="[^"]+", DPoP realm="[^"]+", error="invalid_request", .*algs="ES256/,
    );
  });

  it.each(['api.example', 'https://api.example/?q=1', 'https://user@api.example'])(
    'refuses %s as the public URL at construction',
    (publicUrl) => {
      expect(() => new TokenValidator({ ...options, dpop: { ...dpop, publicUrl } })).toThrow(
        'dpop.publicUrl',
      );
    },
  );
});
