import { compactVerify, errors, ProtectedHeaderParameters } from 'jose';
import { ID_TOKEN_SIGNING_ALGS } from '@app/config';
import { VerificationKeys } from './verification-keys';

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** An ID token of ours is a few hundred bytes; a hint far larger is not one. */
const MAX_HINT_LENGTH = 8192;

/** What an `id_token_hint` says once it is known to be one of our own ID tokens. */
export interface IdTokenHint {
  /** `aud` (= `azp`): the client the ID token was issued to. */
  readonly clientId: string;
  /** The subject as that client sees it (public or pairwise). */
  readonly sub: string;
  /** The browser session the sign-in happened in, when the token carries it. */
  readonly sid?: string;
}

/**
 * Checks an `id_token_hint` (OpenID RP-Initiated Logout 1.0 §2, OIDC Core §3.1.2.1): an ID token
 * this issuer signed with one of its keys (algorithm allow-list, the key's own `alg`), `typ: JWT`
 * (RFC 8725 §3.11: never an `at+jwt` access token), our `iss`, one audience. Its expiry is not
 * checked: RP-Initiated Logout §2 lets a relying party send an ID token that has expired. Any
 * failure is null; callers answer without saying why.
 */
export class IdTokenHintVerifier {
  constructor(
    private readonly keys: VerificationKeys,
    private readonly issuer: string,
  ) {}

  async verify(token: string): Promise<IdTokenHint | null> {
    if (token.length > MAX_HINT_LENGTH || !JWT_SHAPE.test(token)) return null;
    try {
      const { payload, protectedHeader } = await compactVerify(
        token,
        async (header: ProtectedHeaderParameters) => {
          // The ring matches on `kid` and `alg` only (b64 is refused by compactVerify itself).
          const key = await this.keys.verificationKey({ kid: header.kid, alg: header.alg ?? '' });
          if (!key) throw new errors.JWKSNoMatchingKey();
          return key;
        },
        { algorithms: [...ID_TOKEN_SIGNING_ALGS] },
      );
      if (protectedHeader.typ !== 'JWT') return null;
      return this.claims(JSON.parse(new TextDecoder().decode(payload)) as unknown);
    } catch (e) {
      if (e instanceof errors.JOSEError || e instanceof SyntaxError) return null;
      throw e;
    }
  }

  private claims(payload: unknown): IdTokenHint | null {
    if (typeof payload !== 'object' || payload === null) return null;
    const { iss, aud, sub, sid } = payload as Record<string, unknown>;
    if (iss !== this.issuer || typeof aud !== 'string' || typeof sub !== 'string') return null;
    return { clientId: aud, sub, ...(typeof sid === 'string' ? { sid } : {}) };
  }
}
