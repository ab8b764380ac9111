import { FormParams } from '../http/form-body';
import { extractCredentials, JWT_BEARER_ASSERTION } from './client-credentials.extractor';

const form = (body: string) => FormParams.parse('application/x-www-form-urlencoded', body);
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('extractCredentials', () => {
  it('form-url-decodes the HTTP Basic id and secret (RFC 6749 §2.3.1)', () => {
    const sut = extractCredentials({ form: form(''), authorization: basic('svc%3Aa', 'p%25+w') });
    expect(sut).toEqual({ method: 'client_secret_basic', clientId: 'svc:a', secret: 'p% w' });
  });

  it('reads client_secret_post', () => {
    const sut = extractCredentials({ form: form('client_id=svc&client_secret=s') });
    expect(sut).toEqual({ method: 'client_secret_post', clientId: 'svc', secret: 's' });
  });

  it('reads a JWT client assertion', () => {
    const type = encodeURIComponent(JWT_BEARER_ASSERTION);
    const sut = extractCredentials({
      form: form(`client_assertion_type=${type}&client_assertion=a.b.c`),
    });
    expect(sut).toEqual({ method: 'private_key_jwt', clientId: undefined, assertion: 'a.b.c' });
  });

  it('refuses two methods at once with invalid_request', () => {
    expect(() =>
      extractCredentials({
        form: form('client_id=a&client_secret=s'),
        authorization: basic('a', 's'),
      }),
    ).toThrow(expect.objectContaining({ error: 'invalid_request' }));
  });

  it('refuses an unknown assertion type with invalid_request', () => {
    expect(() =>
      extractCredentials({ form: form('client_assertion_type=saml&client_assertion=x') }),
    ).toThrow(expect.objectContaining({ error: 'invalid_request' }));
  });

  // RFC 9110 §15.5.2: a 401 always carries a challenge; without Basic it names every method.
  it('answers no credentials with invalid_client and a challenge naming the methods', () => {
    let thrown: unknown;
    try {
      extractCredentials({ form: form('client_id=a') });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({
      error: 'invalid_client',
      status: 401,
      headers: {
        'www-authenticate':
          'Basic realm="oauth2", token_endpoint_auth_methods_supported=' +
          '"client_secret_basic client_secret_post private_key_jwt"',
      },
    });
  });

  it('challenges malformed Basic credentials with WWW-Authenticate', () => {
    expect(() =>
      extractCredentials({ form: form(''), authorization: 'Basic bm9jb2xvbg==' }),
    ).toThrow(
      expect.objectContaining({
        error: 'invalid_client',
        headers: { 'www-authenticate': 'Basic realm="oauth2"' },
      }),
    );
  });

  it('refuses a form client_id that contradicts the Basic one', () => {
    expect(() =>
      extractCredentials({ form: form('client_id=other'), authorization: basic('a', 's') }),
    ).toThrow(expect.objectContaining({ error: 'invalid_client' }));
  });
});
