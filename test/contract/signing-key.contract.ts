import { KeyStep, PrivateJwk, SigningKeyStore, StoredSigningKey } from '@app/store';

let counter = 0;
const unique = (p: string) => `${p}-${process.pid}-${Date.now()}-${++counter}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A record of the store's shape; the JWK is opaque to the store (it never imports it). */
export function storedKey(over: Partial<StoredSigningKey> = {}): StoredSigningKey {
  const kid = over.kid ?? unique('kid');
  const alg = over.alg ?? 'ES256';
  const privateJwk: PrivateJwk = {
    kty: 'EC',
    crv: 'P-256',
    x: 'x',
    y: 'y',
    d: 'secret-d',
    kid,
    alg,
  };
  return { kid, alg, privateJwk, createdAt: 1_000, activateAt: 2_000, ...over };
}

/**
 * The behaviour every SigningKeyStore adapter must have (in-memory and Redis run it alike). Each
 * test gets an empty store (`make` is called per test). Time is real: leases are short instead.
 */
export function describeSigningKeyStoreContract(
  name: string,
  make: () => Promise<SigningKeyStore>,
): void {
  describe(`${name} signing-key store contract`, () => {
    let sut: SigningKeyStore;
    beforeEach(async () => {
      sut = await make();
    });

    it('keeps a key with its private JWK, and lists keys by activation then kid', async () => {
      const late = storedKey({ kid: 'c', activateAt: 9_000 });
      const [a, b] = [
        storedKey({ kid: 'b', activateAt: 5_000 }),
        storedKey({ kid: 'a', activateAt: 5_000 }),
      ];
      for (const k of [late, a, b]) await expect(sut.add(k)).resolves.toBe(true);
      await expect(sut.list()).resolves.toEqual([b, a, late]);
    });

    it('refuses a kid already taken and keeps the first key', async () => {
      const first = storedKey();
      await sut.add(first);
      await expect(sut.add({ ...first, alg: 'RS256', activateAt: 1 })).resolves.toBe(false);
      await expect(sut.list()).resolves.toEqual([first]);
    });

    it('forgets a deleted key (twice is harmless)', async () => {
      const [gone, kept] = [storedKey(), storedKey()];
      await sut.add(gone);
      await sut.add(kept);
      await sut.delete(gone.kid);
      await sut.delete(gone.kid);
      await expect(sut.list()).resolves.toEqual([kept]);
    });

    it('gives a step to one claimant only, while the lease lasts', async () => {
      const kid = unique('kid');
      const claims = await Promise.all(
        [1, 2, 3].map(() => sut.claimStep(kid, 'activated', 60_000)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      // Each step of each key is claimed on its own.
      await expect(sut.claimStep(kid, 'retired', 60_000)).resolves.toBe(true);
      await expect(sut.claimStep(unique('kid'), 'activated', 60_000)).resolves.toBe(true);
    });

    it('lets another claim a step whose lease lapsed or was released, never a completed one', async () => {
      const kid = unique('kid');
      const steps: KeyStep[] = ['published', 'activated', 'removed'];
      for (const step of steps) await expect(sut.claimStep(kid, step, 150)).resolves.toBe(true);
      await sut.releaseStep(kid, 'published');
      await expect(sut.claimStep(kid, 'published', 60_000)).resolves.toBe(true);
      await sut.completeStep(kid, 'activated');
      await sut.releaseStep(kid, 'activated');
      await sleep(250);
      await expect(sut.claimStep(kid, 'removed', 60_000)).resolves.toBe(true);
      await expect(sut.claimStep(kid, 'activated', 60_000)).resolves.toBe(false);
    });
  });
}
