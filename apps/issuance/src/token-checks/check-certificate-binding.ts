import { ClientConfig } from '@app/config';
import { InvalidRequest, OAuthRequest } from '@app/oauth';
import { Confirmation } from '@app/tokens';

/**
 * RFC 8705 §3: a client registered with `tls_client_certificate_bound_access_tokens` gets
 * access tokens bound to the TLS certificate of the request (`cnf.x5t#S256`), whatever its
 * authentication method and grant. Without a certificate there is nothing to bind to, and the
 * client must not get a bearer token instead: `invalid_request` (RFC 6749 §5.2, a request
 * missing something it requires), checked before the grant runs so that no code or refresh
 * token is spent on a request that cannot succeed.
 */
export function certificateBinding(
  client: ClientConfig,
  req: OAuthRequest,
): Confirmation | undefined {
  if (!client.tlsClientCertificateBoundAccessTokens) return undefined;
  const certificate = req.clientCertificate;
  if (!certificate?.x509)
    throw new InvalidRequest(
      "this client's access tokens are bound to its TLS client certificate (RFC 8705 section 3): " +
        'present one',
    );
  return { 'x5t#S256': certificate.thumbprint };
}
