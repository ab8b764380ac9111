import type { AppConfig, ClientAuthMethod, ClientConfig } from '@app/config';
import { ClientRegistry } from '@app/registry';
import { MemoryReplayStore } from '@app/store';
import { ClientAssertionVerifier } from '@app/tokens';
import { FormParams } from '../http/form-body';
import { RequestContext } from '../http/request-context';
import { AuthMethodRegistry } from './auth-method.registry';
import { ClientAuthMethodHandler } from './client-auth-method';
import { CREDENTIAL_AUTH_METHODS, ENDPOINT_AUTH_METHODS } from './endpoint-auth-methods';
import { ClientSecretBasicMethod } from './methods/client-secret-basic.method';
import { ClientSecretPostMethod } from './methods/client-secret-post.method';
import { NoneMethod } from './methods/none.method';
import { JWT_BEARER_ASSERTION, PrivateKeyJwtMethod } from './methods/private-key-jwt.method';
import { SelfSignedTlsClientAuthMethod } from './methods/self-signed-tls-client-auth.method';
import { TlsClientAuthMethod } from './methods/tls-client-auth.method';
import { noFederation } from '../../../../test/support/no-federation';

const request = (fields: Record<string, string>, authorization?: string) =>
  new RequestContext(
    { method: 'POST', url: '/', headers: { authorization }, ip: '192.0.2.1' },
    FormParams.parse('application/x-www-form-urlencoded', new URLSearchParams(fields).toString()),
  );
const BASIC = `Basic ${Buffer.from('svc:s').toString('base64')}`;
const SECRET = { client_id: 'svc', client_secret: 's' };
const ASSERTION = { client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: 'a.b.c' };
const METHODS_CHALLENGE =
  'Basic realm="oauth2", token_endpoint_auth_methods_supported=' +
  '"client_secret_basic client_secret_post private_key_jwt tls_client_auth self_signed_tls_client_auth"';

const handlers = (): ClientAuthMethodHandler[] => {
  const registry = {} as ClientRegistry;
  return [
    new ClientSecretBasicMethod(registry),
    new ClientSecretPostMethod(registry),
    new PrivateKeyJwtMethod({} as ClientAssertionVerifier, new MemoryReplayStore(), noFederation()),
    new TlsClientAuthMethod({ mtls: { clientCa: [] } } as unknown as AppConfig),
    new SelfSignedTlsClientAuthMethod(),
    new NoneMethod(),
  ];
};

