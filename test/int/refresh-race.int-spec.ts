import Redis from 'ioredis';
import {
  openRedis,
  RedisProjectionMarker,
  RedisRefreshTokenStore,
  RedisRevocationStore,
} from '@app/store';
import { tokenDigest } from '@app/tokens';
import { REFRESH_CLIENTS } from '../fixtures/test-registry';
import { ServiceReplica, SPLIT_RESOURCES, SplitServices } from '../support/in-process-services';
import { clientAuth, HttpResponse } from '../support/oauth-http';
import { seedSignIn } from '../support/sign-in-seed';

jest.setTimeout(90_000);

/** Waits until the projector has built the store from the log. */
async function untilMarked(redis: Redis, withinMs: number): Promise<void> {
  const marker = new RedisProjectionMarker(redis);
  const until = Date.now() + withinMs;
  while (!(await marker.present())) {
    if (Date.now() > until) throw new Error('the projector did not mark the store');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const PRESENTATIONS = 24;

/**
 * One refresh token presented concurrently, many times, against two issuance replicas that share
 * only Kafka and Redis (issue 11): whatever the interleaving, the grant never has two live
 * refresh tokens, and the outcomes match the client's grace: without one, exactly one exchange
 * succeeds and the reuse revokes the grant; with one, every exchange succeeds and only the
 * newest token is live.
 */
describe('refresh-token race across issuance replicas', () => {
  let services: SplitServices;
  let replicas: ServiceReplica[];
  let redis: Redis;
  let families: RedisRefreshTokenStore;
  let revocations: RedisRevocationStore;

  beforeAll(async () => {
    services = await SplitServices.create({ suite: 'refresh-race', redisDb: 6 });
    // The revocation replica runs the projector, whose marker tells the replicas' projection
    // gates that the store is complete (until then they answer 503).
    [replicas] = await Promise.all([
      services.startMany('issuance', 2),
      services.start('revocation'),
    ]);
    redis = await openRedis(services.redisUrl, 'refresh-race-spec');
    await untilMarked(redis, 30_000);
    families = new RedisRefreshTokenStore(redis);
    revocations = new RedisRevocationStore(redis, 3_600_000);
  });
  afterAll(async () => {
    await Promise.allSettled([services?.closeAll(), redis?.quit()]);
  });

  /** A grant of `client` with its first refresh token, redeemed at the first replica. */
  const signedIn = async (client: { clientId: string; secret: string }) => {
    const seeded = await seedSignIn(replicas[0]!, {
      clientId: client.clientId,
      redirectUri: REFRESH_CLIENTS.redirectUri,
      grant: {
        scopes: ['openid', 'offline_access', ...SPLIT_RESOURCES.opaque.scopes],
        resources: [SPLIT_RESOURCES.opaque.identifier],
      },
    });
    const res = await services
      .client({ issuance: replicas[0]!, introspection: replicas[0]!, revocation: replicas[0]! })
      .token(
        {
          grant_type: 'authorization_code',
          code: seeded.code,
          redirect_uri: REFRESH_CLIENTS.redirectUri,
          code_verifier: seeded.verifier,
        },
        clientAuth.basic(client),
      );
    expect(res.status).toBe(200);
    return { grantId: seeded.grant.grantId, token: res.body.refresh_token as string };
  };

  /** The same token presented PRESENTATIONS times at once, alternating between the replicas. */
  const storm = (client: { clientId: string; secret: string }, token: string) =>
    Promise.all(
      Array.from({ length: PRESENTATIONS }, (_, i): Promise<HttpResponse> => {
        const at = replicas[i % 2]!;
        return services
          .client({ issuance: at, introspection: at, revocation: at })
          .token({ grant_type: 'refresh_token', refresh_token: token }, clientAuth.basic(client));
      }),
    );

  const liveAmong = async (tokens: string[]) => {
    const states = await Promise.all(tokens.map((t) => families.find(tokenDigest(t), Date.now())));
    return tokens.filter((_, i) => states[i]?.active === true);
  };

  it('without grace: one exchange succeeds, the reuse revokes the grant, no token is left live', async () => {
    const { grantId, token } = await signedIn(REFRESH_CLIENTS.web);
    const answers = await storm(REFRESH_CLIENTS.web, token);
    const ok = answers.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(answers.filter((r) => r.status === 400).map((r) => r.body.error)).toEqual(
      Array(PRESENTATIONS - 1).fill('invalid_grant'),
    );
    const handedOut = [token, ...ok.map((r) => r.body.refresh_token as string)];
    await expect(liveAmong(handedOut)).resolves.toEqual([]);
    await expect(
      revocations.isRevoked({
        clientId: REFRESH_CLIENTS.web.clientId,
        jti: 'any',
        grantId,
        iat: 0,
      }),
    ).resolves.toBe(true);
  });

  it('within the grace: every exchange succeeds, exactly one token is live, the newest goes on', async () => {
    const { token } = await signedIn(REFRESH_CLIENTS.grace);
    const answers = await storm(REFRESH_CLIENTS.grace, token);
    expect(answers.map((r) => r.status)).toEqual(Array(PRESENTATIONS).fill(200));
    const handedOut = answers.map((r) => r.body.refresh_token as string);
    expect(new Set(handedOut).size).toBe(PRESENTATIONS);
    const live = await liveAmong([token, ...handedOut]);
    expect(live).toHaveLength(1);
    const [next] = await storm(REFRESH_CLIENTS.grace, live[0]!).then((r) => r.slice(0, 1));
    expect(next?.status).toBe(200);
  });
});
