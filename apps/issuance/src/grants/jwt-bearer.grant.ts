import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ClientConfig, JWT_BEARER_GRANT } from '@app/config';
import { InvalidGrant, OAuthRequest } from '@app/oauth';
import type { FederatedCredentialUse } from '@app/projection';
import { ClientRegistry } from '@app/registry';
import { RedisKeys, REPLAY_STORE, ReplayStore } from '@app/store';
import { FederatedJwt, FederatedJwtRejected, FederatedJwtVerifier } from '@app/tokens';
import { AccessTokenMinter } from '../access-token.minter';
import { AssertionGrantRecorder } from './assertion-grant.recorder';
import { authTimeOf } from './external-auth-time';
import { GrantHandler, SenderBinding, TokenResponse } from './grant-handler';
import { resolveResource, resolveScope } from './resource-and-scope';

const REFUSED = 'the assertion is invalid, expired, already used or not from a trusted issuer';

/**
 * RFC 7523 §2.1: a trusted issuer's assertion about a user (`sub`) is the authorization grant.
 * The client must list the assertion's issuer in `jwt_bearer.issuers`; the assertion is checked
 * as RFC 7523 §3 says (FederatedJwtVerifier: issuer, signature, `aud` naming us, `exp`), and a
 * `jti` is spent once. The token is for the subject as the assertion states it, with the
 * assertion's issuer in its `idp` claim, under a new grant like any other (revocable, with its
 * `grant.created`). No refresh token: the client presents a fresh assertion instead (§2.1 does
 * not need one, and the assertion's issuer stays in control of how long access lasts).
 */
@Injectable()
export class JwtBearerGrant implements GrantHandler {
  readonly grantType = JWT_BEARER_GRANT;
  readonly parameters = {
    assertion: 'required',
    scope: 'optional',
    resource: 'repeatable',
  } as const;
  /** An assertion is a bearer credential: only a client that proves itself may present one. */
  readonly publicClients = false;
  readonly advertisedWhenRegistered = true;
  /** RFC 7523 §3 item 3: the authorization server, by its issuer identifier or token endpoint. */
  private readonly audiences: readonly string[];

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly registry: ClientRegistry,
    private readonly verifier: FederatedJwtVerifier,
    @Inject(REPLAY_STORE) private readonly replays: ReplayStore,
    private readonly recorder: AssertionGrantRecorder,
    private readonly minter: AccessTokenMinter,
  ) {
    this.audiences = [config.issuer, config.endpoints.token];
  }

  async handle(
    client: ClientConfig,
    req: OAuthRequest,
    binding: SenderBinding = {},
    federated?: FederatedCredentialUse,
  ): Promise<TokenResponse> {
    // Resource and scope first: a request refused for them spends no assertion.
    const resource = resolveResource(this.registry, client, req.form);
    const scopes = resolveScope(client, resource, req.form);
    const assertion = await this.verified(client, req.form.require('assertion'));
    const authTime = authTimeOf(assertion);
    const grantId = await this.recorder.record({
      subject: assertion.subject,
      clientId: client.clientId,
      scopes,
      resources: [resource.identifier],
      authTime,
    });
    return this.minter.mint({
      client,
      resource,
      scopes,
      grantType: this.grantType,
      subject: assertion.subject,
      grantId,
      authentication: { authTime, amr: [] },
      confirmation: binding.confirmation,
      // The workload's own federated credential when it used one, else the assertion.
      federated: federated ?? { issuer: assertion.issuer, subject: assertion.subject },
      idp: assertion.issuer,
    });
  }

  /** RFC 7523 §3.1: any refusal of the assertion is `invalid_grant`, never a 500. */
  private async verified(client: ClientConfig, jwt: string): Promise<FederatedJwt> {
    let assertion: FederatedJwt;
    try {
      assertion = await this.verifier.verify(jwt, {
        issuers: client.jwtBearer?.issuers ?? [],
        audiences: this.audiences,
      });
    } catch (e) {
      if (e instanceof FederatedJwtRejected) throw new InvalidGrant(REFUSED);
      throw e;
    }
    // RFC 7523 §3 item 7: single-use for as long as it can be accepted, on every replica.
    if (
      assertion.jti !== undefined &&
      !(await this.replays.claimOnce(
        RedisKeys.federatedJti(assertion.issuer, assertion.jti),
        assertion.replayUntil,
      ))
    )
      throw new InvalidGrant(REFUSED);
    return assertion;
  }
}
