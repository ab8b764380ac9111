import { KeyLike, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';

export interface AssertionOptions {
  readonly clientId: string;
  readonly key: KeyLike | Uint8Array;
  readonly audience: string | readonly string[];
  /** Default ES256. */
  readonly alg?: string;
  readonly kid?: string;
  /** Claims to set or override; a claim given as `undefined` is left out. */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/**
 * A `private_key_jwt` client assertion (RFC 7523 §3): iss = sub = client_id, the given `aud`,
 * a fresh `jti`, issued now and valid for one minute unless `claims` says otherwise.
 */
export function clientAssertion(o: AssertionOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: o.clientId,
    sub: o.clientId,
    aud: o.audience,
    jti: randomUUID(),
    iat: now,
    exp: now + 60,
    ...o.claims,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: o.alg ?? 'ES256', ...(o.kid === undefined ? {} : { kid: o.kid }) })
    .sign(o.key);
}
