import { Module } from '@nestjs/common';
import { KeysModule } from './keys/keys.module';
import { AdminClientGuard } from '@app/oauth';
import { ClientsController } from './clients/clients.controller';
import { RegistrationModule } from './registration/registration.module';
import { ResourcesController } from './resources/resources.controller';

/**
 * The registry's write side (issue 14): the admin API for clients, resources and signing keys,
 * initial access tokens, and dynamic client registration (RFC 7591 / RFC 7592). Every change
 * is an event on the registry's log, acknowledged before the call answers; every replica of
 * every service follows the log (libs/registry), so this module holds no state of its own.
 * Mounted by the revocation service (the admin API's home) and the standalone server.
 */
@Module({
  imports: [KeysModule, RegistrationModule],
  controllers: [ClientsController, ResourcesController],
  providers: [AdminClientGuard],
})
export class ManagementModule {}
