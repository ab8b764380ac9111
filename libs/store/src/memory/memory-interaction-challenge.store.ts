import {
  AnswerOutcome,
  ChallengeKind,
  ChallengeState,
  InteractionAnswer,
  InteractionChallenge,
  InteractionChallengeStore,
} from '../interaction-challenge.port';
import { ExpiringMap } from './expiring-map';

/** The fields of the Redis hash, as JSON: what a caller reads back is never the stored object. */
interface Entry {
  readonly challenge: string;
  answer?: string;
  verifier?: string;
}

export class MemoryInteractionChallengeStore implements InteractionChallengeStore {
  private readonly challenges = new ExpiringMap<Entry>();

  async create(id: string, challenge: InteractionChallenge, expiresAt: number): Promise<void> {
    this.challenges.set(
      `${challenge.kind}:${id}`,
      { challenge: JSON.stringify(challenge) },
      expiresAt,
    );
  }

  async find(kind: ChallengeKind, id: string): Promise<ChallengeState | null> {
    const entry = this.challenges.get(`${kind}:${id}`);
    return entry ? state(entry) : null;
  }

  async answer(
    kind: ChallengeKind,
    id: string,
    answer: InteractionAnswer,
    verifierDigest: string,
  ): Promise<AnswerOutcome> {
    const entry = this.challenges.get(`${kind}:${id}`);
    if (!entry) return 'unknown';
    if (entry.answer !== undefined) return 'already-answered';
    entry.answer = JSON.stringify(answer);
    entry.verifier = verifierDigest;
    return 'answered';
  }

  async consume(
    kind: ChallengeKind,
    id: string,
    verifierDigest: string,
  ): Promise<Required<ChallengeState> | null> {
    const entry = this.challenges.get(`${kind}:${id}`);
    if (entry?.answer === undefined || entry.verifier !== verifierDigest) return null;
    this.challenges.take(`${kind}:${id}`);
    return state(entry) as Required<ChallengeState>;
  }
}

function state(entry: Entry): ChallengeState {
  const challenge = JSON.parse(entry.challenge) as InteractionChallenge;
  return entry.answer === undefined
    ? { challenge }
    : { challenge, answer: JSON.parse(entry.answer) as InteractionAnswer };
}
