import { decodeJwt, SignJWT } from 'jose';
import { RESOURCES } from '../fixtures/test-registry';
import {
  FakeExternalIssuer,
  githubActionsClaims,
  kubernetesClaims,
} from '../support/fake-external-issuer';
import { eventsDuring, expectNoEventContains, ofType } from '../support/lifecycle-events';
import { OAuthClient } from '../support/oauth-client';
import { ClientAuth, clientAuth, HttpResponse } from '../support/oauth-http';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

const REPO = 'org/app';
const K8S_AUDIENCE = 'https://as.test.example/k8s';

/**
 * Federated identity credentials (RFC 7523 §2.2 as Microsoft's workload identity federation
 * uses it): a workload authenticates as a `private_key_jwt` client with the token its platform
 * gave it, signed by a trusted external issuer (here fakes of GitHub Actions and Kubernetes on
 * 127.0.0.1), never with a secret of its own.
 */
describe('token endpoint: federated credentials', () => {
  let github: FakeExternalIssuer;
  let k8s: FakeExternalIssuer;
  let slow: FakeExternalIssuer;
  let untrusted: FakeExternalIssuer;
  /** Trusted through discovery, but its document puts its keys on the untrusted host. */
  let pointing: FakeExternalIssuer;
  let sut: StandaloneServer;
  let oauth: OAuthClient;

  beforeAll(async () => {
    [github, k8s, slow, untrusted, pointing] = await Promise.all([
      FakeExternalIssuer.start('/github'),
      FakeExternalIssuer.start('/k8s'),
      FakeExternalIssuer.start('/slow'),
      FakeExternalIssuer.start('/untrusted'),
      FakeExternalIssuer.start('/pointing'),
    ]);
    pointing.discoveryDocument({ jwks_uri: untrusted.jwksUri });
    const federatedClient = (clientId: string, credentials: unknown[]) => ({
      client_id: clientId,
      token_endpoint_auth_method: 'private_key_jwt',
      grant_types: ['client_credentials'],
      scope: 'orders:read',
      resources: [RESOURCES.orders.identifier],
      federated_credentials: credentials,
    });
    sut = await startStandaloneServer(
      {},
      {
        document: {
          trusted_issuers: [
            // GitHub-like: keys found through its discovery document.
            { issuer: github.issuer },
            // Kubernetes-like: its jwks_uri configured, tokens living up to an hour.
            { issuer: k8s.issuer, jwks_uri: k8s.jwksUri, max_token_lifetime_seconds: 3600 },
            { issuer: slow.issuer, jwks_uri: slow.jwksUri },
            { issuer: pointing.issuer },
          ],
        },
        extraClients: [
          federatedClient('svc-gha', [
            { issuer: github.issuer, subject: `repo:${REPO}:ref:refs/heads/main` },
          ]),
          federatedClient('svc-k8s', [
            {
              issuer: k8s.issuer,
              subject: 'system:serviceaccount:payments:*',
              audience: K8S_AUDIENCE,
            },
          ]),
          federatedClient('svc-slow', [{ issuer: slow.issuer, subject: 'worker' }]),
          federatedClient('svc-pointing', [{ issuer: pointing.issuer, subject: 'worker' }]),
        ],
      },
    );
    oauth = new OAuthClient(sut.config.endpoints);
  });
  afterAll(async () => {
    await sut?.close();
    await Promise.all([github, k8s, slow, untrusted, pointing].map((i) => i?.close()));
  });

  const federated = (clientId: string, assertion: string): ClientAuth => ({
    headers: {},
    form: { ...clientAuth.privateKeyJwt(assertion).form, client_id: clientId },
  });
  const clientCredentials = (auth: ClientAuth) =>
    oauth.token({ grant_type: 'client_credentials' }, auth);
  const githubToken = (over: Record<string, unknown> = {}) =>
    github.sign({ ...githubActionsClaims({ repository: REPO, audience: sut.url }), ...over });
  const expectInvalidClient = (res: HttpResponse) => {
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.headers.get('cache-control')).toBe('no-store');
  };

  describe('a GitHub Actions job', () => {
    it('gets an access token of its client with its job token; token.issued names the workload, never the token', async () => {
      const assertion = await githubToken();
      const { result: res, events } = await eventsDuring(sut, () =>
        clientCredentials(federated('svc-gha', assertion)),
      );
      expect(res.status).toBe(200);
      const claims = decodeJwt(res.body.access_token);
      expect(claims).toMatchObject({ client_id: 'svc-gha', sub: 'svc-gha' });
      const [issued] = ofType(events, 'token.issued');
      expect(issued!.dataschema).toBe('urn:token-lifecycle:schema:token.issued:v5');
      expect(issued!.data).toMatchObject({
        client_id: 'svc-gha',
        federated_issuer: github.issuer,
        federated_subject: `repo:${REPO}:ref:refs/heads/main`,
      });
      expect(issued!.data).not.toHaveProperty('idp');
      expectNoEventContains(events, assertion);
    });

    it('is refused for another branch or another repository (the subject is exact)', async () => {
      for (const sub of [
        `repo:${REPO}:ref:refs/heads/dev`,
        `repo:org/app-evil:ref:refs/heads/main`,
      ])
        expectInvalidClient(
          await clientCredentials(federated('svc-gha', await githubToken({ sub }))),
        );
    });

    it('is refused for another audience, or for ours beside another', async () => {
      for (const aud of ['https://elsewhere.example', [sut.url, 'https://elsewhere.example']])
        expectInvalidClient(
          await clientCredentials(federated('svc-gha', await githubToken({ aud }))),
        );
    });

    it('is refused once expired, and when it would live past the bound', async () => {
      const now = Math.floor(Date.now() / 1000);
      expectInvalidClient(
        await clientCredentials(
          federated('svc-gha', await githubToken({ iat: now - 900, exp: now - 60 })),
        ),
      );
      expectInvalidClient(
        await clientCredentials(federated('svc-gha', await githubToken({ exp: now + 3600 }))),
      );
    });

    it('is refused without exp', async () => {
      expectInvalidClient(
        await clientCredentials(federated('svc-gha', await githubToken({ exp: undefined }))),
      );
    });

    it('spends its jti: the same token presented twice is refused the second time', async () => {
      const assertion = await githubToken();
      expect((await clientCredentials(federated('svc-gha', assertion))).status).toBe(200);
      expectInvalidClient(await clientCredentials(federated('svc-gha', assertion)));
    });

    it('is refused without client_id (the token names the workload, not our client)', async () => {
      expectInvalidClient(await clientCredentials(clientAuth.privateKeyJwt(await githubToken())));
    });

    it('is refused for a client that has no such credential', async () => {
      expectInvalidClient(await clientCredentials(federated('svc-k8s', await githubToken())));
      expectInvalidClient(
        await clientCredentials(federated(sut.jwtClient.clientId, await githubToken())),
      );
    });
  });

  describe('a Kubernetes service account', () => {
    const k8sToken = (serviceAccount: string, over: Record<string, unknown> = {}) =>
      k8s.sign({
        ...kubernetesClaims({ namespace: 'payments', serviceAccount, audience: K8S_AUDIENCE }),
        exp: Math.floor(Date.now() / 1000) + 3600,
        ...over,
      });

    it('of the namespace gets a token with its projected token (an hour long, aud an array)', async () => {
      for (const account of ['worker', 'reconciler']) {
        const res = await clientCredentials(federated('svc-k8s', await k8sToken(account)));
        expect(res.status).toBe(200);
        const [issued] = ofType(sut.events().slice(-1), 'token.issued');
        expect(issued!.data).toMatchObject({
          client_id: 'svc-k8s',
          federated_subject: `system:serviceaccount:payments:${account}`,
        });
      }
    });

    it('of another namespace, or for our issuer instead of the registered audience, is refused', async () => {
      const other = await k8s.sign({
        ...kubernetesClaims({
          namespace: 'billing',
          serviceAccount: 'worker',
          audience: K8S_AUDIENCE,
        }),
      });
      expectInvalidClient(await clientCredentials(federated('svc-k8s', other)));
      expectInvalidClient(
        await clientCredentials(federated('svc-k8s', await k8sToken('worker', { aud: [sut.url] }))),
      );
    });
  });

  describe('keys', () => {
    it('an unknown kid is refused, and a flood of them costs at most one fetch', async () => {
      await k8s.rotate(); // signs with a key the set does not publish
      const before = k8s.requests('/keys');
      for (let i = 0; i < 5; i++)
        expectInvalidClient(
          await clientCredentials(
            federated(
              'svc-k8s',
              await k8s.sign(
                kubernetesClaims({
                  namespace: 'payments',
                  serviceAccount: 'worker',
                  audience: K8S_AUDIENCE,
                }),
              ),
            ),
          ),
        );
      expect(k8s.requests('/keys') - before).toBeLessThanOrEqual(1);
    });

    it('a key set that answers too slowly is invalid_client within the fetch deadline', async () => {
      slow.keySetBehaves({ kind: 'slow', delayMs: 10_000 });
      const started = Date.now();
      expectInvalidClient(
        await clientCredentials(
          federated('svc-slow', await slow.sign({ sub: 'worker', aud: sut.url })),
        ),
      );
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('a key set that answers hugely is invalid_client', async () => {
      const huge = await FakeExternalIssuer.start('/huge');
      try {
        huge.keySetBehaves({ kind: 'huge', bytes: 5_000_000 });
        const server = await startStandaloneServer(
          {},
          {
            document: { trusted_issuers: [{ issuer: huge.issuer }] },
            extraClients: (url) => [
              {
                client_id: 'svc-huge',
                token_endpoint_auth_method: 'private_key_jwt',
                grant_types: ['client_credentials'],
                scope: 'orders:read',
                resources: [RESOURCES.orders.identifier],
                federated_credentials: [{ issuer: huge.issuer, subject: 'worker', audience: url }],
              },
            ],
          },
        );
        try {
          const res = await new OAuthClient(server.config.endpoints).token(
            { grant_type: 'client_credentials' },
            federated('svc-huge', await huge.sign({ sub: 'worker', aud: server.url })),
          );
          expectInvalidClient(res);
          expect(huge.requests('/.well-known/openid-configuration')).toBe(1);
          expect(huge.requests('/keys')).toBe(1);
        } finally {
          await server.close();
        }
      } finally {
        await huge.close();
      }
    });
  });

  describe('tokens that are not from a trusted issuer', () => {
    it('an untrusted issuer is invalid_client, and nothing is fetched from it', async () => {
      const assertion = await untrusted.sign({
        sub: `repo:${REPO}:ref:refs/heads/main`,
        aud: sut.url,
      });
      expectInvalidClient(await clientCredentials(federated('svc-gha', assertion)));
      // The same token claiming to be GitHub's is checked with GitHub's keys: a bad signature.
      const forged = await untrusted.sign({
        iss: github.issuer,
        sub: `repo:${REPO}:ref:refs/heads/main`,
        aud: sut.url,
      });
      expectInvalidClient(await clientCredentials(federated('svc-gha', forged)));
      expect(untrusted.requests('/.well-known/openid-configuration')).toBe(0);
      expect(untrusted.requests('/keys')).toBe(0);
    });

    it("a trusted issuer whose discovery names another host's keys is invalid_client; that host is never asked", async () => {
      const assertion = await pointing.sign({ sub: 'worker', aud: sut.url });
      expectInvalidClient(await clientCredentials(federated('svc-pointing', assertion)));
      expect(pointing.requests('/.well-known/openid-configuration')).toBe(1);
      expect(untrusted.requests('/keys')).toBe(0);
    });

    it('alg none and HMAC assertions are invalid_client', async () => {
      const claims = githubActionsClaims({ repository: REPO, audience: sut.url });
      expectInvalidClient(await clientCredentials(federated('svc-gha', github.unsecured(claims))));
      const now = Math.floor(Date.now() / 1000);
      const hmac = await new SignJWT({ ...claims, iss: github.issuer, iat: now, exp: now + 60 })
        .setProtectedHeader({ alg: 'HS256', kid: github.kid })
        .sign(new TextEncoder().encode('a shared secret of at least 32 bytes'));
      expectInvalidClient(await clientCredentials(federated('svc-gha', hmac)));
    });
  });
});
