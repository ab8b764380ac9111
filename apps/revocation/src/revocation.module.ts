import { Module } from '@nestjs/common';
import { AdminApiModule } from './admin/admin-api.module';
import { RevocationController } from './revocation.controller';
import { RevokeTokenUseCase } from './revoke-token.usecase';
import { EventProjector } from './projector/event.projector';

@Module({
  imports: [AdminApiModule],
  controllers: [RevocationController],
  providers: [RevokeTokenUseCase, EventProjector],
})
export class RevocationModule {}
