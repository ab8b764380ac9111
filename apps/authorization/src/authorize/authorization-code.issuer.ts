import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  AUTHORIZATION_CODE_STORE,
  AuthorizationCodeStore,
  GrantRecord,
  InteractionChallenge,
  PendingAuthorizationRequest,
} from '@app/store';
import { randomId, tokenDigest } from '@app/tokens';

/**
 * Mints an authorization code (RFC 6749 §4.1.2): 256 random bits, base64url; only its SHA-256
 * digest is stored, for AUTHORIZATION_CODE_TTL_SECONDS, bound to the client, the redirect URI,
 * the PKCE challenge, the nonce, the grant, the sign-in it came from and the DPoP key named by
 * `dpop_jkt` (RFC 6749 §4.1.3, RFC 7636 §4.6, OIDC Core §3.1.3.2, RFC 9449 §10). The code is returned to be sent, never logged.
 */
@Injectable()
export class AuthorizationCodeIssuer {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(AUTHORIZATION_CODE_STORE) private readonly codes: AuthorizationCodeStore,
  ) {}

  async issue(
    challenge: InteractionChallenge,
    request: PendingAuthorizationRequest,
    grant: GrantRecord,
  ): Promise<string> {
    const code = randomId(32);
    await this.codes.save(
      tokenDigest(code),
      {
        clientId: request.clientId,
        redirectUri: request.redirectUri,
        codeChallenge: request.codeChallenge,
        codeChallengeMethod: request.codeChallengeMethod,
        ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
        grantId: grant.grantId,
        subject: grant.subject,
        scopes: grant.scopes,
        resources: grant.resources,
        authTime: grant.authTime,
        ...(grant.acr === undefined ? {} : { acr: grant.acr }),
        amr: grant.amr,
        ...(challenge.sid === undefined ? {} : { sid: challenge.sid }),
        idTokenClaims: grant.idTokenClaims,
        ...(request.dpopJkt === undefined ? {} : { dpopJkt: request.dpopJkt }),
      },
      Date.now() + this.config.signIn.codeTtl * 1000,
    );
    return code;
  }
}
