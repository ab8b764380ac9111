// DPoP proofs (RFC 9449 §4.2) made before a round, one per request: each has its own `jti`, so
// a side that refuses replays (both do) sees every proof once. ES256, the algorithm clients use
// most; one key per side and round, as one client holds one key.
const { createHash, randomBytes } = require('node:crypto');

async function dpopKey() {
  const { generateKeyPair, exportJWK, calculateJwkThumbprint } = await import('jose');
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

/** `count` proofs for `htm` `htu`; with `accessToken`, each carries its `ath` (§4.2). */
async function dpopProofs(key, { htm, htu, count, accessToken }) {
  const { SignJWT } = await import('jose');
  const ath = accessToken && createHash('sha256').update(accessToken).digest('base64url');
  const iat = Math.floor(Date.now() / 1000);
  const proofs = [];
  for (let i = 0; i < count; i++)
    proofs.push(
      await new SignJWT({
        htm,
        htu,
        iat,
        jti: randomBytes(16).toString('base64url'),
        ...(ath ? { ath } : {}),
      })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk })
        .sign(key.privateKey),
    );
  return proofs;
}

module.exports = { dpopKey, dpopProofs };
