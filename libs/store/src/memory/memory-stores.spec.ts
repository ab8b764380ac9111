import { describeStoreContract } from '../../../../test/contract/store.contract';
import { MemoryAuthFailureThrottle } from './memory-auth-failure.throttle';
import { MemoryProjectionMarker } from './memory-projection.marker';
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
