import { MirrorMetrics, Registry } from '@app/metrics';
import { MemoryProjectionMarker } from '../memory/memory-projection.marker';
import { MemoryRevocationStore } from '../memory/memory-revocation.store';
import { RevocationFeed } from '../revocation-feed.port';
import { Revocation } from '../store.ports';
import { MirrorStale, RevocationMirror } from './revocation.mirror';

const later = () => Date.now() + 60_000;
const token = (jti: string): Revocation => ({
  kind: 'token',
  clientId: 'c',
  jti,
  expiresAt: later(),
});
const subject = (jti: string, grantId?: string) => ({ clientId: 'c', jti, grantId, iat: 1 });

async function eventually(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A feed that fails while `down` is set, as Redis does when it is unreachable. */
class FlakyFeed implements RevocationFeed {
  down = false;
  constructor(private readonly inner: RevocationFeed) {}
  async read(afterId: string, blockMs: number) {
    if (this.down) {
      await new Promise((r) => setTimeout(r, 10));
      throw new Error('connection refused');
    }
    return this.inner.read(afterId, Math.min(blockMs, 50));
  }
  async close() {}
}

describe('RevocationMirror', () => {
  let store: MemoryRevocationStore;
  let sut: RevocationMirror;

  beforeEach(() => {
    store = new MemoryRevocationStore();
  });
  afterEach(() => sut?.stop());

  it('starts from every retained revocation', async () => {
    await store.revoke(token('old'));
    sut = new RevocationMirror(store, { blockMs: 50 });
    await sut.start();
    expect(sut.isRevoked(subject('old'))).toBe(true);
    expect(sut.isRevoked(subject('other'))).toBe(false);
  });

  it('sees a new revocation as soon as it is written, grants and clients included', async () => {
    sut = new RevocationMirror(store, { blockMs: 1000 });
    await sut.start();
    await store.revoke(token('new'));
    await store.revoke({ kind: 'grant', clientId: 'c', grantId: 'g', expiresAt: later() });
    await eventually(() => sut.isRevoked(subject('new')));
    await eventually(() => sut.isRevoked(subject('any', 'g')));
  });

  it('tells listeners about each revocation', async () => {
    sut = new RevocationMirror(store, { blockMs: 50 });
    const seen: Revocation[] = [];
    sut.onRevocation((r) => seen.push(r));
    await sut.start();
    await store.revoke(token('x'));
    await eventually(() => seen.length === 1);
    expect(seen[0]).toMatchObject({ jti: 'x' });
  });

  it('refuses to answer once it cannot confirm it is current, and recovers without loss', async () => {
    const feed = new FlakyFeed(store);
    sut = new RevocationMirror(feed, { blockMs: 50, stalenessBudgetMs: 200, retryDelayMs: 10 });
    await sut.start();
    feed.down = true;
    await store.revoke(token('during-outage'));
    await eventually(() => {
      try {
        sut.isRevoked(subject('during-outage'));
        return false;
      } catch (e) {
        return e instanceof MirrorStale;
      }
    });
    feed.down = false;
    await eventually(() => {
      try {
        return sut.isRevoked(subject('during-outage'));
      } catch {
        return false;
      }
    });
  });

  it('passes signing-key notices to their listeners', async () => {
    sut = new RevocationMirror(store, { blockMs: 50 });
    const notices: string[] = [];
    sut.onKeyNotice((k) => notices.push(k.kid));
    await sut.start();
    await store.announceKey({ kid: 'k2', alg: 'ES256' });
    await eventually(() => notices.length === 1);
    expect(notices).toEqual(['k2']);
    expect(sut.isRevoked(subject('k2'))).toBe(false);
  });

  it('is not current before it has read the feed', () => {
    sut = new RevocationMirror(store);
    expect(() => sut.isRevoked(subject('x'))).toThrow(MirrorStale);
  });

  it('forgets a revocation once its tokens have expired', async () => {
    sut = new RevocationMirror(store, { blockMs: 50 });
    await sut.start();
    await store.revoke({ ...token('short'), expiresAt: Date.now() + 150 });
    await eventually(() => sut.isRevoked(subject('short')));
    await eventually(() => !sut.isRevoked(subject('short')), 1000);
  });

  describe('following a store that is rebuilt from the log', () => {
    let marker: MemoryProjectionMarker;
    const stale = () => {
      try {
        sut.isRevoked(subject('any'));
        return false;
      } catch (e) {
        return e instanceof MirrorStale;
      }
    };

    beforeEach(() => {
      marker = new MemoryProjectionMarker();
      store = new MemoryRevocationStore(60_000, marker);
    });

    it('starts, takes in what is there, and stays stale until the projection is complete', async () => {
      await store.revoke(token('replayed'));
      sut = new RevocationMirror(store, { blockMs: 50, stalenessBudgetMs: 10_000 });
      await sut.start();
      expect(sut.current).toBe(false);
      expect(stale()).toBe(true);
      await store.revoke(token('replayed-later'));
      await marker.mark();
      await eventually(() => sut.current);
      expect(sut.isRevoked(subject('replayed'))).toBe(true);
      expect(sut.isRevoked(subject('replayed-later'))).toBe(true);
    });

    it('goes stale once its store has lost the projection for longer than the budget', async () => {
      await marker.mark();
      sut = new RevocationMirror(store, { blockMs: 50, stalenessBudgetMs: 200 });
      await sut.start();
      expect(sut.current).toBe(true);
      (marker as unknown as { marked: boolean }).marked = false; // the store came back empty
      await eventually(stale);
      expect(sut.current).toBe(false);
      await marker.mark();
      await eventually(() => sut.current);
      expect(stale()).toBe(false);
    });
  });
});

describe('RevocationMirror metrics', () => {
  let store: MemoryRevocationStore;
  let registry: Registry;
  let sut: RevocationMirror;

  const value = async (name: string, metricName = name) =>
    (await registry.getSingleMetric(name)!.get()).values.find(
      (v) => ((v as { metricName?: string }).metricName ?? name) === metricName,
    )?.value;

  beforeEach(() => {
    store = new MemoryRevocationStore();
    registry = new Registry();
  });
  afterEach(() => sut?.stop());

  it('reports staleness against its budget and its size at scrape time', async () => {
    sut = new RevocationMirror(store, {
      blockMs: 50,
      stalenessBudgetMs: 1500,
      metrics: new MirrorMetrics(registry),
    });
    // Never confirmed yet: as stale as can be.
    expect(await value('token_lifecycle_revocation_mirror_staleness_seconds')).toBeGreaterThan(1e6);
    await store.revoke(token('a'));
    await store.revoke(token('b'));
    await sut.start();
    expect(await value('token_lifecycle_revocation_mirror_staleness_seconds')).toBeLessThan(1);
    expect(await value('token_lifecycle_revocation_mirror_staleness_budget_seconds')).toBe(1.5);
    expect(await value('token_lifecycle_revocation_mirror_entries')).toBe(2);
  });

  it('observes the lag of the revocations it follows, not of those it caught up with', async () => {
    await store.revoke(token('old'));
    sut = new RevocationMirror(store, { blockMs: 1000, metrics: new MirrorMetrics(registry) });
    await sut.start();
    const lag = 'token_lifecycle_revocation_mirror_lag_seconds';
    expect(await value(lag, `${lag}_count`)).toBe(0);
    await store.revoke(token('new'));
    await eventually(() => sut.isRevoked(subject('new')));
    expect(await value(lag, `${lag}_count`)).toBe(1);
    // Written and read in this process: well under the first second.
    expect(await value(lag, `${lag}_sum`)).toBeLessThan(1);
  });

  it('counts failed reads of the feed', async () => {
    const flaky = new FlakyFeed(store);
    sut = new RevocationMirror(flaky, {
      blockMs: 50,
      retryDelayMs: 5,
      metrics: new MirrorMetrics(registry),
    });
    await sut.start();
    flaky.down = true;
    const failures = 'token_lifecycle_revocation_mirror_read_failures_total';
    const deadline = Date.now() + 2000;
    while (((await value(failures)) ?? 0) < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(await value(failures)).toBeGreaterThanOrEqual(2);
  });
});
