import { describeInitialAccessTokenContract } from '../../../../test/contract/initial-access-token.contract';
import { MemoryInitialAccessTokenStore } from './memory-initial-access-token.store';

describeInitialAccessTokenContract('in-memory', () => new MemoryInitialAccessTokenStore());
