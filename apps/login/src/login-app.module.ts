import { Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LimiterLoginFailureThrottle, LOGIN_FAILURE_THROTTLE, REDIS } from '@app/store';
import { ConsentController } from './consent.controller';
import { ShowConsent } from './consent/show-consent.usecase';
import { SubmitConsent } from './consent/submit-consent.usecase';
import { CsrfTokens } from './csrf/csrf.tokens';
import { FormActionSources } from './html/form-action.sources';
import { LoginController } from './login.controller';
import { LoginForm } from './login/login.form';
import { ShowLogin } from './login/show-login.usecase';
import { SubmitLogin } from './login/submit-login.usecase';
import { PlatformApi } from './platform/platform.api';
import { PasswordCheck } from './users/password.check';
import { UserClaims } from './users/user-claims';

/**
 * The reference login and consent app (`/login`, `/consent`): server-rendered HTML, a client of
 * the login/consent API like a company's own login app would be. Failed sign-ins are counted per
 * username in Redis when REDIS_URL is set (every replica sees them), in memory otherwise.
 */
@Module({
  controllers: [LoginController, ConsentController],
  providers: [
    PlatformApi,
    CsrfTokens,
    FormActionSources,
    PasswordCheck,
    UserClaims,
    LoginForm,
    ShowLogin,
    SubmitLogin,
    ShowConsent,
    SubmitConsent,
    {
      provide: LOGIN_FAILURE_THROTTLE,
      inject: [REDIS, APP_CONFIG],
      useFactory: (redis: Redis | null, config: AppConfig) =>
        LimiterLoginFailureThrottle.create(redis, config.signIn.loginApp),
    },
  ],
})
export class LoginAppModule {}
