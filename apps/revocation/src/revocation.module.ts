import { Module } from '@nestjs/common';
import { RevocationController } from './revocation.controller';
import { RevokeTokenUseCase } from './revoke-token.usecase';

@Module({ controllers: [RevocationController], providers: [RevokeTokenUseCase] })
export class RevocationModule {}
