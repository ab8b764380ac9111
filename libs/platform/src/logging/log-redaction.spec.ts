import { randomBytes } from 'node:crypto';
import { maskSecrets, REDACTED } from './log-redaction';

const AT = `at_${'A'.repeat(20)}-_${'b'.repeat(21)}`;
const RT = `rt_${'x'.repeat(43)}`;
const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const CODE = randomBytes(32).toString('base64url');

describe('maskSecrets', () => {
  it.each([
    ['an opaque access token', `revoked ${AT} for svc`],
    ['an opaque refresh token', `reuse of ${RT}`],
    ['a JWT', `bad proof ${JWT}`],
    ['an authorization code (32 random bytes)', `code ${CODE} replayed`],
  ])('masks %s in a message', (_name, message) => {
    const line = JSON.stringify({ msg: message });
    const masked = maskSecrets(line);
    expect(masked).toContain(REDACTED);
    for (const secret of [AT, RT, JWT, CODE]) expect(masked).not.toContain(secret);
    expect(() => JSON.parse(masked)).not.toThrow();
  });

  it('masks secret fields at any depth, and their quoted form inside a message', () => {
    const line = JSON.stringify({
      a: { b: { client_secret: 's3cr3t!', password: 'hunter2', nested: { Cookie: 'sid=1' } } },
      msg: `body was ${JSON.stringify({ refresh_token: 'opaque-rt', code: 'c0de' })}`,
    });
    const masked = maskSecrets(line);
    for (const secret of ['s3cr3t!', 'hunter2', 'sid=1', 'opaque-rt', 'c0de'])
      expect(masked).not.toContain(secret);
    expect(JSON.parse(masked).a.b.client_secret).toBe(REDACTED);
  });

  it('masks form fields and authorization schemes quoted in text', () => {
    const masked = maskSecrets(
      '"grant_type=password&password=hunter2&client_assertion=abc.def&code=xyz&assertion=ghi.jkl" ' +
        'Authorization: Basic c3ZjOnNlY3JldA== Bearer tok.en DPoP proof',
    );
    for (const secret of ['hunter2', 'abc.def', 'xyz', 'ghi.jkl', 'c3ZjOnNlY3JldA==', 'tok.en'])
      expect(masked).not.toContain(secret);
    expect(masked).toContain('grant_type=password');
  });

  it('keeps the first 6 characters of a 43-character value, enough to recognise a key id', () => {
    expect(maskSecrets(`announced ${CODE}`)).toBe(`announced ${CODE.slice(0, 6)}…${REDACTED}`);
  });

  it("keeps an error's code (ECONNRESET) while masking an authorization code", () => {
    const line = JSON.stringify({
      err: { code: 'ECONNRESET' },
      body: { code: 'SplxlOBeZQQYbYS6WxSbIA' },
    });
    const masked = JSON.parse(maskSecrets(line));
    expect(masked.err.code).toBe('ECONNRESET');
    expect(masked.body.code).toBe(REDACTED);
  });

  it('keeps what is not secret: ids, routes, error codes, request ids', () => {
    const line = JSON.stringify({
      msg: 'state change refused: invalid_grant on /oauth2/token for client svc-basic',
      req_id: '3f0c2a4e-8a55-4b7e-9a43-5e2f3c1b9d10',
      error_code: 'invalid_grant',
    });
    expect(maskSecrets(line)).toBe(line);
  });
});
