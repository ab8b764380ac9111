import { ClientConfig, SIGN_IN_DEFAULTS } from '@app/config';
import { MemoryReplayStore } from '@app/store';
import { AssertionRejected, ClientAssertionVerifier } from '@app/tokens';
import { FormParams } from '../../http/form-body';
import { RequestContext } from '../../http/request-context';
import { JWT_BEARER_ASSERTION, PrivateKeyJwtMethod } from './private-key-jwt.method';
import { noFederation } from '../../../../../test/support/no-federation';

const request = (fields: Record<string, string>) =>
  new RequestContext(
    { method: 'POST', url: '/', headers: {}, ip: '192.0.2.1' },
    FormParams.parse('application/x-www-form-urlencoded', new URLSearchParams(fields).toString()),
  );
const client = (authMethod: ClientConfig['authMethod']): ClientConfig => ({
  clientId: 'svc-jwt',
  authMethod,
  jwks: { keys: [] },
  grantTypes: [],
  scopes: [],
  resources: [],
  introspects: [],
  ...SIGN_IN_DEFAULTS,
});
/** An unsigned JWT naming `sub`: only its subject is read before verification. */
const assertionFor = (sub: string) =>
  `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from(
    JSON.stringify({ sub }),
  ).toString('base64url')}.c2ln`;
const withAssertion = (assertion: string, extra: Record<string, string> = {}) =>
  request({ client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: assertion, ...extra });

describe('PrivateKeyJwtMethod', () => {
  let verifier: { verify: jest.Mock };
  let sut: PrivateKeyJwtMethod;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    verifier = { verify: jest.fn() };
    sut = new PrivateKeyJwtMethod(
      verifier as unknown as ClientAssertionVerifier,
      new MemoryReplayStore(),
      noFederation(),
    );
  });
  afterEach(() => jest.useRealTimers());

  it('is tried by a client_assertion or a client_assertion_type', () => {
    expect(sut.isPresentedIn(request({ client_assertion: 'a.b.c' }))).toBe(true);
    expect(sut.isPresentedIn(request({ client_assertion_type: 'x' }))).toBe(true);
    expect(sut.isPresentedIn(request({ client_id: 'svc-jwt' }))).toBe(false);
  });

  it("names the client by client_id, else by the assertion's sub (RFC 7523 §3)", () => {
    expect(sut.read(withAssertion('a.b.c'))).toEqual({
      method: 'private_key_jwt',
      clientId: undefined,
      assertion: 'a.b.c',
    });
    expect(sut.read(withAssertion(assertionFor('svc-jwt'))).clientId).toBe('svc-jwt');
    expect(sut.read(withAssertion(assertionFor('x'), { client_id: 'svc-jwt' })).clientId).toBe(
      'svc-jwt',
    );
  });

  it.each([
    ['an unknown assertion type', { client_assertion_type: 'saml', client_assertion: 'x' }],
    ['a type without an assertion', { client_assertion_type: JWT_BEARER_ASSERTION }],
    ['an assertion without a type', { client_assertion: 'a.b.c' }],
  ])('refuses %s with invalid_request', (_, fields) => {
    expect(() => sut.read(request(fields))).toThrow(
      expect.objectContaining({ error: 'invalid_request' }),
    );
  });

  it('recognises nothing without checking the signature', () => {
    expect(sut.recognises()).toBe(false);
  });

  it('accepts a verified assertion once: its jti is single-use (RFC 7523 §3 item 7)', async () => {
    verifier.verify.mockResolvedValue({ jti: 'j1', replayUntil: Date.now() + 60_000 });
    const presented = sut.read(withAssertion(assertionFor('svc-jwt')));
    await expect(sut.verify(client('private_key_jwt'), presented, ['aud'])).resolves.toBe(true);
    expect(verifier.verify).toHaveBeenCalledWith(presented.assertion, client('private_key_jwt'), [
      'aud',
    ]);
    await expect(sut.verify(client('private_key_jwt'), presented, ['aud'])).resolves.toBe(false);
  });

  it('refuses a rejected assertion, and rethrows anything else', async () => {
    const presented = sut.read(withAssertion(assertionFor('svc-jwt')));
    verifier.verify.mockRejectedValueOnce(new AssertionRejected('bad signature'));
    await expect(sut.verify(client('private_key_jwt'), presented, [])).resolves.toBe(false);
    verifier.verify.mockRejectedValueOnce(new Error('store down'));
    await expect(sut.verify(client('private_key_jwt'), presented, [])).rejects.toThrow(
      'store down',
    );
  });

  it.each([
    ['an unknown client', undefined],
    ['a client registered for a secret', client('client_secret_basic')],
    ['a public client', client('none')],
  ])('refuses %s without verifying anything', async (_, c) => {
    const presented = sut.read(withAssertion(assertionFor('svc-jwt')));
    await expect(sut.verify(c, presented, [])).resolves.toBe(false);
    expect(verifier.verify).not.toHaveBeenCalled();
  });
});
