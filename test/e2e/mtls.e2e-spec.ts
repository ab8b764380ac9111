import { decodeJwt, JWK } from 'jose';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import {
  createServer as createHttpServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BearerError,
  bearerErrorResponse,
  ResourceServerOptions,
  TokenValidator,
} from '@app/resource-server';
import { loadConfig } from '@app/config';
import { MemoryRevocationStore, REVOCATION_STORE } from '@app/store';
import { CLIENTS, RESOURCES } from '../fixtures/test-registry';
import {
  clientCertHeader,
  ClientIdentity,
  DevCerts,
  makeDevCerts,
  tlsRequest,
} from '../support/mtls';
import { basicAuthorization, send } from '../support/oauth-http';
import { RsJwksServer, startRsJwksServer } from '../support/rs-jwks-server';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

const PKI = 'svc-mtls-pki';
const OTHER = 'svc-mtls-other';
const SELF = 'svc-mtls-self';
const STRANGER = 'svc-mtls-stranger';
const BOUND_SECRET = { clientId: 'svc-mtls-bound', secret: 'bound-secret-0123456789abcdef' };

const clients = (certs: DevCerts): Record<string, unknown>[] => {
  const cc = { grant_types: ['client_credentials'] };
  return [
    {
      ...cc,
      client_id: PKI,
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_subject_dn: `CN=${PKI},O=token-lifecycle development`,
      tls_client_certificate_bound_access_tokens: true,
      scope: 'orders:read ledger:read',
      resources: [RESOURCES.orders.identifier, RESOURCES.ledger.identifier],
    },
    {
      ...cc,
      client_id: OTHER,
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_san_dns: `${OTHER}.client.test`,
      scope: 'orders:read',
      resources: [RESOURCES.orders.identifier],
    },
    {
      ...cc,
      client_id: SELF,
      token_endpoint_auth_method: 'self_signed_tls_client_auth',
      jwks: { keys: [certs.jwk(SELF)] },
      scope: 'orders:read',
      resources: [RESOURCES.orders.identifier],
    },
    {
      ...cc,
      client_id: BOUND_SECRET.clientId,
      client_secret: BOUND_SECRET.secret,
      tls_client_certificate_bound_access_tokens: true,
      scope: 'orders:read',
      resources: [RESOURCES.orders.identifier],
    },
  ];
};

const thumbprint = (pem: string) =>
  createHash('sha256').update(new X509Certificate(pem).raw).digest('base64url');

/**
 * RFC 8705 over real TLS: the standalone service terminates TLS with the development
 * certificates of `npm run mtls:dev-certs`, asks every client for a certificate and requires
 * none; a second and third instance sit behind a (pretended) TLS-terminating proxy and read
 * the `Client-Cert` header (RFC 9440) from a trusted, and from an untrusted, address.
 */
