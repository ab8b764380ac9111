import { ExecutionContext } from '@nestjs/common';
import { AppConfig, ClientConfig, SIGN_IN_DEFAULTS } from '@app/config';
import {
  ClientAuthenticator,
  ForbiddenClient,
  InvalidClient,
  OAuthRequest,
  TemporarilyUnavailable,
} from '@app/oauth';
import { LoginProviderGuard } from './login-provider.guard';

const client = (loginProvider: boolean): ClientConfig => ({
  clientId: 'login-app',
  authMethod: 'client_secret_basic',
  grantTypes: [],
  scopes: [],
  resources: [],
  introspects: [],
  ...SIGN_IN_DEFAULTS,
  loginProvider,
});

const context = (headers: Record<string, string>) =>
  ({
    switchToHttp: () => ({
      getRequest: () => ({ method: 'GET', url: '/x?y=1', headers, ip: '192.0.2.7' }),
    }),
  }) as unknown as ExecutionContext;

describe('LoginProviderGuard', () => {
  let authenticate: jest.Mock;
  let sut: LoginProviderGuard;

  beforeEach(() => {
    authenticate = jest.fn();
    const config = { issuer: 'https://as.example.com' } as AppConfig;
    sut = new LoginProviderGuard(config, { authenticate } as unknown as ClientAuthenticator);
  });

  it('lets a login provider through, authenticated by HTTP Basic only', async () => {
    authenticate.mockResolvedValue(client(true));
    await expect(sut.canActivate(context({ authorization: 'Basic eDp5' }))).resolves.toBe(true);
    const [req, endpoint] = authenticate.mock.calls[0] as [OAuthRequest, unknown];
    expect(endpoint).toEqual({
      audiences: ['https://as.example.com'],
      methods: ['client_secret_basic'],
    });
    expect(req.authorization).toBe('Basic eDp5');
    // The throttle keys failures by the caller's address.
    expect(req.sourceAddress).toBe('192.0.2.7');
    expect(req.form.has('client_id')).toBe(false);
  });

  it('refuses a good client that is not a login provider: 403 unauthorized_client', async () => {
    authenticate.mockResolvedValue(client(false));
    const refusal = sut.canActivate(context({}));
    await expect(refusal).rejects.toBeInstanceOf(ForbiddenClient);
    await expect(refusal).rejects.toMatchObject({ status: 403, error: 'unauthorized_client' });
  });

  it('passes the authenticator refusal on, challenging for Basic only', async () => {
    authenticate.mockRejectedValue(new InvalidClient('client authentication is required'));
    await expect(sut.canActivate(context({}))).rejects.toMatchObject({
      status: 401,
      error: 'invalid_client',
      description: 'client authentication is required',
      headers: { 'www-authenticate': 'Basic realm="oauth2"' },
    });
  });

  it('passes other failures on as they are (429, 503)', async () => {
    const busy = new TemporarilyUnavailable('busy');
    authenticate.mockRejectedValue(busy);
    await expect(sut.canActivate(context({}))).rejects.toBe(busy);
  });
});
