import { X509Certificate } from 'node:crypto';
import {
  canonicalDistinguishedName,
  ipBytes,
  parseDistinguishedName,
  TlsClientAuthField,
} from '@app/config';
import { PKI_CLIENT, SELF_SIGNED } from '../../../../test/fixtures/mtls-certificates';
import { certificateHasName, subjectAltNames } from './tls-client-auth.names';

const cert = new X509Certificate(PKI_CLIENT);
const dn = (s: string) => canonicalDistinguishedName(parseDistinguishedName(s)!);
const name = (field: TlsClientAuthField, value: string) => ({ field, value });

describe('certificateHasName (RFC 8705 §2.1.2)', () => {
  describe('tls_client_auth_subject_dn: the subject, exactly', () => {
    it.each([
      ['as RFC 4514 writes it', 'CN=svc-pki,O=Acme\\, Inc.,C=DE'],
      ['with spaces after the commas and types in lower case', 'cn=svc-pki, o=Acme\\, Inc., c=DE'],
      ['with a hex-escaped comma', 'CN=svc-pki,O=Acme\\2C Inc.,C=DE'],
    ])('matches the subject %s', (_, registered) => {
      expect(certificateHasName(cert, name('tls_client_auth_subject_dn', dn(registered)))).toBe(
        true,
      );
    });

    it.each([
      ['another CN', 'CN=svc-other,O=Acme\\, Inc.,C=DE'],
      ['a value differing in case', 'CN=SVC-PKI,O=Acme\\, Inc.,C=DE'],
      ['the RDNs in the other order', 'C=DE,O=Acme\\, Inc.,CN=svc-pki'],
      ['an RDN fewer', 'CN=svc-pki,O=Acme\\, Inc.'],
      ['an RDN more', 'CN=svc-pki,OU=x,O=Acme\\, Inc.,C=DE'],
    ])('refuses %s', (_, registered) => {
      expect(certificateHasName(cert, name('tls_client_auth_subject_dn', dn(registered)))).toBe(
        false,
      );
    });
  });

  it.each([
    ['tls_client_auth_san_dns', 'svc-pki.example', true],
    ['tls_client_auth_san_dns', 'other.example', false],
    ['tls_client_auth_san_uri', 'https://svc-pki.example/client', true],
    ['tls_client_auth_san_uri', 'https://svc-pki.example/', false],
    ['tls_client_auth_san_ip', ipBytes('10.0.0.7')!, true],
    ['tls_client_auth_san_ip', ipBytes('2001:db8::1')!, true],
    ['tls_client_auth_san_ip', ipBytes('10.0.0.8')!, false],
    ['tls_client_auth_san_email', 'svc-pki@example.com', true],
    ['tls_client_auth_san_email', 'other@example.com', false],
  ] as const)('%s %s: %s', (field, value, expected) => {
    expect(certificateHasName(cert, name(field, value))).toBe(expected);
  });

  it('does not take a name of one kind for another (a DNS name registered as a URI)', () => {
    expect(certificateHasName(cert, name('tls_client_auth_san_uri', 'svc-pki.example'))).toBe(
      false,
    );
    expect(certificateHasName(cert, name('tls_client_auth_san_email', 'svc-pki.example'))).toBe(
      false,
    );
  });

  it('finds no SAN in a certificate without the extension', () => {
    const plain = new X509Certificate(SELF_SIGNED);
    expect(certificateHasName(plain, name('tls_client_auth_san_dns', 'svc-self'))).toBe(false);
  });
});

describe('subjectAltNames', () => {
  it("reads Node's printing, quoted values included", () => {
    expect(
      subjectAltNames('DNS:a.example, URI:"https://x.example/a,b", IP Address:10.0.0.1'),
    ).toEqual([
      ['DNS', 'a.example'],
      ['URI', 'https://x.example/a,b'],
      ['IP Address', '10.0.0.1'],
    ]);
  });
});
