import { ExecutionContext } from '@nestjs/common';
import { AppConfig, ClientConfig, SIGN_IN_DEFAULTS } from '@app/config';
import { ClientAuthenticator, ForbiddenClient, InvalidClient, OAuthRequest } from '@app/oauth';
import { AdminClientGuard } from './admin-client.guard';

const client = (admin: boolean | undefined): ClientConfig => ({
  clientId: 'ops',
  authMethod: 'client_secret_basic',
  grantTypes: [],
  scopes: [],
  resources: [],
  introspects: [],
  ...SIGN_IN_DEFAULTS,
  ...(admin === undefined ? {} : { admin }),
});

const context = (headers: Record<string, string>) =>
  ({
    switchToHttp: () => ({
      getRequest: () => ({ method: 'POST', url: '/admin/revocations', headers, ip: '192.0.2.9' }),
    }),
  }) as unknown as ExecutionContext;

describe('AdminClientGuard', () => {
  let authenticate: jest.Mock;
  let sut: AdminClientGuard;

  beforeEach(() => {
    authenticate = jest.fn();
    const config = { issuer: 'https://as.example.com' } as AppConfig;
    sut = new AdminClientGuard(config, { authenticate } as unknown as ClientAuthenticator);
  });

  it('lets an admin client through, authenticated by HTTP Basic only, no form read', async () => {
    authenticate.mockResolvedValue(client(true));
    await expect(sut.canActivate(context({ authorization: 'Basic eDp5' }))).resolves.toBe(true);
    const [req, endpoint] = authenticate.mock.calls[0] as [OAuthRequest, unknown];
    expect(endpoint).toEqual({
      audiences: ['https://as.example.com'],
      methods: ['client_secret_basic'],
    });
    expect(req.authorization).toBe('Basic eDp5');
    expect(req.sourceAddress).toBe('192.0.2.9');
    expect(req.form.has('client_id')).toBe(false);
  });

  it.each([false, undefined])(
    'refuses a good client whose admin is %p: 403 unauthorized_client',
    async (admin) => {
      authenticate.mockResolvedValue(client(admin));
      const refusal = sut.canActivate(context({}));
      await expect(refusal).rejects.toBeInstanceOf(ForbiddenClient);
      await expect(refusal).rejects.toMatchObject({
        status: 403,
        error: 'unauthorized_client',
        description: 'this client may not use the admin API',
      });
    },
  );

  it('passes the authenticator refusal on, challenging for Basic only', async () => {
    authenticate.mockRejectedValue(new InvalidClient('client authentication failed'));
    await expect(sut.canActivate(context({}))).rejects.toMatchObject({
      status: 401,
      error: 'invalid_client',
      headers: { 'www-authenticate': 'Basic realm="oauth2"' },
    });
  });
});
