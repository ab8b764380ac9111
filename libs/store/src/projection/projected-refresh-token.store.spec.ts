import { MemoryProjectionMarker } from '../memory/memory-projection.marker';
import { MemoryRefreshTokenStore } from '../memory/memory-refresh-token.store';
import { StoreUnavailable } from '../store.ports';
import { ProjectedRefreshTokenStore } from './projected-refresh-token.store';
import { ProjectionGate } from './projection.gate';

const record = { grantId: 'g-1', clientId: 'web', subject: 'alice', scopes: ['openid'] };
const HOUR = 3_600_000;

describe('ProjectedRefreshTokenStore', () => {
  const setup = () => {
    const marker = new MemoryProjectionMarker();
    const inner = new MemoryRefreshTokenStore();
    const sut = new ProjectedRefreshTokenStore(
      inner,
      new ProjectionGate(marker, { projected: true }),
    );
    return { marker, inner, sut };
  };
  const deadlines = (now: number) => ({ absoluteExpiresAt: now + HOUR, idleExpiresAt: now + HOUR });
  const next = { digest: 'd-2', idleExpiresAt: Date.now() + HOUR };

  it('while the store is being rebuilt, an unknown token is StoreUnavailable (503), not invalid_grant', async () => {
    const { sut } = setup();
    await expect(sut.find('d-1', Date.now())).rejects.toBeInstanceOf(StoreUnavailable);
    await expect(sut.rotate('d-1', next, Date.now(), 0)).rejects.toBeInstanceOf(StoreUnavailable);
  });

  it('while the store is being rebuilt, a token already replayed is answered', async () => {
    const { sut } = setup();
    const now = Date.now();
    await expect(sut.issue(record, 'd-1', deadlines(now), now)).resolves.toBe(true);
    await expect(sut.find('d-1', now)).resolves.toMatchObject({ active: true });
    await expect(sut.rotate('d-1', next, now + 1, 0)).resolves.toMatchObject({
      outcome: 'rotated',
    });
  });

  it('once complete, unknown is an answer', async () => {
    const { sut, marker } = setup();
    await marker.mark();
    await expect(sut.find('d-9', Date.now())).resolves.toBeNull();
    await expect(sut.rotate('d-9', next, Date.now(), 0)).resolves.toEqual({ outcome: 'unknown' });
  });

  it('undoes a rotation while the store is being rebuilt: a write, not a read to believe', async () => {
    const { sut } = setup();
    const now = Date.now();
    await sut.issue(record, 'd-1', deadlines(now), now);
    await sut.rotate('d-1', next, now + 1, 0);
    await expect(sut.undoRotation(record.grantId, next.digest)).resolves.toBe(true);
    await expect(sut.find('d-1', now + 2)).resolves.toMatchObject({ active: true });
  });
});
