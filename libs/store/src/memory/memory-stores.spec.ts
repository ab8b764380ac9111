import { describeStoreContract } from '../../../../test/contract/store.contract';
import { MemoryAuthFailureThrottle } from './memory-auth-failure.throttle';
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
  };
});
