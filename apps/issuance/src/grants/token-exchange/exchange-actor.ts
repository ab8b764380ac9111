import { ClientConfig, TokenExchangePolicy } from '@app/config';
import { EXCHANGE_KINDS } from '@app/events';
import { InvalidRequest, UnauthorizedClient } from '@app/oauth';
import { ActClaim, actDepth, MAX_ACT_DEPTH } from '@app/tokens';
import { PresentedToken } from './presented-token';

export type ExchangeKind = (typeof EXCHANGE_KINDS)[number];

/**
 * RFC 8693 §1.1 leaves to policy whether an exchange is a delegation or an impersonation. Here
 * the request says which, and the client's policy says whether it may:
 * - an `actor_token` means delegation: the new token names that actor in `act` (§4.1) and keeps
 *   the subject's `sub`. The actor is proven by a token, never implied, so a token's `act`
 *   always names a party that presented credentials of its own in this exchange;
 * - no `actor_token` means impersonation: the new token stands for the subject alone, with no
 *   new actor.
 * Making the exchanging client the implicit actor would leave a delegation-only client no way
 * to ask for anything but delegation, and a client allowed both no way to choose: the request
 * would mean different things under different policies. A service that acts as itself sends its
 * own access token (client_credentials) as `actor_token`.
 */
export function exchangeKind(policy: TokenExchangePolicy, withActorToken: boolean) {
  if (withActorToken) {
    if (!policy.delegation)
      throw new UnauthorizedClient('the client may not exchange tokens by delegation');
    return 'delegation' satisfies ExchangeKind;
  }
  if (!policy.impersonation)
    throw new UnauthorizedClient(
      'the client may not exchange tokens by impersonation: send actor_token to delegate',
    );
  return 'impersonation' satisfies ExchangeKind;
}

/**
 * The acting party: the actor token's subject and client (delegation), or the exchanging client
 * itself (impersonation). An actor token must be the exchanging client's own: a client cannot
 * name another party as the one acting, so an external issuer's token is never an actor token
 * (it was issued to no client of ours). RFC 8693 §2.2.2: an unacceptable actor_token is
 * `invalid_request`.
 */
export function actingParty(client: ClientConfig, actor: PresentedToken | undefined): ActClaim {
  if (actor === undefined) return { sub: client.clientId };
  if (actor.issuer !== undefined)
    throw new InvalidRequest('the actor_token must be an access token issued to this client');
  if (actor.clientId !== client.clientId)
    throw new InvalidRequest('the actor_token was not issued to this client');
  return actor.clientId === actor.sub
    ? { sub: actor.sub }
    : { sub: actor.sub, clientId: actor.clientId };
}

/**
 * RFC 8693 §4.4: when the subject token says who may act for its subject, the acting party must
 * be that party (`sub`, and `client_id` when it names one). §2.2.2: an exchange the subject
 * token does not allow is `invalid_request`.
 */
export function checkMayAct(subject: PresentedToken, acting: ActClaim): void {
  const may = subject.mayAct;
  if (may === undefined) return;
  const clientOfActing = acting.clientId ?? acting.sub;
  if (may.sub !== acting.sub || (may.clientId !== undefined && may.clientId !== clientOfActing))
    throw new InvalidRequest('the subject_token does not allow this party to act for its subject');
}

/**
 * The new token's `act`. Delegation: the acting party, with the subject token's own `act`
 * nested inside (RFC 8693 §4.1: the chain of earlier actors stays, the current one outermost).
 * Impersonation: no new actor, and the earlier ones (if any) kept: who acted before is still true.
 */
export function exchangedAct(
  kind: ExchangeKind,
  subject: PresentedToken,
  acting: ActClaim,
): ActClaim | undefined {
  if (kind === 'impersonation') return subject.act;
  const act = subject.act === undefined ? acting : { ...{}, ...acting, act: subject.act };
  if (actDepth(act) > MAX_ACT_DEPTH)
    throw new InvalidRequest(`a token may name at most ${MAX_ACT_DEPTH} actors`);
  return act;
}
