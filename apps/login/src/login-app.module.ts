import { Module } from '@nestjs/common';

/**
 * The reference login and consent app (`/login`, `/consent`): server-rendered HTML, a client of
 * the login/consent API like a company's own login app would be.
 */
@Module({})
export class LoginAppModule {}
