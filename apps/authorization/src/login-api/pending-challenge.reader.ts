import { Inject, Injectable } from '@nestjs/common';
import { Conflict, NotFound } from '@app/oauth';
import {
  AUTHORIZATION_REQUEST_STORE,
  AuthorizationRequestStore,
  ChallengeKind,
  INTERACTION_CHALLENGE_STORE,
  InteractionChallenge,
  InteractionChallengeStore,
} from '@app/store';

/** Longer than any id the authorization endpoint makes: such an id cannot name a challenge. */
const MAX_CHALLENGE_LENGTH = 256;

/**
 * The challenge a login app asks about or answers, while it is still waiting for an answer. Login
 * and consent ids are separate namespaces in the store: a login challenge's id presented as a
 * consent challenge is unknown, like any other id.
 */
@Injectable()
export class PendingChallengeReader {
  constructor(
    @Inject(INTERACTION_CHALLENGE_STORE) private readonly challenges: InteractionChallengeStore,
    @Inject(AUTHORIZATION_REQUEST_STORE) private readonly requests: AuthorizationRequestStore,
  ) {}

  async pending(kind: ChallengeKind, id: string): Promise<InteractionChallenge> {
    if (id.length > MAX_CHALLENGE_LENGTH) throw unknownChallenge(kind);
    const state = await this.challenges.find(kind, id);
    if (state === null) throw unknownChallenge(kind);
    if (state.answer !== undefined) throw answeredChallenge(kind);
    // The request the challenge continues may be gone first (finished in another tab): nothing
    // the browser could be sent back to would go anywhere.
    const request = await this.requests.find('pending', state.challenge.requestId);
    if (request === null) throw unknownChallenge(kind);
    return state.challenge;
  }
}

export function unknownChallenge(kind: ChallengeKind): NotFound {
  return new NotFound(
    `there is no pending ${kind} challenge with this id (unknown, expired or already used)`,
  );
}

/** Answers are recorded once (the first stands), so a second is refused whatever it says. */
export function answeredChallenge(kind: ChallengeKind): Conflict {
  return new Conflict(`the ${kind} challenge has already been answered`);
}
