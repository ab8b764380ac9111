import type { IncomingHttpHeaders } from 'node:http';
import type { ClientCertificate } from '@app/tokens';
import { parseCookieHeader } from './cookie-header';
import { FormParams } from './form-body';
import { OAuthRequest } from './oauth-request';

/**
 * What a RequestContext reads of the HTTP request. A FastifyRequest is one; so is a plain object,
 * for a caller that runs an endpoint's use case in-process rather than over HTTP.
 */
export interface HttpRequestLike {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** Fastify resolves X-Forwarded-For (TRUST_PROXY) on every read of `ip`: read once, if at all. */
  readonly ip: string;
  /**
   * The TLS client certificate (RFC 8705): on a FastifyRequest, a getter createHttpApp adds
   * (the TLS connection's, or a trusted proxy's `Client-Cert` header); read once, if at all.
   */
  readonly clientCertificate?: ClientCertificate;
}

/**
 * The OAuthRequest of one HTTP request. The hot path allocates this object and the form, as it
 * did before the seam was widened; cookies, the query and the source address are computed on
 * their first read and kept, and so is the client certificate.
 */
export class RequestContext implements OAuthRequest {
  private cookieJar?: ReadonlyMap<string, string>;
  private queryParams?: FormParams;
  private address?: string;
  private certificate?: ClientCertificate | null;

  constructor(
    private readonly http: HttpRequestLike,
    readonly form: FormParams,
  ) {}

  get method(): string {
    return this.http.method;
  }

  get url(): string {
    return this.http.url;
  }

  get path(): string {
    const q = this.http.url.indexOf('?');
    return q < 0 ? this.http.url : this.http.url.slice(0, q);
  }

  get query(): FormParams {
    if (this.queryParams === undefined) {
      const q = this.http.url.indexOf('?');
      this.queryParams = FormParams.fromQuery(q < 0 ? '' : this.http.url.slice(q + 1));
    }
    return this.queryParams;
  }

  get headers(): Readonly<IncomingHttpHeaders> {
    return this.http.headers;
  }

  get authorization(): string | undefined {
    return this.http.headers.authorization;
  }

  get cookies(): ReadonlyMap<string, string> {
    return (this.cookieJar ??= parseCookieHeader(this.http.headers.cookie));
  }

  get sourceAddress(): string {
    return (this.address ??= this.http.ip);
  }

  get clientCertificate(): ClientCertificate | undefined {
    return (this.certificate ??= this.http.clientCertificate ?? null) ?? undefined;
  }
}
