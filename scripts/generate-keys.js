#!/usr/bin/env node
// Writes a KEYS_FILE: a JWK set with one private signing key per algorithm (ES256, EdDSA, RS256).
//   node scripts/generate-keys.js keys.json
// Keep the file secret (mode 0600); every issuance replica loads the same one.
const { writeFileSync } = require('node:fs');
const { calculateJwkThumbprint, exportJWK, generateKeyPair } = require('jose');

async function main() {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node scripts/generate-keys.js <file>');
    process.exit(2);
  }
  const keys = [];
  for (const alg of ['ES256', 'EdDSA', 'RS256']) {
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = await exportJWK(privateKey);
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart } = jwk;
    keys.push({ ...jwk, alg, use: 'sig', kid: await calculateJwkThumbprint(publicPart) });
  }
  writeFileSync(out, JSON.stringify({ keys }, null, 2) + '\n', { mode: 0o600 });
  console.log(`wrote ${keys.length} keys to ${out}`);
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
