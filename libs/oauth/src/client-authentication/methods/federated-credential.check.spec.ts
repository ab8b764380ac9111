import { exportJWK, generateKeyPair, KeyLike, SignJWT } from 'jose';
import { AppConfig, ClientConfig, SIGN_IN_DEFAULTS } from '@app/config';
import { MemoryReplayStore } from '@app/store';
import { ClientAssertionVerifier, FederatedJwtVerifier } from '@app/tokens';
import { FederatedCredentialCheck } from './federated-credential.check';
import { PrivateKeyJwtMethod } from './private-key-jwt.method';

const CI = 'https://ci.example';
const AS = 'https://as.example';
const SUBJECT = 'repo:org/app:ref:refs/heads/main';

const client = (over: Partial<ClientConfig> = {}): ClientConfig => ({
  clientId: 'svc-deploy',
  authMethod: 'private_key_jwt',
  grantTypes: ['client_credentials'],
  scopes: [],
  resources: [],
  introspects: [],
  ...SIGN_IN_DEFAULTS,
  federatedCredentials: [
    { issuer: CI, subject: SUBJECT, subjectIsPrefix: false },
    {
      issuer: CI,
      subject: 'system:serviceaccount:payments:',
      subjectIsPrefix: true,
      audience: 'api://k8s',
    },
  ],
  ...over,
});

describe('FederatedCredentialCheck', () => {
  let privateKey: KeyLike;
  let sut: FederatedCredentialCheck;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
    // The issuer's key set through an injected fetch: no I/O in the unit tier.
    const fetch = (async () =>
      Response.json({ keys: [jwk] })) as unknown as typeof globalThis.fetch;
    const verifier = new FederatedJwtVerifier(
      [{ issuer: CI, jwksUri: `${CI}/jwks`, allowedAlgs: ['ES256'], maxTokenLifetime: 300 }],
      { http: 'refuse', fetch },
    );
    sut = new FederatedCredentialCheck(
      verifier,
      { issuer: AS } as AppConfig,
      new MemoryReplayStore(),
    );
  });

  const token = (claims: Record<string, unknown>, iss = CI) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss, sub: SUBJECT, aud: AS, exp: now + 60, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .sign(privateKey);
  };

  it("picks the client's credentials of the assertion's iss, or none for its own assertion", async () => {
    expect(sut.credentialsFor(client(), await token({}))).toHaveLength(2);
    expect(sut.credentialsFor(client(), await token({}, 'svc-deploy'))).toBeUndefined();
    expect(
      sut.credentialsFor(client({ federatedCredentials: undefined }), await token({})),
    ).toBeUndefined();
  });

  /** What the method does: the credentials of the token's issuer, then the full check. */
  const check = async (c: ClientConfig, jwt: string) => {
    const credentials = sut.credentialsFor(c, jwt);
    return credentials && sut.verify(credentials, jwt);
  };

  it('names the credential used: exact subject with our issuer as default audience, or a prefix with its own', async () => {
    expect(await check(client(), await token({ jti: 'a' }))).toEqual({
      issuer: CI,
      subject: SUBJECT,
    });
    const account = 'system:serviceaccount:payments:worker';
    expect(await check(client(), await token({ sub: account, aud: ['api://k8s'] }))).toEqual({
      issuer: CI,
      subject: account,
    });
  });

  it('refuses a subject or audience that matches no single credential', async () => {
    for (const claims of [
      { sub: `${SUBJECT}x` },
      { sub: 'system:serviceaccount:payments:worker' }, // its audience is api://k8s, not ours
      { sub: SUBJECT, aud: 'api://k8s' }, // the exact one's audience is ours
      { aud: 'https://elsewhere.example' },
    ])
      expect(await check(client(), await token(claims))).toBeUndefined();
  });

  it('spends a jti once; a token without one is not tracked', async () => {
    const once = await token({ jti: 'spent' });
    expect(await check(client(), once)).toBeDefined();
    expect(await check(client(), once)).toBeUndefined();
    const untracked = await token({});
    expect(await check(client(), untracked)).toBeDefined();
    expect(await check(client(), untracked)).toBeDefined();
  });

  describe('in PrivateKeyJwtMethod', () => {
    const ownKeys = { verify: jest.fn() };
    const method = () =>
      new PrivateKeyJwtMethod(
        ownKeys as unknown as ClientAssertionVerifier,
        new MemoryReplayStore(),
        sut,
      );
    const presented = (assertion: string) =>
      ({ method: 'private_key_jwt', clientId: 'svc-deploy', assertion }) as const;

    it("answers the federated identity for the platform's token, never asking the client's keys", async () => {
      const verdict = await method().verify(client(), presented(await token({ jti: 'm1' })), [AS]);
      expect(verdict).toEqual({ federated: { issuer: CI, subject: SUBJECT } });
      expect(ownKeys.verify).not.toHaveBeenCalled();
    });

    it('refuses a self-signed assertion of a client that has federated credentials only', async () => {
      const own = await token({ sub: 'svc-deploy' }, 'svc-deploy');
      expect(await method().verify(client(), presented(own), [AS])).toBe(false);
      expect(ownKeys.verify).not.toHaveBeenCalled();
    });
  });
});
