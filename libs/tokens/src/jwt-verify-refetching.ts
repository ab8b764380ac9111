import {
  errors,
  JWTHeaderParameters,
  JWTPayload,
  jwtVerify,
  JWTVerifyOptions,
  KeyLike,
} from 'jose';
import { VerificationKeys } from './verification-keys';

export interface KeyedJwt {
  readonly payload: JWTPayload;
  /** The key whose signature check passed. */
  readonly key: KeyLike;
}

/**
 * `jwtVerify` with the key `keys` gives for the header; when the signature does not verify under
 * it, the key published for that `kid` may have been replaced (RFC 7517 §4.5 asks publishers to
 * change the `kid` with the key, but nothing enforces it): ask the set once for a replacement
 * (the set bounds how often that refetches) and try once more. Throws what jwtVerify throws.
 */
export async function jwtVerifyRefetching(
  token: string,
  keys: VerificationKeys,
  options: JWTVerifyOptions,
): Promise<KeyedJwt> {
  let used: { header: JWTHeaderParameters; key: KeyLike } | undefined;
  const getKey = async (header: JWTHeaderParameters) => {
    const key = await keys.verificationKey(header);
    if (!key) throw new errors.JWKSNoMatchingKey();
    used = { header, key };
    return key;
  };
  try {
    const { payload, key } = await jwtVerify(token, getKey, options);
    return { payload, key: key as KeyLike };
  } catch (e) {
    if (!(e instanceof errors.JWSSignatureVerificationFailed) || !used || !keys.replacementKey)
      throw e;
    const replacement = await keys.replacementKey(used.header, used.key);
    if (!replacement) throw e;
    const { payload } = await jwtVerify(token, replacement, options);
    return { payload, key: replacement };
  }
}
