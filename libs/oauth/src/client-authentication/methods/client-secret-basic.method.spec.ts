import { ClientConfig, SIGN_IN_DEFAULTS } from '@app/config';
import { ClientRegistry } from '@app/registry';
import { FormParams } from '../../http/form-body';
import { RequestContext } from '../../http/request-context';
import { ClientSecretBasicMethod } from './client-secret-basic.method';

const request = (body: string, authorization?: string) =>
  new RequestContext(
    { method: 'POST', url: '/', headers: { authorization }, ip: '192.0.2.1' },
    FormParams.parse('application/x-www-form-urlencoded', body),
  );
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
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

describe('ClientSecretBasicMethod', () => {
  let registry: { secretMatches: jest.Mock; recognises: jest.Mock };
  let sut: ClientSecretBasicMethod;

  beforeEach(() => {
    registry = { secretMatches: jest.fn(), recognises: jest.fn() };
    sut = new ClientSecretBasicMethod(registry as unknown as ClientRegistry);
  });

  it('is tried by an Authorization header of the Basic scheme only', () => {
    expect(sut.isPresentedIn(request('', basic('a', 's')))).toBe(true);
    expect(sut.isPresentedIn(request('', 'basic eA=='))).toBe(true);
    expect(sut.isPresentedIn(request('', 'Bearer abc'))).toBe(false);
    expect(sut.isPresentedIn(request('client_id=a&client_secret=s'))).toBe(false);
  });

  it('form-url-decodes the HTTP Basic id and secret (RFC 6749 §2.3.1)', () => {
    expect(sut.read(request('', basic('svc%3Aa', 'p%25+w')))).toEqual({
      method: 'client_secret_basic',
      clientId: 'svc:a',
      secret: 'p% w',
    });
  });

  it.each([
    ['no colon', 'Basic bm9jb2xvbg=='],
    ['no credentials after the scheme', 'Basic'],
    ['an empty id', basic('', 'secret')],
    ['malformed percent-encoding', basic('a%E0%A4%A', 's')],
  ])('refuses %s with invalid_client and the Basic challenge', (_, authorization) => {
    expect(() => sut.read(request('', authorization))).toThrow(
      expect.objectContaining({
        error: 'invalid_client',
        headers: { 'www-authenticate': 'Basic realm="oauth2"' },
      }),
    );
  });

  it('accepts a form client_id that repeats the Basic one, refuses one that contradicts it', () => {
    expect(sut.read(request('client_id=a', basic('a', 's'))).clientId).toBe('a');
    expect(() => sut.read(request('client_id=other', basic('a', 's')))).toThrow(
      expect.objectContaining({ error: 'invalid_client' }),
    );
  });

  it('recognises a cheap-to-check secret only for a client registered for Basic', () => {
    registry.recognises.mockReturnValue(true);
    const presented = sut.read(request('', basic('svc', 's')));
    expect(sut.recognises(client('client_secret_basic'), presented)).toBe(true);
    expect(sut.recognises(client('client_secret_post'), presented)).toBe(false);
  });

  it('checks the secret even for an unknown client or another method, then refuses', async () => {
    registry.secretMatches.mockResolvedValue(true);
    const presented = sut.read(request('', basic('svc', 's')));
    await expect(sut.verify(client('client_secret_basic'), presented)).resolves.toBe(true);
    await expect(sut.verify(client('client_secret_post'), presented)).resolves.toBe(false);
    registry.secretMatches.mockResolvedValue(false);
    await expect(sut.verify(undefined, presented)).resolves.toBe(false);
    expect(registry.secretMatches).toHaveBeenCalledTimes(3);
    expect(registry.secretMatches).toHaveBeenLastCalledWith(undefined, 's', 'svc');
  });
});
