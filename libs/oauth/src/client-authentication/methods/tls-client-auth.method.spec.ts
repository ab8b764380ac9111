import {
  AppConfig,
  canonicalDistinguishedName,
  ClientConfig,
  parseDistinguishedName,
  SIGN_IN_DEFAULTS,
} from '@app/config';
import { ClientCertificate } from '@app/tokens';
import {
  der,
  FIXTURE_CA,
  FOREIGN_CLIENT,
  PKI_CLIENT,
  SELF_SIGNED,
  SELF_SIGNED_JWK,
} from '../../../../../test/fixtures/mtls-certificates';
import { FormParams } from '../../http/form-body';
import { RequestContext } from '../../http/request-context';
import { SelfSignedTlsClientAuthMethod } from './self-signed-tls-client-auth.method';
import { TlsClientAuthMethod } from './tls-client-auth.method';

const base = {
  ...SIGN_IN_DEFAULTS,
  grantTypes: ['client_credentials'],
  scopes: [],
  resources: [],
  introspects: [],
};
const PKI: ClientConfig = {
  ...base,
  clientId: 'svc-pki',
  authMethod: 'tls_client_auth',
  tlsClientAuth: {
    field: 'tls_client_auth_subject_dn',
    value: canonicalDistinguishedName(parseDistinguishedName('CN=svc-pki,O=Acme\\, Inc.,C=DE')!),
  },
};
const SELF: ClientConfig = {
  ...base,
  clientId: 'svc-self',
  authMethod: 'self_signed_tls_client_auth',
  jwks: { keys: [{ ...SELF_SIGNED_JWK, kid: 'k1', use: 'sig' }] },
};
const request = (clientId: string, pem?: string) =>
  new RequestContext(
    {
      method: 'POST',
      url: '/oauth2/token',
      headers: {},
      ip: '192.0.2.1',
      clientCertificate: pem === undefined ? undefined : new ClientCertificate(der(pem)),
    },
    FormParams.parse('application/x-www-form-urlencoded', `client_id=${clientId}`),
  );

describe('TlsClientAuthMethod (RFC 8705 §2.1)', () => {
  const sut = new TlsClientAuthMethod({ mtls: { clientCa: [FIXTURE_CA] } } as unknown as AppConfig);
  const verify = (client: ClientConfig | undefined, pem?: string) =>
    sut.verify(client, sut.read(request(client?.clientId ?? 'x', pem)));

  it('authenticates a certificate of the CA that carries the registered name', async () => {
    await expect(verify(PKI, PKI_CLIENT)).resolves.toBe(true);
  });

  it.each([
    ['no certificate', PKI, undefined],
    ['the same name from another CA', PKI, FOREIGN_CLIENT],
    ['a self-signed certificate', PKI, SELF_SIGNED],
    [
      'a certificate of the CA with another name',
      { ...PKI, tlsClientAuth: { field: 'tls_client_auth_san_dns', value: 'other.example' } },
      PKI_CLIENT,
    ],
    ['a client of another method', { ...PKI, authMethod: 'client_secret_basic' }, PKI_CLIENT],
    ['an unknown client', undefined, PKI_CLIENT],
  ] as const)('refuses %s', async (_, client, pem) => {
    await expect(verify(client as ClientConfig | undefined, pem)).resolves.toBe(false);
  });

  it('refuses bytes that are not a certificate', async () => {
    const req = new RequestContext(
      {
        method: 'POST',
        url: '/',
        headers: {},
        ip: '192.0.2.1',
        clientCertificate: new ClientCertificate(Buffer.from('junk')),
      },
      FormParams.parse('application/x-www-form-urlencoded', 'client_id=svc-pki'),
    );
    await expect(sut.verify(PKI, sut.read(req))).resolves.toBe(false);
  });

  it('is never recognised without the full check, and its failures are throttled', () => {
    expect(sut.recognises()).toBe(false);
    expect(sut.throttled).toBe(true);
  });
});

describe('SelfSignedTlsClientAuthMethod (RFC 8705 §2.2)', () => {
  const sut = new SelfSignedTlsClientAuthMethod();
  const verify = (client: ClientConfig | undefined, pem?: string) =>
    sut.verify(client, sut.read(request(client?.clientId ?? 'x', pem)));

  it("authenticates a certificate whose public key is in the client's jwks", async () => {
    await expect(verify(SELF, SELF_SIGNED)).resolves.toBe(true);
    expect(sut.recognises(SELF, sut.read(request('svc-self', SELF_SIGNED)))).toBe(true);
  });

  it.each([
    ['no certificate', SELF, undefined],
    ['a certificate of another key, even one a CA vouches for', SELF, PKI_CLIENT],
    ['a client without that key', { ...SELF, jwks: { keys: [] } }, SELF_SIGNED],
    ['a client of another method', { ...SELF, authMethod: 'private_key_jwt' }, SELF_SIGNED],
    ['an unknown client', undefined, SELF_SIGNED],
  ] as const)('refuses %s', async (_, client, pem) => {
    await expect(verify(client as ClientConfig | undefined, pem)).resolves.toBe(false);
  });
});
