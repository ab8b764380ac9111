import { createHash } from 'node:crypto';
import { der, PKI_CLIENT, SELF_SIGNED } from '../../../../test/fixtures/mtls-certificates';
import { CertificateCarrier, ClientCertificateSource } from './client-certificate.source';
import { parseClientCertHeader } from './client-cert-header';

const TLS_DER = der(SELF_SIGNED);
const HEADER_DER = der(PKI_CLIENT);
const header = (d: Buffer) => `:${d.toString('base64')}:`;

/** A request as Node delivers it: a TLS socket when `peerCert` is given, else a plain one. */
const request = (
  remoteAddress: string,
  headers: Record<string, string> = {},
  peerCert?: Buffer,
): CertificateCarrier => ({
  headers,
  socket:
    peerCert === undefined
      ? { remoteAddress }
      : ({ remoteAddress, getPeerCertificate: () => ({ raw: peerCert }) } as never),
});

describe('ClientCertificateSource', () => {
  const warn = jest.fn();
  const sut = new ClientCertificateSource(['10.0.0.0/8', '192.0.2.7', '2001:db8::/32'], { warn });
  beforeEach(() => warn.mockClear());

  it("reads the certificate of the request's own TLS connection", () => {
    const cert = sut.of(request('198.51.100.1', {}, TLS_DER));
    expect(cert?.der).toEqual(TLS_DER);
    expect(cert?.thumbprint).toBe(createHash('sha256').update(TLS_DER).digest('base64url'));
    expect(cert?.x509?.subject).toBe('CN=svc-self');
  });

  it('has none for a plain connection, or a TLS one without a client certificate', () => {
    expect(sut.of(request('198.51.100.1'))).toBeUndefined();
    const noCert = {
      headers: {},
      socket: { remoteAddress: '198.51.100.1', getPeerCertificate: () => ({}) },
    } as unknown as CertificateCarrier;
    expect(sut.of(noCert)).toBeUndefined();
  });

  it.each([
    ['an address in a trusted CIDR', '10.1.2.3'],
    ['a trusted address', '192.0.2.7'],
    ['a trusted address as a dual-stack socket reports it', '::ffff:192.0.2.7'],
    ['an IPv6 address in a trusted range', '2001:db8::5'],
  ])("takes the Client-Cert header (RFC 9440) from %s, over the proxy's own TLS", (_, peer) => {
    const cert = sut.of(request(peer, { 'client-cert': header(HEADER_DER) }, TLS_DER));
    expect(cert?.der).toEqual(HEADER_DER);
    expect(warn).not.toHaveBeenCalled();
  });

  it('ignores the header from any other peer, and logs that without its value', () => {
    const forged = header(HEADER_DER);
    expect(sut.of(request('198.51.100.9', { 'client-cert': forged }))).toBeUndefined();
    // The connection's own certificate still counts: the header only is ignored.
    expect(sut.of(request('198.51.100.10', { 'client-cert': forged }, TLS_DER))?.der).toEqual(
      TLS_DER,
    );
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0][0]).toMatch(/198\.51\.100\.9, not a trusted proxy/);
    expect(JSON.stringify(warn.mock.calls)).not.toContain(forged.slice(1, 20));
  });

  it('warns about one peer at most once a minute', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      const local = new ClientCertificateSource([], { warn });
      const forged = () => request('198.51.100.3', { 'client-cert': header(HEADER_DER) });
      local.of(forged());
      local.of(forged());
      local.of(request('198.51.100.4', { 'client-cert': header(HEADER_DER) }));
      expect(warn).toHaveBeenCalledTimes(2);
      jest.advanceTimersByTime(60_000);
      local.of(forged());
      expect(warn).toHaveBeenCalledTimes(3);
    } finally {
      jest.useRealTimers();
    }
  });

  it('trusts no address when no proxy is configured', () => {
    const none = new ClientCertificateSource([], { warn });
    expect(none.of(request('127.0.0.1', { 'client-cert': header(HEADER_DER) }))).toBeUndefined();
    expect(warn).toHaveBeenCalled();
  });

  it('treats a malformed header from a trusted proxy as no certificate', () => {
    expect(sut.of(request('10.0.0.9', { 'client-cert': 'not-a-byte-sequence' }))).toBeUndefined();
    expect(warn.mock.calls[0][0]).toMatch(/malformed Client-Cert header/);
  });
});

describe('parseClientCertHeader (RFC 9440 §2.2, RFC 8941 §3.3.5)', () => {
  it('reads a Byte Sequence', () => {
    expect(parseClientCertHeader(header(HEADER_DER))).toEqual(HEADER_DER);
    expect(parseClientCertHeader(` ${header(HEADER_DER)} `)).toEqual(HEADER_DER);
  });

  it.each([
    ['no colons', HEADER_DER.toString('base64')],
    ['an empty sequence', '::'],
    ['base64url', `:${HEADER_DER.toString('base64url')}:`],
    ['a PEM', `:${PKI_CLIENT}:`],
    ['two values', `${header(HEADER_DER)}, ${header(HEADER_DER)}`],
  ])('refuses %s', (_, value) => {
    expect(parseClientCertHeader(value)).toBeNull();
  });

  it('refuses a repeated header', () => {
    expect(parseClientCertHeader([header(HEADER_DER), header(HEADER_DER)])).toBeNull();
  });
});
