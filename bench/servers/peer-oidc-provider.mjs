// The peer: node-oidc-provider configured for the same work as ours — the same client and
// resources from bench.config.json, client_credentials with client_secret_basic, ES256 JWT access
// tokens for one resource and opaque tokens for the other, introspection and revocation enabled.
// Its tokens live in this process only (nothing durable or shared), like its default in-memory
// adapter; but that adapter is an LRU of 1000 entries, which would let the peer forget most
// tokens it issued and answer their introspection and revocation without finding them. The
// adapter below keeps every token until it expires, as our in-memory store does: the same work.
// For the code-redemption and refresh scenarios, `GET /bench/authorization-codes?count=N[&client_id=…]`
// (outside the timed rounds) makes N codes of that client (default bench-web) through the
// provider's own Grant and AuthorizationCode models, as its authorization endpoint would after
// login and consent: an RS256 ID token with the profile and email claims and an ES256 JWT for the
// orders resource come out of each redemption, as on ours, and for bench-refresh (whose scope has
// offline_access) a refresh token, rotated on every use as ours are (`rotateRefreshToken`).
// With `&userinfo=true` the codes carry the OpenID scopes only and no resource: redeemed (with a
// DPoP proof, for rs-dpop-validate), they give an access token for its own userinfo endpoint
// (`/me`), its only resource-side check of a DPoP-bound token.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { generateKeyPair, exportJWK } from 'jose';
import Provider, { errors } from 'oidc-provider';

const port = Number(process.argv[2] ?? 3100);
const issuer = `http://127.0.0.1:${port}`;
const config = JSON.parse(readFileSync(new URL('../bench.config.json', import.meta.url), 'utf8'));
const resources = new Map(config.resources.map((r) => [r.identifier, r]));
const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];

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
  // Only the clients with a plain secret that get tokens: the peer has no hashed-secret storage,
  // so the hashed-secret scenario sets our hashed client against its plain one; an admin-only
  // client (no grant types: the registry's propagation figure uses it) has no peer counterpart.
  clients: config.clients
    .filter((c) => c.client_secret !== undefined && (c.grant_types ?? []).length > 0)
    .map((c) => ({
      client_id: c.client_id,
      client_secret: c.client_secret,
      token_endpoint_auth_method: c.token_endpoint_auth_method,
      grant_types: c.grant_types,
      response_types: c.grant_types.includes('authorization_code') ? ['code'] : [],
      redirect_uris: c.redirect_uris ?? [],
      scope: c.scope,
    })),
  scopes: [...new Set(config.resources.flatMap((r) => r.scopes)), ...OIDC_SCOPES],
  claims: {
    openid: ['sub'],
    profile: ['name', 'given_name', 'family_name'],
    email: ['email', 'email_verified'],
  },
  // As ours in the bench: ID tokens live an hour, codes (and their consumed records) ten minutes.
  ttl: { Grant: 3600, IdToken: 3600, AuthorizationCode: 600 },
  // RFC 9700 §4.14.2, as ours: every refresh retires the presented token and answers a new one
  // (its default rotates only public clients' tokens and tokens past 70% of their lifetime).
  // A retired token presented again is refused and revokes its grant ("refresh token already
  // used"), as on ours.
  rotateRefreshToken: true,
  // The bench user, with the claims ours gives its ID tokens (bench.config.json `users`).
  findAccount: (_ctx, sub) => ({
    accountId: sub,
    claims: () => ({ sub, ...config.users.find((u) => u.username === sub)?.claims }),
  }),
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    // RFC 9449, for the DPoP scenarios: proofs checked and their jti kept against replay (its
    // defaults: no nonce required, replay refused), as ours.
    dPoP: { enabled: true },
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

const web = config.clients.find((c) => (c.grant_types ?? []).includes('authorization_code'));
const users = config.users.map((u) => u.username);

/**
 * One code as the authorization endpoint leaves it: a grant of everything the client's
 * configured scope asks (its OpenID scopes, and the rest for its first resource), then the code
 * bound to it.
 */
async function prepareCode(client, registered, user, userinfo = false) {
  const all = registered.scope.split(' ');
  const oidc = all.filter((s) => OIDC_SCOPES.includes(s));
  // With `userinfo`, a code of the OpenID scopes alone and no resource: its access token is the
  // provider's own, for its userinfo endpoint (opaque, no audience), not a resource server's.
  const scopes = userinfo ? oidc : all;
  const resource = userinfo ? undefined : registered.resources[0];
  const grant = new provider.Grant({ accountId: user, clientId: client.clientId });
  grant.addOIDCScope(oidc.join(' '));
  if (resource)
    grant.addResourceScope(resource, scopes.filter((s) => !OIDC_SCOPES.includes(s)).join(' '));
  const grantId = await grant.save();
  const verifier = randomBytes(32).toString('base64url');
  const code = new provider.AuthorizationCode({
    accountId: user,
    client,
    grantId,
    acr: 'urn:mace:incommon:iap:silver',
    amr: ['pwd'],
    authTime: Math.floor(Date.now() / 1000),
    nonce: randomBytes(16).toString('base64url'),
    redirectUri: registered.redirect_uris[0],
    resource,
    scope: scopes.join(' '),
    codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
    codeChallengeMethod: 'S256',
    sid: randomBytes(16).toString('base64url'),
    // Its own flow binds a code to the browser session (one more lookup at redemption); these
    // are not, which spares the peer that lookup: the comparison leans its way.
    expiresWithSession: false,
  });
  return { code: await code.save(), verifier };
}

async function prepareCodes(req, res) {
  const query = new URL(req.url, issuer).searchParams;
  const count = Number(query.get('count'));
  const userinfo = query.get('userinfo') === 'true';
  const registered = config.clients.find(
    (c) => c.client_id === (query.get('client_id') ?? web.client_id),
  );
  if (!Number.isInteger(count) || count < 1 || count > 100_000) {
    res.writeHead(400).end('count: 1 to 100000');
    return;
  }
  if (!registered?.grant_types.includes('authorization_code')) {
    res.writeHead(400).end('client_id: a client of the authorization_code grant');
    return;
  }
  const client = await provider.Client.find(registered.client_id);
  const codes = [];
  for (let i = 0; i < count; i++)
    codes.push(await prepareCode(client, registered, users[i % users.length], userinfo));
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(codes));
}

const callback = provider.callback();
const serve = (req, res) =>
  req.url.startsWith('/bench/authorization-codes')
    ? prepareCodes(req, res).catch((e) => res.writeHead(500).end(String(e)))
    : callback(req, res);

createServer(serve).listen(port, '127.0.0.1', () => {
  process.stdout.write(`peer ready on ${port}\n`);
});
