import { openRedis, RedisAuthorizationCodeStore, RedisGrantStore, RedisTarget } from '@app/store';
import { REFRESH_CLIENTS, RESOURCES } from '../fixtures/test-registry';
import { PROJECTOR_GROUP } from '../../apps/revocation/src/projector/event.projector';
import { eventually } from '../support/int-eventually';
import { clientAuth } from '../support/oauth-http';
import {
  ANSWER_SLACK_MS,
  expectTemporarilyUnavailable,
  OutageTopology,
  OWNER,
  INTROSPECTOR,
  PUBLISH_TIMEOUT_MS,
  RECOVERY_DEADLINE_MS,
  timed,
} from '../support/outage-topology';
import { groupLag, readLifecycleLog } from '../support/proc-event-log';
import { waitFor } from '../support/proc-fixtures';
import { seedSignInStores } from '../support/sign-in-seed';

const refreshClient = clientAuth.basic(REFRESH_CLIENTS.web);
const JWT_RESOURCE = RESOURCES.orders;
const OPAQUE_RESOURCE = RESOURCES.ledger;

/** The engines of a log outage: what takes the log away and what brings it back. */
export interface LogOutage {
  readonly topology: OutageTopology;
  readonly kafkaBrokers: string;
  /** The services' Redis (a URL or a cluster): the spec seeds a grant in it. */
  readonly store: RedisTarget;
  /** Takes the log away: no event can be acknowledged any more (acks=all). */
  lose(): Promise<void>;
  /** Brings it back (same ports, same data). */
  restore(): Promise<void>;
  /** Figures the spec prints at its end. */
  readonly metrics: Record<string, number | string>;
}

/**
 * DESIGN "State": Kafka is the record. While the log cannot acknowledge an event (the one
 * broker stopped, or two of three brokers lost so that fewer than min.insync.replicas remain),
 * every state change is refused with 503 within the publish timeout, introspection goes on from
 * Redis, the writers are unready; once the log is back everything recovers on its own, and a
 * refresh refused meanwhile is an exchange on retry, not a reuse.
 */
