import { importJWK, JWK, KeyLike } from 'jose';

/**
 * Imported DPoP proof keys, by `alg` and RFC 7638 thumbprint. A client signs every proof with the
 * same key, and importing a JWK costs about as much as verifying the signature, so a key is
 * imported once. Safe because the thumbprint covers every member that makes the public key
 * (RFC 7638 §3.2), and the members that restrict its use (`alg`, `use`, `key_ops`) are checked
 * on every proof before this is consulted. Bounded: the oldest entries leave first.
 */
export class ProofKeys {
  private readonly keys = new Map<string, KeyLike>();

  constructor(private readonly maxEntries = 10_000) {}

  async get(jwk: JWK, alg: string, jkt: string): Promise<KeyLike> {
    const id = `${alg} ${jkt}`;
    let key = this.keys.get(id);
    if (key === undefined) {
      key = (await importJWK(jwk, alg)) as KeyLike;
      if (this.keys.size >= this.maxEntries) this.keys.delete(this.keys.keys().next().value!);
      this.keys.set(id, key);
    }
    return key;
  }
}
