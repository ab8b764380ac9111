import { FormParams, OAuthRequest } from '@app/oauth';
import { FrontChannelAnswer, SetCookie } from '../../front-channel/front-channel-answer';
import { RedirectTarget } from '../authorization-response';

/** What a step knows once the client's redirect URI can be trusted with an error. */
export interface TrustedFlow {
  readonly target: RedirectTarget;
  /** Cookies every answer that ends the flow sets (the flow's binding cookie, cleared). */
  readonly flowEndCookies?: readonly SetCookie[];
}

/**
 * One entry of the authorization endpoint: a new request, or the browser back from login or
 * consent. `trust` throws what must be shown as a page (RFC 6749 §4.1.2.1: never redirected);
 * `run` throws what goes to the client's redirect URI.
 */
export interface AuthorizeStep<T extends TrustedFlow> {
  trust(req: OAuthRequest, params: FormParams): Promise<T>;
  run(req: OAuthRequest, params: FormParams, trusted: T): Promise<FrontChannelAnswer>;
}
