import { AppConfig, ClientConfig, SIGN_IN_DEFAULTS } from '@app/config';
import {
  ClientAuthenticator,
  DpopProofs,
  FormParams,
  isSafeErrorDescription,
  OAuthResponse,
  RequestContext,
} from '@app/oauth';
import { MemoryReplayStore } from '@app/store';
import { ClientCertificate } from '@app/tokens';
import { createHash } from 'node:crypto';
import { der, SELF_SIGNED } from '../../../test/fixtures/mtls-certificates';
import { GrantHandler } from './grants/grant-handler';
import { IssueTokenUseCase } from './issue-token.usecase';
import { ONE_BINDING_ONLY } from './token-checks/check-sender-binding';

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
const NONCES = { secret: 'a-nonce-secret-of-at-least-32-characters!', windowSeconds: 60 };
const CONFIG = {
  issuer: 'https://as.example',
  endpoints: { token: 'https://as.example/oauth2/token' },
  dpop: { proofMaxAgeSeconds: 60, clockSkewSeconds: 5 },
} as AppConfig;
const response = () => {
  const res = { header: jest.fn(), redirect: jest.fn() };
  res.header.mockReturnValue(res);
  return res as typeof res & OAuthResponse;
};
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
  let res: ReturnType<typeof response>;
  const make = (config: AppConfig) =>
    new IssueTokenUseCase(
      [confidentialOnly, open],
      config,
      { authenticateCaller: authenticate } as unknown as ClientAuthenticator,
      new DpopProofs(config, new MemoryReplayStore()),
    );

  beforeEach(() => {
    authenticate = jest.fn().mockResolvedValue({ client: PUBLIC });
    confidentialOnly = grant('client_credentials', false);
    open = grant('urn:example:open', true);
    res = response();
    sut = make(CONFIG);
  });

  it('authenticates for the token endpoint: its URL as audience, public clients accepted', async () => {
    await sut.execute(request('grant_type=urn%3Aexample%3Aopen&token=t'), res);
    expect(authenticate).toHaveBeenCalledWith(expect.anything(), {
      audiences: ['https://as.example', 'https://as.example/oauth2/token'],
      methods: [
        'client_secret_basic',
        'client_secret_post',
        'private_key_jwt',
        'tls_client_auth',
        'self_signed_tls_client_auth',
        'none',
      ],
      // An authenticated request spends its client's token allowance (RATE_LIMIT_TOKEN_*).
      rateLimited: 'token',
    });
  });

  it('hands the grant the client and the whole request context', async () => {
    const req = request('grant_type=urn%3Aexample%3Aopen&token=t');
    await expect(sut.execute(req, res)).resolves.toBe(TOKEN);
    // No DPoP header: a bearer request, no proof handed on.
    expect(open.handle).toHaveBeenCalledWith(PUBLIC, req, {}, undefined);
    expect(res.header).not.toHaveBeenCalled();
  });

  it('hands the grant the federated credential the client authenticated with (RFC 7523 §2.2)', async () => {
    const federated = { issuer: 'https://ci.example', subject: 'repo:org/app:ref:refs/heads/main' };
    authenticate.mockResolvedValue({ client: PUBLIC, federated });
    const req = request('grant_type=urn%3Aexample%3Aopen&token=t');
    await sut.execute(req, res);
    expect(open.handle).toHaveBeenCalledWith(PUBLIC, req, {}, federated);
  });

  describe('certificate-bound access tokens (RFC 8705 §3)', () => {
    const SELF_SIGNED_DER = der(SELF_SIGNED);
    const BOUND = { ...PUBLIC, tlsClientCertificateBoundAccessTokens: true };
    const withCertificate = (certificate?: ClientCertificate) =>
      new RequestContext(
        {
          method: 'POST',
          url: '/oauth2/token',
          headers: {},
          ip: '192.0.2.1',
          clientCertificate: certificate,
        },
        FormParams.parse(
          'application/x-www-form-urlencoded',
          'grant_type=urn%3Aexample%3Aopen&token=t',
        ),
      );

    it("binds a bound client's token to the thumbprint of its certificate", async () => {
      authenticate.mockResolvedValue({ client: BOUND });
      const certificate = new ClientCertificate(SELF_SIGNED_DER);
      const req = withCertificate(certificate);
      await sut.execute(req, res);
      expect(open.handle).toHaveBeenCalledWith(
        BOUND,
        req,
        {
          confirmation: {
            'x5t#S256': createHash('sha256').update(SELF_SIGNED_DER).digest('base64url'),
          },
        },
        undefined,
      );
    });

    it('refuses a bound client without a certificate before the grant runs', async () => {
      authenticate.mockResolvedValue({ client: BOUND });
      await expect(sut.execute(withCertificate(), res)).rejects.toMatchObject({
        error: 'invalid_request',
        status: 400,
      });
      // Within RFC 6749 §5.2's characters, or the renderer would send a generic text instead.
      const refused = (await sut.execute(withCertificate(), res).catch((e: unknown) => e)) as {
        description: string;
      };
      expect(isSafeErrorDescription(refused.description)).toBe(true);
      await expect(
        sut.execute(withCertificate(new ClientCertificate(Buffer.from('not a certificate'))), res),
      ).rejects.toMatchObject({ error: 'invalid_request' });
      expect(open.handle).not.toHaveBeenCalled();
    });

    it('refuses a bound client that also sends a DPoP proof: one mechanism per token', async () => {
      authenticate.mockResolvedValue({ client: BOUND });
      const req = new RequestContext(
        {
          method: 'POST',
          url: '/oauth2/token',
          headers: { dpop: 'a.proof.never-verified' },
          ip: '192.0.2.1',
          clientCertificate: new ClientCertificate(SELF_SIGNED_DER),
        },
        FormParams.parse(
          'application/x-www-form-urlencoded',
          'grant_type=urn%3Aexample%3Aopen&token=t',
        ),
      );
      await expect(sut.execute(req, res)).rejects.toMatchObject({
        error: 'invalid_request',
        description: ONE_BINDING_ONLY,
      });
      expect(isSafeErrorDescription(ONE_BINDING_ONLY)).toBe(true);
      expect(open.handle).not.toHaveBeenCalled();
    });

    it('binds nothing for a client not registered for it, certificate or not', async () => {
      const req = withCertificate(new ClientCertificate(SELF_SIGNED_DER));
      await sut.execute(req, res);
      expect(open.handle).toHaveBeenCalledWith(PUBLIC, req, {}, undefined);
    });
  });

  it('refuses a public client a confidential-only grant before the grant runs', async () => {
    await expect(
      sut.execute(request('grant_type=client_credentials&token=t'), res),
    ).rejects.toMatchObject({ error: 'unauthorized_client' });
    expect(confidentialOnly.handle).not.toHaveBeenCalled();
  });

  it("checks the grant's declared parameters before it runs", async () => {
    await expect(
      sut.execute(request('grant_type=urn%3Aexample%3Aopen'), res),
    ).rejects.toMatchObject({
      error: 'invalid_request',
      description: 'the token parameter is required',
    });
    expect(open.handle).not.toHaveBeenCalled();
  });

  it('ignores parameters no grant declares (RFC 6749 §3.1)', async () => {
    const req = request('grant_type=urn%3Aexample%3Aopen&token=t&made_up=1&nonce=n');
    await expect(sut.execute(req, res)).resolves.toBe(TOKEN);
  });

  it('refuses an unknown grant after authenticating: unsupported_grant_type', async () => {
    await expect(sut.execute(request('grant_type=password'), res)).rejects.toMatchObject({
      error: 'unsupported_grant_type',
    });
    expect(authenticate).toHaveBeenCalled();
  });

  // RFC 9449 §8.2: the nonce is on every answer, so a client learns it from any failure too.
  it('sends a fresh DPoP-Nonce with every answer when nonces are required, errors included', async () => {
    sut = make({ ...CONFIG, dpop: { ...CONFIG.dpop, nonce: NONCES } } as AppConfig);
    await sut.execute(request('grant_type=urn%3Aexample%3Aopen&token=t'), res);
    expect(res.header).toHaveBeenCalledWith('dpop-nonce', expect.stringMatching(/^[\w-]{43}$/));
    const failed = response();
    await expect(sut.execute(request('grant_type=password'), failed)).rejects.toMatchObject({
      error: 'unsupported_grant_type',
    });
    expect(failed.header).toHaveBeenCalledWith('dpop-nonce', expect.stringMatching(/^[\w-]{43}$/));
  });

  it('refuses a DPoP header that holds no proof before the grant runs: invalid_dpop_proof', async () => {
    const req = new RequestContext(
      { method: 'POST', url: '/oauth2/token', headers: { dpop: 'not-a-jwt' }, ip: '192.0.2.1' },
      FormParams.parse(
        'application/x-www-form-urlencoded',
        'grant_type=urn%3Aexample%3Aopen&token=t',
      ),
    );
    await expect(sut.execute(req, res)).rejects.toMatchObject({ error: 'invalid_dpop_proof' });
    expect(open.handle).not.toHaveBeenCalled();
  });
});
