import {
  MemoryExchangeChainStore,
  MemoryGrantStore,
  MemoryRefreshTokenStore,
  MemoryRevocationStore,
  MemoryTokenStore,
  Revocation,
} from '@app/store';
import { describeLifecycleProjectionContract } from '../../../test/contract/lifecycle-projection.contract';

describeLifecycleProjectionContract('in-memory', () => {
  const revocations = new MemoryRevocationStore();
  return {
    tokens: new MemoryTokenStore(),
    revocations,
    refreshTokens: new MemoryRefreshTokenStore(),
    grants: new MemoryGrantStore(),
    chains: new MemoryExchangeChainStore(),
    streamed: async () =>
      (await revocations.read('0-0', 0)).entries.flatMap((e): Revocation[] =>
        'revocation' in e ? [e.revocation] : [],
      ),
  };
});
