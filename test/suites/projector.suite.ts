import type { Admin } from 'kafkajs';
import { AnyLifecycleEvent, EventFactory } from '@app/events';
import { RedisKeys } from '@app/store';
import { OpaqueTokenFormat } from '@app/tokens';
import {
  EventProjector,
  PROJECTOR_GROUP,
} from '../../apps/revocation/src/projector/event.projector';
import {
  ServiceReplica,
  SPLIT_AUTH,
  SPLIT_CLIENTS,
  SPLIT_RESOURCES,
  SplitServices,
  SplitServicesOptions,
} from '../support/in-process-services';
import { eventually } from '../support/int-eventually';
import { connectAdmin, uniqueName, waitForGroupCaughtUp } from '../support/int-kafka';
import { KeyState } from '../support/int-redis';
import { SpecRedis } from '../support/spec-redis';
import { REFRESH_CLIENTS } from '../fixtures/test-registry';
import { OAuthClient } from '../support/oauth-client';
import { clientAuth } from '../support/oauth-http';
import { seedSignIn } from '../support/sign-in-seed';

/** Where the projector suite runs: the services' Redis and Kafka, and the spec's own view of it. */
export interface ProjectorEngines {
  /** The split services' options: one Redis database of the suite's own, or a Redis Cluster. */
  readonly services: SplitServicesOptions;
  /** The spec's connection to the same Redis (it flushes and snapshots it). */
  openRedis(services: SplitServices): Promise<SpecRedis>;
}

/**
 * DESIGN "State": Kafka is the record, Redis the hot copy. The projector in the revocation
 * service re-applies the log idempotently; a Redis that lost everything (no projection marker)
 * is rebuilt by replaying the log from its start.
 */
