import { Module } from '@nestjs/common';
import { KeysController } from './keys.controller';
import { ListKeysUseCase } from './list-keys.usecase';
import { RotateKeysUseCase } from './rotate-keys.usecase';

/** Runtime signing-key rotation and the key listing (README "Admin API: signing keys"). */
@Module({
  controllers: [KeysController],
  providers: [RotateKeysUseCase, ListKeysUseCase],
})
export class KeysModule {}
