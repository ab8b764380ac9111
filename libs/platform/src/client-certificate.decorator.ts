import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TlsOptions } from 'node:tls';
import { AppConfig } from '@app/config';
import { ClientCertificate, ClientCertificateSource } from '@app/tokens';

/**
 * RFC 8705 §2 with the service terminating TLS itself (TLS_CERT_FILE, TLS_KEY_FILE): every
 * client is asked for a certificate and none is required (`rejectUnauthorized: false`), so
 * clients without one still connect; whether a certificate authenticates its client is the
 * auth method's decision (tls_client_auth checks the chain, self_signed_tls_client_auth the
 * key), not the handshake's. The CAs of TLS_CLIENT_CA_FILE are named in the request.
 */
export function serverTls(config: AppConfig): TlsOptions | undefined {
  const { serverTls: tls, clientCa } = config.mtls;
  if (!tls) return undefined;
  return {
    cert: tls.cert,
    key: tls.key,
    ...(clientCa.length > 0 ? { ca: [...clientCa] } : {}),
    requestCert: true,
    rejectUnauthorized: false,
  };
}

/**
 * `request.clientCertificate`: a getter, so that only the requests that ask for it (a client
 * of a certificate method or with certificate-bound tokens) read the socket or the header.
 */
export function decorateClientCertificate(fastify: FastifyInstance, config: AppConfig): void {
  const source = new ClientCertificateSource(config.mtls.trustedProxies);
  fastify.decorateRequest('clientCertificate', {
    getter(this: FastifyRequest): ClientCertificate | undefined {
      return source.of(this.raw);
    },
  });
}
