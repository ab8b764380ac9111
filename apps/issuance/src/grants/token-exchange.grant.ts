import { Inject, Injectable } from '@nestjs/common';
import { ClientConfig, TOKEN_EXCHANGE, TokenExchangePolicy } from '@app/config';
import { InvalidRequest, OAuthRequest, UnauthorizedClient } from '@app/oauth';
import { exchangeGrantId, FederatedCredentialUse } from '@app/projection';
import { ClientRegistry } from '@app/registry';
import { GRANT_STORE, GrantStore } from '@app/store';
import { AccessTokenMinter } from '../access-token.minter';
import { AssertionGrantRecorder } from './assertion-grant.recorder';
import { GrantHandler, SenderBinding, TokenResponse } from './grant-handler';
import {
  actingParty,
  checkMayAct,
  exchangedAct,
  exchangeKind,
} from './token-exchange/exchange-actor';
import { actorParameters, issuedTokenType } from './token-exchange/exchange-request';
import { ExchangeTarget, exchangeTarget } from './token-exchange/exchange-target';
import {
  PresentedToken,
  SUBJECT_TOKEN_READERS,
  SubjectTokenReader,
} from './token-exchange/presented-token';

type Role = 'subject_token' | 'actor_token';

/**
 * RFC 8693 token exchange: a client presents a token (the subject's) and gets an access token
 * for a resource its `token_exchange` policy allows, by delegation (an `actor_token`: the actor
 * in `act`, nested over the subject token's own) or by impersonation (the subject alone). The
 * new token never outlives the subject token and belongs to a grant derived from it, chained
 * under the subject token's grant, so revoking either revokes it (ExchangeChainProjection). A
 * trusted external issuer's token has no grant or revocation of ours: the exchange opens its
 * grant with `grant.created` (listed and revoked like any grant), and the token carries `idp`.
 * A confidential client only: the party that becomes the actor must authenticate.
 */
@Injectable()
export class TokenExchangeGrant implements GrantHandler {
  readonly grantType = TOKEN_EXCHANGE;
  readonly parameters = {
    subject_token: 'required',
    subject_token_type: 'required',
    actor_token: 'optional',
    actor_token_type: 'optional',
    requested_token_type: 'optional',
    resource: 'repeatable',
    audience: 'optional',
    scope: 'optional',
  } as const;
  readonly publicClients = false;
  /** RFC 8414 §2: only while a client has a token_exchange policy (the parser pairs them). */
  readonly advertisedWhenRegistered = true;

  constructor(
    private readonly registry: ClientRegistry,
    private readonly minter: AccessTokenMinter,
    private readonly recorder: AssertionGrantRecorder,
    @Inject(GRANT_STORE) private readonly grants: GrantStore,
    @Inject(SUBJECT_TOKEN_READERS) private readonly readers: readonly SubjectTokenReader[],
  ) {}

  async handle(
    client: ClientConfig,
    req: OAuthRequest,
    binding: SenderBinding = {},
    federated?: FederatedCredentialUse,
  ): Promise<TokenResponse> {
    const policy = this.policyOf(client);
    const { form } = req;
    const actorParams = actorParameters(form);
    // The policy first: a client that may not exchange this way learns so before any token is read.
    const kind = exchangeKind(policy, actorParams !== undefined);
    const subject = await this.read(
      'subject_token',
      form.require('subject_token'),
      form.require('subject_token_type'),
      client,
    );
    const actor =
      actorParams && (await this.read('actor_token', actorParams.token, actorParams.type, client));
    const acting = actingParty(client, actor);
    checkMayAct(subject, acting);
    const target = exchangeTarget(this.registry, client, policy, subject, form);
    const issuedType = issuedTokenType(form, target.resource);
    const grantId = exchangeGrantId(subject.clientId, subject.jti);
    if (subject.issuer !== undefined) await this.openGrant(grantId, client, subject, target);
    const answer = await this.minter.mint({
      client,
      resource: target.resource,
      scopes: target.scopes,
      grantType: this.grantType,
      subject: subject.sub,
      grantId,
      authentication: subject.authentication,
      confirmation: binding.confirmation,
      act: exchangedAct(kind, subject, acting),
      notAfter: subject.exp,
      // The exchanging client's own federated credential when it authenticated with one, else
      // an external subject token (as the JWT-bearer grant records its assertion).
      federated: federated ?? externalSubject(subject),
      ...(subject.idp === undefined ? {} : { idp: subject.idp }),
      exchange: {
        kind,
        subjectJti: subject.jti,
        subjectClientId: subject.clientId,
        ...(subject.digest === undefined ? {} : { subjectDigest: subject.digest }),
        ...(subject.grantId === undefined ? {} : { subjectGrantId: subject.grantId }),
      },
    });
    // RFC 8693 §2.2.1: `issued_token_type` is REQUIRED; `token_type` is the access token's.
    return { ...{}, ...answer, issued_token_type: issuedType };
  }

  /**
   * An external subject token's grant, keyed to the token (`xg_` of its issuer and `jti`, else
   * its digest): every exchange of it shares the grant, and revoking the grant (admin API,
   * subject revocation) revokes what was exchanged from it, down the chain. Opened by the first
   * exchange (its client, target and scopes), as a replay of the log keeps the first
   * `grant.created` of an id; a revoked one is never reopened (the reader refuses its token).
   */
  private async openGrant(
    grantId: string,
    client: ClientConfig,
    subject: PresentedToken,
    target: ExchangeTarget,
  ): Promise<void> {
    if ((await this.grants.find(grantId)) !== null) return;
    await this.recorder.record(
      {
        subject: subject.sub,
        clientId: client.clientId,
        scopes: target.scopes,
        resources: [target.resource.identifier],
        authTime: subject.authentication?.authTime ?? Math.floor(Date.now() / 1000),
      },
      grantId,
    );
  }

  /** The configuration pairs the grant type with a policy; this holds for clients from code too. */
  private policyOf(client: ClientConfig): TokenExchangePolicy {
    if (client.tokenExchange === undefined)
      throw new UnauthorizedClient('the client has no token_exchange policy');
    return client.tokenExchange;
  }

  /** RFC 8693 §2.2.2: an unsupported type, or a token no reader vouches for: `invalid_request`. */
  private async read(
    role: Role,
    token: string,
    tokenType: string,
    client: ClientConfig,
  ): Promise<PresentedToken> {
    const readers = this.readers.filter((r) => r.accepts(tokenType));
    if (readers.length === 0) throw new InvalidRequest(`${role}_type is not supported`);
    for (const reader of readers) {
      const found = await reader.read(token, tokenType, client);
      if (found !== null) return found;
    }
    throw new InvalidRequest(`the ${role} is invalid, expired or revoked`);
  }
}

function externalSubject(subject: PresentedToken): FederatedCredentialUse | undefined {
  return subject.issuer === undefined
    ? undefined
    : { issuer: subject.issuer, subject: subject.sub };
}
