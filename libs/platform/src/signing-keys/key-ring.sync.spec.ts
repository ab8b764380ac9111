import type { JWK } from 'jose';
import { AppConfig } from '@app/config';
import { EventBus, EventFactory, KeyRotatedV2, LifecycleEvent, MemoryEventBus } from '@app/events';
import { MemoryRevocationStore, MemorySigningKeyStore, StoredSigningKey } from '@app/store';
import { generateSigningJwk, KeyRing } from '@app/tokens';
import { KeyRingSync } from './key-ring.sync';
import { KeyStepAnnouncer } from './key-step.announcer';

const PREPUBLICATION_MS = 4_000;
/** (max(60, 60) + 60) s: the longest token lifetime plus the margin. */
const RETENTION_MS = 120_000;
const config = {
  maxTokenTtl: 60,
  signIn: { idTokenTtl: 60 },
  signingKeys: { prepublicationSeconds: PREPUBLICATION_MS / 1000 },
  endpoints: { jwks: 'https://as.example.com/oauth2/jwks' },
} as unknown as AppConfig;

/** One replica: its own ring (the same KEYS_FILE), the shared store and log. */
async function replica(seedJwks: JWK[], store: MemorySigningKeyStore, bus: EventBus) {
  const ring = await KeyRing.fromJwks({ keys: seedJwks });
  const announcer = new KeyStepAnnouncer(
    config,
    store,
    new MemoryRevocationStore(),
    bus,
    new EventFactory('urn:test'),
  );
  const sut = new KeyRingSync(config, ring, store, bus, announcer);
  await sut.onModuleInit();
  return { ring, sut };
}

async function runtimeKey(activateAt: number): Promise<StoredSigningKey> {
  const privateJwk = await generateSigningJwk('ES256');
  return { kid: privateJwk.kid, alg: 'ES256', privateJwk, createdAt: Date.now(), activateAt };
}

/**
 * Lets real asynchronous work finish (key imports run on libuv's pool, which fake timers do not
 * drive) until `done` holds, without moving the fake clock; fails if it never does.
 */
async function settle(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 5_000 && !(await done()); i++) await new Promise((r) => setImmediate(r));
  expect(await done()).toBe(true);
}

const steps = (bus: MemoryEventBus) =>
  bus
    .events()
    .filter((e) => e.type === 'key.rotated')
    .map((e) => {
      const data = (e as LifecycleEvent<'key.rotated'>).data as KeyRotatedV2;
      return `${data.kid} ${data.step}`;
    })
    .sort();

