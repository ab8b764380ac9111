/** A key the ring was seeded with (KEYS_FILE, or generated in development). */
export interface SeedKey {
  readonly kid: string;
  readonly alg: string;
  /** The first seed key of its algorithm: it signs until a runtime key of that algorithm does. */
  readonly signs: boolean;
}

/** A key made at runtime: published from its creation, signing from `activateAt` (ms). */
export interface RuntimeKey {
  readonly kid: string;
  readonly alg: string;
  readonly createdAt: number;
  readonly activateAt: number;
}

export type KeyStatus = 'published' | 'active' | 'retired' | 'removed';

/** One key's place in the schedule; instants in ms since the epoch. */
export interface ScheduledKey {
  readonly kid: string;
  readonly alg: string;
  readonly status: KeyStatus;
  readonly source: 'seed' | 'runtime';
  readonly createdAt?: number;
  /** Absent for seed keys: they signed (or waited) from the start. */
  readonly activateAt?: number;
  /** When the next key of its algorithm activates. */
  readonly retireAt?: number;
  /** retireAt + the retention: every token it signed has expired. */
  readonly removeAt?: number;
}

export interface KeySchedule {
  readonly keys: readonly ScheduledKey[];
  /** The signing key of each algorithm now. */
  readonly active: ReadonlyMap<string, string>;
  /** The kids in the JWKS now. */
  readonly published: ReadonlySet<string>;
  /** The next instant (ms) at which the schedule changes, if any. */
  readonly nextChange?: number;
}

/**
 * Where every key stands at `now`, computed alike on every replica from the same inputs, so a
 * replica that missed an event converges at its next look (DESIGN "Signing keys"). Per
 * algorithm, the signers form one succession: the seed signer, then the runtime keys by
 * activation instant (then kid). Each retires when the next activates and leaves the JWKS
 * `retentionMs` later, once every token it signed has expired. Seed keys that never signed stay
 * published, as KEYS_FILE says.
 */
export function keySchedule(
  seeds: readonly SeedKey[],
  runtime: readonly RuntimeKey[],
  retentionMs: number,
  now: number,
): KeySchedule {
  const keys: ScheduledKey[] = [];
  const active = new Map<string, string>();
  const published = new Set<string>();
  const future: number[] = [];
  for (const seed of seeds.filter((s) => !s.signs)) {
    keys.push({ kid: seed.kid, alg: seed.alg, status: 'published', source: 'seed' });
    published.add(seed.kid);
  }
  const algs = new Set([...seeds.map((s) => s.alg), ...runtime.map((r) => r.alg)]);
  for (const alg of algs) {
    const seed = seeds.find((s) => s.signs && s.alg === alg);
    const ordered = runtime
      .filter((r) => r.alg === alg)
      .sort((a, b) => a.activateAt - b.activateAt || (a.kid < b.kid ? -1 : 1));
    const succession: Array<{ kid: string; createdAt?: number; activateAt?: number }> = [
      ...(seed ? [{ kid: seed.kid }] : []),
      ...ordered,
    ];
    succession.forEach((key, i) => {
      const retireAt = succession[i + 1]?.activateAt;
      const removeAt = retireAt === undefined ? undefined : retireAt + retentionMs;
      const status: KeyStatus =
        removeAt !== undefined && removeAt <= now
          ? 'removed'
          : retireAt !== undefined && retireAt <= now
            ? 'retired'
            : key.activateAt === undefined || key.activateAt <= now
              ? 'active'
              : 'published';
      if (status !== 'removed') published.add(key.kid);
      if (status === 'active') active.set(alg, key.kid);
      for (const at of [key.activateAt, removeAt])
        if (at !== undefined && at > now) future.push(at);
      keys.push({
        kid: key.kid,
        alg,
        status,
        source: key.activateAt === undefined ? 'seed' : 'runtime',
        ...(key.createdAt === undefined ? {} : { createdAt: key.createdAt }),
        ...(key.activateAt === undefined ? {} : { activateAt: key.activateAt }),
        ...(retireAt === undefined ? {} : { retireAt, removeAt }),
      });
    });
  }
  const nextChange = future.length > 0 ? Math.min(...future) : undefined;
  return { keys, active, published, ...(nextChange === undefined ? {} : { nextChange }) };
}
