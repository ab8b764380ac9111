import { AppConfig, parseRegistryFile } from '@app/config';
import { EventBus, EventFactory } from '@app/events';
import { ClientTokensRevoker, LifecycleProjection, RevocationRecorder } from '@app/projection';
import {
  ClientRegistry,
  RegistryChange,
  RegistryConflict,
  RegistryFeed,
  RegistryNotFound,
  RegistryRejected,
  RegistryWriter,
  ScryptGate,
} from '@app/registry';
import {
  MemoryExchangeChainStore,
  MemoryGrantStore,
  MemoryRefreshTokenStore,
  MemoryRevocationStore,
  MemoryTokenStore,
} from '@app/store';

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
