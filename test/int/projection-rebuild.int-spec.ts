import Redis from 'ioredis';
import { RedisKeys } from '@app/store';
import { tokenDigest } from '@app/tokens';
import { PROJECTOR_GROUP } from '../../apps/revocation/src/projector/event.projector';
import { CLIENTS, RESOURCES } from '../fixtures/test-registry';
import { OAuthClient } from '../support/oauth-client';
import { clientAuth, HttpResponse, send } from '../support/oauth-http';
import { groupLag, readLifecycleLog } from '../support/proc-event-log';
import {
  freePorts,
  pause,
  ServiceFiles,
  waitFor,
  writeServiceFiles,
} from '../support/proc-fixtures';
import { OwnKafka, OwnRedis, startOwnInfra } from '../support/proc-infra';
import { DemoApiReplica } from '../support/prop-demo-api';
import { ServiceProcess, stopAll, withServiceOutput } from '../support/service-process';

/**
 * DESIGN "State": Redis is derived and rebuilt from the log. While it is being rebuilt (it came
 * back empty, the projection marker is not there yet) nothing may be answered from it as if it
 * were whole: the revocation endpoint never acknowledges a token it could not look up (the
 * revocation would be lost), introspection never calls a valid token inactive, and an API replica
 * that starts then is not ready and refuses tokens (fail-closed) instead of accepting revoked
 * ones. Issuance, revocation, introspection and the projector's host are each their own process,
 * on a Kafka and a Redis of this suite's own (Redis is restarted empty). The projector runs apart
 * from the revocation service so that it can be frozen (SIGSTOP) while the endpoints keep serving:
 * the rebuild window is then as long as the test says, not as short as the machine makes it.
 */
const OPAQUE = RESOURCES.ledger;
const JWT = RESOURCES.orders;
const TOKENS = 600;
const VALID = 4;
const WORKERS = 4;
const PACE_MS = 20;
const RECOVERY_DEADLINE_MS = 90_000;
/**
 * How long the projector is held frozen after Redis came back empty: the window in which the
 * store is incomplete lasts at least this long, whatever the speed of the machine.
 */
const WINDOW_MS = 2000;

const owner = clientAuth.basic(CLIENTS.basic);

interface Answer {
  readonly token: string;
  readonly status: number | 'error';
  readonly error?: string;
  readonly retryAfter?: string | null;
  readonly active?: unknown;
  readonly at: number;
}

