import { ConfigError } from './config.error';
import { loadRedisEndpoint } from './redis.config';

describe('loadRedisEndpoint', () => {
  it('takes REDIS_URL as one Redis', () => {
    expect(loadRedisEndpoint({ REDIS_URL: 'rediss://:pw@redis.internal:6380/2' })).toEqual({
      redisUrl: 'rediss://:pw@redis.internal:6380/2',
    });
  });

  it('takes REDIS_CLUSTER_NODES as the seeds of a cluster, host:port or URL', () => {
    expect(
      loadRedisEndpoint({ REDIS_CLUSTER_NODES: ' 10.0.0.1:7000,redis-b.internal:7001,[::1]:7002' }),
    ).toEqual({
      redisCluster: {
        nodes: [
          { host: '10.0.0.1', port: 7000 },
          { host: 'redis-b.internal', port: 7001 },
          { host: '::1', port: 7002 },
        ],
        tls: false,
      },
    });
  });

  it('carries the credentials and TLS of rediss:// seeds to every node', () => {
    const sut = loadRedisEndpoint({
      REDIS_CLUSTER_NODES: 'rediss://app:s%40cret@a.internal:7000,rediss://app:s%40cret@b:7000',
    });
    expect(sut.redisCluster).toEqual({
      nodes: [
        { host: 'a.internal', port: 7000 },
        { host: 'b', port: 7000 },
      ],
      username: 'app',
      password: 's@cret',
      tls: true,
    });
  });

  it('is nothing without either: the in-memory stores', () => {
    expect(loadRedisEndpoint({})).toEqual({});
  });

  it.each([
    [{ REDIS_URL: 'redis://a:6379', REDIS_CLUSTER_NODES: 'a:7000' }, /not both/],
    [{ REDIS_CLUSTER_NODES: 'a:7000,,b:7000' }, /no empty entry/],
    [{ REDIS_CLUSTER_NODES: 'a' }, /"a" is not host:port/],
    [{ REDIS_CLUSTER_NODES: 'a:0' }, /is not host:port/],
    [{ REDIS_CLUSTER_NODES: 'a:7000/1' }, /is not host:port/],
    [{ REDIS_CLUSTER_NODES: 'http://a:7000' }, /is not host:port/],
    [{ REDIS_CLUSTER_NODES: 'redis://a:7000,rediss://b:7000' }, /same scheme and credentials/],
    [{ REDIS_CLUSTER_NODES: 'redis://:x@a:7000,b:7000' }, /same scheme and credentials/],
  ])('refuses %j, naming REDIS_CLUSTER_NODES', (env, reason) => {
    expect(() => loadRedisEndpoint(env)).toThrow(ConfigError);
    expect(() => loadRedisEndpoint(env)).toThrow(/REDIS_CLUSTER_NODES/);
    expect(() => loadRedisEndpoint(env)).toThrow(reason);
  });

  it('never echoes a seed password in its error', () => {
    expect(() => loadRedisEndpoint({ REDIS_CLUSTER_NODES: 'redis://u:hunter2@a:7000/9' })).toThrow(
      /redis:\/\/\*\*\*@a:7000\/9/,
    );
    expect(() =>
      loadRedisEndpoint({ REDIS_CLUSTER_NODES: 'redis://u:hunter2@a:7000/9' }),
    ).not.toThrow(/hunter2/);
  });

  it('still refuses a REDIS_URL that is not a redis URL', () => {
    expect(() => loadRedisEndpoint({ REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL/);
  });
});
