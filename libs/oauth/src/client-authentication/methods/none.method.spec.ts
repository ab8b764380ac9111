import { ClientConfig, SIGN_IN_DEFAULTS } from '@app/config';
import { FormParams } from '../../http/form-body';
import { RequestContext } from '../../http/request-context';
import { NoneMethod } from './none.method';

const request = (body: string) =>
  new RequestContext(
    { method: 'POST', url: '/', headers: {}, ip: '192.0.2.1' },
    FormParams.parse('application/x-www-form-urlencoded', body),
  );
const client = (authMethod: ClientConfig['authMethod']): ClientConfig => ({
  clientId: 'app',
  authMethod,
  grantTypes: [],
  scopes: [],
  resources: [],
  introspects: [],
  ...SIGN_IN_DEFAULTS,
});

describe('NoneMethod', () => {
  const sut = new NoneMethod();

  it('presents no credentials, costs nothing to check, so is not throttled', () => {
    expect(sut).toMatchObject({ presentsCredentials: false, throttled: false });
  });

  it('is the method of a request that names its client_id (RFC 6749 §3.2.1)', () => {
    expect(sut.isPresentedIn(request('client_id=app&token=t'))).toBe(true);
    expect(sut.isPresentedIn(request('client_id=&token=t'))).toBe(false);
    expect(sut.read(request('client_id=app'))).toEqual({ method: 'none', clientId: 'app' });
  });

  it.each([
    ['a public client', client('none'), true],
    ['a client registered with a secret', client('client_secret_basic'), false],
    ['a private_key_jwt client', client('private_key_jwt'), false],
  ])('accepts %s: %p', async (_, c, accepted) => {
    expect(sut.recognises(c)).toBe(accepted);
    await expect(sut.verify(c)).resolves.toBe(accepted);
  });

  it('refuses an unknown client', async () => {
    await expect(sut.verify(undefined)).resolves.toBe(false);
  });
});
