import { CertificateCarrier, ClientCertificateSource, Confirmation } from '@app/tokens';
import { InvalidToken } from './bearer.errors';

/**
 * RFC 8705 §3: a token bound to a certificate (`cnf.x5t#S256`) is good only over a connection
 * whose client certificate (its own TLS, or a trusted proxy's `Client-Cert` header) has that
 * thumbprint; without one, or with another, it is `401 invalid_token` (§3 says the resource
 * server rejects it as an invalid token). Only bound tokens come here: a bearer token costs no
 * certificate read. The thumbprint is no secret (any holder of the token reads it), so a plain
 * comparison is enough.
 */
export function checkCertificateBinding(
  cnf: Confirmation,
  certificates: ClientCertificateSource,
  connection: CertificateCarrier | undefined,
): void {
  if (!('x5t#S256' in cnf)) return;
  const certificate = connection && certificates.of(connection);
  if (!certificate)
    throw new InvalidToken('the access token is bound to a TLS client certificate; present it');
  if (certificate.thumbprint !== cnf['x5t#S256'])
    throw new InvalidToken('the access token is bound to another TLS client certificate');
}
