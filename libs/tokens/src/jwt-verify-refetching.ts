import { errors, JWTHeaderParameters, JWTPayload, KeyLike } from 'jose';
import { JwtChecks, verifyCompactJwt } from './compact-jwt.verifier';
import { VerificationKeys } from './verification-keys';

export interface KeyedJwt {
  readonly payload: JWTPayload;
  readonly header: JWTHeaderParameters;
  /** The key whose signature check passed. */
  readonly key: KeyLike;
}

/**
 * A JWT verified with the key `keys` gives for its header; when the signature does not verify
 * under it, the key published for that `kid` may have been replaced (RFC 7517 §4.5 asks
 * publishers to change the `kid` with the key, but nothing enforces it): ask the set once for a
 * replacement (the set bounds how often that refetches) and try once more. Throws jose's errors
 * (compact-jwt.verifier.ts checks as jose's `jwtVerify` does, without its thread-pool hop).
 */
export async function jwtVerifyRefetching(
  token: string,
  keys: VerificationKeys,
  checks: JwtChecks,
): Promise<KeyedJwt> {
  let used: { header: JWTHeaderParameters; key: KeyLike } | undefined;
  const keyFor = async (header: JWTHeaderParameters) => {
    const key = await keys.verificationKey(header);
    if (key) used = { header, key };
    return key;
  };
  try {
    return await verifyCompactJwt(token, keyFor, checks);
  } catch (e) {
    if (!(e instanceof errors.JWSSignatureVerificationFailed) || !used || !keys.replacementKey)
      throw e;
    const replacement = await keys.replacementKey(used.header, used.key);
    if (!replacement) throw e;
    return await verifyCompactJwt(token, () => replacement, checks);
  }
}
