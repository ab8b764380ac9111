import type { IncomingHttpHeaders } from 'node:http';
import type { ClientCertificate } from '@app/tokens';
import { FormParams } from './form-body';

/**
 * What an endpoint sees of an HTTP request (DESIGN "The request seam"). Everything beyond the
 * form is read on demand: the hot endpoints read the form and at most the Authorization header,
 * so nothing else (cookies, the query, the proxy-resolved address) is parsed for them.
 */
export interface OAuthRequest {
  readonly method: string;
  /** The request target as received: path and query (RFC 9112 §3.2.1 origin-form). */
  readonly url: string;
  /** `url` without its query. */
  readonly path: string;
  /** The query, parsed as strictly as the form (repeats refused) when first read. */
  readonly query: FormParams;
  /** Header names in lower case, as Node delivers them. */
  readonly headers: Readonly<IncomingHttpHeaders>;
  readonly authorization?: string;
  /** The `Cookie` header's cookies (RFC 6265), parsed when first read. */
  readonly cookies: ReadonlyMap<string, string>;
  /**
   * The caller's IP address: the peer, or what a proxy TRUST_PROXY names says in
   * `X-Forwarded-For`. It keys the throttle of failed client authentications.
   */
  readonly sourceAddress: string;
  /**
   * The client's TLS certificate (RFC 8705 §2): of the connection, or of a trusted proxy's
   * `Client-Cert` header (RFC 9440). Read when first asked for.
   */
  readonly clientCertificate?: ClientCertificate;
  /** The `application/x-www-form-urlencoded` body (RFC 6749 §3.1, Appendix B). */
  readonly form: FormParams;
}
