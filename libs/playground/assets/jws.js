// Compact JWS (RFC 7515 §7.1) signed in the browser with WebCrypto: DPoP proofs and client
// assertions. Private keys are WebCrypto keys made or imported non-extractable: never serialized.

const enc = new TextEncoder();

export const b64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const part = (object) => b64url(enc.encode(JSON.stringify(object)));

/**
 * WebCrypto's parameters per JWS alg (RFC 7518 §3). ECDSA signatures come as r || s, exactly
 * the JWS form (§3.4); RSA-PSS uses a salt as long as the hash (§3.5).
 */
export const SIGNING = {
  ES256: {
    import: { name: 'ECDSA', namedCurve: 'P-256' },
    sign: { name: 'ECDSA', hash: 'SHA-256' },
  },
  ES384: {
    import: { name: 'ECDSA', namedCurve: 'P-384' },
    sign: { name: 'ECDSA', hash: 'SHA-384' },
  },
  EdDSA: { import: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
  RS256: {
    import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    sign: { name: 'RSASSA-PKCS1-v1_5' },
  },
  PS256: {
    import: { name: 'RSA-PSS', hash: 'SHA-256' },
    sign: { name: 'RSA-PSS', saltLength: 32 },
  },
};

export async function signJws(header, claims, privateKey) {
  const input = `${part(header)}.${part(claims)}`;
  const sig = await crypto.subtle.sign(SIGNING[header.alg].sign, privateKey, enc.encode(input));
  return `${input}.${b64url(sig)}`;
}

/** RFC 7638 §3: SHA-256 of the required members in lexicographic order. */
export async function thumbprint({ crv, kty, x, y }) {
  const canonical = JSON.stringify({ crv, kty, x, y });
  return b64url(await crypto.subtle.digest('SHA-256', enc.encode(canonical)));
}

/** An ES256 key pair whose private key cannot be exported, not even by this page. */
export async function generateEs256() {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ]);
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const publicJwk = { kty, crv, x, y };
  return { privateKey: pair.privateKey, publicJwk, thumbprint: await thumbprint(publicJwk) };
}
