import { exportJWK, generateKeyPair, KeyLike, SignJWT } from 'jose';
import { AppConfig, ClientConfig } from '@app/config';
import { exchangeGrantId } from '@app/projection';
import { MemoryExchangeChainStore, MemoryRevocationStore } from '@app/store';
import { FederatedJwtVerifier, tokenDigest } from '@app/tokens';
import { FederatedSubjectTokenReader } from './federated-subject-token.reader';
import { TOKEN_TYPES } from './token-types';

const AS = 'https://as.example';
const TOKEN_ENDPOINT = `${AS}/oauth2/token`;
const IDP = 'https://idp.example';
const OTHER = 'https://other-idp.example';
const now = () => Math.floor(Date.now() / 1000);
const client = (clientId: string, subjectIssuers?: string[]) =>
  ({
    clientId,
    tokenExchange: {
      audiences: ['https://ledger.example'],
      delegation: true,
      impersonation: true,
      ...(subjectIssuers === undefined ? {} : { subjectIssuers }),
    },
  }) as unknown as ClientConfig;
const ledgerApi = client('ledger-api', [IDP]);

describe('FederatedSubjectTokenReader', () => {
  let privateKey: KeyLike;
  let fetched: string[];
  let revocations: MemoryRevocationStore;
  let chains: MemoryExchangeChainStore;
  let sut: FederatedSubjectTokenReader;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
    fetched = [];
    // The issuers' key sets through an injected fetch: no I/O in the unit tier.
    const fetch = (async (input: string | URL | Request) => {
      fetched.push(String(input));
      return Response.json({ keys: [jwk] });
    }) as unknown as typeof globalThis.fetch;
    const issuer = (i: string) => ({
      issuer: i,
      jwksUri: `${i}/jwks`,
      allowedAlgs: ['ES256'] as const,
      maxTokenLifetime: 3600,
    });
    // Our own issuer listed as trusted too: the reader must still leave our JWTs alone.
    const verifier = new FederatedJwtVerifier([issuer(IDP), issuer(OTHER), issuer(AS)], {
      http: 'refuse',
      fetch,
    });
    revocations = new MemoryRevocationStore();
    chains = new MemoryExchangeChainStore();
    sut = new FederatedSubjectTokenReader(
      { issuer: AS, endpoints: { token: TOKEN_ENDPOINT } } as AppConfig,
      verifier,
      revocations,
      chains,
    );
  });
  afterAll(() => chains.close());
  beforeEach(() => {
    fetched.length = 0;
  });

  const token = (claims: Record<string, unknown> = {}, kid = 'k1') =>
    new SignJWT({
      iss: IDP,
      sub: 'alice@corp.example',
      aud: AS,
      iat: now() - 10,
      exp: now() + 600,
      jti: 'ext-1',
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES256', kid })
      .sign(privateKey);
  const read = (t: string, c: ClientConfig = ledgerApi) => sut.read(t, TOKEN_TYPES.jwt, c);

  it('reads only the RFC 8693 jwt type', () => {
    expect(sut.accepts(TOKEN_TYPES.jwt)).toBe(true);
    expect(sut.accepts(TOKEN_TYPES.accessToken)).toBe(false);
    expect(sut.accepts(TOKEN_TYPES.idToken)).toBe(false);
    expect(sut.accepts(TOKEN_TYPES.refreshToken)).toBe(false);
  });

  it("reads a listed issuer's token: its subject, its issuer as idp, no scope or audience of ours", async () => {
    const t = await token({ auth_time: 1_700_000_000 });
    const exp = now() + 600;
    expect(await read(await token({ auth_time: 1_700_000_000, exp }))).toEqual({
      sub: 'alice@corp.example',
      clientId: IDP,
      scopes: [],
      jti: 'ext-1',
      digest: expect.any(String),
      exp,
      issuer: IDP,
      idp: IDP,
      authentication: { authTime: 1_700_000_000, amr: [] },
    });
    expect((await read(t))!.digest).toBe(tokenDigest(t));
  });

  it('takes the token endpoint as audience too, as the JWT-bearer grant does', async () => {
    expect(await read(await token({ aud: TOKEN_ENDPOINT }))).not.toBeNull();
  });

  it('names a token without jti by its digest, and takes auth_time from iat', async () => {
    const iat = now() - 20;
    const t = await token({ jti: undefined, iat });
    const read1 = await read(t);
    expect(read1).toMatchObject({ jti: tokenDigest(t), digest: tokenDigest(t) });
    expect(read1!.authentication).toEqual({ authTime: iat, amr: [] });
  });

  it('reads the same token more than once: a subject token is not single-use', async () => {
    const t = await token();
    expect(await read(t)).not.toBeNull();
    expect(await read(t)).not.toBeNull();
  });

  it('keeps act and may_act (RFC 8693 §4.1, §4.4), and refuses a token with a malformed one', async () => {
    const found = await read(await token({ act: { sub: 'wl' }, may_act: { sub: 'ledger-api' } }));
    expect(found).toMatchObject({ act: { sub: 'wl' }, mayAct: { sub: 'ledger-api' } });
    expect(await read(await token({ act: { sub: 'wl', role: 'x' } }))).toBeNull();
    expect(await read(await token({ may_act: 'ledger-api' }))).toBeNull();
  });

  it('leaves our own JWTs, and those of no trusted issuer, without a request', async () => {
    expect(await read(await token({ iss: AS }), client('ledger-api', [IDP, AS]))).toBeNull();
    expect(await read(await token({ iss: 'https://evil.example' }))).toBeNull();
    expect(await read('not-a-jwt')).toBeNull();
    expect(fetched).toEqual([]);
  });

  it('refuses a trusted issuer the client does not list, without a request', async () => {
    expect(await read(await token({ iss: OTHER }))).toBeNull();
    expect(await read(await token(), client('plain'))).toBeNull();
    expect(fetched).toEqual([]);
  });

  it.each([
    ['expired', { exp: now() - 120 }],
    ['for another audience', { aud: 'https://elsewhere.example' }],
    ['for several audiences', { aud: [AS, 'https://elsewhere.example'] }],
    ['living beyond the issuer bound', { exp: now() + 7200 }],
    ['without sub', { sub: undefined }],
  ])('refuses a token %s', async (_, claims) => {
    expect(await read(await token(claims))).toBeNull();
  });

  it('refuses a token under an unknown key, or a forged signature', async () => {
    expect(await read(await token({}, 'unknown'))).toBeNull();
    const t = await token();
    const [h, p] = t.split('.');
    const forged = await token({ sub: 'mallory' });
    expect(await read(`${h}.${p}.${forged.split('.')[2]}`)).toBeNull();
  });

  it('refuses, never throws, while the issuer cannot be reached', async () => {
    const fresh = new FederatedSubjectTokenReader(
      { issuer: AS, endpoints: { token: TOKEN_ENDPOINT } } as AppConfig,
      new FederatedJwtVerifier(
        [{ issuer: IDP, jwksUri: `${IDP}/jwks`, allowedAlgs: ['ES256'], maxTokenLifetime: 3600 }],
        {
          http: 'refuse',
          fetch: (async () => {
            throw new TypeError('fetch failed');
          }) as unknown as typeof globalThis.fetch,
        },
      ),
      revocations,
      chains,
    );
    await expect(fresh.read(await token(), TOKEN_TYPES.jwt, ledgerApi)).resolves.toBeNull();
  });

  it('refuses the token once its exchange grant is revoked, whichever client presents it', async () => {
    const t = await token({ jti: 'ext-revoked' });
    expect(await read(t)).not.toBeNull();
    await chains.revoke(exchangeGrantId(IDP, 'ext-revoked'), Date.now() + 60_000);
    expect(await read(t)).toBeNull();
    expect(await read(t, client('payments-api', [IDP]))).toBeNull();
  });

  it("refuses a token issued before its subject's revocation, not one issued after", async () => {
    const sub = 'revoked-user@corp.example';
    const before = await token({ sub, iat: now() - 60 });
    await revocations.revoke({
      kind: 'subject',
      subject: sub,
      revokedAt: Date.now() - 30_000,
      expiresAt: Date.now() + 60_000,
    });
    expect(await read(before)).toBeNull();
    expect(await read(await token({ sub, iat: now() }))).not.toBeNull();
  });
});
