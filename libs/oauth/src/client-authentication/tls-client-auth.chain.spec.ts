import { X509Certificate } from 'node:crypto';
import {
  FIXTURE_CA,
  FOREIGN_CLIENT,
  OTHER_CA,
  PKI_CLIENT,
  SELF_SIGNED,
} from '../../../../test/fixtures/mtls-certificates';
import { CertificateChainCheck } from './tls-client-auth.chain';

const client = new X509Certificate(PKI_CLIENT);

describe('CertificateChainCheck (RFC 8705 §2.1)', () => {
  const sut = new CertificateChainCheck([FIXTURE_CA]);

  it('accepts a certificate issued and signed by a configured CA', () => {
    expect(sut.verifies(client)).toBe(true);
  });

  it('accepts it when its CA is any of several configured', () => {
    expect(new CertificateChainCheck([OTHER_CA, FIXTURE_CA]).verifies(client)).toBe(true);
  });

  it('refuses one from a CA of the same name but another key', () => {
    expect(sut.verifies(new X509Certificate(FOREIGN_CLIENT))).toBe(false);
    expect(new CertificateChainCheck([OTHER_CA]).verifies(client)).toBe(false);
  });

  it('refuses a self-signed certificate', () => {
    expect(sut.verifies(new X509Certificate(SELF_SIGNED))).toBe(false);
  });

  it('refuses a certificate outside its validity (expired, or not yet valid)', () => {
    const after = new Date(Date.parse(client.validTo) + 1000);
    const before = new Date(Date.parse(client.validFrom) - 1000);
    expect(sut.verifies(client, after)).toBe(false);
    expect(sut.verifies(client, before)).toBe(false);
    expect(sut.verifies(client, new Date(Date.parse(client.validTo) - 1000))).toBe(true);
  });
});