describe('mutual TLS (RFC 8705)', () => {
  let dir: string;
  let certs: DevCerts;
  let server: StandaloneServer;
  const cc = { grant_type: 'client_credentials' };

  const token = (form: Record<string, string>, identity?: ClientIdentity, headers = {}) =>
    tlsRequest(`${server.url}/oauth2/token`, {
      ca: certs.ca,
      identity,
      form: { ...cc, resource: RESOURCES.orders.identifier, ...form },
      headers,
    });
  const introspect = (t: string) =>
    tlsRequest(`${server.url}/oauth2/introspect`, {
      ca: certs.ca,
      form: { token: t },
      headers: {
        authorization: basicAuthorization(
          CLIENTS.introspector.clientId,
          CLIENTS.introspector.secret,
        ),
      },
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mtls-e2e-'));
    certs = makeDevCerts(dir, [PKI, OTHER], [SELF, STRANGER]);
    server = await startStandaloneServer(
      {
        TLS_CERT_FILE: certs.serverCertFile,
        TLS_KEY_FILE: certs.serverKeyFile,
        TLS_CLIENT_CA_FILE: certs.caFile,
      },
      { extraClients: clients(certs), https: true },
    );
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('tls_client_auth (PKI, §2.1)', () => {
    it('authenticates the client by a certificate of the CA with its registered subject', async () => {
      const res = await token({ client_id: PKI }, certs.identity(PKI));
      expect(res.status).toBe(200);
      expect(decodeJwt(res.body.access_token).client_id).toBe(PKI);
    });

    it.each([
      ['the certificate of another client of the same CA', () => certs.identity(OTHER)],
      ['a self-signed certificate', () => certs.identity(SELF)],
      ['no certificate at all', () => undefined],
    ])('refuses %s with 401 invalid_client', async (_, identity) => {
      const res = await token({ client_id: PKI }, identity());
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      expect(res.headers.get('cache-control')).toBe('no-store');
    });

    it('authenticates at introspection and revocation as well', async () => {
      const issued = await token({ client_id: PKI }, certs.identity(PKI));
      const own = { token: issued.body.access_token, client_id: PKI };
      const at = (path: string, identity?: ClientIdentity) =>
        tlsRequest(`${server.url}/oauth2/${path}`, { ca: certs.ca, identity, form: own });
      expect((await at('introspect', certs.identity(PKI))).body.active).toBe(true);
      expect((await at('introspect', certs.identity(OTHER))).status).toBe(401);
      expect((await at('revoke', certs.identity(OTHER))).status).toBe(401);
      expect((await at('revoke', certs.identity(PKI))).status).toBe(200);
      expect((await at('introspect', certs.identity(PKI))).body.active).toBe(false);
    });

    it('authenticates by a registered SAN (dNSName) as well', async () => {
      const res = await token({ client_id: OTHER }, certs.identity(OTHER));
      expect(res.status).toBe(200);
      // Not registered for bound tokens: a plain bearer token.
      expect(decodeJwt(res.body.access_token).cnf).toBeUndefined();
    });
  });

  describe('self_signed_tls_client_auth (§2.2)', () => {
    it('authenticates the client by a certificate whose key is in its jwks', async () => {
      const res = await token({ client_id: SELF }, certs.identity(SELF));
      expect(res.status).toBe(200);
      expect(decodeJwt(res.body.access_token).client_id).toBe(SELF);
    });

    it.each([
      ['a self-signed certificate of another key', () => certs.identity(STRANGER)],
      ['a CA-issued certificate of another key', () => certs.identity(PKI)],
    ])('refuses %s with 401 invalid_client', async (_, identity) => {
      const res = await token({ client_id: SELF }, identity());
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
    });
  });

  it('defaults the issuer to https when the service terminates TLS', () => {
    const config = loadConfig({
      PORT: '3999',
      TLS_CERT_FILE: certs.serverCertFile,
      TLS_KEY_FILE: certs.serverKeyFile,
    });
    expect(config.issuer).toBe('https://localhost:3999');
    expect(config.endpoints.token).toBe('https://localhost:3999/oauth2/token');
  });

  it('lets clients without a certificate connect (requested, not required)', async () => {
    const res = await token({}, undefined, {
      authorization: basicAuthorization(CLIENTS.basic.clientId, CLIENTS.basic.secret),
    });
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token).cnf).toBeUndefined();
  });

  describe('certificate-bound access tokens (§3)', () => {
    it("binds a JWT to the client's certificate: cnf.x5t#S256, token_type Bearer, in token.issued", async () => {
      const res = await token({ client_id: PKI }, certs.identity(PKI));
      expect(res.body.token_type).toBe('Bearer');
      const claims = decodeJwt(res.body.access_token);
      expect(claims.cnf).toEqual({ 'x5t#S256': thumbprint(certs.identity(PKI).cert) });
      const issued = server
        .events()
        .find((e) => e.type === 'token.issued' && e.subject === claims.jti);
      expect(issued?.data).toMatchObject({
        cnf_kind: 'x5t#S256',
        cnf_thumbprint: thumbprint(certs.identity(PKI).cert),
      });
      expect(JSON.stringify(issued)).not.toContain('BEGIN CERTIFICATE');
    });

    it.each([
      ['a JWT', RESOURCES.orders.identifier],
      ['an opaque token', RESOURCES.ledger.identifier],
    ])('answers cnf for %s at introspection, still a Bearer token', async (_, resource) => {
      const issued = await token({ client_id: PKI, resource }, certs.identity(PKI));
      const res = await introspect(issued.body.access_token);
      expect(res.body).toMatchObject({
        active: true,
        token_type: 'Bearer',
        cnf: { 'x5t#S256': thumbprint(certs.identity(PKI).cert) },
      });
    });

    it('binds the token of a client of any method that registered for it', async () => {
      const basic = {
        authorization: basicAuthorization(BOUND_SECRET.clientId, BOUND_SECRET.secret),
      };
      const res = await token({}, certs.identity(STRANGER), basic);
      expect(res.status).toBe(200);
      expect(decodeJwt(res.body.access_token).cnf).toEqual({
        'x5t#S256': thumbprint(certs.identity(STRANGER).cert),
      });
      const without = await token({}, undefined, basic);
      expect(without.status).toBe(400);
      expect(without.body).toMatchObject({ error: 'invalid_request' });
      expect(without.body.error_description).toMatch(/TLS client certificate/);
    });
  });

  it('advertises mTLS in the metadata', async () => {
    const res = await tlsRequest(`${server.url}/.well-known/oauth-authorization-server`, {
      ca: certs.ca,
    });
    expect(res.body.tls_client_certificate_bound_access_tokens).toBe(true);
    for (const field of [
      'token_endpoint_auth_methods_supported',
      'introspection_endpoint_auth_methods_supported',
      'revocation_endpoint_auth_methods_supported',
    ])
      expect(res.body[field]).toEqual(
        expect.arrayContaining(['tls_client_auth', 'self_signed_tls_client_auth']),
      );
    expect(res.body.mtls_endpoint_aliases).toBeUndefined();
  });

  /** libs/resource-server in an API that terminates TLS itself and requests certificates. */
  describe('the resource-server library (§3)', () => {
    let jwks: RsJwksServer;
    let api: Server;
    let apiUrl: string;
    const validators: TokenValidator[] = [];

    const validator = async (overrides: Partial<ResourceServerOptions> = {}) => {
      const v = new TokenValidator({
        issuer: server.url,
        audience: RESOURCES.orders.identifier,
        jwksUri: jwks.url,
        revocationFeed: server.app.get<MemoryRevocationStore>(REVOCATION_STORE),
        ...overrides,
      });
      await v.start();
      validators.push(v);
      return v;
    };
    /** An API that answers 200 for a good token and the library's RFC 6750 error otherwise. */
    const handler = (v: TokenValidator) => async (req: IncomingMessage, res: ServerResponse) => {
      try {
        await v.validate({ authorization: req.headers.authorization, connection: req });
        res.writeHead(200).end('{}');
      } catch (e) {
        if (!(e instanceof BearerError)) throw e;
        const { status, headers, body } = bearerErrorResponse(e, v.realm);
        res.writeHead(status, headers).end(body);
      }
    };
    const listen = async (s: Server, scheme: string) => {
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      return `${scheme}://127.0.0.1:${(s.address() as AddressInfo).port}`;
    };
    const boundToken = async () =>
      (await token({ client_id: PKI }, certs.identity(PKI))).body.access_token as string;
    const call = (t: string, identity?: ClientIdentity) =>
      tlsRequest(`${apiUrl}/orders`, {
        ca: certs.ca,
        identity,
        headers: { authorization: `Bearer ${t}` },
      });

    beforeAll(async () => {
      const keys = (await tlsRequest(`${server.url}/oauth2/jwks`, { ca: certs.ca })).body.keys;
      jwks = await startRsJwksServer({ keys: keys as JWK[] });
      const v = await validator();
      api = createHttpsServer(
        {
          cert: certs.identity('server').cert,
          key: certs.identity('server').key,
          requestCert: true,
          rejectUnauthorized: false,
        },
        (req, res) => void handler(v)(req, res),
      );
      apiUrl = await listen(api, 'https');
    });

    afterAll(async () => {
      await new Promise((resolve) => api?.close(resolve));
      await Promise.all(validators.map((v) => v.close()));
      await jwks?.close();
    });

    it('accepts a bound token over a connection with its certificate', async () => {
      expect((await call(await boundToken(), certs.identity(PKI))).status).toBe(200);
    });

    it.each([
      ['another certificate', () => certs.identity(OTHER)],
      ['no certificate', () => undefined],
    ])('refuses it with %s: 401 invalid_token', async (_, identity) => {
      const res = await call(await boundToken(), identity());
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_token');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
    });

    it('still accepts a bearer token without any certificate', async () => {
      const bearer = await token({ client_id: OTHER }, certs.identity(OTHER));
      expect((await call(bearer.body.access_token)).status).toBe(200);
    });

    it("takes the certificate from a trusted proxy's Client-Cert header, and only from one", async () => {
      const t = await boundToken();
      const behind = async (trusted: readonly string[]) => {
        const s = createHttpServer(
          (req, res) =>
            void validator({ clientCertTrustedProxies: trusted }).then((v) => handler(v)(req, res)),
        );
        const url = await listen(s, 'http');
        try {
          return await send(`${url}/orders`, {
            headers: {
              authorization: `Bearer ${t}`,
              'client-cert': clientCertHeader(certs.identity(PKI).cert),
            },
          });
        } finally {
          await new Promise((resolve) => s.close(resolve));
        }
      };
      expect((await behind(['127.0.0.1'])).status).toBe(200);
      const forged = await behind(['192.0.2.1']);
      expect(forged.status).toBe(401);
      expect(forged.body.error).toBe('invalid_token');
    });
  });
});

