import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { RedirectAnswer } from '@app/oauth';
import {
  ChallengeKind,
  INTERACTION_CHALLENGE_STORE,
  InteractionAnswer,
  InteractionChallengeStore,
} from '@app/store';
import { tokenDigest } from '@app/tokens';
import { answeredChallenge, unknownChallenge } from './pending-challenge.reader';

/**
 * Records a login app's answer to a challenge, once, and says where the browser goes next: back
 * to the authorization endpoint with the challenge and a fresh verifier. The verifier (256 random
 * bits) proves that the browser comes from this answer; only its SHA-256 digest is stored (as
 * `tokenDigest` makes it: base64url), and the authorization endpoint consumes the challenge with
 * the digest of the verifier it is brought.
 */
@Injectable()
export class AnswerRecorder {
  private readonly authorizationEndpoint: string;

  constructor(
    @Inject(INTERACTION_CHALLENGE_STORE) private readonly challenges: InteractionChallengeStore,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.authorizationEndpoint = config.endpoints.authorization;
  }

  async record(
    kind: ChallengeKind,
    id: string,
    answer: InteractionAnswer,
  ): Promise<RedirectAnswer> {
    const verifier = randomBytes(32).toString('base64url');
    const outcome = await this.challenges.answer(kind, id, answer, tokenDigest(verifier));
    // Between reading the challenge and answering it, it may have expired or been answered.
    if (outcome === 'unknown') throw unknownChallenge(kind);
    if (outcome === 'already-answered') throw answeredChallenge(kind);
    return { redirect_to: this.redirectTo(kind, id, verifier) };
  }

  private redirectTo(kind: ChallengeKind, id: string, verifier: string): string {
    const url = new URL(this.authorizationEndpoint);
    url.searchParams.set(`${kind}_challenge`, id);
    url.searchParams.set(`${kind}_verifier`, verifier);
    return url.href;
  }
}
