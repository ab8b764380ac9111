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

  describe('recognises a certificate it verified for the client, without the chain check', () => {
    const presented = (pem: string) => sut.read(request('svc-pki', pem));

    it('only after a full check passed, and for that very configuration', async () => {
      const local = new TlsClientAuthMethod({
        mtls: { clientCa: [FIXTURE_CA] },
      } as unknown as AppConfig);
      expect(local.recognises(PKI, presented(PKI_CLIENT))).toBe(false);
      await expect(local.verify(PKI, presented(PKI_CLIENT))).resolves.toBe(true);
      expect(local.recognises(PKI, presented(PKI_CLIENT))).toBe(true);
      // Another certificate, or the client registered anew, is checked again.
      expect(local.recognises(PKI, presented(FOREIGN_CLIENT))).toBe(false);
      expect(local.recognises({ ...PKI }, presented(PKI_CLIENT))).toBe(false);
    });

    it("never one that failed, and not past the certificate's expiry", async () => {
      const local = new TlsClientAuthMethod({
        mtls: { clientCa: [FIXTURE_CA] },
      } as unknown as AppConfig);
      await expect(local.verify(PKI, presented(FOREIGN_CLIENT))).resolves.toBe(false);
      expect(local.recognises(PKI, presented(FOREIGN_CLIENT))).toBe(false);
      await local.verify(PKI, presented(PKI_CLIENT));
      const expiry = Date.parse(new ClientCertificate(der(PKI_CLIENT)).x509!.validTo);
      jest.useFakeTimers({ now: expiry + 1000 });
      try {
        expect(local.recognises(PKI, presented(PKI_CLIENT))).toBe(false);
      } finally {
        jest.useRealTimers();
      }
    });

    it('throttles its failures (a chain check costs a signature)', () => {
      expect(sut.throttled).toBe(true);
    });
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