/** RFC 9440 behind a TLS-terminating proxy: the header counts only from a trusted address. */
describe('mutual TLS behind a proxy (Client-Cert, RFC 9440)', () => {
  let dir: string;
  let certs: DevCerts;
  const servers: StandaloneServer[] = [];

  const boot = async (trustedProxies: string) => {
    const s = await startStandaloneServer(
      {
        TLS_CLIENT_CA_FILE: certs.caFile,
        CLIENT_CERT_TRUSTED_PROXIES: trustedProxies,
        MTLS_ENDPOINT_BASE_URL: 'https://mtls.as.test',
      },
      { extraClients: clients(certs) },
    );
    servers.push(s);
    return s;
  };
  const asProxy = (s: StandaloneServer, pem: string) =>
    send(`${s.url}/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'client-cert': clientCertHeader(pem),
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: PKI,
        resource: RESOURCES.orders.identifier,
      }).toString(),
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mtls-proxy-e2e-'));
    certs = makeDevCerts(dir, [PKI, OTHER], [SELF]);
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts the header from a trusted proxy address, and binds to that certificate', async () => {
    const s = await boot('127.0.0.0/8');
    const res = await asProxy(s, certs.identity(PKI).cert);
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token).cnf).toEqual({
      'x5t#S256': thumbprint(certs.identity(PKI).cert),
    });
    // The trusted header names the certificate: another client's still authenticates no one else.
    expect((await asProxy(s, certs.identity(OTHER).cert)).status).toBe(401);
  });

  it('ignores the header from an address that is not a trusted proxy', async () => {
    const s = await boot('192.0.2.1');
    const res = await asProxy(s, certs.identity(PKI).cert);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('advertises mtls_endpoint_aliases on the configured host', async () => {
    const s = servers[0] ?? (await boot('127.0.0.1'));
    const metadata = (await send(`${s.url}/.well-known/oauth-authorization-server`)).body;
    expect(metadata.mtls_endpoint_aliases).toEqual({
      token_endpoint: 'https://mtls.as.test/oauth2/token',
      introspection_endpoint: 'https://mtls.as.test/oauth2/introspect',
      revocation_endpoint: 'https://mtls.as.test/oauth2/revoke',
      pushed_authorization_request_endpoint: 'https://mtls.as.test/oauth2/par',
      userinfo_endpoint: 'https://mtls.as.test/oauth2/userinfo',
    });
  });
});
