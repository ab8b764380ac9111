import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ClientConfig } from '@app/config';
import { exchangeGrantId } from '@app/projection';
import {
  EXCHANGE_CHAIN_STORE,
  ExchangeChainStore,
  REVOCATION_STORE,
  RevocationStore,
} from '@app/store';
import {
  FederatedJwt,
  FederatedJwtRejected,
  FederatedJwtVerifier,
  parseActClaim,
  tokenDigest,
} from '@app/tokens';
import { authTimeOf } from '../external-auth-time';
import { PresentedToken, SubjectTokenReader } from './presented-token';
import { TOKEN_TYPES } from './token-types';

/**
 * A trusted external issuer's JWT as RFC 8693 `subject_token` (type `jwt`, §3): the user or
 * workload it is about, as that issuer states it. Whose token it is is decided by its `iss`
 * alone: this issuer's own JWTs are OwnAccessTokenReader's, and an `iss` that is not one of
 * `trusted_issuers` is no one's (refused before anything is fetched). It is verified as the
 * JWT-bearer grant verifies an assertion (FederatedJwtVerifier: an issuer the client lists in
 * `token_exchange.subject_issuers`, signature under its keys, `exp` within its bound, `aud`
 * our issuer identifier or token endpoint, alone), but its `jti` is not spent: a subject token
 * may be exchanged more than once (RFC 8693 §2.1 asks no single use), for several targets.
 *
 * We cannot revoke another issuer's token; what is exchanged from it is revoked through the
 * grant the exchange opens for it, keyed to the token (its issuer and `jti`, else its digest):
 * once that grant is revoked (ExchangeChainStore), the token is refused here, whichever client
 * presents it; so is one issued before its subject's revocation (RevocationStore).
 */
@Injectable()
export class FederatedSubjectTokenReader implements SubjectTokenReader {
  private readonly issuer: string;
  /** RFC 7523 §3 item 3, as the JWT-bearer grant: this server, by issuer or token endpoint. */
  private readonly audiences: readonly string[];

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly verifier: FederatedJwtVerifier,
    @Inject(REVOCATION_STORE) private readonly revocations: RevocationStore,
    @Inject(EXCHANGE_CHAIN_STORE) private readonly chains: ExchangeChainStore,
  ) {
    this.issuer = config.issuer;
    this.audiences = [config.issuer, config.endpoints.token];
  }

  accepts(tokenType: string): boolean {
    return tokenType === TOKEN_TYPES.jwt;
  }

  async read(token: string, _type: string, client: ClientConfig): Promise<PresentedToken | null> {
    const iss = FederatedJwtVerifier.unverifiedIssuer(token);
    if (iss === undefined || iss === this.issuer || !this.verifier.trusts(iss)) return null;
    const verified = await this.verified(token, client);
    if (verified === null) return null;
    // RFC 8693 §4.1, §4.4: honoured as in our own tokens; a malformed one refuses the token.
    const act = parseActClaim(verified.claims.act);
    const mayAct = parseActClaim(verified.claims.may_act);
    if (act === null || mayAct === null) return null;
    const digest = tokenDigest(token);
    const jti = verified.jti ?? digest;
    const authTime = authTimeOf(verified);
    const grantId = exchangeGrantId(verified.issuer, jti);
    // A store that cannot answer throws (503): a token is never exchanged unchecked.
    if ((await this.chains.revokedUntil(grantId)) !== null) return null;
    const revoked = await this.revocations.isRevoked({
      clientId: client.clientId,
      jti,
      grantId,
      sub: verified.subject,
      iat: Number.isInteger(verified.claims.iat) ? verified.claims.iat! : authTime,
    });
    if (revoked) return null;
    return {
      sub: verified.subject,
      clientId: verified.issuer,
      scopes: [],
      jti,
      digest,
      exp: verified.claims.exp!,
      issuer: verified.issuer,
      idp: verified.issuer,
      ...(act === undefined ? {} : { act }),
      ...(mayAct === undefined ? {} : { mayAct }),
      authentication: { authTime, amr: [] },
    };
  }

  /** Untrusted for this client, badly signed, expired, for another audience, keys out of reach. */
  private async verified(token: string, client: ClientConfig): Promise<FederatedJwt | null> {
    try {
      return await this.verifier.verify(token, {
        issuers: client.tokenExchange?.subjectIssuers ?? [],
        audiences: this.audiences,
      });
    } catch (e) {
      if (e instanceof FederatedJwtRejected) return null;
      throw e;
    }
  }
}
