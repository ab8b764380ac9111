import { AppConfig, ClientConfig, SIGN_IN_DEFAULTS } from '@app/config';
import { DpopProofs, FormParams, RequestContext } from '@app/oauth';
import { MemoryReplayStore } from '@app/store';
import { DpopKey, dpopKey, dpopProof } from '../../../../test/support/dpop-proof';
import { checkDpopProof, DPOP_PROOF_REQUIRED } from './check-dpop-proof';

const TOKEN_URL = 'https://as.example/oauth2/token';
const NONCES = { secret: 'a-nonce-secret-of-at-least-32-characters!', windowSeconds: 60 };
const DPOP = { proofMaxAgeSeconds: 60, clockSkewSeconds: 5 };
const client = (dpopBoundAccessTokens?: boolean): ClientConfig => ({
  clientId: 'c',
  authMethod: 'client_secret_basic',
  grantTypes: ['client_credentials'],
  scopes: [],
  resources: [],
  introspects: [],
  ...SIGN_IN_DEFAULTS,
  ...(dpopBoundAccessTokens === undefined ? {} : { dpopBoundAccessTokens }),
});
/** A token request as it reaches the endpoint behind a proxy: its own path, the proxy's host. */
const request = (headers: Record<string, string | string[]>, method = 'POST') =>
  new RequestContext(
    { method, url: '/oauth2/token?x=1', headers: { host: 'internal:3001', ...headers }, ip: '::1' },
    FormParams.parse('application/x-www-form-urlencoded', 'grant_type=client_credentials'),
  );

describe('checkDpopProof (RFC 9449 §5 at the token endpoint)', () => {
  let key: DpopKey;
  let proofs: DpopProofs;
  const sut = (c: ClientConfig, headers: Record<string, string | string[]>, method?: string) =>
    checkDpopProof(proofs, c, request(headers, method), TOKEN_URL);
  const proof = (o: Partial<Parameters<typeof dpopProof>[0]> = {}) =>
    dpopProof({ key, htm: 'POST', htu: TOKEN_URL, ...o });

  beforeAll(async () => {
    key = await dpopKey();
  });
  beforeEach(() => {
    proofs = new DpopProofs({ dpop: DPOP } as AppConfig, new MemoryReplayStore());
  });

  it('is a bearer request without a DPoP header', async () => {
    await expect(sut(client(), {})).resolves.toBeUndefined();
    await expect(sut(client(false), {})).resolves.toBeUndefined();
  });

  it('refuses a dpop_bound_access_tokens client without a proof (§5.2): invalid_dpop_proof', async () => {
    await expect(sut(client(true), {})).rejects.toMatchObject({
      error: 'invalid_dpop_proof',
      status: 400,
      description: DPOP_PROOF_REQUIRED,
    });
  });

  it("answers the proof key's thumbprint, checked against the configured public token URL", async () => {
    await expect(sut(client(), { dpop: await proof() })).resolves.toEqual({ jkt: key.jkt });
    await expect(sut(client(true), { dpop: await proof() })).resolves.toEqual({ jkt: key.jkt });
  });

  it.each([
    ['the URL the request reached (proxy host)', { htu: 'http://internal:3001/oauth2/token' }],
    ['another endpoint of ours', { htu: 'https://as.example/oauth2/par' }],
    ['another method', { htm: 'GET' }],
    ['a stale iat', { iat: Math.floor(Date.now() / 1000) - 120 }],
  ])('refuses a proof for %s: invalid_dpop_proof', async (_, o) => {
    await expect(sut(client(), { dpop: await proof(o) })).rejects.toMatchObject({
      error: 'invalid_dpop_proof',
      status: 400,
    });
  });

  it('refuses a proof presented twice (its jti is single-use)', async () => {
    const once = await proof();
    await sut(client(), { dpop: once });
    await expect(sut(client(), { dpop: once })).rejects.toMatchObject({
      error: 'invalid_dpop_proof',
      description: 'the DPoP proof has already been used',
    });
  });

  it('refuses two DPoP headers', async () => {
    await expect(sut(client(), { dpop: [await proof(), await proof()] })).rejects.toMatchObject({
      error: 'invalid_dpop_proof',
    });
  });

  it('asks for the server nonce when nonces are required: use_dpop_nonce with DPoP-Nonce', async () => {
    proofs = new DpopProofs(
      { dpop: { ...DPOP, nonce: NONCES } } as AppConfig,
      new MemoryReplayStore(),
    );
    const error = await sut(client(), { dpop: await proof() }).catch((e: unknown) => e);
    const nonce = proofs.currentNonce()!;
    expect(error).toMatchObject({
      error: 'use_dpop_nonce',
      status: 400,
      headers: { 'dpop-nonce': nonce },
    });
    await expect(sut(client(), { dpop: await proof({ nonce }) })).resolves.toEqual({
      jkt: key.jkt,
    });
  });
});
