import { ConfigError } from './config.error';

type Env = Readonly<Record<string, string | undefined>>;

/** A Redis Cluster to reach through its seed nodes: the client learns the rest from them. */
export interface RedisClusterConfig {
  readonly nodes: readonly { readonly host: string; readonly port: number }[];
  /** ACL user and password (AUTH), the same on every node. */
  readonly username?: string;
  readonly password?: string;
  /** rediss:// seeds: every node is reached over TLS. */
  readonly tls: boolean;
}

/** Where the stores live: one Redis (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES). */
export interface RedisEndpoint {
  readonly redisUrl?: string;
  readonly redisCluster?: RedisClusterConfig;
}

const NODES = 'REDIS_CLUSTER_NODES';

/** Reads REDIS_URL or REDIS_CLUSTER_NODES; both at once is a mistake, not a choice. */
export function loadRedisEndpoint(env: Env): RedisEndpoint {
  if (env.REDIS_URL && env[NODES])
    throw new ConfigError(NODES, 'give REDIS_URL (one Redis) or REDIS_CLUSTER_NODES, not both');
  if (env[NODES]) return { redisCluster: clusterNodes(env[NODES]) };
  return env.REDIS_URL ? { redisUrl: redisUrl(env.REDIS_URL) } : {};
}

function redisUrl(v: string): string {
  if (!/^rediss?:\/\//.test(v) || !URL.canParse(v))
    throw new ConfigError('REDIS_URL', 'must be a redis:// or rediss:// URL');
  return v;
}

/**
 * Comma-separated seeds, each `host:port` or a `redis://` / `rediss://` URL (to carry the
 * credentials and TLS). Credentials and TLS hold for the whole cluster: seeds that disagree on
 * them are refused rather than one of them silently winning.
 */
function clusterNodes(v: string): RedisClusterConfig {
  const seeds = v.split(',').map((s) => s.trim());
  if (seeds.some((s) => s === ''))
    throw new ConfigError(NODES, 'must be comma-separated host:port seeds, with no empty entry');
  const parsed = seeds.map(seed);
  const [first] = parsed;
  const same = (a: Seed, b: Seed) =>
    a.tls === b.tls && a.username === b.username && a.password === b.password;
  if (!first || parsed.some((s) => !same(s, first)))
    throw new ConfigError(NODES, 'every seed must use the same scheme and credentials');
  return {
    nodes: parsed.map(({ host, port }) => ({ host, port })),
    ...(first.username ? { username: first.username } : {}),
    ...(first.password ? { password: first.password } : {}),
    tls: first.tls,
  };
}

interface Seed {
  host: string;
  port: number;
  tls: boolean;
  username: string;
  password: string;
}

function seed(s: string): Seed {
  const url = /^rediss?:\/\//.test(s) ? s : `redis://${s}`;
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  const port = Number(parsed?.port);
  const bare = parsed && (parsed.pathname === '' || parsed.pathname === '/');
  if (!parsed || !parsed.hostname || !bare || parsed.search || !(port >= 1 && port <= 65535))
    throw new ConfigError(NODES, `"${printable(s)}" is not host:port or redis[s]://host:port`);
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    tls: parsed.protocol === 'rediss:',
    username: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
}

/** A seed may carry a password: never echo it back in an error. */
function printable(s: string): string {
  return s.replace(/\/\/[^@/]*@/, '//***@');
}
