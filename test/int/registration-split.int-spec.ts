import { CLIENTS, withAdminClient } from '../fixtures/test-registry';
import { ServiceReplica, SPLIT_RESOURCES, SplitServices } from '../support/in-process-services';
import { basicAuthorization, clientAuth, HttpResponse, send } from '../support/oauth-http';

jest.setTimeout(60_000);

/** As registry-split.int-spec.ts: issue 14's target with a loaded 2-core machine's slack. */
const PROPAGATION_BOUND_MS = 1000;
const ADMIN = basicAuthorization(CLIENTS.admin.clientId, CLIENTS.admin.secret);
const { jwt } = SPLIT_RESOURCES;
const SERVICE = {
  grant_types: ['client_credentials'],
  scope: jwt.scopes[0],
  resources: [jwt.identifier],
};

/**
 * Dynamic client registration (RFC 7591 / RFC 7592) in the split topology on real Kafka and
 * Redis (issue 14): an initial access token issued by one revocation replica is spent, exactly
 * its uses, on another (the store is shared); a client registered on one is issued tokens by
 * the issuance service within the registry's bound; a rotated registration access token is
 * refused by the other revocation replica within the bound; one token is spent by one change,
 * whichever replicas its updates reach; a deleted client is refused.
 */
describe('dynamic client registration across split services', () => {
  let services: SplitServices;
  let issuance: ServiceReplica;
  let revocation: ServiceReplica[];

  beforeAll(async () => {
    services = await SplitServices.create({
      suite: 'registration',
      redisDb: 15,
      registry: withAdminClient,
    });
    [issuance, revocation] = await Promise.all([
      services.start('issuance'),
      services.startMany('revocation', 2),
    ]);
  });
  afterAll(async () => {
    await services?.closeAll();
  });

  const json = (
    replica: ServiceReplica,
    method: string,
    path: string,
    authorization: string,
    body?: unknown,
  ): Promise<HttpResponse> =>
    send(`${replica.url}${path}`, {
      method,
      headers: {
        authorization,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const initialAccessToken = async (at: ServiceReplica, uses: number) => {
    const res = await json(at, 'POST', '/admin/initial-access-tokens', ADMIN, { uses });
    expect(res.status).toBe(200);
    return res.body.initial_access_token as string;
  };
  const register = (at: ServiceReplica, token: string) =>
    json(at, 'POST', '/oauth2/register', `Bearer ${token}`, SERVICE);
  const token = (c: { clientId: string; secret: string }) =>
    services
      .client({ issuance, introspection: issuance, revocation: revocation[0]! })
      .token({ grant_type: 'client_credentials', resource: jwt.identifier }, clientAuth.basic(c));

  /** Polls `check` until it is true; fails past the bound. Returns the delay in ms. */
  async function within(check: () => Promise<boolean>, answeredAt: number): Promise<number> {
    for (;;) {
      if (await check()) return performance.now() - answeredAt;
      expect(performance.now() - answeredAt).toBeLessThan(PROPAGATION_BOUND_MS);
    }
  }

  it('spends an initial access token from any replica, exactly its uses', async () => {
    const iat = await initialAccessToken(revocation[0]!, 2);
    const outcomes = await Promise.all([
      register(revocation[0]!, iat),
      register(revocation[1]!, iat),
      register(revocation[1]!, iat),
      register(revocation[0]!, iat),
    ]);
    expect(outcomes.map((r) => r.status).sort()).toEqual([201, 201, 401, 401]);
  });

  it('registers on one replica, is issued tokens by issuance, rotated once and deleted everywhere', async () => {
    const created = await register(revocation[1]!, await initialAccessToken(revocation[0]!, 1));
    expect(created.status).toBe(201);
    const answeredAt = performance.now();
    const client = {
      clientId: created.body.client_id as string,
      secret: created.body.client_secret as string,
    };
    const path = `/oauth2/register/${encodeURIComponent(client.clientId)}`;
    const issued = await within(async () => (await token(client)).status === 200, answeredAt);
    process.stderr.write(`registered client issued tokens after ${issued.toFixed(1)} ms\n`);

    const stolen = created.body.registration_access_token as string;
    const updated = await json(revocation[1]!, 'PUT', path, `Bearer ${stolen}`, {
      ...SERVICE,
      client_id: client.clientId,
    });
    expect(updated.status).toBe(200);
    const rotatedAt = performance.now();
    await within(
      async () =>
        (await json(revocation[0]!, 'GET', path, `Bearer ${stolen}`)).status === 401 &&
        (
          await json(
            revocation[0]!,
            'GET',
            path,
            `Bearer ${updated.body.registration_access_token}`,
          )
        ).status === 200,
      rotatedAt,
    );

    // RFC 7592 §2.2: a token is spent by one change. Updates sent at once with the same
    // token to both replicas (each still taking it as the client's): one applies.
    const current = `Bearer ${updated.body.registration_access_token as string}`;
    const racing = await Promise.all(
      [0, 1, 0, 1].map((i) =>
        json(revocation[i]!, 'PUT', path, current, { ...SERVICE, client_id: client.clientId }),
      ),
    );
    expect(racing.map((r) => r.status).sort()).toEqual([200, 401, 401, 401]);
    const winner = racing.find((r) => r.status === 200)!;

    const fresh = `Bearer ${winner.body.registration_access_token as string}`;
    await within(
      async () => (await json(revocation[0]!, 'GET', path, fresh)).status === 200,
      performance.now(),
    );
    expect((await json(revocation[0]!, 'DELETE', path, fresh)).status).toBe(204);
    const deletedAt = performance.now();
    await within(
      async () =>
        (await token(client)).status === 401 &&
        (await json(revocation[1]!, 'GET', path, fresh)).status === 401,
      deletedAt,
    );
  });
});
