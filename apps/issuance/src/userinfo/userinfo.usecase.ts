import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig, FailurePolicy } from '@app/config';
import {
  BearerError,
  checkCertificateBinding,
  extractBearer,
  InsufficientScope,
  InvalidToken,
  isDpopScheme,
  ResourceRequest,
  TokenStateUnavailable,
} from '@app/resource-server';
import {
  GRANT_STORE,
  GrantRecord,
  GrantStore,
  REVOCATION_STORE,
  RevocationStore,
  StoreUnavailable,
} from '@app/store';
import {
  AccessTokenClaims,
  AccessTokenReader,
  ClientCertificateSource,
  releasedClaims,
} from '@app/tokens';
import { UserinfoDpopCheck } from './userinfo-dpop.check';

/** What /userinfo answers (OIDC Core §5.3.2): `sub` and the released standard claims. */
export type UserinfoResponse = Readonly<Record<string, unknown>> & { readonly sub: string };

const INVALID = 'the access token is invalid, expired or revoked';

/**
 * GET|POST /oauth2/userinfo (OIDC Core §5.3). The bearer token is read as an access token of this
 * issuer, as introspection reads it: a JWT's signature and `typ: at+jwt` (so an ID token, `typ:
 * JWT`, is refused), an opaque token's record, and the revocation state of the token, its grant
 * and its client. Any audience is accepted as long as the token carries `openid`: the code flow's
 * access token for an API carries the granted OpenID scopes too (sign-in/code-audience.ts), and a
 * client that asked for an API has no other token to call /userinfo with until refresh tokens
 * come. The claims are the grant's, as the consent gave them for /userinfo, released by the
 * token's scopes (§5.4); `sub` is the token's own, so it equals the ID token's (§5.3.2). A
 * DPoP-bound token comes with the DPoP scheme and a proof (RFC 9449 §7, UserinfoDpopCheck), and
 * every refusal of it goes in the DPoP challenge.
 */
@Injectable()
export class UserinfoUseCase {
  private readonly log = new Logger(UserinfoUseCase.name);
  private readonly failurePolicy: FailurePolicy;
  private readonly certificates: ClientCertificateSource;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly reader: AccessTokenReader,
    @Inject(REVOCATION_STORE) private readonly revocations: RevocationStore,
    @Inject(GRANT_STORE) private readonly grants: GrantStore,
    private readonly dpop: UserinfoDpopCheck,
  ) {
    this.failurePolicy = config.revocationFailurePolicy;
    this.certificates = new ClientCertificateSource(config.mtls.trustedProxies);
  }

  async execute(request: ResourceRequest): Promise<UserinfoResponse> {
    const dpop = isDpopScheme(request.authorization);
    try {
      return await this.answer(request, dpop);
    } catch (e) {
      throw dpop && e instanceof BearerError ? e.under('DPoP') : e;
    }
  }

  private async answer(request: ResourceRequest, dpop: boolean): Promise<UserinfoResponse> {
    const token = extractBearer(request, dpop);
    const claims = await this.validToken(token);
    await this.dpop.check(token, claims, request);
    if (claims.cnf !== undefined)
      checkCertificateBinding(claims.cnf, this.certificates, request.connection);
    const scopes = claims.scope.split(' ');
    // RFC 6750 §3.1: a good token without the scope this resource needs is 403, not 401.
    if (!scopes.includes('openid')) throw new InsufficientScope(['openid']);
    const grant = await this.grantOf(claims);
    return { ...{}, ...releasedClaims(grant.userinfoClaims, scopes), sub: claims.sub };
  }

  private async validToken(token: string): Promise<AccessTokenClaims> {
    const found = await unlessUnavailable(() => this.reader.read(token));
    if (!found || (await this.isRevoked(found.claims))) throw new InvalidToken(INVALID);
    return found.claims;
  }

  /** Never vouch for a token whose revocation state could not be checked (fail-closed). */
  private async isRevoked(claims: AccessTokenClaims): Promise<boolean> {
    try {
      return await this.revocations.isRevoked(claims);
    } catch (e) {
      if (!(e instanceof StoreUnavailable)) throw e;
      if (this.failurePolicy === 'fail-closed')
        throw new TokenStateUnavailable('the token state cannot be checked now');
      this.log.warn('revocation state unreachable: answering by signature alone (fail-open)');
      return false;
    }
  }

  /** A token without its grant (client_credentials, or a grant gone) names no user. */
  private async grantOf(claims: AccessTokenClaims): Promise<GrantRecord> {
    const { grantId } = claims;
    const grant = grantId && (await unlessUnavailable(() => this.grants.find(grantId)));
    if (!grant || grant.clientId !== claims.clientId) throw new InvalidToken(INVALID);
    return grant;
  }
}

async function unlessUnavailable<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof StoreUnavailable)
      throw new TokenStateUnavailable('the token state cannot be checked now');
    throw e;
  }
}
