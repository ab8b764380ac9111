import { Logger } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { BlockList, isIPv4 } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { ClientCertificate } from './client-certificate';
import { CLIENT_CERT_HEADER, parseClientCertHeader } from './client-cert-header';

const WARN_INTERVAL_MS = 60_000;
const MAX_WARNED_PEERS = 1000;

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
 * of any other peer is ignored, and logged (without its value, at most once a minute per peer)
 * as the forgery it likely is. It is read, and so logged, when something asks for the request's
 * certificate (a certificate method, a bound client, a bound token): the hot path reads nothing.
 * The chain is not checked here: the client authentication method checks it.
 */
export class ClientCertificateSource {
  private readonly proxies = new BlockList();
  private readonly anyProxy: boolean;
  /** When each peer was last warned about: one line a minute per peer, whatever it sends. */
  private readonly warned = new Map<string, number>();

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
        this.warnOnce(peer, `malformed Client-Cert header from trusted proxy ${peer}: ignored`);
        return undefined;
      }
      const from = peer ?? 'an unknown peer';
      this.warnOnce(from, `Client-Cert header from ${from}, not a trusted proxy: ignored`);
    }
    return this.fromConnection(req.socket);
  }

  private warnOnce(peer: string, message: string): void {
    const now = Date.now();
    if (now - (this.warned.get(peer) ?? -Infinity) < WARN_INTERVAL_MS) return;
    if (this.warned.size >= MAX_WARNED_PEERS) this.warned.clear();
    this.warned.set(peer, now);
    this.log.warn(message);
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
