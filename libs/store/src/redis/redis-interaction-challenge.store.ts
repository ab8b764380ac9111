import type { RedisClient } from './redis-client';
import {
  AnswerOutcome,
  ChallengeKind,
  ChallengeState,
  InteractionAnswer,
  InteractionChallenge,
  InteractionChallengeStore,
} from '../interaction-challenge.port';
import { RedisKeys } from '../keys';
import { guarded } from './redis-guard';

// One hash per challenge (fields challenge, answer, verifier), so the scripts never decode JSON
// (cjson turns an empty array into an object). Each script touches one key.
const CREATE = `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'challenge', ARGV[1])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
`;
/** 1: answered; -1: already answered; 0: unknown (HSETNX alone would create a key with no TTL). */
const ANSWER = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HSETNX', KEYS[1], 'answer', ARGV[1]) == 0 then return -1 end
redis.call('HSET', KEYS[1], 'verifier', ARGV[2])
return 1
`;
const CONSUME = `
local f = redis.call('HMGET', KEYS[1], 'challenge', 'answer', 'verifier')
if not f[2] or f[3] ~= ARGV[1] then return false end
redis.call('DEL', KEYS[1])
return {f[1], f[2]}
`;
const OUTCOMES: Record<string, AnswerOutcome> = {
  '1': 'answered',
  '-1': 'already-answered',
  '0': 'unknown',
};

export class RedisInteractionChallengeStore implements InteractionChallengeStore {
  constructor(private readonly redis: RedisClient) {}

  async create(id: string, challenge: InteractionChallenge, expiresAt: number): Promise<void> {
    if (expiresAt <= Date.now()) return;
    const key = RedisKeys.challenge(challenge.kind, id);
    await guarded(this.redis.eval(CREATE, 1, key, JSON.stringify(challenge), expiresAt));
  }

  async find(kind: ChallengeKind, id: string): Promise<ChallengeState | null> {
    const [challenge, answer] = await guarded(
      this.redis.hmget(RedisKeys.challenge(kind, id), 'challenge', 'answer'),
    );
    return challenge ? state(challenge, answer ?? null) : null;
  }

  async answer(
    kind: ChallengeKind,
    id: string,
    answer: InteractionAnswer,
    verifierDigest: string,
  ): Promise<AnswerOutcome> {
    const key = RedisKeys.challenge(kind, id);
    const code = await guarded(
      this.redis.eval(ANSWER, 1, key, JSON.stringify(answer), verifierDigest),
    );
    return OUTCOMES[String(code)] ?? 'unknown';
  }

  async consume(
    kind: ChallengeKind,
    id: string,
    verifierDigest: string,
  ): Promise<Required<ChallengeState> | null> {
    const key = RedisKeys.challenge(kind, id);
    const found = (await guarded(this.redis.eval(CONSUME, 1, key, verifierDigest))) as
      [string, string] | null;
    return found ? (state(found[0], found[1]) as Required<ChallengeState>) : null;
  }
}

function state(challenge: string, answer: string | null): ChallengeState {
  const parsed = JSON.parse(challenge) as InteractionChallenge;
  return answer === null
    ? { challenge: parsed }
    : { challenge: parsed, answer: JSON.parse(answer) as InteractionAnswer };
}