describe('a store rebuilt from the log', () => {
  let kafka: OwnKafka | undefined;
  let redis: OwnRedis | undefined;
  let files: ServiceFiles | undefined;
  let issuance: ServiceProcess;
  let revocation: ServiceProcess;
  let introspection: ServiceProcess;
  let projector: ServiceProcess;
  let replica: DemoApiReplica | undefined;
  let probe: Redis | undefined;
  let oauth: OAuthClient;
  const all = () => [issuance, revocation, introspection, projector];
  const metrics: Record<string, number | string> = {};

  beforeAll(async () => {
    [{ kafka, redis }, files] = await Promise.all([
      startOwnInfra((m) => process.stderr.write(`${m}\n`)),
      writeServiceFiles(),
    ]);
    const [issuancePort, revocationPort, introspectionPort, projectorPort] = await freePorts(4);
    const url = (port: number) => `http://127.0.0.1:${port}`;
    const env = {
      ISSUER: url(issuancePort!),
      CONFIG_FILE: files.configFile,
      KEYS_FILE: files.keysFile,
      KAFKA_BROKERS: kafka!.brokers,
      REDIS_URL: redis!.url,
      TOKEN_ENDPOINT: `${url(issuancePort!)}/oauth2/token`,
      JWKS_URI: `${url(issuancePort!)}/oauth2/jwks`,
      INTROSPECTION_ENDPOINT: `${url(introspectionPort!)}/oauth2/introspect`,
      REVOCATION_ENDPOINT: `${url(revocationPort!)}/oauth2/revoke`,
      LOG_LEVEL: 'error',
    };
    [issuance, revocation, introspection, projector] = await Promise.all([
      ServiceProcess.prepare({ service: 'issuance', port: issuancePort!, env }),
      ServiceProcess.prepare({
        service: 'revocation',
        port: revocationPort!,
        env: { ...env, PROJECTOR: 'false' },
      }),
      ServiceProcess.prepare({ service: 'introspection', port: introspectionPort!, env }),
      ServiceProcess.prepare({
        service: 'revocation',
        label: 'projector',
        port: projectorPort!,
        env: { ...env, PROJECTOR: 'true' },
      }),
    ]);
    await Promise.all(all().map((p) => p.start()));
    oauth = new OAuthClient({
      token: `${issuance.url}/oauth2/token`,
      introspection: `${introspection.url}/oauth2/introspect`,
      revocation: `${revocation.url}/oauth2/revoke`,
    });
    // The suite's own view of the marker: fails fast while Redis is away, reconnects after.
    probe = new Redis(redis!.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => 50,
    });
    probe.on('error', () => undefined);
    await probe.connect();
    await everyServiceReady();
  }, 240_000);

  afterAll(async () => {
    probe?.disconnect();
    await Promise.allSettled([replica?.stop(), stopAll(all())]);
    await Promise.allSettled([kafka?.stop(), redis?.stop(), files?.remove()]);
    process.stderr.write(`projection-rebuild.int-spec measurements: ${JSON.stringify(metrics)}\n`);
  }, 60_000);

  const ready = async (url: string): Promise<number> =>
    send(`${url}/health/ready`, { signal: AbortSignal.timeout(5000) }).then(
      (r) => r.status,
      () => 0,
    );

  const everyServiceReady = () =>
    waitFor(
      'every service ready',
      async () => (await Promise.all(all().map((p) => ready(p.url)))).every((s) => s === 200),
      { timeoutMs: RECOVERY_DEADLINE_MS, intervalMs: 250 },
    );

  const markerPresent = async (): Promise<boolean> =>
    (await probe!.exists(RedisKeys.projectionMarker()).catch(() => 0)) === 1;

  const projectorCaughtUp = () =>
    waitFor(
      'the projector to catch up with the log',
      async () => (await groupLag(kafka!.brokers, PROJECTOR_GROUP)) === 0,
      { timeoutMs: RECOVERY_DEADLINE_MS, intervalMs: 250 },
    );

  /** Runs `work` on `concurrency` lanes over `items`. */
  const inLanes = async <T, R>(items: T[], concurrency: number, work: (t: T) => Promise<R>) => {
    const out: R[] = new Array(items.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < items.length) {
          const i = next++;
          out[i] = await work(items[i]!);
        }
      }),
    );
    return out;
  };

  const answer = async (token: string, call: () => Promise<HttpResponse>): Promise<Answer> => {
    try {
      const res = await call();
      return {
        token,
        status: res.status,
        error: res.body.error as string | undefined,
        retryAfter: res.headers.get('retry-after'),
        active: res.body.active,
        at: Date.now(),
      };
    } catch (e) {
      return { token, status: 'error', error: (e as Error).message, at: Date.now() };
    }
  };

  const introspect = (token: string) =>
    answer(token, () => oauth.introspect({ token, token_type_hint: 'access_token' }, owner));

  /** Runs `work` while `service` is stopped in its tracks (SIGSTOP), and lets it go on after. */
  const frozen = async <T>(service: ServiceProcess, work: () => Promise<T>): Promise<T> => {
    const pid = service.pid!;
    process.kill(pid, 'SIGSTOP');
    try {
      return await work();
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  };

  /** Restarts Redis (it comes back EMPTY); when each step was done. */
  const restartRedis = async () => {
    const downAt = Date.now();
    await redis!.stopServer();
    await redis!.startServer();
    return { downAt, backAt: Date.now() };
  };

  it(
    'never acknowledges a revocation it could not look up, and never calls a valid opaque token inactive, while Redis is rebuilt under load',
    withServiceOutput(all, async () => {
      const issue = () => oauth.accessToken(owner, { resource: OPAQUE.identifier });
      const toRevoke = await inLanes(Array.from({ length: TOKENS }), 16, issue);
      const valid = await inLanes(Array.from({ length: VALID }), VALID, issue);
      await projectorCaughtUp();

      // A steady load of revocations of tokens issued before; a refused one is retried later,
      // as a client honouring Retry-After would. Alongside, valid tokens are introspected.
      const queue = [...toRevoke];
      const revocations: Answer[] = [];
      const probes: Answer[] = [];
      let running = true;
      const revokeLanes = Array.from({ length: WORKERS }, async () => {
        while (running && queue.length > 0) {
          const token = queue.shift()!;
          const a = await answer(token, () =>
            oauth.revoke({ token, token_type_hint: 'access_token' }, owner),
          );
          revocations.push(a);
          if (a.status !== 200) queue.push(token);
          await pause(PACE_MS);
        }
      });
      const probeLane = (async () => {
        for (let i = 0; running; i++) {
          probes.push(await introspect(valid[i % VALID]!));
          await pause(PACE_MS);
        }
      })();

      await pause(1000);
      // The projector is frozen (well within its consumer-group session) while Redis restarts
      // empty and for WINDOW_MS after: every answer meanwhile comes from an incomplete store.
      const { downAt, backAt } = await frozen(projector, async () => {
        const times = await restartRedis();
        await pause(WINDOW_MS);
        return times;
      });
      const markerAt = await waitFor(
        'the projector to rebuild the store (marker back)',
        async () => (await markerPresent()) && Date.now(),
        { timeoutMs: RECOVERY_DEADLINE_MS, intervalMs: 25 },
      );
      await pause(1500);
      running = false;
      await Promise.all([...revokeLanes, probeLane]);
      Object.assign(metrics, {
        redisDownMs: backAt - downAt,
        rebuildAfterRedisBackMs: markerAt - backAt,
        revocationAttempts: revocations.length,
      });

      // Every answer was an acknowledgement or a retryable refusal (RFC 6749 §5.2, RFC 9110).
      const odd = revocations.filter(
        (a) =>
          a.status !== 200 &&
          !(
            a.status === 503 &&
            a.error === 'temporarily_unavailable' &&
            /^\d+$/.test(`${a.retryAfter}`)
          ),
      );
      expect(odd).toEqual([]);

      // What the window between Redis coming back empty and the marker saw (measured first,
      // so that a failure below still reports it).
      const inWindow = (a: Answer) => a.at > backAt && a.at < markerAt;
      const window = {
        revocationsRefused: revocations.filter((a) => inWindow(a) && a.status === 503).length,
        revocationsAcknowledged: revocations.filter((a) => inWindow(a) && a.status === 200).length,
        introspectionsRefused: probes.filter((p) => inWindow(p) && p.status === 503).length,
      };
      const calledInactive = probes.filter((p) => p.status === 200 && p.active !== true).length;
      Object.assign(metrics, {
        window: JSON.stringify(window),
        validCalledInactive: calledInactive,
      });

      // Every acknowledged revocation is on the log and felt once the store is rebuilt.
      await everyServiceReady();
      const acknowledged = revocations.filter((a) => a.status === 200).map((a) => a.token);
      const log = await readLifecycleLog(kafka!.brokers);
      const logged = new Set(
        log.events
          .filter((e) => e.type === 'token.revoked')
          .map((e) => (e.data as { token_digest?: string }).token_digest),
      );
      const after = await inLanes(acknowledged, 16, introspect);
      const lost = {
        acknowledged: acknowledged.length,
        notOnTheLog: acknowledged.filter((t) => !logged.has(tokenDigest(t))).length,
        notInactiveAfterRebuild: after.filter((a) => a.status !== 200 || a.active !== false).length,
      };
      metrics.lost = JSON.stringify(lost);
      expect(lost.acknowledged).toBeGreaterThan(0);
      expect(lost).toEqual({
        acknowledged: lost.acknowledged,
        notOnTheLog: 0,
        notInactiveAfterRebuild: 0,
      });

      // A valid opaque token was never called inactive.
      expect(calledInactive).toBe(0);
      // The window was under load: revocations of tokens not replayed yet, and introspections
      // of valid ones, were refused (503) rather than answered from the half-built store.
      expect(window.revocationsRefused).toBeGreaterThan(0);
      expect(window.introspectionsRefused).toBeGreaterThan(0);

      for (const token of valid)
        expect(await introspect(token)).toMatchObject({ status: 200, active: true });
    }),
    300_000,
  );

  it(
    'keeps an API replica that starts during the rebuild unready and refusing until the projection is complete',
    withServiceOutput(all, async () => {
      const issue = () =>
        oauth.accessToken(owner, { resource: JWT.identifier, scope: 'orders:read' });
      const [revoked, valid] = await Promise.all([issue(), issue()]);
      expect((await oauth.revoke({ token: revoked }, owner)).status).toBe(200);
      await projectorCaughtUp();

      // Nothing rebuilds the store while the projector's host is down: the replica starts on a
      // Redis that came back empty and has no marker, with the revocation only on the log.
      await projector.stop();
      await restartRedis();
      expect(await markerPresent()).toBe(false);
      replica = await DemoApiReplica.start('demo-api', {
        ISSUER: issuance.url,
        JWKS_URI: `${issuance.url}/oauth2/jwks`,
        REDIS_URL: redis!.url,
        RESOURCE_AUDIENCE: JWT.identifier,
        REVOCATION_STALENESS_BUDGET_MS: '2000',
      });
      const orders = (token: string) =>
        answer(token, () =>
          send(`${replica!.url}/orders`, {
            headers: { authorization: `Bearer ${token}` },
            signal: AbortSignal.timeout(5000),
          }),
        );

      // Several seconds, far past the staleness budget: it never calls itself current.
      const before: Answer[] = [];
      const readiness: number[] = [];
      for (const until = Date.now() + 5000; Date.now() < until; await pause(100)) {
        before.push(await orders(revoked), await orders(valid));
        readiness.push(await ready(replica.url));
      }
      const count = (answers: Answer[], token: string, status: number) =>
        answers.filter((a) => a.token === token && a.status === status).length;
      expect({
        revokedAccepted: count(before, revoked, 200),
        revokedRefused: count(before, revoked, 503),
        validRefused: count(before, valid, 503),
        notUnready: readiness.filter((s) => s !== 503).length,
      }).toEqual({
        revokedAccepted: 0,
        revokedRefused: before.length / 2,
        validRefused: before.length / 2,
        notUnready: 0,
      });

      // The projector's host comes back and rebuilds the store; the replica is watched
      // throughout: the revoked token is never accepted.
      const watched: Answer[] = [];
      let watching = true;
      const watch = (async () => {
        while (watching) {
          watched.push(await orders(revoked));
          await pause(25);
        }
      })();
      const t0 = Date.now();
      await projector.start();
      await waitFor('the replica ready', async () => (await ready(replica!.url)) === 200, {
        timeoutMs: RECOVERY_DEADLINE_MS,
        intervalMs: 100,
      });
      metrics.replicaReadyAfterProjectorStartMs = Date.now() - t0;
      expect(await markerPresent()).toBe(true);
      expect(await orders(valid)).toMatchObject({ status: 200 });
      expect(await orders(revoked)).toMatchObject({ status: 401 });
      await pause(500);
      watching = false;
      await watch;
      metrics.replicaWatchSamples = watched.length;
      expect(watched.filter((a) => a.status === 200).length).toBe(0);
      await everyServiceReady();
    }),
    300_000,
  );
});
