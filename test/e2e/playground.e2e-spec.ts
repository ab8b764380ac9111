import { readdirSync } from 'node:fs';
import { AuthorizationModule } from '@app/authorization';
import { loadConfig } from '@app/config';
import { createHttpApp, serviceModule } from '@app/platform';
import { ASSETS_DIR, PlaygroundModule } from '@app/playground';
import { freePort } from '../support/free-port';
import { CLIENTS, EXCHANGE_CLIENTS, RESOURCES, TOKEN_EXCHANGE } from '../fixtures/test-registry';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, JWK, KeyLike } from 'jose';
import { clientAssertion } from '../support/client-assertion';
import { dpopKey, dpopProof } from '../support/dpop-proof';
import { clientAuth, JWT_BEARER_ASSERTION_TYPE, postForm, send } from '../support/oauth-http';
import { OAuthClient } from '../support/oauth-client';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

/**
 * The playground's server side over HTTP (README "Playground"): PLAYGROUND switches every
 * route, the page's assets and their CSP, the demo orders API's 200/401/403, and the live-events
 * stream, which carries only the events of tokens the session proved it holds.
 */
jest.setTimeout(30_000);

const KEY_CLIENT = 'playground-service';
/** As in config/dev.json: the sessions' keys too, and a token_exchange policy. */
const EXCHANGE_CLIENT = 'playground-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

interface StreamedEvent {
  type: string;
  subject: string;
  data: Record<string, unknown>;
}

/** Reads a Server-Sent Events stream, parsing each `data:` line as JSON. */
class EventStream {
  readonly events: StreamedEvent[] = [];
  private readonly abort = new AbortController();
  private buffer = '';

  static async open(url: string): Promise<EventStream> {
    const stream = new EventStream();
    const res = await fetch(url, { signal: stream.abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    void stream.read(res.body!.getReader());
    return stream;
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>) {
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        this.buffer += decoder.decode(value, { stream: true });
        const frames = this.buffer.split('\n\n');
        this.buffer = frames.pop()!;
        for (const frame of frames) {
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (data) this.events.push(JSON.parse(data.slice(6)));
        }
      }
    } catch {
      // Aborted by close().
    }
  }

  async until(predicate: (e: StreamedEvent) => boolean): Promise<void> {
    for (let i = 0; i < 100 && !this.events.some(predicate); i++)
      await new Promise((r) => setTimeout(r, 20));
    if (!this.events.some(predicate)) throw new Error(`not seen in ${JSON.stringify(this.events)}`);
  }

  close() {
    this.abort.abort();
  }
}

