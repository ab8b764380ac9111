import { Module } from '@nestjs/common';

/** The login/consent API (`/oauth2/auth/requests/…`), for `login_provider` clients only. */
@Module({})
export class LoginApiModule {}
