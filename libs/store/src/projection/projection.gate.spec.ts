import type { AccessTokenClaims } from '@app/tokens';
import { MemoryProjectionMarker } from '../memory/memory-projection.marker';
import { MemoryRevocationStore } from '../memory/memory-revocation.store';
import { MemoryTokenStore } from '../memory/memory-token.store';
import { ProjectionMarker, StoreUnavailable } from '../store.ports';
import { ProjectedRevocationStore } from './projected-revocation.store';
import { ProjectedTokenStore } from './projected-token.store';
import { ProjectionGate } from './projection.gate';

/** A marker whose checks are counted, and that can be made to fail like an unreachable Redis. */
class CountingMarker implements ProjectionMarker {
  readonly inner = new MemoryProjectionMarker();
  checks = 0;
  unreachable = false;
  async present(): Promise<boolean> {
    this.checks++;
    if (this.unreachable) throw new StoreUnavailable('connection refused');
    return this.inner.present();
  }
  mark(): Promise<void> {
    return this.inner.mark();
  }
  lose(): void {
    (this.inner as unknown as { marked: boolean }).marked = false;
  }
}

const exp = () => Math.floor(Date.now() / 1000) + 600;
const claims = (jti: string): AccessTokenClaims => ({
  iss: 'https://issuer.example',
  sub: 'svc-a',
  aud: 'https://orders.example.com',
  clientId: 'c',
  scope: 'orders:read',
  jti,
  iat: 1,
  nbf: 1,
  exp: exp(),
});
const subject = (jti: string) => ({ clientId: 'c', jti, iat: 1 });

describe('ProjectionGate', () => {
  let marker: CountingMarker;
  let sut: ProjectionGate;

  beforeEach(() => {
    jest.useFakeTimers({ now: Date.now() });
    marker = new CountingMarker();
    sut = new ProjectionGate(marker, { projected: true });
  });
  afterEach(() => jest.useRealTimers());

  it('is complete only once the marker is there', async () => {
    await expect(sut.complete()).resolves.toBe(false);
    await marker.mark();
    await expect(sut.complete()).resolves.toBe(true);
  });

  it('trusts a positive check for 500 ms, then asks again', async () => {
    await marker.mark();
    await sut.complete();
    expect(sut.complete()).toBe(true);
    jest.advanceTimersByTime(499);
    expect(sut.complete()).toBe(true);
    expect(marker.checks).toBe(1);
    marker.lose();
    jest.advanceTimersByTime(2);
    await expect(sut.complete()).resolves.toBe(false);
    expect(marker.checks).toBe(2);
  });

  it('never trusts a negative check: every caller after it asks again', async () => {
    await expect(sut.complete()).resolves.toBe(false);
    await expect(sut.complete()).resolves.toBe(false);
    expect(marker.checks).toBe(2);
  });

  it('shares one check among the callers that arrive while it is in flight', async () => {
    await marker.mark();
    const answers = await Promise.all([sut.complete(), sut.complete(), sut.complete()]);
    expect(answers).toEqual([true, true, true]);
    expect(marker.checks).toBe(1);
  });

  it('forgets a positive check when the store connection is lost', async () => {
    await marker.mark();
    await sut.complete();
    marker.lose(); // Redis came back empty within the trust window
    sut.forget();
    await expect(sut.complete()).resolves.toBe(false);
  });

  it('calls a store it cannot ask incomplete, without rejecting', async () => {
    marker.unreachable = true;
    await expect(sut.complete()).resolves.toBe(false);
  });

  it('without a log there is no projection: always complete, the marker never asked', () => {
    sut = new ProjectionGate(marker, { projected: false });
    expect(sut.complete()).toBe(true);
    expect(marker.checks).toBe(0);
  });

  describe('read', () => {
    const found = (v: string | null) => v !== null;

    it('lets a miss stand only when the store was complete', async () => {
      await expect(sut.read(async () => null, found)).rejects.toBeInstanceOf(StoreUnavailable);
      await marker.mark();
      await expect(sut.read(async () => null, found)).resolves.toBeNull();
    });

    it('lets a hit stand while the store is rebuilt: the projection only adds', async () => {
      await expect(sut.read(async () => 'record', found)).resolves.toBe('record');
    });

    it('checks the marker before the read, not after it', async () => {
      // The rebuild ends while the read is on its way: the miss was read from a half-built
      // store, and a check made after the read would vouch for it.
      const order: string[] = [];
      const spy = jest.spyOn(marker, 'present').mockImplementation(async () => {
        order.push('check');
        return marker.inner.present();
      });
      const answer = sut.read(async () => {
        order.push('read');
        await marker.mark();
        return null;
      }, found);
      await expect(answer).rejects.toBeInstanceOf(StoreUnavailable);
      expect(order).toEqual(['check', 'read']);
      spy.mockRestore();
    });

    it('passes a failed read on as it is', async () => {
      const failure = new StoreUnavailable('connection refused');
      await expect(sut.read(() => Promise.reject(failure), found)).rejects.toBe(failure);
    });
  });
});

describe('projected stores', () => {
  let marker: MemoryProjectionMarker;
  let tokens: MemoryTokenStore;
  let revocations: MemoryRevocationStore;
  let sutTokens: ProjectedTokenStore;
  let sutRevocations: ProjectedRevocationStore;

  beforeEach(() => {
    marker = new MemoryProjectionMarker();
    const gate = new ProjectionGate(marker, { projected: true });
    tokens = new MemoryTokenStore();
    revocations = new MemoryRevocationStore();
    sutTokens = new ProjectedTokenStore(tokens, gate);
    sutRevocations = new ProjectedRevocationStore(revocations, gate);
  });

  it('token records: an unknown digest is StoreUnavailable until the projection is complete', async () => {
    await sutTokens.save('known', claims('a'));
    await expect(sutTokens.find('known')).resolves.toMatchObject({ jti: 'a' });
    await expect(sutTokens.find('unknown')).rejects.toBeInstanceOf(StoreUnavailable);
    await marker.mark();
    await expect(sutTokens.find('unknown')).resolves.toBeNull();
  });

  it('revocations: "not revoked" is StoreUnavailable until the projection is complete', async () => {
    await sutRevocations.revoke({
      kind: 'token',
      clientId: 'c',
      jti: 'r',
      expiresAt: exp() * 1000,
    });
    await expect(sutRevocations.isRevoked(subject('r'))).resolves.toBe(true);
    await expect(sutRevocations.isRevoked(subject('other'))).rejects.toBeInstanceOf(
      StoreUnavailable,
    );
    await marker.mark();
    await expect(sutRevocations.isRevoked(subject('other'))).resolves.toBe(false);
  });

  it('writes and key notices pass through to the store', async () => {
    await sutRevocations.announceKey({ kid: 'k1', alg: 'ES256' });
    await expect(sutRevocations.keyAnnounced('k1')).resolves.toBe(true);
    await expect(revocations.keyAnnounced('k1')).resolves.toBe(true);
    await sutTokens.save('d', claims('b'));
    await expect(tokens.find('d')).resolves.toMatchObject({ jti: 'b' });
  });
});
