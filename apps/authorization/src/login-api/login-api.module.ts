import { Module } from '@nestjs/common';
import { LOGIN_CONSENT_API } from '@app/oauth';
import { AnswerRecorder } from './answer.recorder';
import { LoginConsentController } from './login-consent.controller';
import { LoginConsentService } from './login-consent.service';
import { LoginProviderGuard } from './login-provider.guard';
import { PendingChallengeReader } from './pending-challenge.reader';

/**
 * The login/consent API (`/oauth2/auth/requests/…`), for `login_provider` clients only. The
 * LoginConsentApi is exported too: the reference login app, mounted in the standalone server,
 * calls it in-process.
 */
@Module({
  controllers: [LoginConsentController],
  providers: [
    PendingChallengeReader,
    AnswerRecorder,
    LoginConsentService,
    LoginProviderGuard,
    { provide: LOGIN_CONSENT_API, useExisting: LoginConsentService },
  ],
  exports: [LOGIN_CONSENT_API],
})
export class LoginApiModule {}
