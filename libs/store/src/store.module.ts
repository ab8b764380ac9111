import { Global, Module } from '@nestjs/common';
import { MemoryReplayStore } from './memory/memory-replay.store';
import { MemoryRevocationStore } from './memory/memory-revocation.store';
import { MemoryTokenStore } from './memory/memory-token.store';
import { REPLAY_STORE, REVOCATION_STORE, TOKEN_STORE } from './store.ports';

/** Binds the store ports. In-memory adapters for one-process use; Redis comes with REDIS_URL. */
@Global()
@Module({
  providers: [
    { provide: TOKEN_STORE, useClass: MemoryTokenStore },
    { provide: REVOCATION_STORE, useClass: MemoryRevocationStore },
    { provide: REPLAY_STORE, useClass: MemoryReplayStore },
  ],
  exports: [TOKEN_STORE, REVOCATION_STORE, REPLAY_STORE],
})
export class StoreModule {}
