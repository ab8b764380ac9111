import { FormParams } from './form-body';

/** What an OAuth endpoint needs of an HTTP request. */
export interface OAuthRequest {
  readonly form: FormParams;
  readonly authorization?: string;
  /**
   * The caller's IP address: the peer, or what a proxy TRUST_PROXY names says in
   * `X-Forwarded-For`. It keys the throttle of failed client authentications.
   */
  readonly sourceAddress: string;
}
