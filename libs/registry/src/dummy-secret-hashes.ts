import { createHmac } from 'node:crypto';
import { dummySecretHash, sha256 } from './secret-hash';

/**
 * What a refused name (an unknown client id or username, or one without a hash) is checked
 * against, so that the time a refusal takes does not tell which names are registered: one
 * dummy hash per scrypt parameter set the registered hashes use, the set chosen per name by a
 * keyed hash of the name.
 *
 * With one set (the usual case: `npm run hash-secret` makes every hash) every refusal costs
 * what a registered hash costs. With several (parameters being raised, each client re-hashed
 * when its secret next rotates, which needs no flag day) a name's refusal costs what a
 * registered hash of one of the sets costs, always the same one for that name, so no cost is
 * unique to registered names. The key is a digest of the registered hashes: secret, and the same
 * on every replica loading the same file, so a name costs the same on each of them.
 */
export class DummySecretHashes {
  private readonly hashes: readonly string[];
  private readonly key: Buffer;

  constructor(registered: readonly string[]) {
    const bySet = new Map<string, string>();
    for (const hash of registered) bySet.set(parametersOf(hash), hash);
    const sets = [...bySet.keys()].sort();
    this.hashes =
      sets.length === 0 ? [dummySecretHash()] : sets.map((s) => dummySecretHash(bySet.get(s)));
    this.key = sha256(registered.join('\n'));
  }

  /** The dummy hash `name`'s refusals are checked against. */
  for(name: string): string {
    if (this.hashes.length === 1) return this.hashes[0]!;
    const pick = createHmac('sha256', this.key).update(name).digest().readUInt32BE(0);
    return this.hashes[pick % this.hashes.length]!;
  }
}

/** `ln=..,r=..,p=..` of a scrypt hash (the format secret-hash.ts reads). */
function parametersOf(hash: string): string {
  return hash.split('$')[2] ?? '';
}
