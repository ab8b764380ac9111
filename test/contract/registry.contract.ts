import { AppConfig, parseRegistryFile } from '@app/config';
import { EventBus, EventFactory } from '@app/events';
import { ClientTokensRevoker, LifecycleProjection, RevocationRecorder } from '@app/projection';
import {
  ClientRegistry,
  RegistrationTokenUse,
  RegistryChange,
  RegistryConflict,
  RegistryFeed,
  RegistryNotFound,
  RegistryRejected,
  RegistryTokenSpent,
  RegistryWriter,
  ScryptGate,
} from '@app/registry';
import {
  MemoryExchangeChainStore,
  MemoryGrantStore,
  MemoryRefreshTokenStore,
  MemoryReplayStore,
  MemoryRevocationStore,
  MemoryTokenStore,
} from '@app/store';
import { eventually } from '../support/int-eventually';

/** One replica of the registry: its snapshot, its writer, and where its revocations land. */
export interface RegistryReplica {
  readonly registry: ClientRegistry;
  readonly writer: RegistryWriter;
  readonly revocations: MemoryRevocationStore;
}

export const CEILING = 3600;

/** CONFIG_FILE for the suite: ids made unique per run, as the log may be shared (Kafka). */
export function seedFile(run: string) {
  return {
    resources: [
      { identifier: `https://seeded.${run}.example`, scopes: ['read'], access_token_ttl: 600 },
    ],
    clients: [
      {
        client_id: `seeded-${run}`,
        client_secret: 'a-plain-development-secret',
        grant_types: ['client_credentials'],
        scope: 'read',
        resources: [`https://seeded.${run}.example`],
      },
    ],
  };
}

/** A replica over `bus`, seeded by `seed`, having read the registry's log whole. */
export async function replicaOn(bus: EventBus, seed: unknown): Promise<RegistryReplica> {
  const config = { maxTokenTtl: CEILING, signIn: { sessionMaxTtl: 86_400 } } as AppConfig;
  const scrypt = new ScryptGate(2);
  const registry = new ClientRegistry(parseRegistryFile(seed), scrypt, {
    parse: { plainSecrets: true },
    maxTokenTtl: CEILING,
  });
  const feed = new RegistryFeed(registry, bus);
  await feed.start();
  const revocations = new MemoryRevocationStore();
  const projection = new LifecycleProjection(
    config,
    new MemoryTokenStore(),
    revocations,
    new MemoryRefreshTokenStore(),
    new MemoryGrantStore(),
    new MemoryExchangeChainStore(),
  );
  const events = new EventFactory('urn:token-lifecycle:registry-contract:1');
  const recorder = new RevocationRecorder(projection, bus);
  const writer = new RegistryWriter(
    registry,
    feed,
    scrypt,
    events,
    recorder,
    new ClientTokensRevoker(config, events, recorder),
    // The key set of the replica: no EdDSA key.
    { algorithms: () => ['ES256', 'RS256'] },
  );
  return { registry, writer, revocations };
}

/**
 * Uses of registration access tokens claimed in one store, as every replica shares Redis: what
 * the client configuration endpoint passes the writer (RegistryClientRegistrations).
 */
export function registrationTokenUses(spent = new MemoryReplayStore()) {
  return (digest: string): RegistrationTokenUse => ({
    digest,
    spend: () => spent.claimOnce(`rat:${digest}`, Date.now() + 60_000),
    refund: () => spent.release(`rat:${digest}`),
  });
}

/** A registration access token's digest (any 43 base64url characters do here). */
export const tokenDigestOf = (name: string) => name.padEnd(43, 'x').slice(0, 43);

/**
 * The behaviour of the registry port whatever carries its log (issue 14): CONFIG_FILE seeds it,
 * every write is validated with the file's rules, in effect when the writer returns, shown
 * without a plain secret, and rebuilt whole by a replica that reads the log from the start.
 * The in-memory log and Kafka both run it.
 */
