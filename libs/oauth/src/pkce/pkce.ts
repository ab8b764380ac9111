import { hash, timingSafeEqual } from 'node:crypto';

/**
 * RFC 7636 §4.1: `code-verifier = 43*128unreserved`, unreserved = ALPHA / DIGIT / "-" / "." /
 * "_" / "~". A code_challenge for S256 is BASE64URL(SHA256(verifier)) without padding, 43
 * characters: the same alphabet, so one shape checks a challenge too.
 */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** Whether `value` is a well-formed RFC 7636 §4.1 code_verifier. */
export function isCodeVerifier(value: string): boolean {
  return VERIFIER.test(value);
}

/** Whether `value` can be an S256 code_challenge (RFC 7636 §4.2): 256 bits, base64url. */
export function isS256Challenge(value: string): boolean {
  return S256_CHALLENGE.test(value);
}

/**
 * RFC 7636 §4.2: `code_challenge = BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))`. hash() takes
 * a string's UTF-8 octets, which for a verifier (unreserved characters only, §4.1) are its ASCII
 * octets; one call, no Hash object per redemption.
 */
export function s256Challenge(verifier: string): string {
  return hash('sha256', verifier, 'base64url');
}

/**
 * RFC 7636 §4.6: the server recomputes the challenge from the verifier and compares, in constant
 * time, so the comparison tells an attacker nothing about how much of a guess was right. Both
 * sides are 43 base64url characters (the stored challenge was checked with isS256Challenge when
 * the code was asked for): their bytes compare directly, and a challenge of any other length,
 * which the caller sent itself, tells nothing secret by not matching. A malformed verifier never
 * matches: a `plain` verifier shorter than 43 characters is refused, not hashed.
 */
export function verifyS256(verifier: string, challenge: string): boolean {
  if (!isCodeVerifier(verifier)) return false;
  const expected = Buffer.from(challenge, 'utf8');
  const actual = Buffer.from(s256Challenge(verifier), 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
