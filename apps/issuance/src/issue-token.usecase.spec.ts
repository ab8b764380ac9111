import { AppConfig, ClientConfig, SIGN_IN_DEFAULTS } from '@app/config';
import { ClientAuthenticator, FormParams, RequestContext } from '@app/oauth';
import { GrantHandler } from './grants/grant-handler';
import { IssueTokenUseCase } from './issue-token.usecase';

const PUBLIC: ClientConfig = {
  clientId: 'app-public',
  authMethod: 'none',
  grantTypes: ['client_credentials', 'urn:example:open'],
  scopes: [],
  resources: [],
  introspects: [],
  ...SIGN_IN_DEFAULTS,
};
const TOKEN = { access_token: 't', token_type: 'Bearer', expires_in: 60, scope: '' } as const;
const request = (body: string) =>
  new RequestContext(
    { method: 'POST', url: '/oauth2/token', headers: {}, ip: '192.0.2.1' },
    FormParams.parse('application/x-www-form-urlencoded', body),
  );
const grant = (
  grantType: string,
  publicClients: boolean,
): GrantHandler & { handle: jest.Mock } => ({
  grantType,
  parameters: { token: 'required', scope: 'optional' },
  publicClients,
  handle: jest.fn().mockResolvedValue(TOKEN),
});

describe('IssueTokenUseCase', () => {
  let authenticate: jest.Mock;
  let confidentialOnly: ReturnType<typeof grant>;
  let open: ReturnType<typeof grant>;
  let sut: IssueTokenUseCase;

  beforeEach(() => {
    authenticate = jest.fn().mockResolvedValue(PUBLIC);
    confidentialOnly = grant('client_credentials', false);
    open = grant('urn:example:open', true);
    sut = new IssueTokenUseCase(
      [confidentialOnly, open],
      {
        issuer: 'https://as.example',
        endpoints: { token: 'https://as.example/oauth2/token' },
      } as AppConfig,
      { authenticate } as unknown as ClientAuthenticator,
    );
  });

  it('authenticates for the token endpoint: its URL as audience, public clients accepted', async () => {
    await sut.execute(request('grant_type=urn%3Aexample%3Aopen&token=t'));
    expect(authenticate).toHaveBeenCalledWith(expect.anything(), {
      audiences: ['https://as.example', 'https://as.example/oauth2/token'],
      methods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    });
  });

  it('hands the grant the client and the whole request context', async () => {
    const req = request('grant_type=urn%3Aexample%3Aopen&token=t');
    await expect(sut.execute(req)).resolves.toBe(TOKEN);
    expect(open.handle).toHaveBeenCalledWith(PUBLIC, req);
  });

  it('refuses a public client a confidential-only grant before the grant runs', async () => {
    await expect(
      sut.execute(request('grant_type=client_credentials&token=t')),
    ).rejects.toMatchObject({ error: 'unauthorized_client' });
    expect(confidentialOnly.handle).not.toHaveBeenCalled();
  });

  it("checks the grant's declared parameters before it runs", async () => {
    await expect(sut.execute(request('grant_type=urn%3Aexample%3Aopen'))).rejects.toMatchObject({
      error: 'invalid_request',
      description: 'the token parameter is required',
    });
    expect(open.handle).not.toHaveBeenCalled();
  });

  it('ignores parameters no grant declares (RFC 6749 §3.1)', async () => {
    const req = request('grant_type=urn%3Aexample%3Aopen&token=t&made_up=1&nonce=n');
    await expect(sut.execute(req)).resolves.toBe(TOKEN);
  });

  it('refuses an unknown grant after authenticating: unsupported_grant_type', async () => {
    await expect(sut.execute(request('grant_type=password'))).rejects.toMatchObject({
      error: 'unsupported_grant_type',
    });
    expect(authenticate).toHaveBeenCalled();
  });
});
