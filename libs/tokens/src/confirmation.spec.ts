import {
  confirmationKind,
  confirmationThumbprint,
  parseConfirmation,
  tokenTypeOf,
} from './confirmation';

const T = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';

describe('confirmation (RFC 7800 cnf)', () => {
  it('reads either member back as written', () => {
    expect(parseConfirmation({ jkt: T })).toEqual({ jkt: T });
    expect(parseConfirmation({ 'x5t#S256': T })).toEqual({ 'x5t#S256': T });
    expect(parseConfirmation(undefined)).toBeUndefined();
  });

  it.each([
    null,
    'x',
    1,
    [],
    {},
    { jkt: T, 'x5t#S256': T },
    { jwk: {} },
    { jkt: 'short' },
    { jkt: 1 },
  ])('refuses %p rather than drop the constraint', (cnf) =>
    expect(parseConfirmation(cnf)).toBeNull(),
  );

  it('names the kind, the thumbprint and the token type', () => {
    expect([confirmationKind({ jkt: T }), confirmationThumbprint({ jkt: T })]).toEqual(['jkt', T]);
    expect(confirmationKind({ 'x5t#S256': T })).toBe('x5t#S256');
    // RFC 9449 §5: DPoP; RFC 8705 §3: a certificate-bound token is still presented as Bearer.
    expect(tokenTypeOf({ jkt: T })).toBe('DPoP');
    expect(tokenTypeOf({ 'x5t#S256': T })).toBe('Bearer');
    expect(tokenTypeOf(undefined)).toBe('Bearer');
  });
});
