import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ClientConfig } from '@app/config';
import { ClientCertificate } from '@app/tokens';
import { CertificateChainCheck } from '../tls-client-auth.chain';
import { certificateHasName } from '../tls-client-auth.names';
import { CertificateAuthMethod, CertificateCredentials } from './certificate-auth.method';

/** Certificates verified for a client, kept so that a client's next request costs one hash. */
const MAX_VERIFIED = 10_000;

type Pki = CertificateCredentials<'tls_client_auth'>;

/**
 * RFC 8705 §2.1, PKI mutual TLS: the client names itself with `client_id` and is authenticated
 * by its TLS certificate, which must chain to a CA of TLS_CLIENT_CA_FILE and carry exactly the
 * name the client registered (`tls_client_auth_subject_dn` or one `tls_client_auth_san_*`).
 * The TLS handshake proved the client holds the certificate's key. Checking the chain costs a
 * signature verification, so failures are throttled like an assertion's, and a certificate that
 * passed is recognised by its thumbprint until it expires (for the same client configuration:
 * a changed registration checks it again).
 */
@Injectable()
export class TlsClientAuthMethod extends CertificateAuthMethod<'tls_client_auth'> {
  readonly method = 'tls_client_auth';
  readonly throttled = true;
  private readonly chain: CertificateChainCheck;
  /** `clientId` and thumbprint → the configuration it was verified for, and until when. */
  private readonly verified = new Map<string, { client: ClientConfig; until: number }>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super();
    this.chain = new CertificateChainCheck(config.mtls.clientCa);
  }

  recognises(client: ClientConfig, presented: Pki): boolean {
    if (!presented.certificate) return false;
    const key = `${client.clientId}\n${presented.certificate.thumbprint}`;
    const entry = this.verified.get(key);
    if (!entry) return false;
    if (entry.client === client && Date.now() <= entry.until) return true;
    this.verified.delete(key);
    return false;
  }

  async verify(client: ClientConfig | undefined, presented: Pki): Promise<boolean> {
    if (client?.authMethod !== this.method || !client.tlsClientAuth) return false;
    const cert = presented.certificate?.x509;
    if (!cert || !this.chain.verifies(cert) || !certificateHasName(cert, client.tlsClientAuth))
      return false;
    this.remember(client, presented.certificate!, Date.parse(cert.validTo));
    return true;
  }

  private remember(client: ClientConfig, certificate: ClientCertificate, until: number): void {
    // Oldest out: the map stays bounded whatever the number of certificates seen.
    if (this.verified.size >= MAX_VERIFIED)
      this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(`${client.clientId}\n${certificate.thumbprint}`, { client, until });
  }
}
