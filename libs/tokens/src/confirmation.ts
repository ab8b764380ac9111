/**
 * A sender constraint (RFC 7800 `cnf`): the token is good only with proof of the key it names.
 * Exactly one member, a base64url SHA-256 thumbprint: of the DPoP proof's public key (RFC 9449
 * §6, `jkt`, RFC 7638) or of the client's TLS certificate (RFC 8705 §3.1, `x5t#S256`). Never a
 * key or a certificate itself.
 */
export type Confirmation = { readonly jkt: string } | { readonly 'x5t#S256': string };

/** Which member a confirmation has: the wire name, as `token.issued` v4 records it. */
export type ConfirmationKind = 'jkt' | 'x5t#S256';

const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

export const confirmationKind = (c: Confirmation): ConfirmationKind =>
  'jkt' in c ? 'jkt' : 'x5t#S256';

export const confirmationThumbprint = (c: Confirmation): string =>
  'jkt' in c ? c.jkt : c['x5t#S256'];

export const confirmationOf = (kind: ConfirmationKind, thumbprint: string): Confirmation =>
  kind === 'jkt' ? { jkt: thumbprint } : { 'x5t#S256': thumbprint };

/** RFC 9449 §7.1 / RFC 6750 §1: a token bound to a DPoP key is presented as `DPoP`, else `Bearer`. */
export const tokenTypeOf = (cnf: Confirmation | undefined): 'DPoP' | 'Bearer' =>
  cnf !== undefined && 'jkt' in cnf ? 'DPoP' : 'Bearer';

/**
 * A `cnf` claim read off a verified token: `undefined` when absent, `null` when present but not
 * exactly one thumbprint we would have written (the token is then refused, never treated as a
 * bearer token: dropping a constraint would turn a bound token into a bearer one).
 */
export function parseConfirmation(value: unknown): Confirmation | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const entries = Object.entries(value);
  if (entries.length !== 1) return null;
  const [name, thumbprint] = entries[0]!;
  if (name !== 'jkt' && name !== 'x5t#S256') return null;
  if (typeof thumbprint !== 'string' || !THUMBPRINT.test(thumbprint)) return null;
  return confirmationOf(name, thumbprint);
}
