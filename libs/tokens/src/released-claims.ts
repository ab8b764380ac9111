/**
 * The standard claims each OpenID Connect scope asks for (OpenID Connect Core §5.4; the claims
 * are defined in §5.1). These are the only end-user claims an ID token or /userinfo releases.
 */
export const SCOPE_CLAIMS = {
  profile: [
    'name',
    'family_name',
    'given_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
} as const satisfies Readonly<Record<string, readonly string[]>>;

export type ClaimScope = keyof typeof SCOPE_CLAIMS;

/** Every end-user claim some scope releases (for `claims_supported`, with `sub`). */
export const STANDARD_CLAIMS: readonly string[] = Object.values(SCOPE_CLAIMS).flat();

/** Which scope releases each standard claim. */
const SCOPE_OF: ReadonlyMap<string, ClaimScope> = new Map(
  (Object.entries(SCOPE_CLAIMS) as [ClaimScope, readonly string[]][]).flatMap(([scope, names]) =>
    names.map((name) => [name, scope] as const),
  ),
);

/** Whether `name` is a standard end-user claim that some scope releases. */
export function isStandardClaim(name: string): boolean {
  return SCOPE_OF.has(name);
}

/**
 * An end-user's claims as an ID token or /userinfo may carry them: only the standard claims of
 * the granted scopes (OpenID Connect Core §5.4), and, when the consent named the claims it
 * granted, only those. Nothing else leaves, whatever the user record holds: no custom claim, and
 * never a name the token itself asserts (`sub`, `iss`, `aud`, `nonce`, …), since no scope maps to
 * one. Claims without a value are left out rather than sent empty (§5.3.2).
 */
export function releasedClaims(
  claims: Readonly<Record<string, unknown>>,
  scopes: Iterable<string>,
  consented?: readonly string[],
): Record<string, unknown> {
  const granted = new Set(scopes);
  const released: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(claims)) {
    const scope = SCOPE_OF.get(name);
    if (scope === undefined || !granted.has(scope)) continue;
    if (consented !== undefined && !consented.includes(name)) continue;
    if (value === undefined || value === null || value === '') continue;
    released[name] = value;
  }
  return released;
}