export function describeRegistryContract(
  name: string,
  setup: () => Promise<{ bus: EventBus; run: string; restart: () => Promise<EventBus> }>,
): void {
  describe(`${name} registry contract`, () => {
    let bus: EventBus;
    let run: string;
    let restart: () => Promise<EventBus>;
    let sut: RegistryReplica;
    let n = 0;
    const fresh = () => `svc-${++n}-${run}`;
    const newApi = () => `https://api-${++n}.${run}.example`;

    beforeAll(async () => {
      ({ bus, run, restart } = await setup());
    });
    beforeEach(async () => {
      sut = await replicaOn(bus, seedFile(run));
    });

    async function clientOf(resourceTtl = 900) {
      const id = fresh();
      const api = newApi();
      await sut.writer.createResource({
        identifier: api,
        scopes: ['read', 'write'],
        access_token_ttl: resourceTtl,
      });
      const written = await sut.writer.createClient({
        client_id: id,
        grant_types: ['client_credentials'],
        scope: 'read',
        resources: [api],
      });
      return { id, written, api };
    }

    it('is seeded by CONFIG_FILE, and never shows a plain development secret', () => {
      const { registry } = sut;
      expect(registry.client(`seeded-${run}`)?.secret?.kind).toBe('plain');
      expect(registry.resource(`https://seeded.${run}.example`)?.accessTokenTtl).toBe(600);
      const shown = registry.clientDocument(`seeded-${run}`)!;
      expect(shown.client_id).toBe(`seeded-${run}`);
      expect(shown).not.toHaveProperty('client_secret');
      expect(JSON.stringify(shown)).not.toContain('a-plain-development-secret');
    });

    it('has a new client in effect when the writer returns, its generated secret shown once', async () => {
      const changes: RegistryChange[] = [];
      sut.registry.onChange((c) => changes.push(c));
      const { id, written, api } = await clientOf();
      expect(written.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(sut.registry.client(id)?.resources).toEqual([api]);
      expect(sut.registry.clientDocument(id)?.client_secret_hash).toMatch(/^\$scrypt\$/);
      expect(JSON.stringify(sut.registry.clientDocument(id))).not.toContain(written.clientSecret);
      await expect(
        sut.registry.secretMatches(sut.registry.client(id), written.clientSecret!),
      ).resolves.toBe(true);
      expect(changes.map((c) => `${c.kind} ${c.id}`)).toEqual([`resource ${api}`, `client ${id}`]);
    });

    it('hashes a plain client_secret it is given before anything is written', async () => {
      const id = fresh();
      const secret = 'a-given-secret-of-enough-length';
      const written = await sut.writer.createClient({
        client_id: id,
        client_secret: secret,
        grant_types: ['client_credentials'],
        scope: 'read',
        resources: [`https://seeded.${run}.example`],
      });
      expect(written.document).not.toHaveProperty('client_secret');
      expect(sut.registry.client(id)?.secret?.kind).toBe('hash');
      await expect(sut.registry.secretMatches(sut.registry.client(id), secret)).resolves.toBe(true);
    });

    it.each([
      [{ client_id: 'x', scope: 'nope', resources: [] }, '$.scope'],
      [{ client_id: 'x', resources: ['https://unknown.example'] }, '$.resources[0]'],
      [{ client_id: 'x', token_endpoint_auth_method: 'magic' }, '$.token_endpoint_auth_method'],
      [{ client_id: 'x', client_secret: 'short' }, '$.client_secret'],
      [{ client_id: 'x', grant_types: 'client_credentials' }, '$.grant_types'],
      [{ client_id: '' }, '$.client_id'],
      [['not', 'an', 'object'], '$'],
    ])('refuses the client %j at %s, writing nothing', async (document, path) => {
      const before = sut.registry.clients().length;
      const refusal = sut.writer.createClient(document);
      await expect(refusal).rejects.toBeInstanceOf(RegistryRejected);
      await expect(refusal).rejects.toMatchObject({ path });
      expect(sut.registry.clients()).toHaveLength(before);
    });

    it('refuses a client id that exists (conflict) and answers not found for an unknown one', async () => {
      const { id, api } = await clientOf();
      await expect(
        sut.writer.createClient({ client_id: id, resources: [api] }),
      ).rejects.toBeInstanceOf(RegistryConflict);
      await expect(sut.writer.replaceClient(`nobody-${run}`, {})).rejects.toBeInstanceOf(
        RegistryNotFound,
      );
      await expect(sut.writer.deleteClient(`nobody-${run}`)).rejects.toBeInstanceOf(
        RegistryNotFound,
      );
    });

    it('keeps the secret and the registration digest of a client replaced without them', async () => {
      const id = fresh();
      const api = newApi();
      const digest = 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg';
      await sut.writer.createResource({ identifier: api, scopes: ['read', 'write'] });
      const { clientSecret } = await sut.writer.createClient(
        { client_id: id, grant_types: ['client_credentials'], scope: 'read', resources: [api] },
        { registrationAccessTokenDigest: digest },
      );
      const replaced = await sut.writer.replaceClient(id, {
        grant_types: ['client_credentials'],
        scope: 'read write',
        resources: [api],
      });
      expect(replaced.clientSecret).toBeUndefined();
      expect(sut.registry.client(id)?.scopes).toEqual(['read', 'write']);
      expect(sut.registry.registration(id)).toEqual({ registrationAccessTokenDigest: digest });
      await expect(
        sut.registry.secretMatches(sut.registry.client(id), clientSecret!),
      ).resolves.toBe(true);
    });

    describe('a change asked with a registration access token (RFC 7592 §2.2, §2.3)', () => {
      const doc = (api: string, scope: string) => ({
        grant_types: ['client_credentials'],
        scope,
        resources: [api],
      });
      async function registered(digest: string) {
        const id = fresh();
        const api = newApi();
        await sut.writer.createResource({ identifier: api, scopes: ['read', 'write'] });
        await sut.writer.createClient(
          { client_id: id, ...doc(api, 'read') },
          { registrationAccessTokenDigest: digest },
        );
        return { id, api };
      }

      it("is refused once the token is no longer the client's; a refused document spends nothing", async () => {
        const use = registrationTokenUses();
        const first = tokenDigestOf(`first-${run}`);
        const { id, api } = await registered(first);
        const stranger = use(tokenDigestOf(`stranger-${run}`));
        await expect(
          sut.writer.replaceClient(id, doc(api, 'read write'), {
            registrationAccessTokenDigest: tokenDigestOf(`never-${run}`),
            authorizedBy: stranger,
          }),
        ).rejects.toBeInstanceOf(RegistryTokenSpent);
        await expect(
          sut.writer.deleteClient(id, { authorizedBy: stranger }),
        ).rejects.toBeInstanceOf(RegistryTokenSpent);
        await expect(
          sut.writer.replaceClient(id, doc(api, 'nope'), {
            registrationAccessTokenDigest: tokenDigestOf(`refused-${run}`),
            authorizedBy: use(first),
          }),
        ).rejects.toBeInstanceOf(RegistryRejected);
        await expect(
          sut.writer.replaceClient(id, doc(api, 'read write'), { authorizedBy: use(first) }),
        ).rejects.toBeInstanceOf(TypeError);

        const second = tokenDigestOf(`second-${run}`);
        await sut.writer.replaceClient(id, doc(api, 'read write'), {
          registrationAccessTokenDigest: second,
          authorizedBy: use(first),
        });
        expect(sut.registry.registration(id)).toEqual({ registrationAccessTokenDigest: second });
        await expect(
          sut.writer.deleteClient(id, { authorizedBy: use(first) }),
        ).rejects.toBeInstanceOf(RegistryTokenSpent);
        await sut.writer.deleteClient(id, { authorizedBy: use(second) });
        expect(sut.registry.client(id)).toBeUndefined();
      });

      it('applies one of two changes asked with the same token on two replicas, not both', async () => {
        const use = registrationTokenUses();
        const first = tokenDigestOf(`race-${run}`);
        const { id, api } = await registered(first);
        const other = await replicaOn(await restart(), seedFile(run));
        await eventually(
          'the second replica to know the client',
          () => other.registry.registration(id)?.registrationAccessTokenDigest,
          (d) => d === first,
        );
        const [mine, theirs] = [tokenDigestOf(`mine-${run}`), tokenDigestOf(`theirs-${run}`)];
        const outcomes = await Promise.allSettled([
          sut.writer.replaceClient(id, doc(api, 'read write'), {
            registrationAccessTokenDigest: mine,
            authorizedBy: use(first),
          }),
          other.writer.replaceClient(id, doc(api, 'write'), {
            registrationAccessTokenDigest: theirs,
            authorizedBy: use(first),
          }),
        ]);
        const applied = outcomes.filter((o) => o.status === 'fulfilled');
        const refused = outcomes.filter((o) => o.status === 'rejected');
        expect(applied).toHaveLength(1);
        expect(refused.map((o) => (o as PromiseRejectedResult).reason)).toEqual([
          expect.any(RegistryTokenSpent),
        ]);
        const winner = outcomes[0].status === 'fulfilled' ? mine : theirs;
        for (const replica of [sut, other])
          await eventually(
            "each replica to hold the winner's token",
            () => replica.registry.registration(id)?.registrationAccessTokenDigest,
            (d) => d === winner,
          );
      });

      it('gives the token back when the change could not be written', async () => {
        const use = registrationTokenUses();
        const first = tokenDigestOf(`down-${run}`);
        const { id, api } = await registered(first);
        const feed = (sut.writer as unknown as { feed: RegistryFeed }).feed;
        const publish = jest
          .spyOn(feed, 'publish')
          .mockRejectedValueOnce(new Error('the log is unreachable'));
        try {
          await expect(
            sut.writer.replaceClient(id, doc(api, 'read write'), {
              registrationAccessTokenDigest: tokenDigestOf(`lost-${run}`),
              authorizedBy: use(first),
            }),
          ).rejects.toThrow('the log is unreachable');
        } finally {
          publish.mockRestore();
        }
        await sut.writer.replaceClient(id, doc(api, 'read write'), {
          registrationAccessTokenDigest: tokenDigestOf(`after-${run}`),
          authorizedBy: use(first),
        });
        expect(sut.registry.client(id)?.scopes).toEqual(['read', 'write']);
      });
    });

    it('rotates a secret, keeping the old one valid for the overlap only', async () => {
      const { id, written } = await clientOf();
      const rotated = await sut.writer.rotateClientSecret(id, { overlapSeconds: 60 });
      const client = () => sut.registry.client(id);
      expect(rotated.clientSecret).not.toBe(written.clientSecret);
      expect(rotated.previousSecretExpiresAt).toBeGreaterThan(Date.now() / 1000);
      await expect(sut.registry.secretMatches(client(), rotated.clientSecret)).resolves.toBe(true);
      await expect(sut.registry.secretMatches(client(), written.clientSecret!)).resolves.toBe(true);
      const again = await sut.writer.rotateClientSecret(id, { overlapSeconds: 0 });
      await expect(sut.registry.secretMatches(client(), again.clientSecret)).resolves.toBe(true);
      await expect(sut.registry.secretMatches(client(), rotated.clientSecret)).resolves.toBe(false);
      await expect(sut.writer.rotateClientSecret(id, { overlapSeconds: -1 })).rejects.toMatchObject(
        { path: '$.overlap_seconds' },
      );
    });

    it('deletes a client and revokes every token it was issued', async () => {
      const { id } = await clientOf();
      await sut.writer.deleteClient(id);
      expect(sut.registry.client(id)).toBeUndefined();
      const now = Math.floor(Date.now() / 1000);
      await expect(
        sut.revocations.isRevoked({ jti: 'any', clientId: id, sub: id, iat: now }),
      ).resolves.toBe(true);
    });

    it('changes a lifetime, refusing one above MAX_TOKEN_TTL and a resource in use on delete', async () => {
      const { id, api: resource } = await clientOf();
      const api = () => resource;
      await sut.writer.replaceResource(api(), { scopes: ['read', 'write'], access_token_ttl: 120 });
      expect(sut.registry.resource(api())?.accessTokenTtl).toBe(120);
      const above = sut.writer.replaceResource(api(), {
        scopes: ['read', 'write'],
        access_token_ttl: CEILING + 1,
      });
      await expect(above).rejects.toMatchObject({ path: '$.access_token_ttl' });
      await expect(above).rejects.toThrow(/MAX_TOKEN_TTL/);
      await expect(sut.writer.replaceResource(api(), { scopes: ['write'] })).rejects.toBeInstanceOf(
        RegistryRejected,
      );
      await expect(sut.writer.deleteResource(api())).rejects.toBeInstanceOf(RegistryConflict);
      await sut.writer.deleteClient(id);
      await sut.writer.deleteResource(api());
      expect(sut.registry.resource(api())).toBeUndefined();
    });

    it('is rebuilt whole by a replica that reads the log from the start', async () => {
      const { id, api: resource } = await clientOf();
      const api = () => resource;
      await sut.writer.replaceResource(api(), { scopes: ['read', 'write'], access_token_ttl: 300 });
      const rotated = await sut.writer.rotateClientSecret(id, { overlapSeconds: 600 });
      const gone = (await clientOf()).id;
      await sut.writer.deleteClient(gone);
      await sut.writer.replaceClient(`seeded-${run}`, {
        grant_types: ['client_credentials'],
        scope: 'read',
        resources: [`https://seeded.${run}.example`],
      });
      const other = await replicaOn(await restart(), seedFile(run));
      for (const clientId of [id, gone, `seeded-${run}`])
        expect(other.registry.clientDocument(clientId)).toEqual(
          sut.registry.clientDocument(clientId),
        );
      expect(other.registry.resourceDocument(api())).toEqual(sut.registry.resourceDocument(api()));
      expect(other.registry.resource(api())?.accessTokenTtl).toBe(300);
      expect(other.registry.client(gone)).toBeUndefined();
      // The file's plain development secret is on the log only as its hash, and still works.
      expect(other.registry.client(`seeded-${run}`)?.secret?.kind).toBe('hash');
      await expect(
        other.registry.secretMatches(
          other.registry.client(`seeded-${run}`),
          'a-plain-development-secret',
        ),
      ).resolves.toBe(true);
      await expect(
        other.registry.secretMatches(other.registry.client(id), rotated.clientSecret),
      ).resolves.toBe(true);
    });

    it('refuses a resource signed with an algorithm the key set has no key for', async () => {
      const identifier = newApi();
      const refusal = sut.writer.createResource({
        identifier,
        scopes: ['read'],
        signing_alg: 'EdDSA',
      });
      await expect(refusal).rejects.toMatchObject({ path: '$.signing_alg' });
      // Opaque tokens are not signed: any algorithm named is not used.
      await sut.writer.createResource({
        identifier,
        scopes: ['read'],
        access_token_format: 'opaque',
        signing_alg: 'EdDSA',
      });
      expect(sut.registry.resource(identifier)?.accessTokenFormat).toBe('opaque');
    });

    it('stops telling a listener once it unsubscribed', async () => {
      const seen: string[] = [];
      const api = newApi;
      const identifier = newApi();
      const unsubscribe = sut.registry.onChange((c) => seen.push(c.id));
      await sut.writer.createResource({ identifier, scopes: ['read'] });
      unsubscribe();
      await sut.writer.replaceResource(identifier, { scopes: ['read'], access_token_ttl: 60 });
      await sut.writer.createResource({ identifier: api(), scopes: ['read'] });
      expect(seen).toEqual([identifier]);
    });
  });
}
