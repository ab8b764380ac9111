import { certificateThumbprint, CertificateCarrier, ClientCertificateSource } from '@app/tokens';
import { der, PKI_CLIENT, SELF_SIGNED } from '../../../test/fixtures/mtls-certificates';
import { checkCertificateBinding } from './certificate-binding.check';

const BOUND = der(SELF_SIGNED);
const OTHER = der(PKI_CLIENT);
const cnf = { 'x5t#S256': certificateThumbprint(BOUND) };
const overTls = (cert: Buffer, remoteAddress = '198.51.100.1'): CertificateCarrier => ({
  headers: {},
  socket: { remoteAddress, getPeerCertificate: () => ({ raw: cert }) } as never,
});
const viaProxy = (cert: Buffer, remoteAddress: string): CertificateCarrier => ({
  headers: { 'client-cert': `:${cert.toString('base64')}:` },
  socket: { remoteAddress },
});

describe('checkCertificateBinding (RFC 8705 §3)', () => {
  const warn = jest.fn();
  const sources = new ClientCertificateSource(['10.0.0.1'], { warn });
  const check = (connection?: CertificateCarrier) => () =>
    checkCertificateBinding(cnf, sources, connection);

  it('accepts the token over a connection with the certificate it is bound to', () => {
    expect(check(overTls(BOUND))).not.toThrow();
    expect(check(viaProxy(BOUND, '10.0.0.1'))).not.toThrow();
  });

  it.each([
    ['another certificate', () => overTls(OTHER)],
    ['no certificate', () => ({ headers: {}, socket: { remoteAddress: '198.51.100.1' } })],
    ['no connection given', () => undefined],
    [
      "the right certificate in an untrusted peer's Client-Cert header",
      () => viaProxy(BOUND, '198.51.100.1'),
    ],
  ])('refuses it with %s: 401 invalid_token', (_, connection) => {
    expect(check(connection())).toThrow(
      expect.objectContaining({ status: 401, error: 'invalid_token' }),
    );
  });

  it('does not read the certificate of a token bound to a DPoP key', () => {
    const connection = {
      headers: {},
      socket: { remoteAddress: '198.51.100.1', getPeerCertificate: jest.fn() },
    };
    expect(() =>
      checkCertificateBinding({ jkt: cnf['x5t#S256'] }, sources, connection as never),
    ).not.toThrow();
    expect(connection.socket.getPeerCertificate).not.toHaveBeenCalled();
  });
});
