import { checkHints } from './check-hints';
import { paramsOf } from './checks.fixtures';

describe('checkHints (OIDC Core §3.1.2.1)', () => {
  const sut = (p: Record<string, string>) => checkHints(paramsOf(p));

  it('passes login_hint, ui_locales and acr_values on', () => {
    expect(
      sut({ login_hint: 'alice@example.com', ui_locales: 'fr-CA en', acr_values: 'urn:a b' }),
    ).toEqual({
      loginHint: 'alice@example.com',
      uiLocales: ['fr-CA', 'en'],
      acrValues: ['urn:a', 'b'],
    });
    expect(sut({})).toEqual({ uiLocales: [], acrValues: [] });
  });

  it.each([
    ['an over-long login_hint', { login_hint: 'a'.repeat(257) }],
    ['a locale that is no language tag', { ui_locales: 'en <b>' }],
    [
      'too many locales',
      {
        ui_locales: Array.from({ length: 11 }, () => 'en')
          .map((l, i) => `${l}-${i}`)
          .join(' '),
      },
    ],
    ['an acr value with a quote', { acr_values: 'a"b' }],
  ])('refuses %s', (_case, p) => {
    expect(() => sut(p)).toThrow(expect.objectContaining({ error: 'invalid_request' }));
  });
});
