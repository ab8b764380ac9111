import { InvalidRequest } from '@app/oauth';
import { fieldsOf, isPlainObject, JsonObject } from '@app/oauth';

/**
 * Serialised size of each claims object. ID tokens travel in URLs and headers of the relying
 * party's own requests; the OIDC Core §5.1 claims of one user fit in a fraction of this.
 */
export const MAX_CLAIMS_BYTES = 8 * 1024;
/** `address` (OIDC Core §5.1.1) nests one level; a little room beyond that, no more. */
const MAX_DEPTH = 4;

export interface SessionClaims {
  readonly idTokenClaims: JsonObject;
  readonly userinfoClaims: JsonObject;
}

/**
 * The consent's `session`: the end-user claims for the ID token and for /userinfo, each a plain
 * JSON object of bounded size. Which of them are ever released is decided when tokens are made
 * (libs/tokens `releasedClaims`: only the standard claims of the granted scopes).
 */
export function sessionClaims(value: unknown): SessionClaims {
  if (value === undefined || value === null) return { idTokenClaims: {}, userinfoClaims: {} };
  const session = fieldsOf(value, 'session', ['id_token', 'userinfo']);
  return {
    idTokenClaims: claimsObject(session.id_token, 'session.id_token'),
    userinfoClaims: claimsObject(session.userinfo, 'session.userinfo'),
  };
}

function claimsObject(value: unknown, name: string): JsonObject {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value) || !isJson(value, 0))
    throw new InvalidRequest(`${name} must be a JSON object of claims`);
  // A copy: what is stored is exactly what was checked, whoever holds the caller's object.
  const json = JSON.stringify(value);
  if (Buffer.byteLength(json) > MAX_CLAIMS_BYTES)
    throw new InvalidRequest(`${name} must be at most ${MAX_CLAIMS_BYTES} bytes as JSON`);
  return JSON.parse(json) as JsonObject;
}

/** What JSON can carry: in-process callers could pass a Date, a function or NaN. */
function isJson(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v);
    case 'object':
      if (v === null) return true;
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(v)) return v.every((e) => isJson(e, depth + 1));
      return isPlainObject(v) && Object.values(v).every((e) => isJson(e, depth + 1));
    default:
      return false;
  }
}
