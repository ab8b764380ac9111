import { describeSigningKeyStoreContract } from '../../../../test/contract/signing-key.contract';
import { MemorySigningKeyStore } from './memory-signing-key.store';
import {
  describeFlowStoreContract,
  TEST_TOMBSTONE_MARGIN_MS,
} from '../../../../test/contract/flow/flow-store.contract';
import { describeRefreshTokenContract } from '../../../../test/contract/refresh-token.contract';
import { describeStoreContract } from '../../../../test/contract/store.contract';
import { describeExchangeChainContract } from '../../../../test/contract/exchange-chain.contract';
import { MemoryExchangeChainStore } from './memory-exchange-chain.store';
import { MemoryAuthorizationCodeStore } from './memory-authorization-code.store';
import { MemoryAuthorizationRequestStore } from './memory-authorization-request.store';
import { MemoryBrowserSessionStore } from './memory-browser-session.store';
import { MemoryGrantStore } from './memory-grant.store';
import { MemoryInteractionChallengeStore } from './memory-interaction-challenge.store';
import { MemoryAuthFailureThrottle } from './memory-auth-failure.throttle';
import { MemoryProjectionMarker } from './memory-projection.marker';
import { MemoryRefreshTokenStore } from './memory-refresh-token.store';
import { describeRequestRateContract } from '../../../../test/contract/request-rate.contract';
import { MemoryRequestRateLimiter } from './memory-request-rate.limiter';
import { MemoryReplayStore } from './memory-replay.store';
import { MemoryRevocationStore } from './memory-revocation.store';
import { MemoryTokenStore } from './memory-token.store';
import type { RevocationFeedEntry } from '../revocation-feed.port';

describeStoreContract('in-memory', () => {
  const tokens = new MemoryTokenStore();
  const revocations = new MemoryRevocationStore();
  const replays = new MemoryReplayStore();
  return {
    tokens: () => tokens,
    revocations: () => revocations,
    replays: () => replays,
    throttle: (limits) => new MemoryAuthFailureThrottle(limits),
    projection: async () => {
      const marker = new MemoryProjectionMarker();
      const store = new MemoryRevocationStore(3_600_000, marker);
      return { revocations: store, feed: store, marker };
    },
  };
});

describe('in-memory flow state on a fake clock', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  describeFlowStoreContract('in-memory', () => ({
    requests: () => new MemoryAuthorizationRequestStore(),
    challenges: () => new MemoryInteractionChallengeStore(),
    sessions: () => new MemoryBrowserSessionStore(),
    codes: () => new MemoryAuthorizationCodeStore(TEST_TOMBSTONE_MARGIN_MS),
    grants: () => new MemoryGrantStore(),
    elapse: async (ms) => {
      jest.advanceTimersByTime(ms);
    },
  }));

  describeRefreshTokenContract(
    'in-memory',
    () => new MemoryRefreshTokenStore(),
    async (ms) => {
      jest.advanceTimersByTime(ms);
    },
  );
});

describeRequestRateContract('in-memory', () => new MemoryRequestRateLimiter());

describeExchangeChainContract('in-memory', () => new MemoryExchangeChainStore());

describeSigningKeyStoreContract('in-memory', async () => new MemorySigningKeyStore());

// What the Redis stream gives by construction (XADD ids only grow), the in-memory feed must
// keep by itself: in-process mirrors read after the last id they applied.
describe('in-memory revocation feed', () => {
  const revocation = (jti: string, now: number) => ({
    kind: 'token' as const,
    clientId: 'c',
    jti,
    expiresAt: now + 600_000,
  });
  const jtis = (entries: readonly RevocationFeedEntry[]) =>
    entries.map((e) => ('revocation' in e && e.revocation.kind === 'token' ? e.revocation.jti : e));

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('gives an entry written after the wall clock stepped back to a mirror past the last id', async () => {
    const store = new MemoryRevocationStore();
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now);
    await store.revoke(revocation('before', now));
    const { entries } = await store.read('0', 0);
    clock.mockReturnValue(now - 60_000);
    await store.revoke(revocation('after the step back', now));
    const next = await store.read(entries[0]!.id, 0);
    expect(jtis(next.entries)).toEqual(['after the step back']);
    await store.close();
  });

  it('reads exactly the entries after any id: the first, a middle one, the last, one between', async () => {
    const store = new MemoryRevocationStore();
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now');
    for (let i = 0; i < 7; i++) {
      clock.mockReturnValue(now + (i < 4 ? 0 : 5));
      await store.revoke(revocation(`t${i}`, now));
    }
    const all = (await store.read('0', 0)).entries;
    expect(jtis(all)).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6']);
    const after = async (id: string) => jtis((await store.read(id, 0)).entries);
    await expect(after(all[0]!.id)).resolves.toEqual(['t1', 't2', 't3', 't4', 't5', 't6']);
    await expect(after(all[3]!.id)).resolves.toEqual(['t4', 't5', 't6']);
    await expect(after(all[6]!.id)).resolves.toEqual([]);
    // Between t3 (ms = now) and t4 (ms = now + 5): an id no entry has.
    await expect(after(`${now + 2}-0`)).resolves.toEqual(['t4', 't5', 't6']);
    await store.close();
  });
});
