import { PROJECTOR_GROUP } from '../../apps/revocation/src/projector/event.projector';
import { CLIENTS, RESOURCES } from '../fixtures/test-registry';
import { tokenDigest } from '../support/lifecycle-events';
import { OAuthClient } from '../support/oauth-client';
import { clientAuth } from '../support/oauth-http';
import { groupLag, LogSnapshot, readLifecycleLog } from '../support/proc-event-log';
import {
  freePorts,
  isJwt,
  jtiOf,
  pause,
  ServiceFiles,
  waitFor,
  writeServiceFiles,
} from '../support/proc-fixtures';
import { ServiceProcess, stopAll, withServiceOutput } from '../support/service-process';

/**
 * DESIGN "State": a request that changes state answers only after its event is acknowledged, so
 * no token exists without its `token.issued` record and no revocation is acknowledged without its
 * `token.revoked` record, even when the process is SIGKILLed mid-traffic. Real processes on the
 * shared broker and Redis of the integration run.
 */
const owner = clientAuth.basic(CLIENTS.basic);
const introspector = clientAuth.basic(CLIENTS.introspector);
const RESOURCE_OF = { jwt: RESOURCES.orders, opaque: RESOURCES.ledger } as const;
type Format = keyof typeof RESOURCE_OF;

const CLIENT_LOOPS = 6;
/** Tokens answered before the kill, at least. */
const TOKENS_BEFORE_KILL = 150;
const TOKENS_TO_REVOKE = 120;
const REVOKERS = 8;

