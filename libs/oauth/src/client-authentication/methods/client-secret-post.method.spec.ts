import { ClientConfig, SIGN_IN_DEFAULTS } from '@app/config';
import { ClientRegistry } from '@app/registry';
import { FormParams } from '../../http/form-body';
import { RequestContext } from '../../http/request-context';
import { ClientSecretPostMethod } from './client-secret-post.method';

const request = (body: string) =>
  new RequestContext(
    { method: 'POST', url: '/', headers: {}, ip: '192.0.2.1' },
    FormParams.parse('application/x-www-form-urlencoded', body),
  );
const client = (authMethod: ClientConfig['authMethod']): ClientConfig => ({
  clientId: 'svc',
  authMethod,
  secret: { kind: 'hash', value: '$h$svc' },
  grantTypes: [],
  scopes: [],
  resources: [],
  introspects: [],
  ...SIGN_IN_DEFAULTS,
});

describe('ClientSecretPostMethod', () => {
  let registry: { secretMatches: jest.Mock; recognises: jest.Mock };
  let sut: ClientSecretPostMethod;

  beforeEach(() => {
    registry = { secretMatches: jest.fn(), recognises: jest.fn() };
    sut = new ClientSecretPostMethod(registry as unknown as ClientRegistry);
  });

  it('is tried by a client_secret in the form (an empty one is omitted, RFC 6749 §3.1)', () => {
    expect(sut.isPresentedIn(request('client_id=svc&client_secret=s'))).toBe(true);
    expect(sut.isPresentedIn(request('client_id=svc&client_secret='))).toBe(false);
    expect(sut.isPresentedIn(request('client_id=svc'))).toBe(false);
  });

  it('reads client_id and client_secret', () => {
    expect(sut.read(request('client_id=svc&client_secret=s'))).toEqual({
      method: 'client_secret_post',
      clientId: 'svc',
      secret: 's',
    });
  });

  it('refuses a secret without client_id: invalid_request naming it', () => {
    expect(() => sut.read(request('client_secret=s'))).toThrow(
      expect.objectContaining({
        error: 'invalid_request',
        description: 'the client_id parameter is required',
      }),
    );
  });

  it('recognises a cheap-to-check secret only for a client registered for the form', () => {
    registry.recognises.mockReturnValue(true);
    const presented = sut.read(request('client_id=svc&client_secret=s'));
    expect(sut.recognises(client('client_secret_post'), presented)).toBe(true);
    expect(sut.recognises(client('client_secret_basic'), presented)).toBe(false);
  });

  it('checks the secret even for another method, then refuses', async () => {
    registry.secretMatches.mockResolvedValue(true);
    const presented = sut.read(request('client_id=svc&client_secret=s'));
    await expect(sut.verify(client('client_secret_post'), presented)).resolves.toBe(true);
    await expect(sut.verify(client('none'), presented)).resolves.toBe(false);
    expect(registry.secretMatches).toHaveBeenCalledTimes(2);
  });
});
