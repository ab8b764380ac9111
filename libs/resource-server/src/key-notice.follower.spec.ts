import type { RemoteKeySet } from '@app/tokens';
import { KeyNoticeFollower } from './key-notice.follower';

/** A key set whose fetches find `kid` from the `heldFrom`-th fetch on. */
function keySet(heldFrom: number) {
  let fetches = 0;
  const keys = {
    refresh: jest.fn(async () => void fetches++),
    has: jest.fn(() => fetches >= heldFrom),
  };
  return { keys, sut: new KeyNoticeFollower(keys as unknown as RemoteKeySet) };
}

describe('KeyNoticeFollower', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('fetches a published key at once, and again until the set holds it', async () => {
    const { keys, sut } = keySet(3);
    sut.onNotice({ kid: 'k2', alg: 'ES256', step: 'published' });
    await jest.advanceTimersByTimeAsync(0);
    expect(keys.refresh).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(100);
    expect(keys.refresh).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(250);
    expect(keys.refresh).toHaveBeenCalledTimes(3);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(keys.refresh).toHaveBeenCalledTimes(3);
  });

  it('gives up after about 8 s, and waits once per key for a backlog of notices', async () => {
    const { keys, sut } = keySet(Infinity);
    sut.onNotice({ kid: 'gone', alg: 'ES256' });
    sut.onNotice({ kid: 'gone', alg: 'ES256', step: 'published' });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(keys.refresh).toHaveBeenCalledTimes(7);
  });

  it('drops a removed key by refetching once; ignores a retirement and a held activation', async () => {
    const { keys, sut } = keySet(0);
    sut.onNotice({ kid: 'old', alg: 'ES256', step: 'retired' });
    sut.onNotice({ kid: 'new', alg: 'ES256', step: 'activated' });
    await jest.advanceTimersByTimeAsync(0);
    expect(keys.refresh).not.toHaveBeenCalled();
    sut.onNotice({ kid: 'old', alg: 'ES256', step: 'removed' });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(keys.refresh).toHaveBeenCalledTimes(1);
  });

  it('stops waiting once closed', async () => {
    const { keys, sut } = keySet(Infinity);
    sut.onNotice({ kid: 'k', alg: 'ES256', step: 'published' });
    await jest.advanceTimersByTimeAsync(0);
    sut.close();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(keys.refresh).toHaveBeenCalledTimes(1);
  });
});