describe('SIGKILL of a service mid-traffic', () => {
  let files: ServiceFiles | undefined;
  let issuance: ServiceProcess | undefined;
  let introspection: ServiceProcess | undefined;
  let revocation: ServiceProcess | undefined;
  const all = () => [issuance, introspection, revocation];
  let oauth: OAuthClient;
  const brokers = () => process.env.KAFKA_BROKERS!;
  const report: Record<string, unknown> = {};
  /** Malformed records other suites put on the shared log on purpose (kafka-event-bus spec). */
  let malformedBefore = 0;

  beforeAll(async () => {
    [files, { malformed: malformedBefore }] = await Promise.all([
      writeServiceFiles(),
      readLifecycleLog(brokers()),
    ]);
    const [issuancePort, introspectionPort, revocationPort] = await freePorts(3);
    const url = (port: number) => `http://127.0.0.1:${port}`;
    const env = {
      ISSUER: url(issuancePort!),
      CONFIG_FILE: files.configFile,
      KEYS_FILE: files.keysFile,
      KAFKA_BROKERS: brokers(),
      REDIS_URL: process.env.REDIS_URL!,
      TOKEN_ENDPOINT: `${url(issuancePort!)}/oauth2/token`,
      JWKS_URI: `${url(issuancePort!)}/oauth2/jwks`,
      INTROSPECTION_ENDPOINT: `${url(introspectionPort!)}/oauth2/introspect`,
      REVOCATION_ENDPOINT: `${url(revocationPort!)}/oauth2/revoke`,
      LOG_LEVEL: 'warn',
    };
    // PROJECTOR is left unset: the revocation service runs the projector by default.
    [issuance, introspection, revocation] = await Promise.all([
      ServiceProcess.prepare({ service: 'issuance', port: issuancePort, env }),
      ServiceProcess.prepare({ service: 'introspection', port: introspectionPort, env }),
      ServiceProcess.prepare({ service: 'revocation', port: revocationPort, env }),
    ]);
    const t0 = Date.now();
    await Promise.all(all().map((p) => p!.start()));
    report.servicesStartMs = Date.now() - t0;
    oauth = new OAuthClient({
      token: env.TOKEN_ENDPOINT,
      introspection: env.INTROSPECTION_ENDPOINT,
      revocation: env.REVOCATION_ENDPOINT,
    });
  }, 120_000);

  afterAll(async () => {
    await stopAll(all());
    await files?.remove();
    process.stderr.write(`crash.int-spec measurements: ${JSON.stringify(report, null, 1)}\n`);
  }, 60_000);

  const requestToken = (format: Format) =>
    oauth.token(
      { grant_type: 'client_credentials', resource: RESOURCE_OF[format].identifier },
      owner,
    );

  const introspect = async (token: string) => {
    const res = await oauth.introspect({ token }, introspector);
    if (res.status !== 200) throw new Error(`introspection answered ${res.status} ${res.text}`);
    return res.body.active as boolean;
  };

  /** How many events of `type` on the log were published by `service` (any incarnation). */
  const countFrom = (log: LogSnapshot, type: string, service: ServiceProcess) => {
    const sources = new Set(service.pids.map((pid) => `-${pid}`));
    return log.events.filter(
      (e) => e.type === type && [...sources].some((s) => e.source.endsWith(s)),
    ).length;
  };

  /** The log's events of `type`, indexed by JWT jti and by opaque token digest. */
  const indexOf = (log: LogSnapshot, type: 'token.issued' | 'token.revoked') => {
    const byJti = new Set<string>();
    const byDigest = new Set<string>();
    for (const e of log.events) {
      if (e.type !== type) continue;
      const data = e.data as { jti: string; token_digest?: string };
      byJti.add(data.jti);
      if (data.token_digest !== undefined) byDigest.add(data.token_digest);
    }
    // JWT: by the jti in its payload; opaque: by base64url SHA-256 (all the log ever holds).
    return (token: string) =>
      isJwt(token) ? byJti.has(jtiOf(token)) : byDigest.has(tokenDigest(token));
  };

  it(
    'issuance: every token any client received has its token.issued event on the log',
    withServiceOutput(all, async () => {
      const received: { token: string; format: Format; at: number }[] = [];
      const refusals: Record<string, number> = {};
      let stop = false;
      const loop = async (format: Format) => {
        while (!stop) {
          try {
            const res = await requestToken(format);
            if (res.status === 200 && typeof res.body.access_token === 'string')
              received.push({ token: res.body.access_token, format, at: Date.now() });
            else {
              refusals[`http ${res.status}`] = (refusals[`http ${res.status}`] ?? 0) + 1;
              await pause(20);
            }
          } catch (e) {
            const code = ((e as Error).cause as { code?: string } | undefined)?.code ?? 'error';
            refusals[code] = (refusals[code] ?? 0) + 1;
            await pause(20); // the process is down: do not spin
          }
        }
      };
      const loops = Array.from({ length: CLIENT_LOOPS }, (_, i) =>
        loop(i % 2 === 0 ? 'opaque' : 'jwt'),
      );
      try {
        await waitFor('tokens to flow', () => received.length >= TOKENS_BEFORE_KILL, {
          timeoutMs: 30_000,
          intervalMs: 10,
        });
        const status = await issuance!.kill('SIGKILL');
        const deadAt = Date.now();
        expect(status.signal).toBe('SIGKILL');
        report.issuedBeforeKill = received.filter((r) => r.at <= deadAt).length;
        report.issuanceRestartToLiveMs = await issuance!.start();
        const restartedAt = Date.now();
        await waitFor(
          'the restarted issuance to serve both formats',
          () =>
            received.filter((r) => r.at > restartedAt && r.format === 'jwt').length >= 25 &&
            received.filter((r) => r.at > restartedAt && r.format === 'opaque').length >= 25,
          { timeoutMs: 30_000, intervalMs: 20 },
        );
        const firstAfter = received.find((r) => r.at > deadAt);
        report.issuanceDeathToFirstTokenMs = firstAfter ? firstAfter.at - deadAt : null;
      } finally {
        stop = true;
        await Promise.all(loops);
      }
      expect(new Set(received.map((r) => r.token)).size).toBe(received.length);

      const log = await readLifecycleLog(brokers());
      const onLog = indexOf(log, 'token.issued');
      const missing = received.filter((r) => !onLog(r.token));
      Object.assign(report, {
        tokensReceived: received.length,
        jwtReceived: received.filter((r) => r.format === 'jwt').length,
        opaqueReceived: received.filter((r) => r.format === 'opaque').length,
        clientFailures: refusals,
        logRecords: log.records,
        logMalformed: log.malformed,
        issuedEventsOnLog: log.events.filter((e) => e.type === 'token.issued').length,
        issuedEventsFromTheseProcesses: countFrom(log, 'token.issued', issuance!),
        receivedTokensWithEvent: received.length - missing.length,
        logReadMs: log.ms,
      });
      expect(log.malformed - malformedBefore).toBe(0);
      expect(missing.map((m) => `${m.format} ${m.token.slice(0, 24)}…`)).toEqual([]);
      // The restarted process serves: a token from it is good at introspection.
      expect(await introspect(received[received.length - 1]!.token)).toBe(true);
    }),
    180_000,
  );

  it(
    'revocation: every acknowledged revocation is on the log and, once the projector caught up, felt at introspection',
    withServiceOutput(all, async () => {
      // N tokens of both formats, all active.
      const tokens: string[] = [];
      await Promise.all(
        Array.from({ length: 6 }, async (_, w) => {
          while (tokens.length < TOKENS_TO_REVOKE) {
            tokens.push(
              await oauth.accessToken(owner, {
                resource: RESOURCE_OF[w % 2 ? 'jwt' : 'opaque'].identifier,
              }),
            );
          }
        }),
      );
      tokens.length = TOKENS_TO_REVOKE;
      const control = await oauth.accessToken(owner, { resource: RESOURCE_OF.jwt.identifier });

      // Revoke them concurrently, one attempt each; SIGKILL the revocation process mid-way.
      const acknowledged = new Set<string>();
      const failed = new Map<string, string>();
      const queue = [...tokens];
      let kill: Promise<unknown> | undefined;
      let killedAt = 0;
      const revoker = async () => {
        for (let token = queue.shift(); token !== undefined; token = queue.shift()) {
          try {
            const res = await oauth.revoke({ token }, owner);
            if (res.status === 200) acknowledged.add(token);
            else failed.set(token, `http ${res.status}`);
          } catch (e) {
            failed.set(
              token,
              ((e as Error).cause as { code?: string } | undefined)?.code ?? 'error',
            );
          }
          if (!kill && acknowledged.size >= TOKENS_TO_REVOKE / 3) {
            killedAt = Date.now();
            kill = revocation!.kill('SIGKILL');
          }
        }
      };
      await Promise.all(Array.from({ length: REVOKERS }, revoker));
      expect(kill).toBeDefined();
      await kill;
      report.revocationsAcknowledged = acknowledged.size;
      report.revocationsFailed = failed.size;
      report.revocationFailureKinds = [...failed.values()].reduce<Record<string, number>>(
        (acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }),
        {},
      );

      // Restart on the same port; it joins the projector's group before it answers.
      report.revocationRestartToLiveMs = await revocation!.start();
      report.revocationKillToLiveMs = Date.now() - killedAt;

      const log = await readLifecycleLog(brokers());
      const onLog = indexOf(log, 'token.revoked');
      const unlogged = [...acknowledged].filter((t) => !onLog(t));
      const loggedButUnanswered = [...failed.keys()].filter(onLog);
      Object.assign(report, {
        revokedEventsOnLog: log.events.filter((e) => e.type === 'token.revoked').length,
        revokedEventsFromTheseProcesses: countFrom(log, 'token.revoked', revocation!),
        acknowledgedWithEvent: acknowledged.size - unlogged.length,
        loggedButNotAcknowledged: loggedButUnanswered.length,
        logReadMs: log.ms,
      });
      expect(unlogged).toEqual([]);

      // The restarted projector catches up with the log...
      const t0 = Date.now();
      await waitFor(
        'the projector to catch up with the log',
        async () => (await groupLag(brokers(), PROJECTOR_GROUP)) === 0 || undefined,
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      report.projectorCatchUpMs = Date.now() - t0;

      // ...and every revocation on the log is felt: acknowledged ones, and those whose answer
      // the crash swallowed (event acknowledged, Redis maybe not written: the projector repairs).
      const mustBeInactive = [...acknowledged, ...loggedButUnanswered];
      const stillActive: string[] = [];
      for (const token of mustBeInactive) if (await introspect(token)) stillActive.push(token);
      expect(stillActive.map((t) => `${isJwt(t) ? 'jwt' : 'opaque'} ${t.slice(0, 24)}…`)).toEqual(
        [],
      );
      // Nothing else was revoked: a revocation that never reached the log has no effect.
      const neverRecorded = tokens.filter((t) => !acknowledged.has(t) && !onLog(t));
      report.neverRecorded = neverRecorded.length;
      for (const token of [control, ...neverRecorded]) expect(await introspect(token)).toBe(true);

      // The restarted process serves: the rest can be revoked now, and is felt at once.
      for (const token of neverRecorded) {
        expect((await oauth.revoke({ token }, owner)).status).toBe(200);
        expect(await introspect(token)).toBe(false);
      }
    }),
    180_000,
  );
});
