// "Use your own client" with a key: the private key pasted as a JWK or a PKCS#8 PEM, imported
// into WebCrypto for signing only and not exportable; the pasted text is cleared once imported.
import { SIGNING } from './jws.js';
import { base64UrlDecode } from './pkce.js';

/** The private members WebCrypto needs per key type (RFC 7518 §6); anything else is dropped. */
const MEMBERS = {
  EC: ['kty', 'crv', 'x', 'y', 'd'],
  OKP: ['kty', 'crv', 'x', 'd'],
  RSA: ['kty', 'n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'],
};

function algOf(jwk) {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'EC' && jwk.crv === 'P-384') return 'ES384';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  if (jwk.kty === 'RSA') return jwk.alg === 'PS256' ? 'PS256' : 'RS256';
  throw new Error('the key must be EC P-256 or P-384, Ed25519 or RSA');
}

async function fromJwk(jwk, kid) {
  if (typeof jwk !== 'object' || jwk === null) throw new Error('the JWK must be a JSON object');
  if (!jwk.d) throw new Error('this is a public key: paste the private key (with "d")');
  const alg = algOf(jwk);
  const members = MEMBERS[jwk.kty].filter((k) => jwk[k] !== undefined);
  const clean = Object.fromEntries(members.map((k) => [k, jwk[k]]));
  const privateKey = await crypto.subtle.importKey('jwk', clean, SIGNING[alg].import, false, [
    'sign',
  ]);
  return { privateKey, alg, kid: kid || jwk.kid };
}

/** A PKCS#8 key says its type inside: tried as each supported one, the one that imports wins. */
async function fromPkcs8(pem, kid) {
  const body = pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, '');
  const der = base64UrlDecode(body.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
  for (const alg of ['ES256', 'ES384', 'EdDSA', 'RS256']) {
    try {
      const privateKey = await crypto.subtle.importKey('pkcs8', der, SIGNING[alg].import, false, [
        'sign',
      ]);
      return { privateKey, alg, kid: kid || undefined };
    } catch {
      // not this type: try the next
    }
  }
  throw new Error('the PEM key is none of EC P-256, P-384, Ed25519 or RSA');
}

/** `{ privateKey, alg, kid }` from the pasted text; `kid` as typed, else the JWK's own. */
export async function importPrivateKey(text, kid) {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let jwk;
    try {
      jwk = JSON.parse(trimmed);
    } catch {
      throw new Error('the key is not valid JSON');
    }
    return fromJwk(jwk, kid);
  }
  if (trimmed.startsWith('-----BEGIN PRIVATE KEY-----')) return fromPkcs8(trimmed, kid);
  if (/^-----BEGIN (EC|RSA) PRIVATE KEY-----/.test(trimmed))
    throw new Error(
      'WebCrypto reads PKCS#8 only: convert it with `openssl pkcs8 -topk8 -nocrypt -in key.pem`',
    );
  throw new Error('paste a private JWK or a PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)');
}
