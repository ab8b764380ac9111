import { Logger } from '@nestjs/common';
import { authorizationError, authorizationResponse } from './authorization-response';

const ISS = 'https://issuer.example';

describe('authorizationResponse (RFC 6749 §4.1.2, RFC 9207)', () => {
  it('appends code, state and iss to the redirect URI, keeping its own query', () => {
    const answer = authorizationResponse(
      { redirectUri: 'https://rp.example/cb?tenant=a', responseMode: 'query', state: 's 1&x' },
      ISS,
      { code: 'c1' },
    );
    expect(answer).toEqual({
      kind: 'redirect',
      location:
        'https://rp.example/cb?tenant=a&code=c1&state=s+1%26x&iss=https%3A%2F%2Fissuer.example',
    });
  });

  it('works with a native app scheme', () => {
    const answer = authorizationResponse(
      { redirectUri: 'com.example.app:/cb', responseMode: 'query' },
      ISS,
      { code: 'c1' },
    );
    expect(answer).toMatchObject({
      location: 'com.example.app:/cb?code=c1&iss=https%3A%2F%2Fissuer.example',
    });
  });

  it('posts a form that escapes every value, with a fresh script nonce in its CSP', () => {
    const target = {
      redirectUri: 'https://rp.example/cb',
      responseMode: 'form_post',
      state: '"><script>x</script>',
    } as const;
    const a = authorizationResponse(target, ISS, { code: 'c1' });
    const b = authorizationResponse(target, ISS, { code: 'c1' });
    if (a.kind !== 'page' || b.kind !== 'page') throw new Error('not a page');
    expect(a.html).not.toContain('<script>x');
    expect(a.html).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    const csp = a.headers!['content-security-policy']!;
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    expect(a.html).toContain(`<script nonce="${nonce}">`);
    expect(b.headers!['content-security-policy']).not.toContain(nonce);
    expect(csp).toContain('form-action https://rp.example;');
    expect(csp).toContain("default-src 'none'");
  });

  it('sends errors with iss, replacing a description outside RFC 6749 §5.2 characters', () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const answer = authorizationError(
      { redirectUri: 'https://rp.example/cb', responseMode: 'query' },
      ISS,
      { error: 'access_denied', description: 'nein "danke"' },
    );
    const q = new URL((answer as { location: string }).location).searchParams;
    expect(q.get('error')).toBe('access_denied');
    expect(q.get('error_description')).not.toContain('"');
    expect(q.get('iss')).toBe(ISS);
    jest.restoreAllMocks();
  });
});
