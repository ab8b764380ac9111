import { Module } from '@nestjs/common';
import { AuthorizationCodeIssuer } from './authorize/authorization-code.issuer';
import { AuthorizeController } from './authorize/authorize.controller';
import { AuthorizeUseCase } from './authorize/authorize.usecase';
import { BrowserSessionStarter } from './authorize/browser-session.starter';
import { ChallengeIssuer } from './authorize/challenge.issuer';
import { ChallengeReturn } from './authorize/challenge.return';
import { DenialRecorder } from './authorize/denial.recorder';
import { GrantRecorder } from './authorize/grant.recorder';
import { AfterConsentStep } from './authorize/steps/after-consent.step';
import { AfterLoginStep } from './authorize/steps/after-login.step';
import { StartSignInStep } from './authorize/steps/start-sign-in.step';
import { BrowserCookies } from './front-channel/browser-cookies';
import { LoginApiModule } from './login-api/login-api.module';
import { LogoutController } from './logout/logout.controller';
import { LogoutUseCase } from './logout/logout.usecase';
import { ParController } from './par/par.controller';
import { PushAuthorizationRequestUseCase } from './par/push-authorization-request.usecase';

/**
 * The front channel (DESIGN "Grants, flows and the registry"): the authorization endpoint, PAR,
 * logout, and the login/consent API the login app answers through.
 */
@Module({
  imports: [LoginApiModule],
  controllers: [AuthorizeController, ParController, LogoutController],
  providers: [
    BrowserCookies,
    AuthorizeUseCase,
    StartSignInStep,
    AfterLoginStep,
    AfterConsentStep,
    ChallengeIssuer,
    ChallengeReturn,
    BrowserSessionStarter,
    DenialRecorder,
    GrantRecorder,
    AuthorizationCodeIssuer,
    PushAuthorizationRequestUseCase,
    LogoutUseCase,
  ],
})
export class AuthorizationModule {}
