import { Inject, Injectable } from '@nestjs/common';
import {
  APP_CONFIG,
  AppConfig,
  ClientConfig,
  FederatedCredentialConfig,
  federatedSubjectMatches,
} from '@app/config';
import { RedisKeys, REPLAY_STORE, ReplayStore } from '@app/store';
import { FederatedJwtRejected, FederatedJwtVerifier } from '@app/tokens';
import { FederatedIdentity } from '../client-auth-method';

/**
 * A `private_key_jwt` client's federated identity credentials (RFC 7523 §2.2 as Microsoft's
 * workload identity federation uses it): the client assertion is a token its platform (a CI
 * system, a Kubernetes cluster, another cloud) signed, not one the client signed. The client is
 * the one `client_id` names: the token's `sub` is the workload's identity at its platform, which
 * must be one the client registered, with the issuer and audience registered beside it.
 */
@Injectable()
export class FederatedCredentialCheck {
  constructor(
    private readonly verifier: FederatedJwtVerifier,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REPLAY_STORE) private readonly replays: ReplayStore,
  ) {}

  /**
   * The client's federated credentials of the issuer the assertion claims to come from (its
   * `iss`, read before verification only to choose whose keys verify it), or undefined when it
   * names none of them: then the assertion is one the client signed itself.
   */
  credentialsFor(
    client: ClientConfig,
    assertion: string,
  ): readonly FederatedCredentialConfig[] | undefined {
    if (client.federatedCredentials === undefined) return undefined;
    const issuer = FederatedJwtVerifier.unverifiedIssuer(assertion);
    const credentials = client.federatedCredentials.filter((c) => c.issuer === issuer);
    return credentials.length > 0 ? credentials : undefined;
  }

  /**
   * The credential the assertion proves among `credentials` (all of one issuer, from
   * `credentialsFor`), or undefined for any refusal.
   */
  async verify(
    credentials: readonly FederatedCredentialConfig[],
    assertion: string,
  ): Promise<FederatedIdentity | undefined> {
    const issuer = credentials[0]!.issuer;
    try {
      const token = await this.verifier.verify(assertion, {
        issuers: [issuer],
        audiences: [...new Set(credentials.map((c) => this.audienceOf(c)))],
      });
      const matched = credentials.some(
        (c) => this.audienceOf(c) === token.audience && federatedSubjectMatches(c, token.subject),
      );
      if (!matched) return undefined;
      // RFC 7523 §3 item 7: a `jti` is single-use for as long as the token can be accepted, in
      // the store every replica shares, keyed by issuer (whichever client presents it).
      if (
        token.jti !== undefined &&
        !(await this.replays.claimOnce(
          RedisKeys.federatedJti(issuer, token.jti),
          token.replayUntil,
        ))
      )
        return undefined;
      return { issuer, subject: token.subject };
    } catch (e) {
      if (e instanceof FederatedJwtRejected) return undefined;
      throw e;
    }
  }

  /** RFC 7523 §3 item 3: the audience defaults to our issuer identifier. */
  private audienceOf(c: FederatedCredentialConfig): string {
    return c.audience ?? this.config.issuer;
  }
}
