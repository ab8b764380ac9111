#!/usr/bin/env node
// Writes a KEYS_FILE: a JWK set with one private signing key per algorithm (ES256, EdDSA, RS256,
// PS256). RS256 and PS256 get an RSA key each: a key serves one algorithm (RFC 8725 §3.1), and
// its published JWK names it in `alg`.
//   node scripts/generate-keys.js keys.json
// Keep the file secret (mode 0600); every issuance replica loads the same one.
const { readFileSync, writeFileSync } = require('node:fs');
const { calculateJwkThumbprint, exportJWK, generateKeyPair } = require('jose');

/** The algorithms the issuer signs with (SIGNING_ALGS in libs/config). */
const ALGS = ['ES256', 'EdDSA', 'RS256', 'PS256'];

async function generateKeys(out) {
  // The two RSA keys take the time: make them side by side.
  const keys = await Promise.all(
    ALGS.map(async (alg) => {
      const { privateKey } = await generateKeyPair(alg, { extractable: true });
      const jwk = await exportJWK(privateKey);
      const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart } = jwk;
      return { ...jwk, alg, use: 'sig', kid: await calculateJwkThumbprint(publicPart) };
    }),
  );
  writeFileSync(out, JSON.stringify({ keys }, null, 2) + '\n', { mode: 0o600 });
  return keys.length;
}

/** The algorithms of ALGS a key set file has no key for (all of them when it is unreadable). */
function missingAlgorithms(file) {
  let keys;
  try {
    keys = JSON.parse(readFileSync(file, 'utf8')).keys;
  } catch {
    return ALGS;
  }
  return ALGS.filter((alg) => !Array.isArray(keys) || !keys.some((k) => k && k.alg === alg));
}

module.exports = { ALGS, generateKeys, missingAlgorithms };

if (require.main === module) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node scripts/generate-keys.js <file>');
    process.exit(2);
  }
  generateKeys(out).then(
    (n) => console.log(`wrote ${n} keys to ${out}`),
    (e) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
