import { randomBytes } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { SIGNING_KEYS_TOPIC } from '@app/events';
import { createTokenValidator, TokenValidator } from '@app/resource-server';
import { CLIENTS, withAdminClient } from '../fixtures/test-registry';
import {
  ServiceReplica,
  SPLIT_AUTH,
  SPLIT_RESOURCES,
  SplitServices,
} from '../support/in-process-services';
import { TopicReader } from '../support/int-kafka';
import { openTestRedis } from '../support/int-redis';
import { basicAuthorization, send } from '../support/oauth-http';
import { rsOutcome } from '../support/rs-validation';

jest.setTimeout(90_000);

/** The suite's own Redis database: flushed first, so no runtime key of an earlier run is in it. */
const REDIS_DB = 6;
const PREPUBLICATION_MS = 3_000;

/**
 * Runtime rotation in the split topology on real Kafka and Redis (issue 14): a key rotated through
 * the admin API (on the revocation service) is used by both issuance replicas from its activation
 * on, and every token issued before, during and after the rotation is accepted by every
 * resource-server replica and by introspection: not one refusal. The validators never refetch on
 * their own (an unknown kid would be refused): only the notices bring them the new key, even
 * from the issuance replica that learns of it last.
 */
describe('signing-key rotation across replicas', () => {
  let services: SplitServices;
  let issuance: ServiceReplica[];
  let introspection: ServiceReplica;
  let revocation: ServiceReplica;
  let validators: TokenValidator[];
  let log: TopicReader;

  beforeAll(async () => {
    services = await SplitServices.create({
      suite: 'key-rotation',
      redisDb: REDIS_DB,
      env: {
        KEY_PREPUBLICATION_SECONDS: String(PREPUBLICATION_MS / 1000),
        KEYS_KEK: randomBytes(32).toString('base64url'),
      },
      registry: withAdminClient,
    });
    const redis = await openTestRedis(services.redisUrl, 'int-key-rotation-spec');
    await redis.flushdb();
    await redis.quit();
    let introspections: ServiceReplica[];
    [issuance, introspections, revocation] = await Promise.all([
      services.startMany('issuance', 2),
      services.startMany('introspection', 1),
      services.start('revocation'),
    ]);
    introspection = introspections[0]!;
    // One resource-server replica per issuance replica behind the JWKS (as a load balancer
    // would send their fetches), each following the revocation stream for notices.
    validators = issuance.map((replica) =>
      createTokenValidator({
        issuer: services.issuer,
        audience: SPLIT_RESOURCES.jwt.identifier,
        jwksUri: `${replica.url}/oauth2/jwks`,
        redisUrl: services.redisUrl,
        jwksMinRefreshMs: 600_000,
      }),
    );
    await Promise.all(validators.map((v) => v.start()));
    log = await TopicReader.start('int-key-rotation-audit', SIGNING_KEYS_TOPIC);
  });

  afterAll(async () => {
    await Promise.allSettled(validators?.map((v) => v.close()) ?? []);
    await Promise.allSettled([services?.closeAll(), log?.close()]);
  });

  interface Round {
    readonly at: number;
    readonly replica: number;
    readonly kid: string;
    readonly refusals: string[];
  }

  /** Issues at each issuance replica in turn and checks each token everywhere, until `until`. */
  async function issueAndVerify(until: number, rounds: Round[]): Promise<void> {
    for (let i = 0; Date.now() < until; i++) {
      const replica = i % issuance.length;
      const at = Date.now();
      const token = await services
        .client({ issuance: issuance[replica]!, introspection, revocation })
        .accessToken(SPLIT_AUTH.owner, { resource: SPLIT_RESOURCES.jwt.identifier });
      const refusals: string[] = [];
      for (const [n, v] of validators.entries()) {
        const outcome = await rsOutcome(v, token);
        if (!outcome.ok) refusals.push(`resource server ${n}: ${outcome.error.message}`);
      }
      const introspected = await services
        .client({ issuance: issuance[0]!, introspection, revocation })
        .introspect({ token }, SPLIT_AUTH.owner);
      if (introspected.body.active !== true) refusals.push('introspection: inactive');
      rounds.push({ at, replica, kid: decodeProtectedHeader(token).kid!, refusals });
    }
  }

  it('uses the rotated key on every issuance replica, with no token refused anywhere', async () => {
    const rounds: Round[] = [];
    await issueAndVerify(Date.now() + 500, rounds);
    const oldKid = rounds[0]!.kid;

    const rotating = send(`${revocation.url}/admin/keys/rotate`, {
      method: 'POST',
      headers: {
        authorization: basicAuthorization(CLIENTS.admin.clientId, CLIENTS.admin.secret),
        'content-type': 'application/json',
      },
      body: JSON.stringify({ alg: 'ES256' }),
    });
    // Tokens keep flowing while the admin call is in flight.
    const [answer] = await Promise.all([rotating, issueAndVerify(Date.now() + 300, rounds)]);
    expect(answer.status).toBe(200);
    const [key] = answer.body.keys as { kid: string; activate_at: number }[];
    await issueAndVerify(key!.activate_at + 2_000, rounds);

    expect(rounds.filter((r) => r.refusals.length > 0)).toEqual([]);
    // Before the activation the old key signs everywhere; a moment after it, the new one.
    expect(rounds.filter((r) => r.at < key!.activate_at - 200).every((r) => r.kid === oldKid)).toBe(
      true,
    );
    const after = rounds.filter((r) => r.at > key!.activate_at + 200);
    expect(new Set(after.map((r) => r.replica))).toEqual(new Set([0, 1]));
    expect(after.every((r) => r.kid === key!.kid)).toBe(true);

    // Every replica publishes both keys: the old one's tokens stay good until they expire.
    for (const replica of issuance) {
      const jwks = await send(`${replica.url}/oauth2/jwks`);
      const kids = (jwks.body.keys as { kid: string }[]).map((k) => k.kid);
      expect(kids).toEqual(expect.arrayContaining([oldKid, key!.kid]));
    }

    // Each step once on the log, whichever replica reached it; no private key on it.
    const steps = await log.waitFor('activated and retired on the log', () => {
      const seen = stepsOf(log, [key!.kid, oldKid]);
      return seen.includes(`${key!.kid} activated`) && seen.includes(`${oldKid} retired`);
    });
    expect(steps).toBeDefined();
    expect(stepsOf(log, [key!.kid, oldKid]).sort()).toEqual(
      [`${key!.kid} published`, `${key!.kid} activated`, `${oldKid} retired`].sort(),
    );
    const records = log.filter((r) => r.key === key!.kid || r.key === oldKid);
    expect(records.every((r) => !/"d"\s*:/.test(r.value))).toBe(true);
  });
});

function stepsOf(log: TopicReader, kids: string[]): string[] {
  return log
    .filter((r) => r.json?.type === 'key.rotated' && kids.includes(r.json?.data?.kid))
    .filter((r) => r.json?.data?.step !== undefined)
    .map((r) => `${r.json!.data.kid} ${r.json!.data.step}`);
}
