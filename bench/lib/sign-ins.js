// Codes from real sign-ins on our server, made outside anything timed: the code-redemption and
// refresh scenarios' grants, and the families of bench:propagation's reuse detection.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { runPinnedJson, LOAD_CORE } = require('./processes');

const config = JSON.parse(readFileSync(join(__dirname, '../bench.config.json'), 'utf8'));

/**
 * `count` codes of `client` (a bench.config.json client of the code flow, asking its whole
 * `scope` for its `resources`), each from a real sign-in over HTTP (authorization request, login
 * page, consent, redirect) by bench/lib/sign-in-codes.ts on the load generator's core, the
 * configuration's users taking turns: [{ code, verifier }].
 */
function signInCodes(authorizationEndpoint, count, client) {
  const spec = {
    authorizationEndpoint,
    clientId: client.client_id,
    redirectUri: client.redirect_uris[0],
    scope: client.scope,
    resources: client.resources,
    users: config.users.map((u) => ({ username: u.username, password: u.password })),
    count,
  };
  const script = join(__dirname, 'sign-in-codes.ts');
  const args = ['-r', '@swc-node/register', script];
  return runPinnedJson(LOAD_CORE, args, JSON.stringify(spec), { cwd: join(__dirname, '../..') });
}

module.exports = { signInCodes };
