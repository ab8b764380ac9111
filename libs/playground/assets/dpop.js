// DPoP (RFC 9449): a key pair made with WebCrypto (the private key cannot be exported, not even
// by this page) and a proof JWT signed in the browser for each request.
import { randomValue } from './pkce.js';

const enc = new TextEncoder();
const b64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const part = (object) => b64url(enc.encode(JSON.stringify(object)));

export class DpopKey {
  static async generate() {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ]);
    const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
    const key = new DpopKey(pair.privateKey, { kty, crv, x, y });
    // RFC 7638 §3: the thumbprint hashes the required members in lexicographic order.
    const canonical = JSON.stringify({ crv, kty, x, y });
    key.thumbprint = b64url(await crypto.subtle.digest('SHA-256', enc.encode(canonical)));
    return key;
  }

  constructor(privateKey, publicJwk) {
    this.privateKey = privateKey;
    this.publicJwk = publicJwk;
  }

  /** RFC 9449 §4.2: typ dpop+jwt, the public jwk; jti, htm, htu (no query), iat, nonce. */
  async proof(method, url, nonce) {
    const htu = new URL(url);
    htu.search = '';
    htu.hash = '';
    const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: this.publicJwk };
    const claims = {
      jti: randomValue(16),
      htm: method,
      htu: htu.href,
      iat: Math.floor(Date.now() / 1000),
      ...(nonce ? { nonce } : {}),
    };
    const input = `${part(header)}.${part(claims)}`;
    // WebCrypto's ECDSA signature is r || s, exactly JWS's ES256 form (RFC 7518 §3.4).
    const sig = await crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      this.privateKey,
      enc.encode(input),
    );
    return `${input}.${b64url(sig)}`;
  }
}
