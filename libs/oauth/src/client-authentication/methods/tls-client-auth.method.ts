import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ClientConfig } from '@app/config';
import { ClientCertificate } from '@app/tokens';
import { OAuthRequest } from '../../http/oauth-request';
import { ClientAuthMethodHandler } from '../client-auth-method';
import { CertificateChainCheck } from '../tls-client-auth.chain';
import { certificateHasName } from '../tls-client-auth.names';

type Pki = {
  readonly method: 'tls_client_auth';
  readonly clientId: string;
  readonly certificate?: ClientCertificate;
};

/**
 * RFC 8705 §2.1, PKI mutual TLS: the client names itself with `client_id` and is authenticated
 * by its TLS certificate, which must chain to a CA of TLS_CLIENT_CA_FILE and carry exactly the
 * name the client registered (`tls_client_auth_subject_dn` or one `tls_client_auth_san_*`).
 * The TLS handshake proved the client holds the certificate's key. Checking the chain costs a
 * signature verification, so failures are throttled like an assertion's.
 */
@Injectable()
export class TlsClientAuthMethod implements ClientAuthMethodHandler<Pki> {
  readonly method = 'tls_client_auth';
  readonly presentsCredentials = true;
  readonly chosenByRegistration = true;
  readonly usesAuthorizationHeader = false;
  readonly throttled = true;
  private readonly chain: CertificateChainCheck;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.chain = new CertificateChainCheck(config.mtls.clientCa);
  }

  /** Only ever asked of a request that names its client alone (chosenByRegistration). */
  isPresentedIn(req: OAuthRequest): boolean {
    return req.form.has('client_id');
  }

  read(req: OAuthRequest): Pki {
    return {
      method: this.method,
      clientId: req.form.require('client_id'),
      certificate: req.clientCertificate,
    };
  }

  recognises(): boolean {
    return false;
  }

  async verify(client: ClientConfig | undefined, presented: Pki): Promise<boolean> {
    if (client?.authMethod !== this.method || !client.tlsClientAuth) return false;
    const cert = presented.certificate?.x509;
    if (!cert) return false;
    return this.chain.verifies(cert) && certificateHasName(cert, client.tlsClientAuth);
  }
}
