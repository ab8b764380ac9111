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
