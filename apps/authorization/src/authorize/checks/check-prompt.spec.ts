import { checkPrompt } from './check-prompt';
import { paramsOf } from './checks.fixtures';

describe('checkPrompt (OIDC Core §3.1.2.1)', () => {
  const sut = (prompt?: string) => checkPrompt(paramsOf(prompt === undefined ? {} : { prompt }));

  it('reads the known values', () => {
    expect(sut()).toEqual([]);
    expect(sut('none')).toEqual(['none']);
    expect(sut('login consent select_account')).toEqual(['login', 'consent', 'select_account']);
  });

  it.each(['none login', 'consent none', 'create', 'login  consent'])('refuses %p', (p) => {
    expect(() => sut(p)).toThrow(expect.objectContaining({ error: 'invalid_request' }));
  });
});
