import { ClientConfig } from '@app/config';
import { ClientCertificate } from '@app/tokens';
import { OAuthRequest } from '../../http/oauth-request';
import { ClientAuthMethodHandler } from '../client-auth-method';

/** The two certificate methods of RFC 8705 §2. */
type CertificateMethod = 'tls_client_auth' | 'self_signed_tls_client_auth';

/** What a request authenticated by its TLS certificate presents (RFC 8705 §2). */
export interface CertificateCredentials<M extends CertificateMethod> {
  readonly method: M;
  readonly clientId: string;
  readonly certificate?: ClientCertificate;
}

/**
 * What the two mutual-TLS methods of RFC 8705 §2 share: the client names itself with
 * `client_id` in the form (§2.1.1, §2.2.1), the certificate comes from the connection (or a
 * trusted proxy's `Client-Cert` header), and the method is the one the client registered, never
 * guessed from the request (a certificate may be sent to any endpoint). How the certificate is
 * judged is each method's own.
 */
export abstract class CertificateAuthMethod<
  M extends CertificateMethod,
> implements ClientAuthMethodHandler<CertificateCredentials<M>> {
  abstract readonly method: M;
  abstract readonly throttled: boolean;
  readonly presentsCredentials = true;
  readonly chosenByRegistration = true;
  readonly usesAuthorizationHeader = false;

  /** Only ever asked of a request that names its client alone (chosenByRegistration). */
  isPresentedIn(req: OAuthRequest): boolean {
    return req.form.has('client_id');
  }

  read(req: OAuthRequest): CertificateCredentials<M> {
    return {
      method: this.method,
      clientId: req.form.require('client_id'),
      certificate: req.clientCertificate,
    };
  }

  abstract recognises(client: ClientConfig, presented: CertificateCredentials<M>): boolean;

  abstract verify(
    client: ClientConfig | undefined,
    presented: CertificateCredentials<M>,
  ): Promise<boolean>;
}
