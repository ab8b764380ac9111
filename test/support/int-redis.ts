import Redis from 'ioredis';

/**
 * Redis access for integration specs. Each suite that changes platform state gets a Redis
 * database index of its own (`redis://host:port/N`), so it can flush or snapshot it without
 * touching what other suites keep in the shared server.
 */

/** REDIS_URL from the int tier's global setup, pointed at database `db`. */
export function redisUrlForDb(db: number): string {
  const base = process.env.REDIS_URL;
  if (!base) throw new Error('REDIS_URL is not set: run with --selectProjects int');
  const url = new URL(base);
  url.pathname = `/${db}`;
  return url.toString();
}

/** A plain connection for the spec itself (offline queue on: it may be used at once). */
export async function openTestRedis(url: string, name: string): Promise<Redis> {
  const redis = new Redis(url, {
    connectionName: name,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  await redis.connect();
  return redis;
}

/** Every platform key (`tl:*`), found with SCAN (never KEYS). */
export async function platformKeys(redis: Redis, pattern = 'tl:*'): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys.sort();
}

/** What a string key holds: its value parsed when it is JSON, and its absolute expiry (ms). */
export interface KeyState {
  readonly value: unknown;
  /** PEXPIRETIME: -1 without an expiry. */
  readonly expiresAt: number;
}

/**
 * The string keys matching `pattern` with their values and absolute expiry times. Streams and
 * other types are left out: they are logs, not state.
 */
export async function snapshot(redis: Redis, pattern = 'tl:*'): Promise<Record<string, KeyState>> {
  const out: Record<string, KeyState> = {};
  for (const key of await platformKeys(redis, pattern)) {
    if ((await redis.type(key)) !== 'string') continue;
    const [raw, expiresAt] = await Promise.all([
      redis.get(key),
      redis.call('PEXPIRETIME', key) as Promise<number>,
    ]);
    if (raw === null) continue;
    out[key] = { value: parseOrRaw(raw), expiresAt };
  }
  return out;
}

function parseOrRaw(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
