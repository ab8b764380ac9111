import { ClientAuthMethod, ClientConfig } from '@app/config';
import type { ClientCertificate } from '@app/tokens';
import { OAuthRequest } from '../http/oauth-request';

/** The credentials a request presents, before anything is checked. */
export type PresentedCredentials =
  | { readonly method: 'client_secret_basic'; readonly clientId: string; readonly secret: string }
  | { readonly method: 'client_secret_post'; readonly clientId: string; readonly secret: string }
  | { readonly method: 'private_key_jwt'; readonly clientId?: string; readonly assertion: string }
  | {
      readonly method: 'tls_client_auth' | 'self_signed_tls_client_auth';
      readonly clientId: string;
      readonly certificate?: ClientCertificate;
    }
  | { readonly method: 'none'; readonly clientId: string };

/** A token of a trusted external issuer that authenticated the client (RFC 7523 §2.2). */
export interface FederatedIdentity {
  readonly issuer: string;
  readonly subject: string;
}

/**
 * A check's outcome: refused (false), the client's own credentials (true), or a federated
 * credential, named so that the tokens issued record which workload obtained them.
 */
export type ClientAuthVerdict = boolean | { readonly federated: FederatedIdentity };

/**
 * One client authentication method (RFC 6749 §2.3, RFC 7591 §2 `token_endpoint_auth_method`):
 * adding one is a file implementing this and one line in OAuthModule's list. What every method
 * shares (the unknown-client cost, the failure throttle, the WWW-Authenticate challenge) is
 * ClientAuthenticator's, never a method's.
 */
export interface ClientAuthMethodHandler<P extends PresentedCredentials = PresentedCredentials> {
  readonly method: P['method'] & ClientAuthMethod;
  /**
   * RFC 6749 §2.3: a request uses one method. A method that presents credentials is the
   * request's when they are there; `none` presents none, so it is the request's method only
   * when no other is.
   */
  readonly presentsCredentials: boolean;
  /**
   * RFC 8705 §2: the credentials are outside the message (the TLS client certificate) and the
   * request names its client with `client_id` alone, as a public client's does; so which of
   * these methods, or `none`, the request uses is what its client registered.
   */
  readonly chosenByRegistration?: boolean;
  /** RFC 6749 §5.2: a refused method that used the Authorization header gets its challenge. */
  readonly usesAuthorizationHeader: boolean;
  /**
   * Whether refusals are counted and throttled. The throttle bounds the work a check costs
   * (scrypt, a signature, a key fetch); a method whose check costs nothing needs none.
   */
  readonly throttled: boolean;
  /** Whether the request tries this method, well-formed or not. */
  isPresentedIn(req: OAuthRequest): boolean;
  /** The credentials, read strictly: malformed ones are `invalid_request` or `invalid_client`. */
  read(req: OAuthRequest): P;
  /**
   * True when the credentials are known good for the client without any costly work; false
   * means "not known this cheaply", not "wrong" (see ClientAuthenticator).
   */
  recognises(client: ClientConfig, presented: P): boolean;
  /**
   * The full check, false for any refusal. `client` is undefined for an unknown id, and may be
   * registered for another method: a method whose check has a cost pays it in both cases, so
   * that a refusal does not tell why it happened.
   */
  verify(
    client: ClientConfig | undefined,
    presented: P,
    audiences: readonly string[],
  ): Promise<ClientAuthVerdict>;
}

/** The injection token of the list of ClientAuthMethodHandlers. */
export const CLIENT_AUTH_METHODS = Symbol('ClientAuthMethods');
