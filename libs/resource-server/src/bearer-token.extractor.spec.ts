import { extractBearer, isDpopScheme } from './bearer-token.extractor';
import { InsufficientScope, InvalidToken, MissingToken } from './bearer.errors';

describe('extractBearer (RFC 6750 §2)', () => {
  it('reads the Authorization header, scheme case-insensitive', () => {
    expect(extractBearer({ authorization: 'bearer abc.def-ghi_~+/=' })).toBe('abc.def-ghi_~+/=');
  });

  it('asks for credentials, without an error code, when there are none (§3.1)', () => {
    expect(() => extractBearer({})).toThrow(MissingToken);
    expect(() => extractBearer({ authorization: 'Basic dXNlcjpwYXNz' })).toThrow(MissingToken);
  });

  it.each([
    ['an empty Bearer header', { authorization: 'Bearer ' }],
    ['two tokens in the header', { authorization: 'Bearer a b' }],
    ['characters outside b64token', { authorization: 'Bearer a"b' }],
    ['a token in two places', { authorization: 'Bearer a', queryAccessToken: 'b' }],
  ])('refuses %s with 400 invalid_request', (_, src) => {
    expect(() => extractBearer(src)).toThrow(
      expect.objectContaining({ status: 400, error: 'invalid_request' }),
    );
  });
});

describe('the DPoP scheme (RFC 9449 §7.1)', () => {
  it('reads `DPoP <token>` only where DPoP is taken, scheme case-insensitive', () => {
    expect(extractBearer({ authorization: 'dpop abc.def' }, true)).toBe('abc.def');
    expect(() => extractBearer({ authorization: 'DPoP abc.def' })).toThrow(MissingToken);
    expect(isDpopScheme('DPoP abc')).toBe(true);
    expect(isDpopScheme('dpop abc')).toBe(true);
    expect(isDpopScheme('Bearer abc')).toBe(false);
    expect(isDpopScheme('DPoPx abc')).toBe(false);
  });

  it.each([
    ['an empty DPoP header', { authorization: 'DPoP ' }],
    ['two tokens', { authorization: 'DPoP a b' }],
    ['a DPoP token and a form token', { authorization: 'DPoP a', formAccessToken: 'a' }],
  ])('refuses %s with 400 invalid_request', (_, src) => {
    expect(() => extractBearer(src, true)).toThrow(
      expect.objectContaining({ status: 400, error: 'invalid_request' }),
    );
  });
});

describe('Bearer challenges (RFC 6750 §3)', () => {
  it('names the error and its description', () => {
    expect(new InvalidToken('expired').challenge('api')).toBe(
      'Bearer realm="api", error="invalid_token", error_description="expired"',
    );
  });

  it('names the required scope for insufficient_scope', () => {
    const e = new InsufficientScope(['orders:read', 'orders:write']);
    expect(e.status).toBe(403);
    expect(e.challenge('api')).toContain('scope="orders:read orders:write"');
  });

  it('carries no error code when no credentials were sent', () => {
    expect(new MissingToken('no access token').challenge('api')).toBe('Bearer realm="api"');
  });
});
