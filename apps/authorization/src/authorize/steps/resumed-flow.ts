import { ClientConfig } from '@app/config';
import { InvalidRequest } from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import { ChallengeState, PendingAuthorizationRequest } from '@app/store';
import { BrowserCookies } from '../../front-channel/browser-cookies';
import { TrustedFlow } from './authorize-step';
import { targetOf } from './start-sign-in.step';

/** The browser back from the login app: its answered challenge and the request it continues. */
export interface ResumedFlow extends TrustedFlow {
  readonly state: Required<ChallengeState>;
  readonly request: PendingAuthorizationRequest;
  readonly client: ClientConfig;
}

/** Fails as a page when the pending request has expired or its client is gone. */
export function resumedFlow(
  registry: ClientRegistry,
  cookies: BrowserCookies,
  state: Required<ChallengeState>,
  request: PendingAuthorizationRequest | null,
): ResumedFlow {
  if (request === null) throw new InvalidRequest('the sign-in took too long; start again');
  const client = registry.client(request.clientId);
  if (client === undefined) throw new InvalidRequest('the client is unknown');
  const cleared = cookies.cleared(cookies.flowName(state.challenge.requestId));
  return { state, request, client, target: targetOf(request), flowEndCookies: [cleared] };
}
