import { decodeJwt } from 'jose';
import type { LifecycleEvent } from '@app/events';
import { createTokenValidator } from '@app/resource-server';
import { EXCHANGE_CLIENTS, TOKEN_EXCHANGE } from '../fixtures/test-registry';
import {
  ServiceReplica,
  SPLIT_AUTH,
  SPLIT_CLIENTS,
  SPLIT_RESOURCES,
  SplitServices,
} from '../support/in-process-services';
import { TopicReader } from '../support/int-kafka';
import { expectCloudEvent, tokenDigest } from '../support/lifecycle-events';
import { OAuthClient } from '../support/oauth-client';
import { clientAuth, send } from '../support/oauth-http';
import { rsOutcome, rsOutcomeWithin } from '../support/rs-validation';

jest.setTimeout(60_000);

/**
 * The split topology on real Kafka and Redis: separate issuance, introspection and revocation
 * applications that share nothing but the KEYS_FILE, the log and the store. A token minted by
 * one replica is good on every other; a revocation is felt by every introspection replica on
 * the very next request; each state change is on the log.
 */
describe('split services on Kafka and Redis', () => {
  let services: SplitServices;
  let issuanceA: ServiceReplica;
  let issuanceB: ServiceReplica;
  let introspection1: ServiceReplica;
  let introspection2: ServiceReplica;
  let revocation: ServiceReplica;
  /** Issues at A, introspects at 1 (and 2 via `activeOn`), revokes at the revocation service. */
  let oauth: OAuthClient;
  let log: TopicReader;

  beforeAll(async () => {
    services = await SplitServices.create({ suite: 'split', redisDb: 13 });
    // The services create the topics on a fresh cluster; the auditor reads them afterwards.
    const [issuances, introspections, revocationReplica] = await Promise.all([
      services.startMany('issuance', 2),
      services.startMany('introspection', 2),
      services.start('revocation'),
    ]);
    [issuanceA, issuanceB] = [issuances[0]!, issuances[1]!];
    [introspection1, introspection2] = [introspections[0]!, introspections[1]!];
    revocation = revocationReplica;
    log = await TopicReader.start('int-split-audit');
    oauth = services.client({ issuance: issuanceA, introspection: introspection1, revocation });
  });

  afterAll(async () => {
    await Promise.allSettled([services?.closeAll(), log?.close()]);
  });

  const issue = (resource: { identifier: string }, at: ServiceReplica = issuanceA) =>
    services
      .client({ issuance: at, introspection: introspection1, revocation })
      .accessToken(SPLIT_AUTH.owner, { resource: resource.identifier });

  const introspectAt = (replica: ServiceReplica, token: string) =>
    services
      .client({ issuance: issuanceA, introspection: replica, revocation })
      .introspect({ token }, SPLIT_AUTH.owner);

  /** `active` as introspection replicas 1 and 2 answer it, asked together. */
  const activeOn = async (token: string): Promise<[boolean, boolean]> => {
    const [one, two] = await Promise.all([
      introspectAt(introspection1, token),
      introspectAt(introspection2, token),
    ]);
    expect([one.status, two.status]).toEqual([200, 200]);
    return [one.body.active, two.body.active];
  };

  /** The token's jti as introspection reports it (works for both formats). */
  const jtiOf = async (token: string): Promise<string> => {
    const res = await introspectAt(introspection1, token);
    expect(res.body.active).toBe(true);
    return res.body.jti;
  };

  const eventOnLog = async (type: string, jti: string) => {
    const record = await log.waitFor(`${type} ${jti} on the log`, (r) => {
      return r.json?.type === type && r.json?.data?.jti === jti;
    });
    return { record, event: record.json as LifecycleEvent };
  };

  describe('health', () => {
    it('every replica is live and ready, with the log and the store up', async () => {
      const all = [issuanceA, issuanceB, introspection1, introspection2, revocation];
      const probes = all.flatMap((r) =>
        ['ready', 'live'].map((probe) => [
          `${r.service}#${r.index} ${probe}`,
          `${r.url}/health/${probe}`,
        ]),
      );
      const answers = await Promise.all(
        probes.map(async ([name, url]) => {
          const res = await send(url!);
          return [name, { status: res.status, body: res.body.status }] as const;
        }),
      );
      expect(Object.fromEntries(answers)).toEqual(
        Object.fromEntries(probes.map(([name]) => [name, { status: 200, body: 'ok' }])),
      );
      const ready = await send(`${revocation.url}/health/ready`);
      expect(ready.body).toEqual({
        status: 'ok',
        checks: { events: 'up', store: 'up', projection: 'up' },
      });
      expect(ready.headers.get('cache-control')).toBe('no-store');
    });
  });

  describe('a token issued by one issuance replica', () => {
    it('a JWT (ES256) is active on both introspection replicas, with the shared issuer', async () => {
      const token = await issue(SPLIT_RESOURCES.jwt);
      expect(decodeJwt(token)).toMatchObject({ iss: services.issuer, client_id: 'svc-basic' });
      expect(await activeOn(token)).toEqual([true, true]);
      const res = await introspectAt(introspection2, token);
      expect(res.body).toMatchObject({
        active: true,
        iss: services.issuer,
        client_id: SPLIT_CLIENTS.owner.clientId,
        aud: SPLIT_RESOURCES.jwt.identifier,
        token_type: 'Bearer',
      });
    });

    it('an opaque token is active on both introspection replicas', async () => {
      const token = await issue(SPLIT_RESOURCES.opaque);
      expect(token).toMatch(/^at_[A-Za-z0-9_-]{43}$/);
      expect(await activeOn(token)).toEqual([true, true]);
      expect((await introspectAt(introspection2, token)).body).toMatchObject({
        active: true,
        iss: services.issuer,
        aud: SPLIT_RESOURCES.opaque.identifier,
      });
    });

    it('tokens from the second issuance replica are as good (one key set, one store)', async () => {
      const [jwt, opaque] = await Promise.all([
        issue(SPLIT_RESOURCES.jwt, issuanceB),
        issue(SPLIT_RESOURCES.opaque, issuanceB),
      ]);
      expect(decodeJwt(jwt).iss).toBe(services.issuer);
      expect(await activeOn(jwt)).toEqual([true, true]);
      expect(await activeOn(opaque)).toEqual([true, true]);
    });
  });

  describe('token.issued on the log', () => {
    it('a JWT: a CloudEvents envelope keyed by the client id, no token in it', async () => {
      const token = await issue(SPLIT_RESOURCES.jwt);
      const jti = decodeJwt(token).jti!;
      const { record, event } = await eventOnLog('token.issued', jti);
      expectCloudEvent(event, 'token.issued');
      expect(event).toMatchObject({
        subject: jti,
        source: expect.stringMatching(/^urn:token-lifecycle:issuance:/),
        datacontenttype: 'application/json',
        dataschema: 'urn:token-lifecycle:schema:token.issued:v3',
        partitionkey: SPLIT_CLIENTS.owner.clientId,
        data: {
          jti,
          client_id: SPLIT_CLIENTS.owner.clientId,
          sub: SPLIT_CLIENTS.owner.clientId,
          aud: SPLIT_RESOURCES.jwt.identifier,
          grant_type: 'client_credentials',
          format: 'jwt',
          token_kind: 'access_token',
        },
      });
      // client_credentials: no grant, so no grant_id.
      expect(event.data).not.toHaveProperty('grant_id');
      expect(event.data).not.toHaveProperty('token_digest');
      expect(record.key).toBe(SPLIT_CLIENTS.owner.clientId);
      expect(record.value).not.toContain(token);
      expect(record.value).not.toContain(token.split('.')[2]);
    });

    it('an opaque token: carries only the digest; same partition as the client’s other events', async () => {
      const token = await issue(SPLIT_RESOURCES.opaque);
      const jti = await jtiOf(token);
      const { record, event } = await eventOnLog('token.issued', jti);
      expectCloudEvent(event, 'token.issued');
      expect(event).toMatchObject({
        partitionkey: SPLIT_CLIENTS.owner.clientId,
        data: {
          format: 'opaque',
          token_digest: tokenDigest(token),
          aud: SPLIT_RESOURCES.opaque.identifier,
        },
      });
      expect(record.key).toBe(SPLIT_CLIENTS.owner.clientId);
      expect(record.value).not.toContain(token);
      // Keyed by client: every event of the client sits in one partition, in order.
      const partitions = new Set(
        log.filter((r) => r.key === SPLIT_CLIENTS.owner.clientId).map((r) => r.partition),
      );
      expect([...partitions]).toEqual([record.partition]);
    });
  });

  describe('revocation through the revocation service', () => {
    it.each([
      ['a JWT', SPLIT_RESOURCES.jwt],
      ['an opaque token', SPLIT_RESOURCES.opaque],
    ])(
      '%s: 200, then inactive on both introspection replicas at once; token.revoked on the log',
      async (_kind, resource) => {
        const token = await issue(resource);
        const jti = await jtiOf(token);
        expect(await activeOn(token)).toEqual([true, true]);

        const res = await oauth.revoke({ token }, SPLIT_AUTH.owner);
        expect(res.status).toBe(200);
        expect(res.text).toBe('');
        // No waiting: the revocation is in the shared store before the 200.
        expect(await activeOn(token)).toEqual([false, false]);

        const { record, event } = await eventOnLog('token.revoked', jti);
        expectCloudEvent(event, 'token.revoked');
        expect(event).toMatchObject({
          subject: jti,
          source: expect.stringMatching(/^urn:token-lifecycle:revocation:/),
          partitionkey: SPLIT_CLIENTS.owner.clientId,
          data: {
            jti,
            client_id: SPLIT_CLIENTS.owner.clientId,
            revoked_by: SPLIT_CLIENTS.owner.clientId,
          },
        });
        if (resource.format === 'opaque')
          expect(event.data).toMatchObject({ token_digest: tokenDigest(token) });
        else expect(event.data).not.toHaveProperty('token_digest');
        expect(record.key).toBe(SPLIT_CLIENTS.owner.clientId);
        expect(record.value).not.toContain(token);
        const issued = (await eventOnLog('token.issued', jti)).record;
        expect(record.partition).toBe(issued.partition);
        expect(BigInt(record.offset)).toBeGreaterThan(BigInt(issued.offset));
      },
    );

    it.each([
      ['a JWT', SPLIT_RESOURCES.jwt],
      ['an opaque token', SPLIT_RESOURCES.opaque],
    ])(
      'another client revoking %s: 200, and nothing changes, on the log either',
      async (_kind, resource) => {
        const token = await issue(resource);
        const jti = await jtiOf(token);

        const res = await oauth.revoke({ token }, SPLIT_AUTH.other);
        expect(res.status).toBe(200);
        expect(await activeOn(token)).toEqual([true, true]);

        // The owner's revocation goes to the same partition after any event the other client's
        // call could have caused: once it is read, such an event would have been read too.
        expect((await oauth.revoke({ token }, SPLIT_AUTH.owner)).status).toBe(200);
        await eventOnLog('token.revoked', jti);
        const revocations = log.filter(
          (r) => r.json?.type === 'token.revoked' && r.json?.data?.jti === jti,
        );
        expect(revocations.map((r) => r.json.data.revoked_by)).toEqual([
          SPLIT_CLIENTS.owner.clientId,
        ]);
        expect(await activeOn(token)).toEqual([false, false]);
      },
    );
  });

  describe('token exchange (RFC 8693) across replicas', () => {
    const AT = 'urn:ietf:params:oauth:token-type:access_token';
    const ordersApi = clientAuth.basic(EXCHANGE_CLIENTS.orders);
    const ledgerApi = clientAuth.basic(EXCHANGE_CLIENTS.ledger);
    const at = (replica: ServiceReplica) =>
      services.client({ issuance: replica, introspection: introspection1, revocation });
    /** `actor` delegates for the subject token, at `replica`: the exchanged token. */
    const delegate = async (
      replica: ServiceReplica,
      actor: typeof ordersApi,
      subjectToken: string,
      into: { identifier: string },
    ) => {
      const res = await at(replica).token(
        {
          grant_type: TOKEN_EXCHANGE,
          subject_token: subjectToken,
          subject_token_type: AT,
          actor_token: await at(replica).accessToken(actor),
          actor_token_type: AT,
          resource: into.identifier,
        },
        actor,
      );
      expect(res.status).toBe(200);
      expect(res.body.issued_token_type).toBe(AT);
      return res.body.access_token as string;
    };
    /** `active` on both introspection replicas, asked by an API that serves both resources. */
    const activeForApis = (token: string) =>
      Promise.all(
        [introspection1, introspection2].map(async (replica) => {
          const res = await services
            .client({ issuance: issuanceA, introspection: replica, revocation })
            .introspect({ token }, SPLIT_AUTH.introspector);
          expect(res.status).toBe(200);
          return res.body as { active: boolean; jti?: string };
        }),
      );

    it('revokes a chain of two delegations when its first subject token is revoked: introspection replicas and a resource-server mirror feel it', async () => {
      const api = createTokenValidator({
        issuer: services.issuer,
        audience: SPLIT_RESOURCES.jwt.identifier,
        jwksUri: `${issuanceA.url}/oauth2/jwks`,
        redisUrl: services.redisUrl,
      });
      await api.start();
      try {
        const root = await issue(SPLIT_RESOURCES.jwt);
        // Orders API at replica B, then the ledger API at replica A: one chain, two replicas.
        const first = await delegate(issuanceB, ordersApi, root, SPLIT_RESOURCES.opaque);
        const second = await delegate(issuanceA, ledgerApi, first, SPLIT_RESOURCES.jwt);
        const act = {
          sub: EXCHANGE_CLIENTS.ledger.clientId,
          act: { sub: EXCHANGE_CLIENTS.orders.clientId },
        };
        expect(decodeJwt(second)).toMatchObject({ sub: SPLIT_CLIENTS.owner.clientId, act });
        const seen = await rsOutcome(api, second);
        expect(seen.ok && seen.token.act).toEqual(act);
        const [firstSeen] = await activeForApis(first);
        expect(firstSeen).toMatchObject({ active: true, act: { sub: act.act.sub } });

        // The chain on the log: the second exchange names the first token and its grant.
        const { event } = await eventOnLog('token.issued', decodeJwt(second).jti!);
        expect(event).toMatchObject({
          dataschema: 'urn:token-lifecycle:schema:token.issued:v6',
          data: {
            exchange_kind: 'delegation',
            act: { sub: act.sub, act: act.act },
            subject_jti: firstSeen!.jti,
            subject_client_id: EXCHANGE_CLIENTS.orders.clientId,
            subject_grant_id: expect.stringMatching(/^xg_/),
            subject_token_digest: tokenDigest(first),
          },
        });
        expect(JSON.stringify(event)).not.toContain(first);

        expect((await oauth.revoke({ token: root }, SPLIT_AUTH.owner)).status).toBe(200);
        // No waiting at introspection: the cascade is in the store before the 200.
        expect(await activeForApis(first)).toEqual([{ active: false }, { active: false }]);
        expect(await activeForApis(second)).toEqual([{ active: false }, { active: false }]);
        await rsOutcomeWithin(api, second, (o) => !o.ok, 2_000, 'the revocation at the API');
      } finally {
        await api.close();
      }
    });
  });

  describe('replicas share nothing in memory', () => {
    it('a restarted introspection replica answers from the shared state at once', async () => {
      const [live, revoked] = await Promise.all([
        issue(SPLIT_RESOURCES.opaque),
        issue(SPLIT_RESOURCES.jwt),
      ]);
      expect((await oauth.revoke({ token: revoked }, SPLIT_AUTH.owner)).status).toBe(200);

      introspection2 = await services.restart(introspection2);
      expect(await activeOn(live)).toEqual([true, true]);
      expect(await activeOn(revoked)).toEqual([false, false]);
      expect((await send(`${introspection2.url}/health/ready`)).status).toBe(200);
    });

    it('a token issued while one issuance replica is down is served by the other', async () => {
      await services.close(issuanceA);
      try {
        const token = await issue(SPLIT_RESOURCES.opaque, issuanceB);
        expect(await activeOn(token)).toEqual([true, true]);
      } finally {
        issuanceA = await services.restart(issuanceA);
      }
      const again = await issue(SPLIT_RESOURCES.jwt, issuanceA);
      expect(await activeOn(again)).toEqual([true, true]);
    });
  });
});