describe('the playground over HTTP', () => {
  describe('with PLAYGROUND unset (the split services default)', () => {
    let sut: StandaloneServer;
    beforeAll(async () => (sut = await startStandaloneServer()));
    afterAll(() => sut?.close());

    it.each([
      '/playground',
      '/playground/assets/playground.js',
      '/playground/api/config',
      '/playground/api/jwks',
    ])('has no %s', async (path) => {
      expect((await send(`${sut.url}${path}`)).status).toBe(404);
    });
  });

  describe('in the authorization service (apps/authorization/src/main.ts)', () => {
    let registry: StandaloneServer;
    beforeAll(async () => (registry = await startStandaloneServer()));
    afterAll(() => registry?.close());

    it.each([
      [undefined, 404],
      ['true', 200],
    ])('PLAYGROUND=%s: GET /playground is %s', async (playground, status) => {
      const port = await freePort();
      const config = loadConfig(
        {
          PORT: String(port),
          ISSUER: `http://127.0.0.1:${port}`,
          CONFIG_FILE: registry.config.configFile,
          LOG_LEVEL: 'error',
          ...(playground ? { PLAYGROUND: playground } : {}),
        },
        { port: 3004 },
      );
      const features = [AuthorizationModule, PlaygroundModule];
      const app = await createHttpApp(serviceModule(config, 'authorization', features), config);
      await app.listen(port, '127.0.0.1');
      try {
        expect((await send(`http://127.0.0.1:${port}/playground`)).status).toBe(status);
      } finally {
        await app.close();
      }
    });
  });

  describe('with PLAYGROUND=true and DPOP_NONCE_REQUIRED=true', () => {
    let sut: StandaloneServer;
    beforeAll(async () => {
      sut = await startStandaloneServer({ PLAYGROUND: 'true', DPOP_NONCE_REQUIRED: 'true' });
    });
    afterAll(() => sut?.close());

    it('the demo API asks for its nonce in the proof (RFC 9449 §9), then takes it', async () => {
      const key = await dpopKey();
      const tokenUrl = sut.config.endpoints.token;
      const tokenWith = async (nonce?: string) =>
        postForm(
          tokenUrl,
          { grant_type: 'client_credentials', resource: RESOURCES.orders.identifier },
          {
            ...clientAuth.basic(CLIENTS.basic).headers,
            dpop: await dpopProof({ key, htm: 'POST', htu: tokenUrl, nonce }),
          },
        );
      const first = await tokenWith();
      expect(first.body).toMatchObject({ error: 'use_dpop_nonce' });
      const issued = await tokenWith(first.headers.get('dpop-nonce')!);
      expect(issued.status).toBe(200);
      const token = issued.body.access_token as string;
      const api = `${sut.url}/playground/api/orders`;
      const call = async (nonce?: string) =>
        send(api, {
          headers: {
            authorization: `DPoP ${token}`,
            dpop: await dpopProof({ key, htm: 'GET', htu: api, accessToken: token, nonce }),
          },
        });

      const asked = await call();
      expect(asked.status).toBe(401);
      expect(asked.body).toMatchObject({ error: 'use_dpop_nonce' });
      expect(asked.headers.get('www-authenticate')).toContain(
        'DPoP realm="orders", error="use_dpop_nonce"',
      );
      const nonce = asked.headers.get('dpop-nonce');
      expect(nonce).toBeTruthy();
      const ok = await call(nonce!);
      expect(ok.status).toBe(200);
      // §9: a fresh nonce with each DPoP answer, so the client rotates without a 401.
      expect(ok.headers.get('dpop-nonce')).toBeTruthy();
    });
  });

  describe('with PLAYGROUND=true', () => {
    let sut: StandaloneServer;
    let oauth: OAuthClient;
    beforeAll(async () => {
      sut = await startStandaloneServer(
        { PLAYGROUND: 'true' },
        {
          // As in config/dev.json: private_key_jwt with the playground sessions' keys.
          extraClients: (url) => [
            {
              client_id: KEY_CLIENT,
              token_endpoint_auth_method: 'private_key_jwt',
              jwks_uri: `${url}/playground/api/jwks`,
              grant_types: ['client_credentials'],
              scope: 'orders:read',
              resources: [RESOURCES.orders.identifier],
            },
            {
              client_id: EXCHANGE_CLIENT,
              token_endpoint_auth_method: 'private_key_jwt',
              jwks_uri: `${url}/playground/api/jwks`,
              grant_types: ['client_credentials', TOKEN_EXCHANGE],
              introspects: [RESOURCES.orders.identifier],
              scope: 'ledger:read',
              resources: [RESOURCES.ledger.identifier],
              token_exchange: {
                audiences: [RESOURCES.ledger.identifier],
                delegation: true,
                impersonation: false,
              },
            },
          ],
        },
      );
      oauth = new OAuthClient(sut.config.endpoints);
    });
    afterAll(() => sut?.close());

    const ordersToken = (scope = 'orders:read', auth = clientAuth.basic(CLIENTS.basic)) =>
      oauth.accessToken(auth, {
        resource: RESOURCES.orders.identifier,
        scope,
      });
    const callApi = (token?: string) =>
      send(`${sut.url}/playground/api/orders`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });

    it('serves the page and its modules with a strict CSP and no inline code', async () => {
      const page = await send(`${sut.url}/playground`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = page.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
      expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(page.text).not.toMatch(/<style|style=/);

      const script = await send(`${sut.url}/playground/assets/playground.js`);
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    });

    it('keeps tokens in memory only: no script touches web storage', async () => {
      for (const name of readdirSync(ASSETS_DIR).filter((n) => n.endsWith('.js'))) {
        const script = await send(`${sut.url}/playground/assets/${name}`);
        expect(script.status).toBe(200);
        expect(script.text).not.toMatch(
          /\b(localStorage|sessionStorage|indexedDB|document\.cookie)\b\s*[.[=]/,
        );
      }
    });

    it.each(['..%2Fsrc%2Findex.ts', 'index.ts', '.env', 'missing.js'])(
      'serves nothing else under assets/ (%s)',
      async (name) => {
        expect((await send(`${sut.url}/playground/assets/${name}`)).status).toBe(404);
      },
    );

    it('tells the page the endpoints and the public clients registered for a playground page', async () => {
      const res = await send(`${sut.url}/playground/api/config`);
      expect(res.body).toMatchObject({
        issuer: sut.url,
        endpoints: { token: `${sut.url}/oauth2/token` },
        api: '/playground/api/orders',
        api_url: `${sut.url}/playground/api/orders`,
        resource: RESOURCES.orders.identifier,
        public_clients: [],
        // The exchanging client is not offered for client credentials (it has no orders:read).
        key_clients: [{ client_id: KEY_CLIENT, scope: 'orders:read' }],
        exchange_clients: [
          {
            client_id: EXCHANGE_CLIENT,
            scope: 'ledger:read',
            audiences: [RESOURCES.ledger.identifier],
            delegation: true,
            impersonation: false,
          },
        ],
      });
    });

    it('the demo API answers 401 without a token, 200 with one, 401 once it is revoked', async () => {
      const none = await callApi();
      expect(none.status).toBe(401);
      // RFC 9449 §7.1: the API takes DPoP too, so both schemes are challenged.
      expect(none.headers.get('www-authenticate')).toMatch(
        /^Bearer realm="orders", DPoP realm="orders", algs="[A-Za-z0-9 ]+"$/,
      );

      const token = await ordersToken();
      const ok = await callApi(token);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ caller: CLIENTS.basic.clientId });

      expect((await oauth.revoke({ token }, clientAuth.basic(CLIENTS.basic))).status).toBe(200);
      const revoked = await callApi(token);
      expect(revoked.status).toBe(401);
      expect(revoked.headers.get('www-authenticate')).toContain('error="invalid_token"');
    });

    it('the demo API takes a DPoP-bound token only with a proof of its key (RFC 9449 §7)', async () => {
      const key = await dpopKey();
      const tokenUrl = sut.config.endpoints.token;
      const issued = await oauth.token(
        { grant_type: 'client_credentials', resource: RESOURCES.orders.identifier },
        {
          ...clientAuth.basic(CLIENTS.basic),
          headers: {
            ...clientAuth.basic(CLIENTS.basic).headers,
            dpop: await dpopProof({ key, htm: 'POST', htu: tokenUrl }),
          },
        },
      );
      expect(issued.body.token_type).toBe('DPoP');
      const token = issued.body.access_token as string;
      const api = `${sut.url}/playground/api/orders`;
      const withProof = async (proofKey = key, accessToken = token) =>
        send(api, {
          headers: {
            authorization: `DPoP ${token}`,
            dpop: await dpopProof({ key: proofKey, htm: 'GET', htu: api, accessToken }),
          },
        });

      // §7.2: presented as a bearer token it is refused.
      const asBearer = await callApi(token);
      expect(asBearer.status).toBe(401);
      expect(asBearer.headers.get('www-authenticate')).toMatch(/^Bearer realm="orders", error=/);

      const ok = await withProof();
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ caller: CLIENTS.basic.clientId, bound_to: { jkt: key.jkt } });

      const otherKey = await withProof(await dpopKey());
      expect(otherKey.status).toBe(401);
      expect(otherKey.headers.get('www-authenticate')).toContain('DPoP realm="orders", error=');
      expect((await withProof(key, 'another-token')).body).toMatchObject({
        error: 'invalid_dpop_proof',
      });
      const noProof = await send(api, { headers: { authorization: `DPoP ${token}` } });
      expect(noProof.status).toBe(401);
      expect(noProof.body).toMatchObject({ error: 'invalid_dpop_proof' });

      // A proof is single-use (RFC 9449 §11.1).
      const proof = await dpopProof({ key, htm: 'GET', htu: api, accessToken: token });
      const once = () => send(api, { headers: { authorization: `DPoP ${token}`, dpop: proof } });
      expect((await once()).status).toBe(200);
      expect((await once()).status).toBe(401);

      expect((await oauth.revoke({ token }, clientAuth.basic(CLIENTS.basic))).status).toBe(200);
      const revoked = await withProof();
      expect(revoked.status).toBe(401);
      expect(revoked.body).toMatchObject({ error: 'invalid_token' });
    });

    it('the demo API wants orders:read (403) and a token for orders (401)', async () => {
      const writeOnly = await ordersToken('orders:write');
      expect((await callApi(writeOnly)).status).toBe(403);
      const edge = await oauth.accessToken(clientAuth.basic(CLIENTS.basic), {
        resource: RESOURCES.edge.identifier,
      });
      expect((await callApi(edge)).status).toBe(401);
    });

    describe('its private_key_jwt client, keyed by the sessions (RFC 7523 §2.2)', () => {
      const openSession = async () =>
        (await postForm(`${sut.url}/playground/api/sessions`, {})).body.session as string;
      /** What the page does: a key pair of its own, the public half posted to its session. */
      async function sessionKey(session: string) {
        const { publicKey, privateKey } = await generateKeyPair('ES256');
        const { kty, crv, x, y } = await exportJWK(publicKey);
        const res = await postForm(`${sut.url}/playground/api/sessions/${session}/keys`, {
          jwk: JSON.stringify({ kty, crv, x, y }),
        });
        expect(res.status).toBe(201);
        return { privateKey, kid: res.body.kid as string };
      }
      const tokenWith = (assertion: string) =>
        oauth.token({
          grant_type: 'client_credentials',
          resource: RESOURCES.orders.identifier,
          client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
          client_assertion: assertion,
        });
      const assertionBy = (key: { privateKey: KeyLike; kid: string }) =>
        clientAssertion({
          clientId: KEY_CLIENT,
          key: key.privateKey,
          kid: key.kid,
          audience: sut.url,
        });

      it('publishes the public keys of open sessions at its jwks_uri, under their thumbprints', async () => {
        const key = await sessionKey(await openSession());
        const jwks = await send(`${sut.url}/playground/api/jwks`);
        expect(jwks.status).toBe(200);
        expect(jwks.headers.get('cache-control')).toBe('no-store');
        const published = (jwks.body.keys as JWK[]).find((k) => k.kid === key.kid);
        expect(published).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
        expect(published).not.toHaveProperty('d');
        expect(await calculateJwkThumbprint(published!)).toBe(key.kid);
      });

      it('issues a token for an assertion signed by a session key, once per jti', async () => {
        const key = await sessionKey(await openSession());
        const assertion = await assertionBy(key);
        const issued = await tokenWith(assertion);
        expect(issued.status).toBe(200);
        const claims = JSON.parse(
          Buffer.from((issued.body.access_token as string).split('.')[1]!, 'base64url').toString(),
        );
        expect(claims).toMatchObject({ client_id: KEY_CLIENT, scope: 'orders:read' });
        // RFC 7523 §3 item 7: the same assertion again is refused.
        const replayed = await tokenWith(assertion);
        expect(replayed.status).toBe(401);
        expect(replayed.body).toMatchObject({ error: 'invalid_client' });
      });

      it("learns another page's key a second later, and refuses a key nobody published", async () => {
        await tokenWith(await assertionBy(await sessionKey(await openSession())));
        const later = await sessionKey(await openSession());
        await new Promise((r) => setTimeout(r, 1_100));
        expect((await tokenWith(await assertionBy(later))).status).toBe(200);

        const { privateKey } = await generateKeyPair('ES256');
        const stranger = await tokenWith(await assertionBy({ privateKey, kid: later.kid }));
        expect(stranger.status).toBe(401);
      });

      it('takes no private key, no other key type, and no key for a session it did not open', async () => {
        const session = await openSession();
        const { privateKey } = await generateKeyPair('ES256', { extractable: true });
        const post = (jwk: unknown, id = session) =>
          postForm(`${sut.url}/playground/api/sessions/${id}/keys`, { jwk: JSON.stringify(jwk) });
        const withD = await post(await exportJWK(privateKey));
        expect(withD.status).toBe(400);
        expect(withD.body).toMatchObject({ error: 'invalid_request' });
        expect(withD.body.error_description).toContain('private key');
        expect((await post({ kty: 'oct', k: 'c2VjcmV0' })).status).toBe(400);
        const { kty, crv, x, y } = await exportJWK((await generateKeyPair('ES256')).publicKey);
        expect((await post({ kty, crv, x, y }, 'guessed')).status).toBe(404);
      });
    });

    it('streams to a session the events of the tokens it registered, nobody else’s', async () => {
      const session = (await postForm(`${sut.url}/playground/api/sessions`, {})).body
        .session as string;
      expect(session).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const stream = await EventStream.open(`${sut.url}/playground/api/sessions/${session}/events`);
      try {
        const mine = await ordersToken();
        const theirs = await ordersToken('orders:read', clientAuth.post(CLIENTS.post));
        const register = (token: string, id = session) =>
          postForm(`${sut.url}/playground/api/sessions/${id}/tokens`, { token });
        expect((await register(mine)).status).toBe(204);

        // Its token.issued came before registration: handed over from the recent events.
        const jtiOf = (t: string) =>
          JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()).jti as string;
        await stream.until((e) => e.type === 'token.issued' && e.subject === jtiOf(mine));
        await oauth.revoke({ token: theirs }, clientAuth.post(CLIENTS.post));
        await oauth.revoke({ token: mine }, clientAuth.basic(CLIENTS.basic));
        await stream.until((e) => e.type === 'token.revoked' && e.subject === jtiOf(mine));
        expect(stream.events.map((e) => e.subject)).not.toContain(jtiOf(theirs));
      } finally {
        stream.close();
      }
    });

    it("follows an exchanged token by its jti: another client's exchange of the same token stays out (RFC 8693)", async () => {
      const session = (await postForm(`${sut.url}/playground/api/sessions`, {})).body
        .session as string;
      const stream = await EventStream.open(`${sut.url}/playground/api/sessions/${session}/events`);
      try {
        const subject = await ordersToken();
        const exchange = (client: { clientId: string; secret: string }, resource: string) =>
          oauth.token(
            {
              grant_type: TOKEN_EXCHANGE,
              subject_token: subject,
              subject_token_type: ACCESS_TOKEN_TYPE,
              resource,
            },
            clientAuth.basic(client),
          );
        const other = EXCHANGE_CLIENTS.impersonator;
        expect((await exchange(other, RESOURCES.orders.identifier)).status).toBe(200);
        const mine = await exchange(EXCHANGE_CLIENTS.orders, RESOURCES.ledger.identifier);
        expect(mine.status).toBe(200);
        const token = mine.body.access_token as string;
        const registered = await postForm(`${sut.url}/playground/api/sessions/${session}/tokens`, {
          token,
        });
        expect(registered.status).toBe(204);
        const byMine = (e: StreamedEvent) => e.data.client_id === EXCHANGE_CLIENTS.orders.clientId;
        await stream.until((e) => e.type === 'token.issued' && byMine(e));
        const issued = stream.events.find(byMine)!;
        expect((await exchange(other, RESOURCES.orders.identifier)).status).toBe(200);
        await oauth.revoke({ token }, clientAuth.basic(EXCHANGE_CLIENTS.orders));
        await stream.until((e) => e.type === 'token.revoked' && e.subject === issued.subject);

        // The other client's exchanges, before and after, shared the exchange grant; not shown.
        const shared = sut
          .events()
          .filter(
            (e) =>
              e.type === 'token.issued' &&
              (e.data as { client_id?: string }).client_id === other.clientId &&
              (e.data as { grant_id?: string }).grant_id === issued.data.grant_id,
          );
        expect(shared).toHaveLength(2);
        expect(stream.events.filter((e) => e.data.client_id === other.clientId)).toEqual([]);
      } finally {
        stream.close();
      }
    });

    it('registers only a token the server verifies, on a session it opened', async () => {
      const session = (await postForm(`${sut.url}/playground/api/sessions`, {})).body.session;
      const forged = await postForm(`${sut.url}/playground/api/sessions/${session}/tokens`, {
        token: 'eyJhbGciOiJub25lIn0.eyJqdGkiOiJ4In0.',
      });
      expect(forged.status).toBe(400);
      expect(forged.body).toMatchObject({ error: 'invalid_request' });

      const token = await ordersToken();
      const guessed = await postForm(`${sut.url}/playground/api/sessions/guessed/tokens`, {
        token,
      });
      expect(guessed.status).toBe(404);
      expect((await send(`${sut.url}/playground/api/sessions/guessed/events`)).status).toBe(404);
    });
  });
});
