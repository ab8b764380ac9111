import { constants, KeyObject, verify, webcrypto } from 'node:crypto';
import { errors, JWTHeaderParameters, JWTPayload, KeyLike } from 'jose';

/** What a JWT must satisfy besides its signature: jose's `JWTVerifyOptions`, the part we use. */
export interface JwtChecks {
  /** The allow-list (RFC 8725 §3.1): never the token's `alg` alone. */
  readonly algorithms: readonly string[];
  readonly issuer?: string;
  readonly subject?: string;
  /** `aud` must name one of these. */
  readonly audience?: string | readonly string[];
  /** The header's `typ`, compared as a media type (RFC 7515 §4.1.9: `application/` optional). */
  readonly typ?: string;
  /** Claims that must be present (`iss`, `sub`, `aud` are implied by the checks above). */
  readonly requiredClaims?: readonly string[];
  /** Seconds of clock skew allowed on `exp` and `nbf`. */
  readonly clockTolerance?: number;
}

export type JwtKeyLookup = (
  header: JWTHeaderParameters,
) => KeyLike | undefined | Promise<KeyLike | undefined>;

interface Scheme {
  readonly hash: string | null;
  /** node:crypto `asymmetricKeyType`s the key may have. */
  readonly keyTypes: readonly string[];
  /** The EC curve (node's name) the algorithm is defined on (RFC 7518 §3.4). */
  readonly curve?: string;
  readonly pss?: true;
}

/** RFC 7518 §3.1 and RFC 8037 §3.1: the asymmetric algorithms any verifier here may allow. */
const SCHEMES: Readonly<Record<string, Scheme>> = {
  ES256: { hash: 'sha256', keyTypes: ['ec'], curve: 'prime256v1' },
  ES384: { hash: 'sha384', keyTypes: ['ec'], curve: 'secp384r1' },
  ES512: { hash: 'sha512', keyTypes: ['ec'], curve: 'secp521r1' },
  RS256: { hash: 'sha256', keyTypes: ['rsa'] },
  RS384: { hash: 'sha384', keyTypes: ['rsa'] },
  RS512: { hash: 'sha512', keyTypes: ['rsa'] },
  PS256: { hash: 'sha256', keyTypes: ['rsa', 'rsa-pss'], pss: true },
  PS384: { hash: 'sha384', keyTypes: ['rsa', 'rsa-pss'], pss: true },
  PS512: { hash: 'sha512', keyTypes: ['rsa', 'rsa-pss'], pss: true },
  EdDSA: { hash: null, keyTypes: ['ed25519', 'ed448'] },
};

/** Three base64url parts; the signature may be empty (alg `none`), refused by the allow-list. */
const COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * A signed JWT (RFC 7519 §7.2) verified synchronously with node:crypto: the counterpart of
 * compact-jws.signer.ts. jose verifies through a promisified crypto.verify, a hop to the libuv
 * thread pool for every token; on a busy core that costs about a third of the throughput of a
 * verification (9.4k against 14.9k ES256 verifications/s on one core here). It checks what
 * jose's `jwtVerify` checks, in the same order and with the same errors (jose's classes), so
 * callers cannot tell the two apart: the header (RFC 7515 §4.1.11 `crit`: no extension is
 * understood here, so any is refused), the allow-list, the key's fitness for the algorithm (a
 * TypeError, as jose throws: an RSA modulus under 2048 bits, RFC 7518 §3.3, or the wrong curve),
 * the signature, then the claims (RFC 7519 §4.1).
 */
export async function verifyCompactJwt(
  token: string,
  keyFor: JwtKeyLookup,
  checks: JwtChecks,
): Promise<{ payload: JWTPayload; header: JWTHeaderParameters; key: KeyLike }> {
  if (!COMPACT.test(token)) throw new errors.JWSInvalid('Invalid Compact JWS');
  const [encodedHeader, encodedPayload, encodedSignature] = token.split('.');
  const header = jsonObject(encodedHeader!) as JWTHeaderParameters | undefined;
  if (header === undefined) throw new errors.JWSInvalid('JWS Protected Header is invalid');
  if (header.crit !== undefined)
    throw new errors.JOSENotSupported('no JWS extension ("crit") is supported');
  if (header.b64 !== undefined && header.b64 !== true)
    throw new errors.JWTInvalid('JWTs MUST NOT use unencoded payload');
  const { alg } = header;
  if (typeof alg !== 'string' || alg === '')
    throw new errors.JWSInvalid('JWS "alg" (Algorithm) Header Parameter missing or invalid');
  if (!checks.algorithms.includes(alg))
    throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
  const scheme = SCHEMES[alg];
  if (scheme === undefined) throw new errors.JOSENotSupported(`alg ${alg} is not supported`);
  const found = await keyFor(header);
  if (found === undefined) throw new errors.JWKSNoMatchingKey();
  const key = fitKey(found, alg, scheme);
  const input = Buffer.from(`${encodedHeader}.${encodedPayload}`);
  if (!signatureValid(input, Buffer.from(encodedSignature!, 'base64url'), scheme, key))
    throw new errors.JWSSignatureVerificationFailed();
  const payload = jsonObject(encodedPayload!) as JWTPayload | undefined;
  if (payload === undefined)
    throw new errors.JWTInvalid('JWT Claims Set must be a top-level JSON object');
  checkClaims(header, payload, checks);
  return { payload, header, key: found };
}

