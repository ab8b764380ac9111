import type { Provider } from '@nestjs/common';
import type { RedisClient } from './redis/redis-client';
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
import {
  AUTHORIZATION_CODE_STORE,
  AUTHORIZATION_REQUEST_STORE,
  BROWSER_SESSION_STORE,
  GRANT_STORE,
  INTERACTION_CHALLENGE_STORE,
} from './store.ports';

/** A port's injection token and how to build its Redis and its in-memory adapter. */
type Adapters = readonly [token: symbol, redis: (r: RedisClient) => unknown, memory: () => unknown];

const ADAPTERS: readonly Adapters[] = [
  [
    AUTHORIZATION_REQUEST_STORE,
    (r) => new RedisAuthorizationRequestStore(r),
    () => new MemoryAuthorizationRequestStore(),
  ],
  [
    INTERACTION_CHALLENGE_STORE,
    (r) => new RedisInteractionChallengeStore(r),
    () => new MemoryInteractionChallengeStore(),
  ],
  [
    BROWSER_SESSION_STORE,
    (r) => new RedisBrowserSessionStore(r),
    () => new MemoryBrowserSessionStore(),
  ],
  [
    AUTHORIZATION_CODE_STORE,
    (r) => new RedisAuthorizationCodeStore(r),
    () => new MemoryAuthorizationCodeStore(),
  ],
  [GRANT_STORE, (r) => new RedisGrantStore(r), () => new MemoryGrantStore()],
];

/** The injection tokens of the sign-in flow's state, for the store module's exports. */
export const FLOW_STORE_TOKENS: readonly symbol[] = ADAPTERS.map(([token]) => token);

/**
 * The flow-state ports (DESIGN "Grants, flows and the registry"): Redis when the process has a
 * connection, so any replica continues any flow; in memory (one process) otherwise. Flow state
 * is short-lived and not on the log: the store is its record, so no projection gate wraps it.
 * Grants will be on the log (`grant.created`): once the projection writes them, the grant store
 * is derived state and its reads go through the gate like the token store's. `connection` is
 * the module's Redis token, passed in so that this file does not import the module.
 */
export function flowStoreProviders(connection: symbol): Provider[] {
  return ADAPTERS.map(([provide, redis, memory]) => ({
    provide,
    inject: [connection],
    useFactory: (r: RedisClient | null) => (r ? redis(r) : memory()),
  }));
}
