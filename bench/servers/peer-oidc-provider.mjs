// The peer: node-oidc-provider configured for the same work as ours — the same client and
// resources from bench.config.json, client_credentials with client_secret_basic, ES256 JWT access
// tokens for one resource and opaque tokens for the other, introspection and revocation enabled.
// Its tokens live in this process only (nothing durable or shared), like its default in-memory
// adapter; but that adapter is an LRU of 1000 entries, which would let the peer forget most
// tokens it issued and answer their introspection and revocation without finding them. The
// adapter below keeps every token until it expires, as our in-memory store does: the same work.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { generateKeyPair, exportJWK } from 'jose';
import Provider, { errors } from 'oidc-provider';

const port = Number(process.argv[2] ?? 3100);
const issuer = `http://127.0.0.1:${port}`;
const config = JSON.parse(readFileSync(new URL('../bench.config.json', import.meta.url), 'utf8'));
const resources = new Map(config.resources.map((r) => [r.identifier, r]));

async function signingKeys() {
  const keys = [];
  for (const alg of ['RS256', 'ES256']) {
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    keys.push({ ...(await exportJWK(privateKey)), alg, use: 'sig', kid: `peer-${alg}` });
  }
  return { keys };
}

/** oidc-provider's storage adapter interface over one Map, entries kept until they expire. */
const storage = new Map();
const live = (key) => {
  const entry = storage.get(key);
  if (entry && entry.expiresAt <= Date.now()) storage.delete(key);
  else return entry?.value;
};
const put = (key, value, expiresIn) =>
  storage.set(key, { value, expiresAt: Date.now() + expiresIn * 1000 });
setInterval(() => {
  const now = Date.now();
  for (const [key, entry] of storage) if (entry.expiresAt <= now) storage.delete(key);
}, 10_000).unref();

class KeepingAdapter {
  constructor(model) {
    this.model = model;
  }
  key(id) {
    return `${this.model}:${id}`;
  }
  async upsert(id, payload, expiresIn) {
    if (payload.grantId) {
      const grant = live(`grant:${payload.grantId}`) ?? [];
      grant.push(this.key(id));
      put(`grant:${payload.grantId}`, grant, expiresIn);
    }
    if (payload.userCode) put(`userCode:${payload.userCode}`, id, expiresIn);
    if (this.model === 'Session') put(`sessionUid:${payload.uid}`, id, expiresIn);
    put(this.key(id), payload, expiresIn);
  }
  async find(id) {
    return live(this.key(id));
  }
  async findByUid(uid) {
    return this.find(live(`sessionUid:${uid}`));
  }
  async findByUserCode(userCode) {
    return this.find(live(`userCode:${userCode}`));
  }
  async consume(id) {
    const found = live(this.key(id));
    if (found) found.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id) {
    storage.delete(this.key(id));
  }
  async revokeByGrantId(grantId) {
    for (const key of live(`grant:${grantId}`) ?? []) storage.delete(key);
    storage.delete(`grant:${grantId}`);
  }
}

const provider = new Provider(issuer, {
  adapter: KeepingAdapter,
  jwks: await signingKeys(),
  // Only the clients with a plain secret: the peer has no hashed-secret storage, so the
  // hashed-secret scenario sets our hashed client against its plain one.
  clients: config.clients
    .filter((c) => c.client_secret !== undefined)
    .map((c) => ({
      client_id: c.client_id,
      client_secret: c.client_secret,
      token_endpoint_auth_method: c.token_endpoint_auth_method,
      grant_types: c.grant_types,
      response_types: [],
      redirect_uris: [],
      scope: c.scope,
    })),
  scopes: [...new Set(config.resources.flatMap((r) => r.scopes))],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => config.resources[0].identifier,
      useGrantedResource: () => true,
      getResourceServerInfo(_ctx, indicator) {
        const r = resources.get(indicator);
        if (!r) throw new errors.InvalidTarget();
        return {
          scope: r.scopes.join(' '),
          audience: r.identifier,
          accessTokenTTL: r.access_token_ttl,
          accessTokenFormat: r.access_token_format === 'jwt' ? 'jwt' : 'opaque',
          ...(r.access_token_format === 'jwt' ? { jwt: { sign: { alg: r.signing_alg } } } : {}),
        };
      },
    },
  },
});
provider.proxy = false;

createServer(provider.callback()).listen(port, '127.0.0.1', () => {
  process.stdout.write(`peer ready on ${port}\n`);
});