export function describeProjector(label: string, engines: () => ProjectorEngines): void {
  describe(`projector: Redis derived from the log (${label})`, () => {
    let services: SplitServices;
    let issuance: ServiceReplica;
    let introspection: ServiceReplica;
    let revocation: ServiceReplica;
    let oauth: OAuthClient;
    /** The suite's own Redis (a database, or a whole cluster): it is flushed here. */
    let store: SpecRedis;
    let admin: Admin;

    beforeAll(async () => {
      const e = engines();
      services = await SplitServices.create(e.services);
      [store, admin] = await Promise.all([
        e.openRedis(services),
        connectAdmin(`${e.services.suite}-admin`),
      ]);
      await store.flush();
      [issuance, introspection, revocation] = await Promise.all([
        services.start('issuance'),
        services.start('introspection'),
        services.start('revocation', { projector: true }),
      ]);
      oauth = services.client({ issuance, introspection, revocation });
    });

    afterAll(async () => {
      await Promise.allSettled([services?.closeAll(), store?.close(), admin?.disconnect()]);
    });

    const issue = (resource: { identifier: string }, auth = SPLIT_AUTH.owner) =>
      oauth.accessToken(auth, { resource: resource.identifier });

    const isActive = async (token: string): Promise<boolean> => {
      const res = await oauth.introspect({ token }, SPLIT_AUTH.introspector);
      expect(res.status).toBe(200);
      return res.body.active;
    };

    const jtiOf = async (token: string): Promise<string> => {
      const res = await oauth.introspect({ token }, SPLIT_AUTH.introspector);
      expect(res.body.active).toBe(true);
      return res.body.jti;
    };

    const activeness = (tokens: readonly string[]) => Promise.all(tokens.map(isActive));

    /** A user's opaque access token: a code seeded in the stores, redeemed at issuance. */
    const signIn = async () => {
      const seeded = await seedSignIn(issuance, {
        clientId: SPLIT_CLIENTS.web.clientId,
        redirectUri: SPLIT_CLIENTS.web.redirectUri,
        grant: {
          scopes: ['openid', 'ledger:read'],
          resources: [SPLIT_RESOURCES.opaque.identifier],
        },
      });
      const res = await oauth.token(
        {
          grant_type: 'authorization_code',
          code: seeded.code,
          redirect_uri: seeded.record.redirectUri,
          code_verifier: seeded.verifier,
        },
        SPLIT_AUTH.web,
      );
      expect(res.status).toBe(200);
      return { token: res.body.access_token as string, record: seeded.record };
    };

    const revoke = async (token: string, auth = SPLIT_AUTH.owner) =>
      expect((await oauth.revoke({ token }, auth)).status).toBe(200);

    /**
     * Derived state only: the marker's value is a timestamp, client-assertion jtis are not events,
     * and announced signing keys are issuance's own memory (a restarted issuance announces again).
     */
    const derivedState = async (): Promise<Record<string, KeyState>> => {
      const all = await store.snapshot();
      delete all[RedisKeys.projectionMarker()];
      // Sign-in flow state (codes, grants) is the authorization service's record, not the log's;
      // the stream's claims (which revocations it carries) depend on the order events were
      // applied in, like the stream itself, which is no string key either.
      const notDerived = [
        'tl:jti:',
        'tl:key:',
        'tl:code:',
        'tl:grant:',
        'tl:grants:',
        'tl:streamed:',
      ];
      for (const key of Object.keys(all))
        if (notDerived.some((prefix) => key.startsWith(prefix))) delete all[key];
      return all;
    };

    /** Keys whose entry will still be there in a minute (entries of older runs may expire meanwhile). */
    const lasting = (state: Record<string, KeyState>) => {
      const cutoff = Date.now() + 60_000;
      return Object.fromEntries(
        Object.entries(state).filter(([, s]) => s.expiresAt === -1 || s.expiresAt > cutoff),
      );
    };

    const revocationsOnStream = async (): Promise<string[]> => {
      const entries = await store.client.xrange(RedisKeys.revocationStream(), '-', '+');
      return entries
        .filter(([, fields]) => fields[0] === 'revocation')
        .map(([, fields]) => JSON.parse(fields[1]!).jti as string);
    };

    it('rebuilds a lost Redis from the log: live tokens come back, revoked ones stay revoked', async () => {
      const liveOpaque = await Promise.all([
        issue(SPLIT_RESOURCES.opaque),
        issue(SPLIT_RESOURCES.opaque),
        issue(SPLIT_RESOURCES.opaque),
        issue(SPLIT_RESOURCES.opaque, SPLIT_AUTH.other),
      ]);
      const revokedOpaque = await Promise.all([
        issue(SPLIT_RESOURCES.opaque),
        issue(SPLIT_RESOURCES.opaque, SPLIT_AUTH.other),
      ]);
      const [liveJwt, revokedJwt] = await Promise.all([
        issue(SPLIT_RESOURCES.jwt),
        issue(SPLIT_RESOURCES.jwt),
      ]);
      const user = await signIn();
      const revokedJtis = await Promise.all([...revokedOpaque, revokedJwt].map(jtiOf));
      await revoke(revokedOpaque[0]!, SPLIT_AUTH.owner);
      await revoke(revokedOpaque[1]!, SPLIT_AUTH.other);
      await revoke(revokedJwt, SPLIT_AUTH.owner);

      expect(await activeness(liveOpaque)).toEqual([true, true, true, true]);
      expect(await activeness([...revokedOpaque, revokedJwt])).toEqual([false, false, false]);
      expect(await isActive(liveJwt)).toBe(true);

      // The running projector has applied everything; this is the state to get back.
      await waitForGroupCaughtUp(admin, PROJECTOR_GROUP);
      const before = await derivedState();
      expect(await store.client.exists(RedisKeys.projectionMarker())).toBe(1);

      // Redis loses everything while the revocation service (and its projector) is down.
      await services.close(revocation);
      await store.flush();
      expect(await store.size()).toBe(0);
      // Until the log is replayed into it, nothing is answered from the empty store: a valid
      // opaque token is 503 temporarily_unavailable, never `active: false`. (A flush keeps the
      // connection, so introspection notices once its last check of the marker is 500 ms old.)
      await eventually(
        'introspection to notice the store lost its projection',
        async () => (await fetch(`${introspection.url}/health/ready`)).status,
        (status) => status === 503,
      );
      for (const token of liveOpaque) {
        const res = await oauth.introspect({ token }, SPLIT_AUTH.introspector);
        expect({ status: res.status, error: res.body.error, active: res.body.active }).toEqual({
          status: 503,
          error: 'temporarily_unavailable',
          active: undefined,
        });
      }

      // No marker: the restarted projector rewinds its group and replays the whole log.
      revocation = await services.restart(revocation);
      await waitForGroupCaughtUp(admin, PROJECTOR_GROUP);

      expect(await store.client.exists(RedisKeys.projectionMarker())).toBe(1);
      expect(await activeness(liveOpaque)).toEqual([true, true, true, true]);
      expect(await activeness([...revokedOpaque, revokedJwt])).toEqual([false, false, false]);
      expect(await isActive(liveJwt)).toBe(true);
      // A user's token comes back whole: how they signed in rides on its token.issued event.
      const userToken = await oauth.introspect({ token: user.token }, SPLIT_AUTH.introspector);
      expect(userToken.body).toMatchObject({
        active: true,
        sub: user.record.subject,
        grant_id: user.record.grantId,
        auth_time: user.record.authTime,
        acr: user.record.acr,
        amr: user.record.amr,
      });

      // Exactly the state the services and the projector had written before, entry by entry,
      // expiry included (every entry is SET … PXAT the token's own exp).
      expect(lasting(await derivedState())).toEqual(lasting(before));
      // The revocation stream that replicas follow is rebuilt as well.
      expect(await revocationsOnStream()).toEqual(expect.arrayContaining(revokedJtis));
    });

    it('puts a revocation on the stream once: the projector applying its event changes nothing', async () => {
      const token = await issue(SPLIT_RESOURCES.opaque);
      const jti = await jtiOf(token);
      await revoke(token);
      // The projector has applied the token.revoked the revocation endpoint had applied already.
      await waitForGroupCaughtUp(admin, PROJECTOR_GROUP);
      expect((await revocationsOnStream()).filter((j) => j === jti)).toEqual([jti]);
    });

    /** Redis loses everything while the revocation service is down; its restart replays the log. */
    const loseRedisAndRebuild = async () => {
      await waitForGroupCaughtUp(admin, PROJECTOR_GROUP);
      await services.close(revocation);
      await store.flush();
      revocation = await services.restart(revocation);
      await waitForGroupCaughtUp(admin, PROJECTOR_GROUP);
      await eventually(
        'the store to be rebuilt',
        () => store.client.exists(RedisKeys.projectionMarker()),
        (marked) => marked === 1,
      );
    };

    it('rebuilds grants with their refresh tokens: a refresh after a lost Redis still works', async () => {
      const auth = clientAuth.basic(REFRESH_CLIENTS.web);
      const seeded = await seedSignIn(issuance, {
        clientId: REFRESH_CLIENTS.web.clientId,
        redirectUri: REFRESH_CLIENTS.redirectUri,
        grant: {
          scopes: ['openid', 'offline_access', ...SPLIT_RESOURCES.opaque.scopes],
          resources: [SPLIT_RESOURCES.opaque.identifier],
        },
        logged: true,
      });
      const redeemed = await oauth.token(
        {
          grant_type: 'authorization_code',
          code: seeded.code,
          redirect_uri: REFRESH_CLIENTS.redirectUri,
          code_verifier: seeded.verifier,
        },
        auth,
      );
      expect(redeemed.status).toBe(200);
      const rotated = await oauth.token(
        { grant_type: 'refresh_token', refresh_token: redeemed.body.refresh_token },
        auth,
      );
      expect(rotated.status).toBe(200);
      const grantKey = RedisKeys.grant(seeded.grant.grantId);
      const before = JSON.parse((await store.client.get(grantKey))!);

      await loseRedisAndRebuild();

      const again = await oauth.token(
        { grant_type: 'refresh_token', refresh_token: rotated.body.refresh_token },
        auth,
      );
      expect({ status: again.status, error: again.body.error }).toEqual({
        status: 200,
        error: undefined,
      });
      expect(again.body.refresh_token).toEqual(expect.stringMatching(/^rt_/));
      // The grant is back from its grant.created (the claims its consent released are store state
      // only: no event carries them), its family from its token.issued events, in order.
      expect(JSON.parse((await store.client.get(grantKey))!)).toEqual({
        ...before,
        idTokenClaims: {},
        userinfoClaims: {},
        lastUsedAt: expect.any(Number),
      });
      // The token retired before the loss is still retired: presented again it is a reuse.
      const reused = await oauth.token(
        { grant_type: 'refresh_token', refresh_token: redeemed.body.refresh_token },
        auth,
      );
      expect({ status: reused.status, error: reused.body.error }).toEqual({
        status: 400,
        error: 'invalid_grant',
      });
    });

    describe('EventProjector.apply', () => {
      const factory = new EventFactory(`urn:token-lifecycle:int-projector:${process.pid}`);

      /** One client's lifecycle: two opaque tokens, one of them revoked, a grant and a client cut-off. */
      function lifecycle(clientId: string) {
        const iat = Math.floor(Date.now() / 1000);
        const exp = iat + SPLIT_RESOURCES.opaque.ttl;
        const kept = OpaqueTokenFormat.mint('at');
        const gone = OpaqueTokenFormat.mint('at');
        const issued = (digest: string, jti: string) =>
          factory.create('token.issued', jti, clientId, {
            jti,
            client_id: clientId,
            sub: clientId,
            aud: SPLIT_RESOURCES.opaque.identifier,
            scope: SPLIT_RESOURCES.opaque.scopes[0],
            grant_type: 'client_credentials',
            format: 'opaque',
            token_digest: digest,
            iat,
            exp,
          });
        const events: AnyLifecycleEvent[] = [
          issued(kept.digest, `${clientId}-kept`),
          issued(gone.digest, `${clientId}-gone`),
          factory.create('token.revoked', `${clientId}-gone`, clientId, {
            jti: `${clientId}-gone`,
            client_id: clientId,
            token_digest: gone.digest,
            exp,
            revoked_by: clientId,
          }),
          factory.create('grant.revoked', `${clientId}-grant`, `${clientId}-grant`, {
            grant_id: `${clientId}-grant`,
            client_id: clientId,
            exp,
            reason: 'refresh_token_reuse',
          }),
          // Covers only tokens issued up to an hour ago: `kept` stays good.
          factory.create('client.tokens_revoked', clientId, clientId, {
            client_id: clientId,
            revoked_at: (iat - 3600) * 1000,
            exp,
            reason: 'compromised',
          }),
          // A client_credentials token's `sub` is its client id; also only up to an hour ago.
          factory.create('subject.tokens_revoked', clientId, clientId, {
            sub: clientId,
            revoked_at: (iat - 3600) * 1000,
            exp,
            reason: 'admin',
          }),
        ];
        return { kept: kept.token, gone: gone.token, digests: [kept.digest, gone.digest], events };
      }

      it('applying the same events again, in any order, leaves the same state', async () => {
        const projector = services.current(revocation).app.get(EventProjector);
        const clientId = uniqueName('int-projector-client');
        const { kept, gone, digests, events } = lifecycle(clientId);
        const ofThisClient = async () => {
          const all = await store.snapshot();
          return Object.fromEntries(
            Object.entries(all).filter(
              ([key]) =>
                key.includes(`{${clientId}}`) ||
                key === RedisKeys.revokedSubject(clientId) ||
                digests.some((d) => key.includes(d)),
            ),
          );
        };

        for (const e of events) await projector.apply(e);
        const once = await ofThisClient();
        expect(Object.keys(once).sort()).toEqual(
          [
            RedisKeys.opaqueToken(digests[0]!),
            RedisKeys.opaqueToken(digests[1]!),
            RedisKeys.revokedToken(clientId, `${clientId}-gone`),
            RedisKeys.revokedGrant(clientId, `${clientId}-grant`),
            RedisKeys.revokedClient(clientId),
            RedisKeys.revokedSubject(clientId),
          ].sort(),
        );
        expect(await isActive(kept)).toBe(true);
        expect(await isActive(gone)).toBe(false);

        for (const e of events) await projector.apply(e);
        expect(await ofThisClient()).toEqual(once);

        for (const e of [...events].reverse()) await projector.apply(e);
        expect(await ofThisClient()).toEqual(once);

        expect(await isActive(kept)).toBe(true);
        expect(await isActive(gone)).toBe(false);
      });
    });
  });
}