export function logOutageBody(engines: () => LogOutage): () => Promise<void> {
  return async () => {
    const { topology: t, metrics, kafkaBrokers, store } = engines();
    const ready = (p: (typeof t)['issuance']) => t.ready(p);
    const tokenRequest = (resource: { identifier: string }) =>
      t.oauth.token({ grant_type: 'client_credentials', resource: resource.identifier }, OWNER);
    const issue = (resource: { identifier: string }) =>
      t.oauth.accessToken(OWNER, { resource: resource.identifier });
    const introspect = (token: string) => t.oauth.introspect({ token }, INTROSPECTOR);
    const refresh = (token: string) =>
      t.oauth.token({ grant_type: 'refresh_token', refresh_token: token }, refreshClient);

    const [jwt, opaque, toRevoke, refreshed] = await Promise.all([
      issue(JWT_RESOURCE),
      issue(OPAQUE_RESOURCE),
      issue(JWT_RESOURCE),
      refreshGrant(t, store),
    ]);
    expect((await introspect(jwt)).body.active).toBe(true);
    expect((await introspect(opaque)).body.active).toBe(true);

    const stopped = await timed(() => engines().lose());
    metrics.logLostMs = stopped.ms;
    const lostAt = Date.now();

    // Issuance: both formats refused, no token, an answer within the publish timeout.
    const refusals = await Promise.all(
      [JWT_RESOURCE, OPAQUE_RESOURCE, JWT_RESOURCE, OPAQUE_RESOURCE].map((r) =>
        timed(() => tokenRequest(r)),
      ),
    );
    for (const { value: res, ms } of refusals) {
      expectTemporarilyUnavailable(res);
      expect(ms).toBeLessThan(PUBLISH_TIMEOUT_MS + ANSWER_SLACK_MS);
    }
    metrics.logDownTokenAnswerMs = Math.max(...refusals.map((r) => r.ms));

    // Revocation: nothing is acknowledged that is not on the log.
    const revoked = await timed(() => t.oauth.revoke({ token: toRevoke }, OWNER));
    expectTemporarilyUnavailable(revoked.value);
    expect(revoked.ms).toBeLessThan(PUBLISH_TIMEOUT_MS + ANSWER_SLACK_MS);
    metrics.logDownRevokeAnswerMs = revoked.ms;

    // A refresh whose rotation was made in the store but whose event the log never
    // acknowledged: 503, and the rotation undone (RFC 9700 §4.14.2), checked after recovery.
    const refused = await timed(() => refresh(refreshed.token));
    expectTemporarilyUnavailable(refused.value);
    expect(refused.ms).toBeLessThan(PUBLISH_TIMEOUT_MS + ANSWER_SLACK_MS);
    metrics.logDownRefreshAnswerMs = refused.ms;

    // Introspection reads only Redis: existing tokens of both formats still answer.
    for (const token of [jwt, opaque, toRevoke]) {
      const res = await introspect(token);
      expect({ status: res.status, active: res.body.active }).toEqual({
        status: 200,
        active: true,
      });
    }

    // Readiness: the services that write to the log become unready (on three brokers once the
    // controller has fenced the lost ones and the partitions show too few in-sync replicas).
    await eventually(
      'issuance and revocation unready',
      async () => [await ready(t.issuance), await ready(t.revocation)],
      (s) => s.every((x) => x === 503),
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    metrics.logDownUnreadyAfterMs = Date.now() - lostAt;
    metrics.logDownIntrospectionReady = await ready(t.introspection);

    const restarted = await timed(() => engines().restore());
    metrics.logRestoreMs = restarted.ms;

    // Recovery on their own: no restart of any service.
    const t0 = Date.now();
    await waitFor(
      'a JWT to be issued after the log came back',
      async () => (await tokenRequest(JWT_RESOURCE)).status === 200,
      { timeoutMs: RECOVERY_DEADLINE_MS, intervalMs: 250 },
    );
    metrics.logTokenRecoveryMs = Date.now() - t0;
    const opaqueAfter = await issue(OPAQUE_RESOURCE);
    expect((await introspect(opaqueAfter)).body.active).toBe(true);
    await waitFor('issuance ready', async () => (await ready(t.issuance)) === 200, {
      timeoutMs: RECOVERY_DEADLINE_MS,
      intervalMs: 250,
    });
    metrics.logReadyRecoveryMs = Date.now() - t0;

    // The refused revocation can be made now, and it is felt.
    await waitFor(
      'a revocation to be acknowledged after the log came back',
      async () => (await t.oauth.revoke({ token: toRevoke }, OWNER)).status === 200,
      { timeoutMs: RECOVERY_DEADLINE_MS, intervalMs: 250 },
    );
    metrics.logRevokeRecoveryMs = Date.now() - t0;
    expect((await introspect(toRevoke)).body).toEqual({ active: false });
    await waitFor('revocation ready', async () => (await ready(t.revocation)) === 200, {
      timeoutMs: RECOVERY_DEADLINE_MS,
    });
    await waitFor(
      'the projector to catch up with the log',
      async () => (await groupLag(kafkaBrokers, PROJECTOR_GROUP)) === 0 || undefined,
      { timeoutMs: RECOVERY_DEADLINE_MS, intervalMs: 250 },
    );
    metrics.logProjectorCatchUpMs = Date.now() - t0;

    // The client's retry with the same refresh token, once the projector applied whatever the
    // log took during the outage: an exchange, not a reuse; the grant lives on.
    const retried = await refresh(refreshed.token);
    expect({ status: retried.status, error: retried.body.error }).toEqual({
      status: 200,
      error: undefined,
    });
    expect((await refresh(retried.body.refresh_token as string)).status).toBe(200);
    const log = await readLifecycleLog(kafkaBrokers);
    const revokedGrants = log.events.filter(
      (e) =>
        e.type === 'grant.revoked' &&
        (e.data as { grant_id?: string }).grant_id === refreshed.grantId,
    );
    expect(revokedGrants).toEqual([]);
  };
}

/** A grant of the client without reuse grace, and its first refresh token (the code grant). */
async function refreshGrant(
  t: OutageTopology,
  store: RedisTarget,
): Promise<{ grantId: string; token: string }> {
  const conn = await openRedis(store, 'outages-spec-seed');
  try {
    const seeded = await seedSignInStores(
      { grants: new RedisGrantStore(conn), codes: new RedisAuthorizationCodeStore(conn) },
      {
        clientId: REFRESH_CLIENTS.web.clientId,
        redirectUri: REFRESH_CLIENTS.redirectUri,
        grant: { scopes: ['orders:read'], resources: [JWT_RESOURCE.identifier] },
      },
    );
    const res = await t.oauth.token(
      {
        grant_type: 'authorization_code',
        code: seeded.code,
        redirect_uri: REFRESH_CLIENTS.redirectUri,
        code_verifier: seeded.verifier,
      },
      refreshClient,
    );
    expect(res.status).toBe(200);
    return { grantId: seeded.grant.grantId, token: res.body.refresh_token as string };
  } finally {
    await conn.quit();
  }
}
