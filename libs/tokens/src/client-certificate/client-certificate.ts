import { createHash, X509Certificate } from 'node:crypto';

/**
 * The TLS client certificate of a request (RFC 8705), as DER. It is parsed, and its thumbprint
 * computed, only when something asks: a request whose client and token use no certificate pays
 * for neither.
 */
export class ClientCertificate {
  private parsed?: X509Certificate | null;
  private sha256?: string;

  constructor(readonly der: Buffer) {}

  /** The parsed certificate; null when the bytes are not one (a proxy's header may be anything). */
  get x509(): X509Certificate | null {
    if (this.parsed === undefined) {
      try {
        this.parsed = new X509Certificate(this.der);
      } catch {
        this.parsed = null;
      }
    }
    return this.parsed;
  }

  /**
   * RFC 8705 §3.1 `x5t#S256`: base64url of the SHA-256 of the DER certificate, the value a
   * certificate-bound token's `cnf` carries (node-oidc-provider's certificate_thumbprint).
   */
  get thumbprint(): string {
    return (this.sha256 ??= certificateThumbprint(this.der));
  }
}

export function certificateThumbprint(der: Buffer): string {
  return createHash('sha256').update(der).digest('base64url');
}
