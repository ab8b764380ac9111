import { Inject, Injectable } from '@nestjs/common';
import { ClientConfig } from '@app/config';
import { REVOCATION_STORE, RevocationStore } from '@app/store';
import { AccessTokenClaims, AccessTokenReader, JwtAccessTokenFormat } from '@app/tokens';
import { PresentedToken, SubjectTokenReader } from './presented-token';
import { TOKEN_TYPES } from './token-types';

/**
 * This issuer's own access tokens, JWT and opaque (RFC 8693 §3 `access_token`; `jwt` for the
 * JWT ones only), read the way introspection reads them: signature and lifetime, then every
 * revocation that could cover them (token, grant, client, subject). A token may be presented by
 * the client it was issued to, or by a client serving its audience (`introspects`, the APIs
 * it is the resource server of): an API exchanges the token it was called with, and no client
 * can exchange a token that was neither its own nor meant for it.
 */
@Injectable()
export class OwnAccessTokenReader implements SubjectTokenReader {
  constructor(
    private readonly reader: AccessTokenReader,
    @Inject(REVOCATION_STORE) private readonly revocations: RevocationStore,
  ) {}

  accepts(tokenType: string): boolean {
    return tokenType === TOKEN_TYPES.accessToken || tokenType === TOKEN_TYPES.jwt;
  }

  async read(
    token: string,
    tokenType: string,
    client: ClientConfig,
  ): Promise<PresentedToken | null> {
    if (tokenType === TOKEN_TYPES.jwt && !JwtAccessTokenFormat.looksLikeJwt(token)) return null;
    const found = await this.reader.read(token);
    if (!found) return null;
    const { claims } = found;
    if (claims.clientId !== client.clientId && !client.introspects.includes(claims.aud))
      return null;
    // A store that cannot answer throws (503): a token is never exchanged unchecked.
    if (await this.revocations.isRevoked(claims)) return null;
    return presented(claims, found.digest);
  }
}

function presented(c: AccessTokenClaims, digest: string | undefined): PresentedToken {
  return {
    sub: c.sub,
    clientId: c.clientId,
    aud: c.aud,
    scopes: c.scope.split(' ').filter((s) => s !== ''),
    jti: c.jti,
    exp: c.exp,
    ...(digest === undefined ? {} : { digest }),
    ...(c.grantId === undefined ? {} : { grantId: c.grantId }),
    // A subject known at an external issuer (JWT-bearer grant, or an earlier exchange) stays so.
    ...(c.idp === undefined ? {} : { idp: c.idp }),
    ...(c.act === undefined ? {} : { act: c.act }),
    ...(c.mayAct === undefined ? {} : { mayAct: c.mayAct }),
    ...(c.authTime === undefined
      ? {}
      : {
          authentication: {
            authTime: c.authTime,
            ...(c.acr === undefined ? {} : { acr: c.acr }),
            amr: c.amr ?? [],
          },
        }),
  };
}
