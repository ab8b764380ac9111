import { AccessTokenClaims, parseActClaim, parseConfirmation, tokenDigest } from '@app/tokens';
import { tracedFetch } from '@app/tracing';

interface Entry {
  readonly claims: AccessTokenClaims | null;
  readonly until: number;
}

const NEGATIVE_CACHE_MS = 5_000;
const MAX_ENTRIES = 10_000;

/** Thrown when the introspection endpoint cannot be asked; the request gets 503, not 401. */
export class IntrospectionUnavailable extends Error {}

/**
 * Asks the introspection endpoint about opaque tokens (RFC 7662) and reuses the answer for at most
 * `cacheMs` and never past the token's expiry. Entries are keyed by the token's digest, never the
 * token. Revocation is checked against the mirror on every request, cached or not.
 */
export class OpaqueTokenIntrospector {
  private readonly cache = new Map<string, Entry>();
  private readonly authorization: string;

  constructor(
    private readonly endpoint: string,
    clientId: string,
    clientSecret: string,
    private readonly cacheMs = 60_000,
  ) {
    const enc = (s: string) => encodeURIComponent(s);
    this.authorization = `Basic ${Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`).toString('base64')}`;
  }

  async introspect(token: string): Promise<AccessTokenClaims | null> {
    const key = tokenDigest(token);
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.claims;
    const claims = await this.ask(token);
    const until = claims
      ? Math.min(claims.exp * 1000, now + this.cacheMs)
      : now + NEGATIVE_CACHE_MS;
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { claims, until });
    return claims;
  }

  private async ask(token: string): Promise<AccessTokenClaims | null> {
    let body: Record<string, unknown>;
    try {
      // A CLIENT span when tracing is on: introspection continues the API's trace.
      const res = await tracedFetch(this.endpoint, {
        method: 'POST',
        headers: {
          authorization: this.authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        signal: AbortSignal.timeout(2000),
      });
      if (!res.ok) throw new Error(`introspection answered ${res.status}`);
      body = (await res.json()) as Record<string, unknown>;
    } catch (e) {
      throw new IntrospectionUnavailable(`introspection failed: ${(e as Error).message}`);
    }
    return body.active === true ? claimsOf(body) : null;
  }
}

function claimsOf(b: Record<string, unknown>): AccessTokenClaims | null {
  const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : undefined);
  const num = (k: string) => (typeof b[k] === 'number' ? (b[k] as number) : undefined);
  const [iss, sub, aud, clientId, scope, jti] = [
    'iss',
    'sub',
    'aud',
    'client_id',
    'scope',
    'jti',
  ].map(str);
  const [iat, exp] = [num('iat'), num('exp')];
  if (!iss || !sub || !aud || !clientId || scope === undefined || !jti || !iat || !exp) return null;
  const amr = Array.isArray(b.amr) && b.amr.every((m) => typeof m === 'string') ? b.amr : undefined;
  const [authTime, acr, grantId] = [num('auth_time'), str('acr'), str('grant_id')];
  // RFC 7662 §2.2 / RFC 9449 §6.2 / RFC 8705 §3.2: the binding comes back as `cnf`. One this
  // library cannot read refuses the token: dropping it would turn a bound token into a bearer one.
  const cnf = parseConfirmation(b.cnf);
  if (cnf === null) return null;
  // RFC 8693 §4.1: who acted for whom. One it cannot read refuses the token, as for `cnf`.
  const act = parseActClaim(b.act);
  if (act === null) return null;
  return {
    ...{},
    ...{ iss, sub, aud, clientId, scope, jti, iat, exp, nbf: num('nbf') ?? iat },
    // RFC 9068 §2.2 claims of a user's token, when the introspection answer carries them.
    ...(grantId === undefined ? {} : { grantId }),
    ...(authTime === undefined ? {} : { authTime }),
    ...(acr === undefined ? {} : { acr }),
    ...(amr === undefined ? {} : { amr: amr as string[] }),
    ...(cnf === undefined ? {} : { cnf }),
    ...(act === undefined ? {} : { act }),
  };
}
