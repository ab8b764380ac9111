import { Logger } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { BlockList, isIPv4 } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { ClientCertificate } from './client-certificate';
import { CLIENT_CERT_HEADER, parseClientCertHeader } from './client-cert-header';

/** What the source reads of a request: its socket (the TCP peer, TLS or not) and headers. */
export interface CertificateCarrier {
  readonly socket: { readonly remoteAddress?: string } | TLSSocket;
  readonly headers: IncomingHttpHeaders;
}

/**
 * Where a request's TLS client certificate comes from (RFC 8705 §2, RFC 9440): the request's own
 * TLS connection when the service terminates TLS, or the `Client-Cert` header when the peer is a
 * TLS-terminating proxy this deployment trusts. The trust is the TCP peer's address, never
 * X-Forwarded-For: whoever may set the header may claim any client's certificate, so the header
 * of any other peer is ignored, and logged (without its value) as the forgery it likely is.
 * The chain is not checked here: the client authentication method checks it.
 */
export class ClientCertificateSource {
  private readonly proxies = new BlockList();
  private readonly anyProxy: boolean;

  constructor(
    trustedProxies: readonly string[],
    private readonly log: Pick<Logger, 'warn'> = new Logger('ClientCertificate'),
  ) {
    for (const entry of trustedProxies) {
      const [address = '', prefix] = entry.split('/');
      const family = isIPv4(address) ? 'ipv4' : 'ipv6';
      if (prefix === undefined) this.proxies.addAddress(address, family);
      else this.proxies.addSubnet(address, Number(prefix), family);
    }
    this.anyProxy = trustedProxies.length > 0;
  }

  /** The certificate the request's client presented, if any. */
  of(req: CertificateCarrier): ClientCertificate | undefined {
    const header = req.headers[CLIENT_CERT_HEADER];
    if (header !== undefined) {
      const peer = req.socket.remoteAddress;
      if (peer !== undefined && this.trusts(peer)) {
        const der = parseClientCertHeader(header);
        if (der) return new ClientCertificate(der);
        this.log.warn(`malformed Client-Cert header from trusted proxy ${peer}: ignored`);
        return undefined;
      }
      this.log.warn(
        `Client-Cert header from ${peer ?? 'an unknown peer'}, not a trusted proxy: ignored`,
      );
    }
    return this.fromConnection(req.socket);
  }

  private trusts(address: string): boolean {
    if (!this.anyProxy) return false;
    // A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return this.proxies.check(mapped[1]!, 'ipv4');
    return this.proxies.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
  }

  private fromConnection(socket: CertificateCarrier['socket']): ClientCertificate | undefined {
    const tls = socket as Partial<TLSSocket>;
    if (typeof tls.getPeerCertificate !== 'function') return undefined;
    // `{}` without a certificate; `raw` is the DER of the one the client sent.
    const der = tls.getPeerCertificate().raw as Buffer | undefined;
    return der && der.length > 0 ? new ClientCertificate(der) : undefined;
  }
}
