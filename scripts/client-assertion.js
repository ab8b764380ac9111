#!/usr/bin/env node
// Prints a private_key_jwt client assertion (RFC 7523 §3) for trying a client by hand:
//   node scripts/client-assertion.js svc-b config/dev-svc-b.private.jwk.json http://localhost:3000/oauth2/token
const { readFileSync } = require('node:fs');
const { randomUUID } = require('node:crypto');
const { importJWK, SignJWT } = require('jose');

async function main() {
  const [clientId, keyFile, audience] = process.argv.slice(2);
  if (!clientId || !keyFile || !audience) {
    console.error('usage: node scripts/client-assertion.js <client_id> <private-jwk-file> <aud>');
    process.exit(2);
  }
  const jwk = JSON.parse(readFileSync(keyFile, 'utf8'));
  const key = await importJWK(jwk, jwk.alg);
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: jwk.alg, kid: jwk.kid })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime('2m')
    .setJti(randomUUID())
    .sign(key);
  console.log(assertion);
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
