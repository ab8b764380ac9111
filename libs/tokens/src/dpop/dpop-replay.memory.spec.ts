import { MemoryReplayStore } from '@app/store';
import { describeDpopReplayContract } from '../../../../test/contract/dpop-replay.contract';

describe('DPoP replay refusal with the in-memory ReplayStore', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  describeDpopReplayContract(
    'in-memory',
    () => {
      const store = new MemoryReplayStore();
      return [store, store];
    },
    async (ms) => {
      jest.advanceTimersByTime(ms);
    },
  );
});
