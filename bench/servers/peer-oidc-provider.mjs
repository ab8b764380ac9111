// The peer: node-oidc-provider configured for the same work as ours — the same client and
// resources from bench.config.json, client_credentials with client_secret_basic, ES256 JWT access
// tokens for one resource and opaque tokens for the other, introspection and revocation enabled.
// Its default in-memory adapter holds opaque tokens (nothing durable or shared).
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

const provider = new Provider(issuer, {
  jwks: await signingKeys(),
  clients: config.clients.map((c) => ({
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
