import { checkDpopJkt } from './check-dpop-jkt';
import { paramsOf } from './checks.fixtures';

const JKT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';

describe('checkDpopJkt (RFC 9449 §10)', () => {
  const sut = (p: Record<string, string>) => () => checkDpopJkt(paramsOf(p));

  it('keeps a SHA-256 JWK thumbprint, and nothing when absent', () => {
    expect(sut({ dpop_jkt: JKT })()).toEqual({ dpopJkt: JKT });
    expect(sut({})()).toEqual({});
  });

  it.each([
    ['a shorter value', JKT.slice(1)],
    ['a longer value', `${JKT}A`],
    ['padding', `${JKT.slice(1)}=`],
    ['base64 characters', `${JKT.slice(1)}+`],
    ['a JWK', '{"kty":"EC"}'],
  ])('refuses %s: invalid_request', (_, dpopJkt) => {
    expect(sut({ dpop_jkt: dpopJkt })).toThrow(
      expect.objectContaining({
        error: 'invalid_request',
        description: expect.stringMatching(/dpop_jkt/),
      }),
    );
  });
});
