// The federated-credential scenario's two key holders, served by the bench runner itself on a
// fixed loopback port (bench.config.json names it): an external issuer (a CI platform) with its
// discovery document and key set, and the key set (jwks_uri) of our own private_key_jwt client.
// Keys are made at start; each side fetches its key set once and keeps it cached, so a round
// measures issuance with cached keys. Assertions are made before a round, one per request: both
// sides spend each `jti` once.
const { createServer } = require('node:http');
const { randomBytes } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const config = JSON.parse(readFileSync(join(__dirname, '../bench.config.json'), 'utf8'));
const ISSUER = config.trusted_issuers[0].issuer;
const federated = config.clients.find((c) => c.federated_credentials !== undefined);
const ownKeys = config.clients.find((c) => c.jwks_uri !== undefined);

let started;

/** Starts the key holders once per run (the server is unref'd: it never keeps the run alive). */
function keyHolders() {
  started ??= (async () => {
    const { generateKeyPair, exportJWK } = await import('jose');
    const pair = async (kid) => {
      const { privateKey, publicKey } = await generateKeyPair('ES256');
      return {
        kid,
        privateKey,
        jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
      };
    };
    const [issuerKey, clientKey] = await Promise.all([pair('bench-ci-1'), pair('bench-client-1')]);
    const issuerPath = new URL(ISSUER).pathname;
    const routes = {
      [`${issuerPath}/.well-known/openid-configuration`]: {
        issuer: ISSUER,
        jwks_uri: `${ISSUER}/keys`,
      },
      [`${issuerPath}/keys`]: { keys: [issuerKey.jwk] },
      [new URL(ownKeys.jwks_uri).pathname]: { keys: [clientKey.jwk] },
    };
    const server = createServer((req, res) => {
      const body = routes[new URL(req.url, 'http://x').pathname];
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    const { port, hostname } = new URL(ISSUER);
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(Number(port), hostname, resolve);
    });
    server.unref();
    return { issuerKey, clientKey };
  })();
  return started;
}

async function sign(key, claims, count) {
  const { SignJWT } = await import('jose');
  const iat = Math.floor(Date.now() / 1000);
  const out = [];
  for (let i = 0; i < count; i++)
    out.push(
      await new SignJWT({
        ...claims,
        iat,
        exp: iat + 280,
        jti: randomBytes(16).toString('base64url'),
      })
        .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: key.kid })
        .sign(key.privateKey),
    );
  return out;
}

/** `count` GitHub-Actions-like job tokens of the bench issuer for our issuer `audience`. */
async function federatedAssertions(audience, count) {
  const { issuerKey } = await keyHolders();
  const { subject } = federated.federated_credentials[0];
  return sign(issuerKey, { iss: ISSUER, sub: subject, aud: audience }, count);
}

/** `count` private_key_jwt assertions of our own key-holding client (RFC 7523 §3). */
async function ownAssertions(audience, count) {
  const { clientKey } = await keyHolders();
  const id = ownKeys.client_id;
  return sign(clientKey, { iss: id, sub: id, aud: audience }, count);
}

module.exports = {
  federatedClient: federated,
  ownKeysClient: ownKeys,
  federatedAssertions,
  ownAssertions,
};
