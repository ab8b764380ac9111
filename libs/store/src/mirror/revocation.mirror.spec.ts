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
