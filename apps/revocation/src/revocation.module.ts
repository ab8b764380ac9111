import { Module } from '@nestjs/common';
import { RevocationController } from './revocation.controller';
import { RevokeTokenUseCase } from './revoke-token.usecase';
import { EventProjector } from './projector/event.projector';

@Module({ controllers: [RevocationController], providers: [RevokeTokenUseCase, EventProjector] })
export class RevocationModule {}