describe('KeyRingSync', () => {
  let seeds: JWK[];
  let seedKid: string;
  let store: MemorySigningKeyStore;
  let bus: MemoryEventBus;
  const syncs: KeyRingSync[] = [];

  beforeEach(async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    seeds = [(await generateSigningJwk('ES256')) as unknown as JWK];
    seedKid = seeds[0]!.kid!;
    store = new MemorySigningKeyStore();
    bus = new MemoryEventBus();
  });
  afterEach(() => {
    for (const s of syncs.splice(0)) s.onApplicationShutdown();
    jest.useRealTimers();
  });
  const start = async () => {
    const r = await replica(seeds, store, bus);
    syncs.push(r.sut);
    return r;
  };

  it('a replica that missed the event holds the key within a quarter of the delay, and signs with it at its activation', async () => {
    const { ring } = await start();
    const key = await runtimeKey(Date.now() + PREPUBLICATION_MS);
    await store.add(key); // no event: as if this replica missed it
    await jest.advanceTimersByTimeAsync(PREPUBLICATION_MS / 4);
    await settle(() => ring.has(key.kid));
    expect(ring.signingKey('ES256').kid).toBe(seedKid);
    await jest.advanceTimersByTimeAsync(key.activateAt - Date.now());
    await settle(() => steps(bus).length === 2);
    expect(ring.signingKey('ES256').kid).toBe(key.kid);
    expect(ring.has(seedKid)).toBe(true);
    expect(steps(bus)).toEqual([`${key.kid} activated`, `${seedKid} retired`].sort());
  });

  it('announces each step once across replicas, and removes the retired key after the retention', async () => {
    const [a, b] = [await start(), await start()];
    const first = await runtimeKey(Date.now() + PREPUBLICATION_MS);
    await store.add(first);
    await jest.advanceTimersByTimeAsync(PREPUBLICATION_MS);
    await settle(() => [a, b].every((r) => r.ring.signingKey('ES256').kid === first.kid));
    await jest.advanceTimersByTimeAsync(RETENTION_MS - 1);
    for (const r of [a, b]) expect(r.ring.has(seedKid)).toBe(true);
    await jest.advanceTimersByTimeAsync(1);
    await settle(() => [a, b].every((r) => !r.ring.has(seedKid)));
    await settle(() => steps(bus).length === 3);
    for (const r of [a, b]) {
      expect(r.ring.has(seedKid)).toBe(false);
      expect(r.ring.publicJwks().keys.map((k) => k.kid)).toEqual([first.kid]);
    }
    expect(steps(bus)).toEqual(
      [`${first.kid} activated`, `${seedKid} retired`, `${seedKid} removed`].sort(),
    );
  });

  it('forgets a removed runtime key only once the key after it is removed too', async () => {
    await start();
    const first = await runtimeKey(Date.now() + 1_000);
    const second = await runtimeKey(Date.now() + 2_000);
    const third = await runtimeKey(Date.now() + 3_000);
    for (const k of [first, second, third]) await store.add(k);
    await jest.advanceTimersByTimeAsync(2_000 + RETENTION_MS);
    await settle(() => steps(bus).includes(`${first.kid} removed`));
    // `first` is removed, but `second` (whose activation dates its retirement) is not yet.
    expect((await store.list()).map((k) => k.kid)).toEqual([first.kid, second.kid, third.kid]);
    await jest.advanceTimersByTimeAsync(1_000);
    await settle(async () => (await store.list()).length === 2);
    expect((await store.list()).map((k) => k.kid)).toEqual([second.kid, third.kid]);
  });

  it('never signs with a stored key it cannot import; the current key keeps signing', async () => {
    const { ring, sut } = await start();
    const key = await runtimeKey(Date.now() + 1_000);
    const broken = { ...key, privateJwk: { ...key.privateJwk, d: 'AAAA' } };
    await store.add(broken);
    await jest.advanceTimersByTimeAsync(2_000);
    await settle(async () => (await sut.sync()).active.get('ES256') === seedKid);
    expect(ring.has(key.kid)).toBe(false);
    expect(ring.signingKey('ES256').kid).toBe(seedKid);
  });

  it('releases a step whose event failed: the next look announces it', async () => {
    const { ring } = await start();
    const publish = jest.spyOn(bus, 'publish').mockRejectedValueOnce(new Error('log down'));
    const key = await runtimeKey(Date.now() + 1_000);
    await store.add(key);
    await jest.advanceTimersByTimeAsync(1_000);
    await settle(() => publish.mock.calls.length === 1);
    expect(ring.signingKey('ES256').kid).toBe(key.kid);
    expect(steps(bus)).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(PREPUBLICATION_MS / 4);
    await settle(() => steps(bus).length === 2);
    expect(steps(bus)).toEqual([`${key.kid} activated`, `${seedKid} retired`].sort());
    // The failed attempt, then each step once.
    expect(publish).toHaveBeenCalledTimes(3);
  });

  it('keeps signing with a runtime key the store lost, and keeps it published until removed', async () => {
    const { ring, sut } = await start();
    const key = await runtimeKey(Date.now() + 1_000);
    await store.add(key);
    await jest.advanceTimersByTimeAsync(1_000);
    await settle(() => ring.signingKey('ES256').kid === key.kid);
    await store.delete(key.kid); // a Redis that lost its data
    const schedule = await sut.sync();
    expect(schedule.active.get('ES256')).toBe(key.kid);
    expect(ring.signingKey('ES256').kid).toBe(key.kid);
    expect(ring.has(seedKid)).toBe(true);
  });

  it('withdraws a key taken back before it signed', async () => {
    const { ring, sut } = await start();
    const key = await runtimeKey(Date.now() + 60_000);
    await store.add(key);
    await sut.sync();
    expect(ring.has(key.kid)).toBe(true);
    await store.delete(key.kid);
    await sut.sync();
    expect(ring.has(key.kid)).toBe(false);
  });

  it('answers a sync asked for during another with the store as of the call', async () => {
    const { sut } = await start();
    const key = await runtimeKey(Date.now() + 1_000);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const list = store.list.bind(store);
    jest.spyOn(store, 'list').mockImplementationOnce(async () => {
      const keys = await list();
      await gate;
      return keys;
    });
    const running = sut.sync();
    await store.add(key);
    const asked = sut.sync();
    release();
    // The sync in flight read the store before the key was added; the one asked for after it
    // did not join it, but ran behind it.
    expect((await running).published.has(key.kid)).toBe(false);
    expect((await asked).published.has(key.kid)).toBe(true);
  });
});
