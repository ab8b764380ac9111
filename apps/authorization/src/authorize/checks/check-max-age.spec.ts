import { checkMaxAge } from './check-max-age';
import { paramsOf } from './checks.fixtures';

describe('checkMaxAge (OIDC Core §3.1.2.1)', () => {
  const sut = (v?: string) => checkMaxAge(paramsOf(v === undefined ? {} : { max_age: v }));

  it('reads whole seconds, 0 included', () => {
    expect(sut()).toBeUndefined();
    expect(sut('0')).toBe(0);
    expect(sut('3600')).toBe(3600);
  });

  it.each(['-1', '1.5', '1e3', ' 1', 'abc', '12345678901'])('refuses %p', (v) => {
    expect(() => sut(v)).toThrow(expect.objectContaining({ error: 'invalid_request' }));
  });
});
