import { describeProjector } from '../suites/projector.suite';
import { openTestRedis } from '../support/int-redis';
import { databaseSpecRedis } from '../support/spec-redis';

jest.setTimeout(90_000);

// On the int tier's single broker and one database of its Redis (14: nobody else uses it).
describeProjector('one Redis', () => ({
  services: { suite: 'projector', redisDb: 14 },
  openRedis: async (services) =>
    databaseSpecRedis(await openTestRedis(services.redisUrl, 'int-projector-spec')),
}));
