import { checkStateAndNonce, errorState } from './check-state-and-nonce';
import { paramsOf } from './checks.fixtures';

describe('checkStateAndNonce', () => {
  it('keeps both opaque values unchanged', () => {
    expect(checkStateAndNonce(paramsOf({ state: 'a b<>"', nonce: 'n' }))).toEqual({
      state: 'a b<>"',
      nonce: 'n',
    });
    expect(checkStateAndNonce(paramsOf({}))).toEqual({});
  });

  it.each([
    ['state', 1025],
    ['nonce', 513],
  ])('refuses a %s longer than the bound', (name, length) => {
    expect(() => checkStateAndNonce(paramsOf({ [name]: 'x'.repeat(length) }))).toThrow(
      expect.objectContaining({ error: 'invalid_request' }),
    );
  });

  it('sends errors without a state that is too long to echo', () => {
    expect(errorState(paramsOf({ state: 'ok' }))).toBe('ok');
    expect(errorState(paramsOf({ state: 'x'.repeat(1025) }))).toBeUndefined();
  });
});
