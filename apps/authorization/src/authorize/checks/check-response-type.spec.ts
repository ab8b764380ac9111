import { checkResponseType } from './check-response-type';
import { paramsOf } from './checks.fixtures';

describe('checkResponseType (RFC 9700 §2.1.2)', () => {
  const sut = (p: Record<string, string>) => checkResponseType(paramsOf(p));

  it('accepts code', () => expect(sut({ response_type: 'code' })).toBe('code'));

  it.each(['token', 'id_token', 'code id_token', 'code token', 'none', 'CODE'])(
    'refuses %s with unsupported_response_type',
    (rt) => {
      expect(() => sut({ response_type: rt })).toThrow(
        expect.objectContaining({ error: 'unsupported_response_type' }),
      );
    },
  );

  it('refuses a missing one with invalid_request', () => {
    expect(() => sut({})).toThrow(expect.objectContaining({ error: 'invalid_request' }));
  });
});
