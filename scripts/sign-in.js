#!/usr/bin/env node
// `npm run sign-in [-- options]`: a user signs in with a browser; this script plays the client.
// It discovers the issuer, makes a PKCE pair (RFC 7636, S256), a state and a nonce, prints the
// authorization URL, waits on the redirect URI (127.0.0.1:8080 by default) for the browser to
// come back, checks `state` and `iss` (RFC 9207), redeems the code at the token endpoint and
// calls /userinfo with the access token. With --no-listen it only prints the URL and keeps the
// pending request in .dev/sign-in.json; `--redeem <callback URL or code>` finishes it later.
// The defaults are config/dev.json's confidential `web-app` client (its published dev secret).
// A walk-through, not a relying party: the ID token's claims are shown, not its signature
// checked (openid-client does that: test/e2e/openid-client-sign-in.e2e-spec.ts).
const { createHash, randomBytes } = require('node:crypto');
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { createServer } = require('node:http');
const { dirname, join } = require('node:path');
const { parseArgs } = require('node:util');

const DEV_WEB_APP = { id: 'web-app', secret: 'dev-secret-web-app-change-me' };

const { values: opts } = parseArgs({
  options: {
    issuer: { type: 'string', default: process.env.ISSUER || 'http://localhost:3000' },
    client: { type: 'string', default: DEV_WEB_APP.id },
    secret: { type: 'string' },
    'redirect-uri': { type: 'string', default: 'http://127.0.0.1:8080/callback' },
    scope: { type: 'string', default: 'openid profile email' },
    resource: { type: 'string', multiple: true, default: [] },
    prompt: { type: 'string' },
    'no-listen': { type: 'boolean', default: false },
    redeem: { type: 'string' },
    pending: { type: 'string', default: join(__dirname, '..', '.dev', 'sign-in.json') },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const USAGE = `npm run sign-in -- [--issuer URL] [--client ID] [--secret S] [--redirect-uri URI]
  [--scope "openid profile email"] [--resource URL]... [--prompt login|consent|none]
  [--no-listen]                  print the authorization URL only (pending request in .dev/)
  [--redeem CALLBACK_URL|CODE]   redeem the code of the pending request
  [--pending FILE]               where the pending request is kept (.dev/sign-in.json)
Without --secret, web-app uses its dev secret; any other client is treated as public (none).`;

const b64url = (buf) => buf.toString('base64url');
const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());

async function discover(issuer) {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const res = await fetch(url).catch((e) => {
    throw new Error(`cannot reach ${url} (${e.cause?.code ?? e.message}): is the server up?`);
  });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return res.json();
}

/** A new authorization request: PKCE pair, state and nonce, kept for the redemption. */
function newRequest(metadata) {
  const verifier = b64url(randomBytes(32));
  const request = {
    issuer: metadata.issuer,
    tokenEndpoint: metadata.token_endpoint,
    userinfoEndpoint: metadata.userinfo_endpoint,
    clientId: opts.client,
    redirectUri: opts['redirect-uri'],
    scope: opts.scope,
    resources: opts.resource,
    verifier,
    state: b64url(randomBytes(16)),
    nonce: b64url(randomBytes(16)),
  };
  const url = new URL(metadata.authorization_endpoint);
  const q = url.searchParams;
  q.set('response_type', 'code');
  q.set('client_id', request.clientId);
  q.set('redirect_uri', request.redirectUri);
  q.set('scope', opts.scope);
  q.set('state', request.state);
  q.set('nonce', request.nonce);
  q.set('code_challenge', b64url(createHash('sha256').update(verifier).digest()));
  q.set('code_challenge_method', 'S256');
  for (const r of opts.resource) q.append('resource', r);
  if (opts.prompt) q.set('prompt', opts.prompt);
  return { request, url: url.href };
}

/** RFC 6749 §4.1.2 / RFC 9207 §2.4: the callback's error, state and issuer checked. */
function codeFrom(request, params) {
  if (params.get('iss') !== null && params.get('iss') !== request.issuer)
    throw new Error(`iss ${params.get('iss')} is not ${request.issuer}: mix-up, not redeemed`);
  if (params.get('state') !== request.state) throw new Error('state does not match: not redeemed');
  if (params.get('error'))
    throw new Error(`${params.get('error')}: ${params.get('error_description') ?? ''}`);
  const code = params.get('code');
  if (!code) throw new Error('no code in the callback');
  return code;
}

async function redeem(request, code) {
  const secret = opts.secret ?? (request.clientId === DEV_WEB_APP.id ? DEV_WEB_APP.secret : null);
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: request.redirectUri,
    code_verifier: request.verifier,
  });
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (secret) {
    const enc = (v) => encodeURIComponent(v).replace(/%20/g, '+');
    const basic = `${enc(request.clientId)}:${enc(secret)}`;
    headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
  } else form.set('client_id', request.clientId);
  const res = await fetch(request.tokenEndpoint, { method: 'POST', headers, body: form });
  const body = await res.json();
  console.log(`\nPOST ${request.tokenEndpoint} → ${res.status}`);
  console.log(JSON.stringify(body, null, 2));
  if (!res.ok) return;
  if (body.id_token) {
    const claims = claimsOf(body.id_token);
    console.log('\nID token claims (signature not checked here):');
    console.log(JSON.stringify(claims, null, 2));
    if (claims.nonce !== request.nonce) console.log('!! the ID token nonce does not match');
  }
  // With a resource, the access token is for that API (RFC 8707), not for /userinfo.
  const forUserinfo = request.scope.split(' ').includes('openid') && !request.resources.length;
  if (request.userinfoEndpoint && forUserinfo) {
    const info = await fetch(request.userinfoEndpoint, {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    console.log(`\nGET ${request.userinfoEndpoint} → ${info.status}`);
    console.log(await info.text());
  }
}

/**
 * Listens on the redirect URI; resolves once listening, with the promise of the callback's query
 * (the browser is answered a short page).
 */
function listenForCallback(redirectUri) {
  const target = new URL(redirectUri);
  let arrived;
  const callback = new Promise((resolve) => (arrived = resolve));
  return new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      const url = new URL(req.url, target);
      if (url.pathname !== target.pathname) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Back at the client. The rest happens in the terminal; this tab can be closed.\n');
      server.close();
      arrived(url.searchParams);
    });
    server.once('error', (e) =>
      reject(new Error(`cannot listen on ${target.host} (${e.code}): use --no-listen / --redeem`)),
    );
    server.listen(Number(target.port || 80), target.hostname, () => resolve({ callback }));
  });
}

async function main() {
  if (opts.help) return console.log(USAGE);
  if (opts.redeem) {
    const request = JSON.parse(readFileSync(opts.pending, 'utf8'));
    const given = opts.redeem;
    const code = /^https?:/.test(given) ? codeFrom(request, new URL(given).searchParams) : given;
    return redeem(request, code);
  }
  const { request, url } = newRequest(await discover(opts.issuer));
  mkdirSync(dirname(opts.pending), { recursive: true });
  writeFileSync(opts.pending, JSON.stringify(request, null, 2), { mode: 0o600 });
  console.log(`Open this URL in a browser and sign in (dev users: alice / alice-dev-password):\n`);
  console.log(`  ${url}\n`);
  if (opts['no-listen']) {
    console.log(`Then: npm run sign-in -- --redeem '<the URL the browser ends on>'`);
    return;
  }
  const { callback } = await listenForCallback(request.redirectUri);
  console.log(`Waiting for the browser at ${request.redirectUri} …`);
  await redeem(request, codeFrom(request, await callback));
}

main().catch((e) => {
  console.error(`sign-in: ${e.message}`);
  process.exit(1);
});
