// DPoP (RFC 9449): a key pair made with WebCrypto (the private key cannot be exported, not even
// by this page) and a proof JWT signed in the browser for each request.
import { b64url, generateEs256, signJws } from './jws.js';
import { randomValue } from './pkce.js';

export class DpopKey {
  static async generate() {
    const { privateKey, publicJwk, thumbprint } = await generateEs256();
    return new DpopKey(privateKey, publicJwk, thumbprint);
  }

  constructor(privateKey, publicJwk, thumbprint) {
    this.privateKey = privateKey;
    this.publicJwk = publicJwk;
    this.thumbprint = thumbprint;
  }

  /**
   * RFC 9449 §4.2: typ dpop+jwt, the public jwk; jti, htm, htu (no query), iat, the nonce when
   * the server asked for one, and at a resource server `ath`, the access token's hash (§7.1).
   */
  async proof(method, url, nonce, accessToken) {
    const htu = new URL(url);
    htu.search = '';
    htu.hash = '';
    const ath = accessToken
      ? b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken)))
      : undefined;
    const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: this.publicJwk };
    const claims = {
      jti: randomValue(16),
      htm: method,
      htu: htu.href,
      iat: Math.floor(Date.now() / 1000),
      ...(nonce ? { nonce } : {}),
      ...(ath ? { ath } : {}),
    };
    return signJws(header, claims, this.privateKey);
  }
}
