import { Module } from '@nestjs/common';
import { LIFECYCLE_SUBSCRIPTION } from '@app/events';
import { AdminApiModule } from './admin/admin-api.module';
import { RevocationController } from './revocation.controller';
import { RevokeTokenUseCase } from './revoke-token.usecase';
import { EventProjector, PROJECTOR_SUBSCRIPTION } from './projector/event.projector';
import { LifecycleEventsConsumer } from './projector/lifecycle-events.consumer';

@Module({
  imports: [AdminApiModule],
  controllers: [RevocationController, LifecycleEventsConsumer],
  providers: [
    RevokeTokenUseCase,
    EventProjector,
    // Where PROJECTOR is on, the platform runs LifecycleEventsConsumer in this group.
    { provide: LIFECYCLE_SUBSCRIPTION, useValue: PROJECTOR_SUBSCRIPTION },
  ],
})
export class RevocationModule {}
