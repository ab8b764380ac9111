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
