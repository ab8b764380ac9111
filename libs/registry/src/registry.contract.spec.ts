import { MemoryEventBus } from '@app/events';
import { describeRegistryContract } from '../../../test/contract/registry.contract';

// One process: the in-memory log, which a restarted registry reads again (kept long enough).
describeRegistryContract('in-memory', async () => {
  const bus = new MemoryEventBus(1000);
  return { bus, run: 'memory', restart: async () => bus };
});
