import { checkResponseMode, errorResponseMode } from './check-response-mode';
import { paramsOf } from './checks.fixtures';

describe('checkResponseMode', () => {
  const sut = (p: Record<string, string>) => checkResponseMode(paramsOf(p));

  it('defaults to query and accepts form_post', () => {
    expect(sut({})).toBe('query');
    expect(sut({ response_mode: 'query' })).toBe('query');
    expect(sut({ response_mode: 'form_post' })).toBe('form_post');
  });

  it.each(['fragment', 'jwt', 'query.jwt', 'web_message'])('refuses %s', (mode) => {
    expect(() => sut({ response_mode: mode })).toThrow(
      expect.objectContaining({ error: 'invalid_request' }),
    );
  });

  it('answers an error in query mode when the mode itself is wrong', () => {
    expect(errorResponseMode(paramsOf({ response_mode: 'fragment' }))).toBe('query');
    expect(errorResponseMode(paramsOf({ response_mode: 'form_post' }))).toBe('form_post');
  });
});
