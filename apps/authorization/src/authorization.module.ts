import { Module } from '@nestjs/common';
import { LoginApiModule } from './login-api/login-api.module';

/**
 * The front channel (DESIGN "Grants, flows and the registry"): the authorization endpoint, PAR,
 * logout, and the login/consent API the login app answers through.
 */
@Module({ imports: [LoginApiModule] })
export class AuthorizationModule {}
