import { X509Certificate } from 'node:crypto';

/**
 * RFC 8705 §2.1: a `tls_client_auth` certificate is good when it was issued and signed by one of
 * the CAs of TLS_CLIENT_CA_FILE and it and that CA are within their validity now. Each CA of the
 * file is a trust anchor: a deployment whose clients' certificates come from an intermediate
 * lists that intermediate there.
 */
export class CertificateChainCheck {
  private readonly cas: readonly X509Certificate[];

  constructor(caPems: readonly string[]) {
    this.cas = caPems.map((pem) => new X509Certificate(pem));
  }

  verifies(cert: X509Certificate, now = new Date()): boolean {
    if (!withinValidity(cert, now)) return false;
    return this.cas.some(
      (ca) => withinValidity(ca, now) && cert.checkIssued(ca) && cert.verify(ca.publicKey),
    );
  }
}

function withinValidity(cert: X509Certificate, now: Date): boolean {
  const t = now.getTime();
  return Date.parse(cert.validFrom) <= t && t <= Date.parse(cert.validTo);
}
