import { decodeProtectedHeader } from 'jose';
import { KeyRotatedV2, LifecycleEvent } from '@app/events';
import { KeyRingSync } from '@app/platform';
import { TokenValidator } from '@app/resource-server';
import { MemoryRevocationStore, REVOCATION_STORE } from '@app/store';
import { CLIENTS, RESOURCES } from '../fixtures/test-registry';
import { OAuthClient } from '../support/oauth-client';
import { basicAuthorization, clientAuth, HttpResponse, send } from '../support/oauth-http';
import { rsOutcome } from '../support/rs-validation';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

const ADMIN = basicAuthorization(CLIENTS.admin.clientId, CLIENTS.admin.secret);
const PREPUBLICATION_MS = 2_000;

type KeyRotated = LifecycleEvent<'key.rotated'> & { data: KeyRotatedV2 };

/**
 * Runtime signing-key rotation through the admin API (README "Signing keys"): the new key is in
 * the JWKS at once, tokens keep the old kid until the pre-publication delay has passed, then
 * carry the new one; the old key stays until every token it signed has expired, then leaves.
 * Each step is a `key.rotated` v2 on the log and a notice validators act on at once.
 */
describe('signing-key rotation through the admin API', () => {
  let server: StandaloneServer;
  let oauth: OAuthClient;
  let validator: TokenValidator;

  beforeAll(async () => {
    server = await startStandaloneServer({
      KEY_PREPUBLICATION_SECONDS: String(PREPUBLICATION_MS / 1000),
    });
    oauth = new OAuthClient(server.config.endpoints);
    validator = new TokenValidator({
      issuer: server.url,
      audience: RESOURCES.orders.identifier,
      jwksUri: server.config.endpoints.jwks,
      revocationFeed: server.app.get<MemoryRevocationStore>(REVOCATION_STORE),
      // Far longer than the test: only the notices can make it fetch a new key.
      jwksMinRefreshMs: 600_000,
    });
    await validator.start();
  });

  afterAll(async () => {
    await validator?.close();
    await server?.close();
  });

  const admin = (method: string, path: string, body?: string, authorization = ADMIN) =>
    send(`${server.url}${path}`, {
      method,
      headers: {
        authorization,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body }),
    });
  const rotate = (body: unknown) => admin('POST', '/admin/keys/rotate', JSON.stringify(body));
  const jwksKids = async () =>
    ((await send(server.config.endpoints.jwks)).body.keys as { kid: string }[]).map((k) => k.kid);
  const ordersToken = () =>
    oauth.accessToken(clientAuth.basic(CLIENTS.basic), {
      resource: RESOURCES.orders.identifier,
    });
  const kidOf = (token: string) => decodeProtectedHeader(token).kid;
  const rotated = () =>
    server
      .events()
      .filter((e): e is KeyRotated => e.type === 'key.rotated' && 'step' in (e.data as object));
  const keysOf = async (): Promise<Record<string, Record<string, unknown>>> => {
    const res = await admin('GET', '/admin/keys');
    expect(res.status).toBe(200);
    return Object.fromEntries((res.body.keys as { kid: string }[]).map((k) => [k.kid, k]));
  };

  describe('who may call it, and what it takes', () => {
    it.each([
      ['no credentials', undefined, 401, 'invalid_client'],
      ['a client that is not an admin', CLIENTS.basic, 403, 'unauthorized_client'],
    ])('refuses %s', async (_, client, status, error) => {
      const authorization = client ? basicAuthorization(client.clientId, client.secret) : '';
      const before = (await jwksKids()).length;
      for (const res of [
        await admin('POST', '/admin/keys/rotate', '{}', authorization),
        await admin('GET', '/admin/keys', undefined, authorization),
      ]) {
        expect([res.status, res.body.error]).toEqual([status, error]);
        expect(res.headers.get('cache-control')).toBe('no-store');
      }
      expect(await jwksKids()).toHaveLength(before);
    });

    it.each([
      ['an unknown algorithm', { alg: 'HS256' }, 'alg must be one of ES256, EdDSA, RS256, PS256'],
      ['an unknown member', { alg: 'ES256', kid: 'mine' }, 'the body has a field'],
      ['a body that is not an object', ['ES256'], 'the body must be a JSON object'],
    ])('refuses %s with 400 invalid_request, making no key', async (_, body, description) => {
      const before = await jwksKids();
      const res = await rotate(body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
      expect(res.body.error_description).toContain(description);
      expect(await jwksKids()).toEqual(before);
    });
  });

  describe('rotating ES256', () => {
    let answer: HttpResponse;
    let newKid: string;
    let oldKid: string;
    let oldToken: string;

    beforeAll(async () => {
      oldToken = await ordersToken();
      oldKid = kidOf(oldToken)!;
      answer = await rotate({ alg: 'ES256' });
      newKid = (answer.body.keys as { kid: string }[] | undefined)?.[0]?.kid ?? '';
    });

    it('answers the new key and when it signs; the key is in the JWKS at once, never its private part', async () => {
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      const [key] = answer.body.keys as Record<string, number | string>[];
      expect(key).toEqual({
        kid: newKid,
        alg: 'ES256',
        status: 'published',
        source: 'runtime',
        created_at: expect.any(Number),
        activate_at: (key!.created_at as number) + PREPUBLICATION_MS,
      });
      expect(await jwksKids()).toEqual(expect.arrayContaining([oldKid, newKid]));
      const jwks = await send(server.config.endpoints.jwks);
      expect(jwks.text).not.toMatch(/"d"/);
      expect((await admin('GET', '/admin/keys')).text).not.toMatch(/"d"/);
    });

    it('recorded key.rotated (v2, published) before answering, and told the validators', async () => {
      const published = rotated().filter((e) => e.data.kid === newKid);
      expect(published.map((e) => e.data.step)).toEqual(['published']);
      expect(published[0]!.dataschema).toBe('urn:token-lifecycle:schema:key.rotated:v2');
      expect(published[0]!.data).toEqual({
        kid: newKid,
        alg: 'ES256',
        jwks_uri: server.config.endpoints.jwks,
        step: 'published',
        activate_at: expect.any(Number),
      });
      expect(JSON.stringify(published)).not.toMatch(/"d"/);
    });

    it('keeps signing with the old key until the pre-publication delay has passed', async () => {
      const keys = await keysOf();
      expect(keys[oldKid]).toMatchObject({ status: 'active', source: 'file' });
      expect(keys[newKid]).toMatchObject({ status: 'published' });
      expect(kidOf(await ordersToken())).toBe(oldKid);
    });

    it('then signs with the new key, accepted by a validator that never refetched on its own', async () => {
      const activateAt = (answer.body.keys as { activate_at: number }[])[0]!.activate_at;
      await new Promise((r) => setTimeout(r, Math.max(0, activateAt - Date.now()) + 50));
      const token = await ordersToken();
      expect(kidOf(token)).toBe(newKid);
      expect(await rsOutcome(validator, token)).toMatchObject({ ok: true });
      // Tokens of the retired key are still good: it stays in the JWKS.
      expect(await rsOutcome(validator, oldToken)).toMatchObject({ ok: true });
      expect(await jwksKids()).toEqual(expect.arrayContaining([oldKid, newKid]));
    });

    it('schedules the old key out of the JWKS once its tokens have expired; other algorithms untouched', async () => {
      const keys = await keysOf();
      const activateAt = keys[newKid]!.activate_at as number;
      const c = server.config;
      const retention = (Math.max(c.maxTokenTtl, c.signIn.idTokenTtl) + 60) * 1000;
      expect(keys[newKid]).toMatchObject({ status: 'active' });
      expect(keys[oldKid]).toMatchObject({
        status: 'retired',
        retire_at: activateAt,
        remove_at: activateAt + retention,
      });
      const others = Object.values(keys).filter((k) => k.alg !== 'ES256');
      expect(others.length).toBeGreaterThan(0);
      for (const k of others) expect(k).toMatchObject({ status: 'active', source: 'file' });
      const steps = rotated().map((e) => [e.data.kid, e.data.step]);
      expect(steps).toEqual(
        expect.arrayContaining([
          [newKid, 'activated'],
          [oldKid, 'retired'],
        ]),
      );
      // Each step once, whichever sync reached it.
      expect(new Set(steps.map((s) => s.join(' '))).size).toBe(steps.length);
    });

    it('removes the old key at its remove_at, and validators drop it at once', async () => {
      const removeAt = (await keysOf())[oldKid]!.remove_at as number;
      const now = jest.spyOn(Date, 'now').mockReturnValue(removeAt);
      try {
        await server.app.get(KeyRingSync).sync();
      } finally {
        now.mockRestore();
      }
      expect(await jwksKids()).not.toContain(oldKid);
      expect(
        rotated()
          .filter((e) => e.data.kid === oldKid)
          .map((e) => e.data.step),
      ).toEqual(['retired', 'removed']);
      // The notice made the validator refetch: the old key's tokens are refused from now on.
      const deadline = Date.now() + 2_000;
      let outcome = await rsOutcome(validator, oldToken);
      while (outcome.ok && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        outcome = await rsOutcome(validator, oldToken);
      }
      expect(outcome).toMatchObject({ ok: false, error: { error: 'invalid_token' } });
      expect(await rsOutcome(validator, await ordersToken())).toMatchObject({ ok: true });
    });
  });

  it('rotates every algorithm in use when no alg is given', async () => {
    const before = await keysOf();
    const res = await rotate({});
    expect(res.status).toBe(200);
    const algs = (res.body.keys as { alg: string }[]).map((k) => k.alg).sort();
    const inUse = [...new Set(Object.values(before).map((k) => k.alg as string))].sort();
    expect(algs).toEqual(inUse);
  });
});
