import { Inject, Injectable } from '@nestjs/common';
import { FormParams, InvalidRequest } from '@app/oauth';
import {
  ChallengeKind,
  ChallengeState,
  INTERACTION_CHALLENGE_STORE,
  InteractionChallengeStore,
} from '@app/store';
import { tokenDigest } from '@app/tokens';
import { BrowserCookies } from '../front-channel/browser-cookies';
import { bounded } from './checks/parameter';

/**
 * The browser coming back from the login app with `<kind>_challenge` and `<kind>_verifier`
 * (the model of Hydra's login and consent verifiers). The challenge is consumed once, with the
 * verifier whose digest the login/consent API recorded, and only by the browser holding the
 * flow's binding cookie: a verifier carried into another browser (login CSRF, a leaked URL) is
 * worth nothing there, and using it there does not spend it.
 */
@Injectable()
export class ChallengeReturn {
  constructor(
    @Inject(INTERACTION_CHALLENGE_STORE) private readonly challenges: InteractionChallengeStore,
    private readonly cookies: BrowserCookies,
  ) {}

  async consume(
    kind: ChallengeKind,
    params: FormParams,
    browserCookies: ReadonlyMap<string, string>,
  ): Promise<Required<ChallengeState>> {
    const id = bounded(params, `${kind}_challenge`);
    const verifier = bounded(params, `${kind}_verifier`);
    if (id === undefined || verifier === undefined)
      throw new InvalidRequest(`the ${kind}_challenge and ${kind}_verifier are required`);
    const found = await this.challenges.find(kind, id);
    if (found === null) throw new InvalidRequest(`the ${kind} step is unknown, expired or done`);
    const { requestId, browserBinding } = found.challenge;
    if (!this.cookies.holdsBinding(browserCookies, requestId, browserBinding))
      throw new InvalidRequest('this sign-in was started in another browser; start again');
    const consumed = await this.challenges.consume(kind, id, tokenDigest(verifier));
    if (consumed === null) throw new InvalidRequest(`the ${kind} step is unknown, expired or done`);
    return consumed;
  }
}
