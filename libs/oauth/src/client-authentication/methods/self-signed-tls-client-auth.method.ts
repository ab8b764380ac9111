import { Injectable } from '@nestjs/common';
import { createPublicKey, KeyObject } from 'node:crypto';
import { ClientConfig } from '@app/config';
import { CertificateAuthMethod, CertificateCredentials } from './certificate-auth.method';

type SelfSigned = CertificateCredentials<'self_signed_tls_client_auth'>;

/**
 * RFC 8705 §2.2, self-signed certificate mutual TLS: the client's TLS certificate is good when
 * its public key is one of the keys the client registered in `jwks`. No CA vouches for it, so
 * no chain and no validity dates are checked: the registration is the trust anchor, and the
 * handshake proved the client holds the key. The check is a lookup (no signature), so nothing
 * needs throttling.
 */
@Injectable()
export class SelfSignedTlsClientAuthMethod extends CertificateAuthMethod<'self_signed_tls_client_auth'> {
  readonly method = 'self_signed_tls_client_auth';
  readonly throttled = false;
  /** Each client's registered keys as SPKI DER (base64), computed once per configuration. */
  private readonly keys = new WeakMap<ClientConfig, ReadonlySet<string>>();

  recognises(client: ClientConfig, presented: SelfSigned): boolean {
    if (client.authMethod !== this.method) return false;
    const key = presented.certificate?.x509?.publicKey;
    return key !== undefined && this.registeredKeys(client).has(spki(key));
  }

  async verify(client: ClientConfig | undefined, presented: SelfSigned): Promise<boolean> {
    return client !== undefined && this.recognises(client, presented);
  }

  private registeredKeys(client: ClientConfig): ReadonlySet<string> {
    let keys = this.keys.get(client);
    if (!keys) {
      keys = new Set(
        (client.jwks?.keys ?? []).flatMap((jwk) => {
          try {
            return [spki(createPublicKey({ key: jwk as never, format: 'jwk' }))];
          } catch {
            return [];
          }
        }),
      );
      this.keys.set(client, keys);
    }
    return keys;
  }
}

const spki = (key: KeyObject): string =>
  key.export({ type: 'spki', format: 'der' }).toString('base64');
