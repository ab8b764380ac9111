import { Module } from '@nestjs/common';
import { ClientTokensRevoker } from './client-tokens.revoker';
import { LifecycleProjection } from './lifecycle.projection';
import { RevocationRecorder } from './revocation.recorder';

/**
 * The lifecycle projection over the stores the process binds (StoreModule, global), and the
 * revocations every writer records through it (the admin API, the registry's writer).
 */
@Module({
  providers: [LifecycleProjection, RevocationRecorder, ClientTokensRevoker],
  exports: [LifecycleProjection, RevocationRecorder, ClientTokensRevoker],
})
export class ProjectionModule {}