describe('AuthMethodRegistry', () => {
  const sut = new AuthMethodRegistry(handlers());
  const ALL: readonly ClientAuthMethod[] = ENDPOINT_AUTH_METHODS.token;
  const method = (fields: Record<string, string>, authorization?: string, accepted = ALL) =>
    sut.select(request(fields, authorization), accepted).method;

  it('has a handler for every method a client may be registered with', () => {
    expect(sut.methods().sort()).toEqual([...ALL].sort());
  });

  describe('picks the one method the request uses (RFC 6749 §2.3)', () => {
    it.each([
      ['HTTP Basic', {}, BASIC, 'client_secret_basic'],
      [
        'HTTP Basic with a matching client_id in the form',
        { client_id: 'svc' },
        BASIC,
        'client_secret_basic',
      ],
      ['a secret in the form', SECRET, undefined, 'client_secret_post'],
      ['a client assertion', ASSERTION, undefined, 'private_key_jwt'],
      [
        'a client assertion with client_id',
        { ...ASSERTION, client_id: 'svc' },
        undefined,
        'private_key_jwt',
      ],
      ['client_id alone', { client_id: 'app' }, undefined, 'none'],
      ['client_id with a bearer token in the header', { client_id: 'app' }, 'Bearer t', 'none'],
    ])('%s: %s', (_, fields, authorization, expected) => {
      expect(method(fields, authorization)).toBe(expected);
    });
  });

  // RFC 8705 §2: the certificate is outside the message; client_id alone names the client.
  describe("a request with client_id alone uses its client's registered method", () => {
    const registered: Record<string, ClientAuthMethod> = {
      'svc-pki': 'tls_client_auth',
      'svc-self': 'self_signed_tls_client_auth',
      'svc-basic': 'client_secret_basic',
      app: 'none',
    };
    const byRegistration = (id: string, accepted = ALL) =>
      sut.select(request({ client_id: id }), accepted, (c) => registered[c]).method;

    it.each([
      ['svc-pki', 'tls_client_auth'],
      ['svc-self', 'self_signed_tls_client_auth'],
      ['app', 'none'],
      // A client of another method (or an unknown id) is answered as none, which refuses it.
      ['svc-basic', 'none'],
      ['unknown', 'none'],
    ])('%s: %s', (id, expected) => {
      expect(byRegistration(id)).toBe(expected);
    });

    it('is not consulted when the request carries other credentials', () => {
      const lookup = jest.fn(() => 'tls_client_auth' as const);
      expect(sut.select(request({ client_id: 'svc' }, BASIC), ALL, lookup).method).toBe(
        'client_secret_basic',
      );
      expect(lookup).not.toHaveBeenCalled();
    });

    it('is refused where the endpoint does not take it', () => {
      expect(() => byRegistration('svc-pki', ['client_secret_basic'])).toThrow(
        expect.objectContaining({ error: 'invalid_client' }),
      );
    });
  });

  it.each([
    ['Basic and a form secret', SECRET, BASIC],
    ['Basic and an assertion', ASSERTION, BASIC],
    ['a form secret and an assertion', { ...SECRET, ...ASSERTION }, undefined],
  ])('refuses two methods at once (%s) with invalid_request', (_, fields, authorization) => {
    expect(() => method(fields, authorization)).toThrow(
      expect.objectContaining({ error: 'invalid_request' }),
    );
  });

  // RFC 9110 §15.5.2: a 401 always carries a challenge; without Basic it names the methods.
  it.each([
    ['no credentials and no client_id', {}, ALL],
    ['client_id alone where none is not accepted', { client_id: 'app' }, CREDENTIAL_AUTH_METHODS],
  ])('answers %s with invalid_client and the methods challenge', (_, fields, accepted) => {
    expect(() => method(fields, undefined, accepted)).toThrow(
      expect.objectContaining({
        error: 'invalid_client',
        status: 401,
        description: 'client authentication is required',
        headers: { 'www-authenticate': METHODS_CHALLENGE },
      }),
    );
  });

  it('refuses a method the endpoint does not accept, with the challenge of its scheme', () => {
    expect(() => method({}, BASIC, ['client_secret_post'])).toThrow(
      expect.objectContaining({
        error: 'invalid_client',
        headers: { 'www-authenticate': 'Basic realm="oauth2"' },
      }),
    );
    expect(() => method(SECRET, undefined, ['client_secret_basic'])).toThrow(
      expect.objectContaining({
        error: 'invalid_client',
        headers: { 'www-authenticate': METHODS_CHALLENGE },
      }),
    );
  });

  describe('refuses at start a list that does not match the configuration', () => {
    it('a method twice', () => {
      const list = handlers();
      expect(() => new AuthMethodRegistry([...list, list[0]!])).toThrow(/registered twice/);
    });

    it('a method missing', () => {
      expect(() => new AuthMethodRegistry(handlers().slice(1))).toThrow(/must be exactly/);
    });

    it('two methods that present no credentials', () => {
      const fake = {
        ...new NoneMethod(),
        method: 'client_secret_post' as ClientConfig['authMethod'],
        presentsCredentials: false,
      } as ClientAuthMethodHandler;
      const list = handlers().filter((h) => h.method !== 'client_secret_post');
      expect(() => new AuthMethodRegistry([...list, fake])).toThrow(/at most one/);
    });
  });
});
