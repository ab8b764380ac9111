import { ClientConfig } from '@app/config';
import { OAuthRequest } from '@app/oauth';
import { Confirmation, VerifiedDpopProof } from '@app/tokens';
import type { FederatedCredentialUse } from '@app/projection';

/** The RFC 6749 §5.1 success body. */
export interface TokenResponse {
  readonly access_token: string;
  /** RFC 9449 §5: `DPoP` when the access token is bound to the client's DPoP key. */
  readonly token_type: 'Bearer' | 'DPoP';
  readonly expires_in: number;
  readonly scope: string;
  readonly refresh_token?: string;
  /** OIDC Core §3.1.3.3: with the authorization_code grant, when `openid` was granted. */
  readonly id_token?: string;
  /** RFC 8693 §2.2.1: with the token-exchange grant, what kind of token `access_token` is. */
  readonly issued_token_type?: string;
}

/**
 * The sender constraint of a token request (token-checks/check-sender-binding.ts): at most one
 * mechanism per request.
 */
export interface SenderBinding {
  /**
   * The request's verified DPoP proof (RFC 9449 §5): a public client's refresh tokens and a
   * `dpop_jkt` code are bound to its key, and only a proof of that key may use them.
   */
  readonly dpop?: VerifiedDpopProof;
  /**
   * What the access token is bound to: the DPoP key (`jkt`, RFC 9449 §6) or the client's TLS
   * certificate (`x5t#S256`, RFC 8705 §3).
   */
  readonly confirmation?: Confirmation;
}

/**
 * How a grant reads one of its parameters:
 * - `required`: absent (or empty, RFC 6749 §3.1) is `invalid_request` before the grant runs;
 * - `optional`: at most once;
 * - `repeatable`: any number of times (RFC 8707 §2 `resource`). Only a name FormParams lets
 *   repeat (REPEATABLE_PARAMETERS) can be: it refuses every other repeat before any grant is
 *   chosen, and GrantRegistry checks the two agree at start.
 */
export type ParameterUse = 'required' | 'optional' | 'repeatable';

/**
 * One grant type: adding a grant is one file implementing this and one line in GRANT_HANDLERS.
 * RFC 6749 §3.1: a parameter the grant does not declare is ignored, never refused.
 */
export interface GrantHandler {
  readonly grantType: string;
  /** The parameters it reads besides `grant_type` and client authentication. */
  readonly parameters: Readonly<Record<string, ParameterUse>>;
  /** RFC 6749 §2.1: whether a public client (token_endpoint_auth_method `none`) may use it. */
  readonly publicClients: boolean;
  /**
   * RFC 8414 §2 `grant_types_supported`: advertised only while some client is registered for
   * it (a grant that needs registration beyond `grant_types`, such as trusted issuers).
   */
  readonly advertisedWhenRegistered?: boolean;
  /**
   * `binding`: what the request proved possession of; absent members: a bearer request.
   * `federated`: the federated credential the client authenticated with (RFC 7523 §2.2), which
   * the access token's `token.issued` records.
   */
  handle(
    client: ClientConfig,
    req: OAuthRequest,
    binding?: SenderBinding,
    federated?: FederatedCredentialUse,
  ): Promise<TokenResponse>;
}

export const GRANT_HANDLERS = Symbol('GrantHandlers');
