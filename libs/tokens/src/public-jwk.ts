/** Private members of RSA, EC and OKP keys (RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

const EC_ALGORITHMS: Readonly<Record<string, string>> = {
  'P-256': 'ES256',
  'P-384': 'ES384',
  'P-521': 'ES512',
};

/** The JWS algorithms a key of each type may verify (RFC 7518 §3, RFC 8037 §3.1). */
function algorithmsFor(jwk: Record<string, unknown>): readonly string[] {
  switch (jwk.kty) {
    case 'EC': {
      const alg = typeof jwk.crv === 'string' ? EC_ALGORITHMS[jwk.crv] : undefined;
      return alg === undefined ? [] : [alg];
    }
    case 'OKP':
      return jwk.crv === 'Ed25519' || jwk.crv === 'Ed448' ? ['EdDSA'] : [];
    case 'RSA':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    default:
      // `oct` and unknown types: a shared secret never verifies a token from someone else.
      return [];
  }
}

/**
 * The algorithms of `allowed` that `jwk` may verify: none unless it is a public signing key
 * (RFC 7517 §4.2 `use`, §4.3 `key_ops`), and only its own `alg` when it names one (§4.4).
 */
export function verificationAlgorithms(
  jwk: Record<string, unknown>,
  allowed: readonly string[],
): readonly string[] {
  if (PRIVATE_MEMBERS.some((m) => m in jwk)) return [];
  if (jwk.use !== undefined && jwk.use !== 'sig') return [];
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify')))
    return [];
  const possible = algorithmsFor(jwk).filter((a) => allowed.includes(a));
  if (jwk.alg === undefined) return possible;
  return possible.filter((a) => a === jwk.alg);
}
