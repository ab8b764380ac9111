import { SELF_SIGNED_JWK } from '../../../test/fixtures/mtls-certificates';
import { canonicalDistinguishedName, parseDistinguishedName } from './distinguished-name';
import { parseRegistryFile } from './registry-file.parser';
import { ipBytes } from './tls-client.parser';

const resource = { identifier: 'https://orders.example.com', scopes: ['orders:read'] };
const pki = {
  client_id: 'svc-pki',
  token_endpoint_auth_method: 'tls_client_auth',
  tls_client_auth_san_dns: 'Svc.Example.COM',
  grant_types: ['client_credentials'],
  resources: [resource.identifier],
};
const parse = (client: Record<string, unknown>) =>
  parseRegistryFile({ resources: [resource], clients: [client] }).clients[0]!;

describe('RFC 8705 client registration', () => {
  it('reads a tls_client_auth client: its one name, comparable, and no credentials', () => {
    const sut = parse(pki);
    expect(sut).toMatchObject({
      authMethod: 'tls_client_auth',
      tlsClientAuth: { field: 'tls_client_auth_san_dns', value: 'svc.example.com' },
      tlsClientCertificateBoundAccessTokens: false,
    });
    expect(sut.secret).toBeUndefined();
    expect(sut.jwks).toBeUndefined();
  });

  it.each([
    [
      'tls_client_auth_subject_dn',
      'CN=svc, O=Example',
      canonicalDistinguishedName([[['CN', 'svc']], [['O', 'Example']]]),
    ],
    ['tls_client_auth_san_uri', 'https://svc.example.com/', 'https://svc.example.com/'],
    ['tls_client_auth_san_ip', '::ffff:10.0.0.1', ipBytes('10.0.0.1')],
    ['tls_client_auth_san_email', 'svc@example.com', 'svc@example.com'],
  ])('reads %s', (field, value, expected) => {
    const { tls_client_auth_san_dns: _, ...rest } = pki;
    expect(parse({ ...rest, [field]: value }).tlsClientAuth).toEqual({ field, value: expected });
  });

  it.each([
    ['no name', { tls_client_auth_san_dns: undefined }, /exactly one of/],
    ['two names', { tls_client_auth_san_uri: 'https://a.example/' }, /exactly one of/],
    [
      'a malformed DN',
      { tls_client_auth_san_dns: undefined, tls_client_auth_subject_dn: 'CN' },
      /RFC 4514/,
    ],
    [
      'a malformed IP',
      { tls_client_auth_san_dns: undefined, tls_client_auth_san_ip: '10.0.0' },
      /IPv4 or IPv6/,
    ],
    ['a secret beside the certificate', { client_secret: 'a-long-enough-secret' }, /client_secret/],
    [
      'a non-boolean binding flag',
      { tls_client_certificate_bound_access_tokens: 'true' },
      /JSON boolean/,
    ],
  ])('refuses %s', (_, over, message) => {
    expect(() => parse({ ...pki, ...over })).toThrow(message);
  });

  it('refuses a certificate name on a client of another method', () => {
    expect(() =>
      parse({
        client_id: 'svc',
        client_secret: 'a-long-enough-secret',
        tls_client_auth_san_dns: 'svc.example.com',
      }),
    ).toThrow(/clients\[0\]\.tls_client_auth_san_dns: is for clients with .*tls_client_auth/);
  });

  it('reads a self_signed_tls_client_auth client with its jwks, and refuses a jwks_uri', () => {
    const self = {
      client_id: 'svc-self',
      token_endpoint_auth_method: 'self_signed_tls_client_auth',
      jwks: { keys: [SELF_SIGNED_JWK] },
    };
    expect(parse(self)).toMatchObject({ jwks: { keys: [SELF_SIGNED_JWK] } });
    expect(() =>
      parse({ ...self, jwks: undefined, jwks_uri: 'https://svc.example.com/jwks' }),
    ).toThrow(/self_signed_tls_client_auth needs jwks/);
  });

  it('binds tokens of a client of any method that asks for it', () => {
    expect(
      parse({
        client_id: 'svc',
        client_secret: 'a-long-enough-secret',
        tls_client_certificate_bound_access_tokens: true,
      }).tlsClientCertificateBoundAccessTokens,
    ).toBe(true);
  });
});

describe('parseDistinguishedName (RFC 4514)', () => {
  it.each([
    ['CN=a,O=b', [[['CN', 'a']], [['O', 'b']]]],
    ['cn = a , o = b', [[['CN', 'a']], [['O', 'b']]]],
    [
      'CN=a\\,b\\+c,OU=x+OU=y',
      [
        [['CN', 'a,b+c']],
        [
          ['OU', 'x'],
          ['OU', 'y'],
        ],
      ],
    ],
    ['CN=caf\\C3\\A9', [[['CN', 'café']]]],
    ['2.5.4.3=a', [[['2.5.4.3', 'a']]]],
  ])('reads %s', (dn, expected) => {
    expect(parseDistinguishedName(dn)).toEqual(expected);
  });

  it.each(['', 'CN', '=a', 'CN=', 'CN=a\\', 'CN=#04024869', 'C N=a'])('refuses "%s"', (dn) => {
    expect(parseDistinguishedName(dn)).toBeNull();
  });

  it('compares multi-valued RDNs whatever their attribute order', () => {
    const a = canonicalDistinguishedName(parseDistinguishedName('OU=x+CN=a')!);
    expect(canonicalDistinguishedName(parseDistinguishedName('CN=a+OU=x')!)).toBe(a);
  });
});

describe('ipBytes', () => {
  it('writes IPv4, mapped IPv4 and every IPv6 spelling alike', () => {
    expect(ipBytes('10.0.0.1')).toBe(ipBytes('::ffff:10.0.0.1'));
    expect(ipBytes('2001:DB8:0:0:0:0:0:1')).toBe(ipBytes('2001:db8::1'));
    expect(ipBytes('::1')).toBe('00000000000000000000000000000001');
    expect(ipBytes('10.0.0.1')).not.toBe(ipBytes('10.0.0.2'));
    expect(ipBytes('example.com')).toBeNull();
  });
});
