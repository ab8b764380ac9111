import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ClientConfig, isPublicClient } from '@app/config';
import { InvalidGrant, OAuthRequest } from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import {
  AUTHORIZATION_CODE_STORE,
  AuthorizationCodeRecord,
  AuthorizationCodeStore,
  GRANT_STORE,
  GrantStore,
} from '@app/store';
import { tokenDigest, VerifiedDpopProof } from '@app/tokens';
import { AccessTokenMinter } from '../access-token.minter';
import { clientSubject } from '../sign-in/client-subject';
import { codeAudience } from '../sign-in/code-audience';
import { GrantRevoker } from '@app/platform';
import { IdTokenMinter } from '../sign-in/id-token.minter';
import { RefreshTokenMinter } from '../sign-in/refresh-token.minter';
import {
  absoluteDeadline,
  grantsRefreshToken,
  idleDeadline,
} from '../sign-in/refresh-token.policy';
import { checkCodeBinding } from '../token-checks/check-code-binding';
import { checkDpopBinding, DPOP_BINDING_ERRORS } from '../token-checks/check-dpop-binding';
import type { FederatedCredentialUse } from '@app/projection';
import { GrantHandler, SenderBinding, TokenResponse } from './grant-handler';

/** Longer than any code we issue (43 characters); a longer value is not looked up at all. */
const MAX_CODE_LENGTH = 256;
const UNKNOWN_CODE = 'the authorization code is invalid, expired or already used';

/**
 * RFC 6749 §4.1.3 with RFC 7636 §4.6 (PKCE) and OIDC Core §3.1.3: redeems an authorization code
 * once, checks what it is bound to, and answers an access token (RFC 9068 §2.2 claims of the
 * user's authentication), when `openid` was granted an ID token, and a refresh token when the
 * client may have one (grantsRefreshToken).
 */
@Injectable()
export class AuthorizationCodeGrant implements GrantHandler {
  readonly grantType = 'authorization_code';
  readonly parameters = {
    code: 'required',
    redirect_uri: 'required',
    code_verifier: 'required',
    resource: 'repeatable',
  } as const;
  /** RFC 6749 §4.1.3: public clients name themselves with client_id; PKCE binds their code. */
  readonly publicClients = true;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: ClientRegistry,
    @Inject(AUTHORIZATION_CODE_STORE) private readonly codes: AuthorizationCodeStore,
    private readonly revoker: GrantRevoker,
    private readonly accessTokens: AccessTokenMinter,
    private readonly idTokens: IdTokenMinter,
    private readonly refreshTokens: RefreshTokenMinter,
    @Inject(GRANT_STORE) private readonly grants: GrantStore,
  ) {}

  async handle(
    client: ClientConfig,
    req: OAuthRequest,
    binding: SenderBinding = {},
    federated?: FederatedCredentialUse,
  ): Promise<TokenResponse> {
    const code = await this.redeem(req.form.require('code'));
    checkCodeBinding(code, client, req.form);
    checkDpopBinding(code.dpopJkt, binding.dpop, DPOP_BINDING_ERRORS.code);
    const sub = clientSubject(client, code.subject, this.config.signIn.pairwiseSalt);
    const { resource, scopes } = codeAudience(this.config, this.registry, code, req.form);
    const answer = await this.accessTokens.mint({
      client,
      resource,
      scopes,
      grantType: this.grantType,
      subject: sub,
      grantId: code.grantId,
      authentication: { authTime: code.authTime, acr: code.acr, amr: code.amr },
      confirmation: binding.confirmation,
      federated,
    });
    const refreshToken = await this.refreshToken(client, sub, code, binding.dpop);
    const withRefresh =
      refreshToken === undefined ? answer : { ...{}, ...answer, refresh_token: refreshToken };
    // OIDC Core §3.1.3.3: an ID token exactly when the consent granted `openid`.
    if (!code.scopes.includes('openid')) return withRefresh;
    const idToken = await this.idTokens.mint({
      client,
      sub,
      source: code,
      accessToken: answer.access_token,
      grantType: this.grantType,
    });
    return { ...{}, ...withRefresh, id_token: idToken };
  }

  /**
   * The grant's first refresh token, living refresh_token_ttl from the grant's creation. RFC 9449
   * §5: a public client's is bound to the key of the request's DPoP proof, and so is every token
   * of its family; a confidential client's is not (its refreshes are authenticated anyway).
   */
  private async refreshToken(
    client: ClientConfig,
    sub: string,
    code: AuthorizationCodeRecord,
    dpop: VerifiedDpopProof | undefined,
  ): Promise<string | undefined> {
    if (!grantsRefreshToken(client, code.scopes)) return undefined;
    const grant = await this.grants.find(code.grantId);
    if (grant === null) throw new InvalidGrant('the grant is no longer known');
    const now = Date.now();
    return this.refreshTokens.issue(
      {
        family: {
          grantId: code.grantId,
          clientId: client.clientId,
          subject: sub,
          scopes: code.scopes,
          ...(dpop !== undefined && isPublicClient(client.authMethod) ? { jkt: dpop.jkt } : {}),
        },
        grantType: this.grantType,
        authentication: { authTime: code.authTime, acr: code.acr, amr: code.amr },
        absoluteExpiresAt: absoluteDeadline(client, grant.createdAt),
      },
      idleDeadline(client, now),
    );
  }

  /**
   * One atomic step in the store: of concurrent redemptions exactly one gets the code. A code
   * presented again (RFC 6749 §4.1.2: "MUST deny the request and SHOULD revoke all tokens
   * previously issued based on that authorization code") revokes its grant before the refusal,
   * whoever presents it: the owner replaying, or a thief racing the owner.
   */
  private async redeem(code: string): Promise<AuthorizationCodeRecord> {
    const redemption =
      code.length > MAX_CODE_LENGTH ? null : await this.codes.redeem(tokenDigest(code));
    if (redemption === null) throw new InvalidGrant(UNKNOWN_CODE);
    if (redemption.outcome === 'redeemed') return redemption.code;
    await this.revoker.revoke(redemption.clientId, redemption.grantId, 'code_replay');
    throw new InvalidGrant(UNKNOWN_CODE);
  }
}
