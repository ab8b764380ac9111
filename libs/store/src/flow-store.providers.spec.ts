import { FactoryProvider, Inject, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type Redis from 'ioredis';
import { APP_CONFIG, AppConfig, ConfigModule } from '@app/config';
import { flowStoreProviders } from './flow-store.providers';
import { MemoryAuthorizationCodeStore } from './memory/memory-authorization-code.store';
import { MemoryAuthorizationRequestStore } from './memory/memory-authorization-request.store';
import { MemoryBrowserSessionStore } from './memory/memory-browser-session.store';
import { MemoryGrantStore } from './memory/memory-grant.store';
import { MemoryInteractionChallengeStore } from './memory/memory-interaction-challenge.store';
import { RedisAuthorizationCodeStore } from './redis/redis-authorization-code.store';
import { RedisAuthorizationRequestStore } from './redis/redis-authorization-request.store';
import { RedisBrowserSessionStore } from './redis/redis-browser-session.store';
import { RedisGrantStore } from './redis/redis-grant.store';
import { RedisInteractionChallengeStore } from './redis/redis-interaction-challenge.store';
import { StoreModule } from './store.module';
import {
  AUTHORIZATION_CODE_STORE,
  AUTHORIZATION_REQUEST_STORE,
  BROWSER_SESSION_STORE,
  GRANT_STORE,
  INTERACTION_CHALLENGE_STORE,
} from './store.ports';

const TOKENS = [
  AUTHORIZATION_REQUEST_STORE,
  INTERACTION_CHALLENGE_STORE,
  BROWSER_SESSION_STORE,
  AUTHORIZATION_CODE_STORE,
  GRANT_STORE,
];

/** A provider outside the store module: it sees only what the module exports. */
@Injectable()
class FlowConsumer {
  constructor(
    @Inject(AUTHORIZATION_REQUEST_STORE) readonly requests: unknown,
    @Inject(INTERACTION_CHALLENGE_STORE) readonly challenges: unknown,
    @Inject(BROWSER_SESSION_STORE) readonly sessions: unknown,
    @Inject(AUTHORIZATION_CODE_STORE) readonly codes: unknown,
    @Inject(GRANT_STORE) readonly grants: unknown,
  ) {}
}

@Module({ providers: [FlowConsumer] })
class ConsumerModule {}

describe('flow-state store bindings', () => {
  it('exports the five ports from StoreModule, in memory without REDIS_URL', async () => {
    // Only what the store module reads; nothing connects, nothing starts (no init()).
    const config = {
      kafka: undefined,
      redisUrl: undefined,
      maxTokenTtl: 3600,
      authThrottle: { failuresPerClient: 5, failuresPerAddress: 50, windowSeconds: 60 },
      signingKeys: { prepublicationSeconds: 10 },
    } as unknown as AppConfig;
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), StoreModule, ConsumerModule],
    }).compile();
    expect(moduleRef.get(APP_CONFIG)).toBe(config);
    const sut = moduleRef.get(FlowConsumer);
    expect(sut.requests).toBeInstanceOf(MemoryAuthorizationRequestStore);
    expect(sut.challenges).toBeInstanceOf(MemoryInteractionChallengeStore);
    expect(sut.sessions).toBeInstanceOf(MemoryBrowserSessionStore);
    expect(sut.codes).toBeInstanceOf(MemoryAuthorizationCodeStore);
    expect(sut.grants).toBeInstanceOf(MemoryGrantStore);
  });

  it('builds the Redis adapters on the connection when there is one', () => {
    const connection = Symbol('connection');
    const redis = {} as Redis;
    const sut = flowStoreProviders(connection) as FactoryProvider[];
    expect(sut.map((p) => p.provide)).toEqual(TOKENS);
    expect(sut.every((p) => p.inject?.[0] === connection)).toBe(true);
    const built = sut.map((p) => p.useFactory(redis) as unknown);
    expect(built[0]).toBeInstanceOf(RedisAuthorizationRequestStore);
    expect(built[1]).toBeInstanceOf(RedisInteractionChallengeStore);
    expect(built[2]).toBeInstanceOf(RedisBrowserSessionStore);
    expect(built[3]).toBeInstanceOf(RedisAuthorizationCodeStore);
    expect(built[4]).toBeInstanceOf(RedisGrantStore);
  });
});