function jsonObject(part: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The key as node:crypto takes it, or a TypeError when it cannot serve `alg` (as jose). */
function fitKey(found: KeyLike, alg: string, scheme: Scheme): KeyObject {
  const key = found instanceof KeyObject ? found : KeyObject.from(found as webcrypto.CryptoKey);
  const type = key.asymmetricKeyType;
  if (key.type !== 'public' || type === undefined || !scheme.keyTypes.includes(type))
    throw new TypeError(`the key is not a public key for ${alg}`);
  const details = key.asymmetricKeyDetails;
  if (scheme.curve !== undefined && details?.namedCurve !== scheme.curve)
    throw new TypeError(`the key's curve does not fit ${alg}`);
  if (type.startsWith('rsa') && (details?.modulusLength ?? 0) < 2048)
    throw new TypeError(`${alg} requires key modulusLength to be 2048 bits or larger`);
  return key;
}

function signatureValid(input: Buffer, signature: Buffer, scheme: Scheme, key: KeyObject): boolean {
  try {
    if (scheme.curve !== undefined)
      // JWS carries the raw r||s pair (RFC 7518 §3.4), not DER.
      return verify(scheme.hash, input, { key, dsaEncoding: 'ieee-p1363' }, signature);
    if (scheme.pss)
      // MGF1 with the same hash and a salt as long as it (RFC 7518 §3.5).
      return verify(
        scheme.hash,
        input,
        {
          key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        },
        signature,
      );
    return verify(scheme.hash, input, key, signature);
  } catch {
    // A signature of the wrong length or shape is no valid signature.
    return false;
  }
}

const normalizeTyp = (value: string) => value.toLowerCase().replace(/^application\//, '');

function claimFailed(message: string, payload: JWTPayload, claim: string, reason: string): never {
  throw new errors.JWTClaimValidationFailed(message, payload, claim, reason);
}

function present(payload: JWTPayload, claim: string): void {
  if (!(claim in payload))
    claimFailed(`missing required "${claim}" claim`, payload, claim, 'missing');
}

/** RFC 7519 §4.1 and §5.1, as jose's claim-set check reads them (lib/jwt_claims_set.js). */
function checkClaims(header: JWTHeaderParameters, payload: JWTPayload, checks: JwtChecks): void {
  const { typ, issuer, subject, audience, requiredClaims = [] } = checks;
  if (typ && (typeof header.typ !== 'string' || normalizeTyp(header.typ) !== normalizeTyp(typ)))
    claimFailed('unexpected "typ" JWT header value', payload, 'typ', 'check_failed');
  // Presence in jose's order (iss, sub, aud, then the required claims last to first), with
  // nothing allocated per token: this runs on every verification.
  if (issuer !== undefined) present(payload, 'iss');
  if (subject !== undefined) present(payload, 'sub');
  if (audience !== undefined) present(payload, 'aud');
  for (let i = requiredClaims.length - 1; i >= 0; i--) present(payload, requiredClaims[i]!);
  if (issuer !== undefined && payload.iss !== issuer)
    claimFailed('unexpected "iss" claim value', payload, 'iss', 'check_failed');
  if (subject !== undefined && payload.sub !== subject)
    claimFailed('unexpected "sub" claim value', payload, 'sub', 'check_failed');
  if (audience !== undefined && !audienceNamed(payload.aud, audience))
    claimFailed('unexpected "aud" claim value', payload, 'aud', 'check_failed');
  const tolerance = checks.clockTolerance ?? 0;
  const now = Math.floor(Date.now() / 1000);
  if (payload.iat !== undefined && typeof payload.iat !== 'number')
    claimFailed('"iat" claim must be a number', payload, 'iat', 'invalid');
  if (payload.nbf !== undefined) {
    if (typeof payload.nbf !== 'number')
      claimFailed('"nbf" claim must be a number', payload, 'nbf', 'invalid');
    if (payload.nbf > now + tolerance)
      claimFailed('"nbf" claim timestamp check failed', payload, 'nbf', 'check_failed');
  }
  if (payload.exp !== undefined) {
    if (typeof payload.exp !== 'number')
      claimFailed('"exp" claim must be a number', payload, 'exp', 'invalid');
    if (payload.exp <= now - tolerance)
      throw new errors.JWTExpired(
        '"exp" claim timestamp check failed',
        payload,
        'exp',
        'check_failed',
      );
  }
}

function audienceNamed(aud: unknown, expected: string | readonly string[]): boolean {
  const wanted: readonly string[] = typeof expected === 'string' ? [expected] : expected;
  if (typeof aud === 'string') return wanted.includes(aud);
  return Array.isArray(aud) && aud.some((a) => wanted.includes(a as string));
}
