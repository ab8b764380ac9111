import { request as httpRequest } from 'node:http';
import { CLIENTS, RESOURCES } from '../fixtures/test-registry';
import { OAuthClient } from '../support/oauth-client';
import { ClientAuth, clientAuth, FormInput, HttpResponse } from '../support/oauth-http';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

/** RFC 6749 §5.2: the only characters an error_description may hold. */
const DESCRIPTION_CHARSET = /^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/;

/** Values a hostile client puts where a parameter's value (or name) goes. */
const HOSTILE: ReadonlyArray<readonly [string, string]> = [
  ['quotes', 'x"},"error":"injected'],
  ['backslashes', 'x\\u0022\\n\\\\'],
  ['control characters', 'x\u0000\u0007\u001b[31m\r\nWWW-Authenticate: evil\t'],
  ['non-ASCII', 'x\u00e9\u20ac\u202e\ud83d\ude00\u00a0'],
  ['a long value', `x${'long-'.repeat(2000)}`],
];

/**
 * error_description never repeats request input, before or after client authentication, and
 * stays within the RFC 6749 §5.2 characters, whichever parameter is refused.
 */
describe('error descriptions', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;
  const basic = clientAuth.basic(CLIENTS.basic);

  beforeAll(async () => {
    sut = await startStandaloneServer();
    oauth = new OAuthClient(sut.config.endpoints);
  });
  afterAll(() => sut?.close());

  const expectSafeRefusal = (res: HttpResponse, status: number, error: string, input: string) => {
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(error);
    const description = res.body.error_description as string;
    expect(description).toMatch(DESCRIPTION_CHARSET);
    // Not the value, nor any telling part of it.
    expect(description).not.toContain(input);
    expect(description).not.toContain(input.slice(0, 8));
    expect(res.text).not.toContain('injected');
    expect(res.text).not.toContain('evil');
  };

  const token = (form: FormInput, auth: ClientAuth = basic) => oauth.token(form, auth);

  describe.each(HOSTILE)('with %s', (_kind, value) => {
    it('in grant_type, after authentication: unsupported_grant_type', async () => {
      expectSafeRefusal(await token({ grant_type: value }), 400, 'unsupported_grant_type', value);
    });

    it('in scope, after authentication: invalid_scope', async () => {
      const res = await token({ grant_type: 'client_credentials', scope: value });
      expectSafeRefusal(res, 400, 'invalid_scope', value);
    });

    it('in resource, after authentication: invalid_target', async () => {
      const res = await token({ grant_type: 'client_credentials', resource: value });
      expectSafeRefusal(res, 400, 'invalid_target', value);
    });

    it('in one of several resources: invalid_target', async () => {
      const res = await token([
        ['grant_type', 'client_credentials'],
        ['resource', RESOURCES.orders.identifier],
        ['resource', value],
      ]);
      expectSafeRefusal(res, 400, 'invalid_target', value);
    });

    it.each([
      ['the token endpoint', () => sut.config.endpoints.token],
      ['the introspection endpoint', () => sut.config.endpoints.introspection],
      ['the revocation endpoint', () => sut.config.endpoints.revocation],
    ])('as a repeated parameter name at %s, before authentication', async (_e, url) => {
      const endpoint = new OAuthClient({ token: url(), introspection: url(), revocation: url() });
      const res = await endpoint.token(
        [
          [value, '1'],
          [value, '2'],
        ],
        clientAuth.none,
      );
      expectSafeRefusal(res, 400, 'invalid_request', value);
    });

    it('in client_assertion_type, before authentication: invalid_request', async () => {
      const res = await token(
        {
          grant_type: 'client_credentials',
          client_assertion: 'a.b.c',
          client_assertion_type: value,
        },
        clientAuth.none,
      );
      expectSafeRefusal(res, 400, 'invalid_request', value);
    });

    it('in client_id with client_secret_post, before authentication: invalid_client', async () => {
      const res = await token(
        { grant_type: 'client_credentials' },
        clientAuth.post({ clientId: value, secret: 'not-a-secret-0123456789' }),
      );
      expectSafeRefusal(res, 401, 'invalid_client', value);
    });

    it('in a Basic client id, before authentication: invalid_client', async () => {
      const res = await token(
        { grant_type: 'client_credentials' },
        clientAuth.basic({ clientId: value, secret: 'not-a-secret-0123456789' }),
      );
      expectSafeRefusal(res, 401, 'invalid_client', value);
    });

    it('in the path of an unknown endpoint: not_found', async () => {
      const res = await rawPost(`/oauth2/${encodeURIComponent(value)}"\\`);
      expectSafeRefusal(res, 404, 'not_found', value);
      expectSafeRefusal(res, 404, 'not_found', `${encodeURIComponent(value).slice(0, 20)}`);
    });
  });

  it('a malformed URL is refused without quoting it: 400 invalid_request', async () => {
    const res = await rawPost('/oauth2/%ZZ"evil\\');
    expectSafeRefusal(res, 400, 'invalid_request', '%ZZ');
  });

  it('a missing parameter is named (ours), within the allowed characters', async () => {
    const res = await oauth.introspect({}, clientAuth.basic(CLIENTS.introspector));
    expect(res.status).toBe(400);
    expect(res.body.error_description).toBe('the token parameter is required');
  });

  it('a repeated parameter of ours is named: invalid_request', async () => {
    const res = await token([
      ['grant_type', 'client_credentials'],
      ['scope', 'orders:read'],
      ['scope', 'orders:write'],
    ]);
    expect(res.status).toBe(400);
    expect(res.body.error_description).toBe('the scope parameter must not be repeated');
  });

  /** POSTs to a path exactly as given (fetch would normalise it). */
  function rawPost(path: string): Promise<HttpResponse> {
    const { hostname, port } = new URL(sut.url);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { hostname, port, path, method: 'POST', headers: { 'content-length': '0' } },
        (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (d: string) => (text += d));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: new Headers(res.headers as Record<string, string>),
              body: JSON.parse(text) as Record<string, unknown>,
              text,
            }),
          );
        },
      );
      req.on('error', reject).end();
    });
  }
});
