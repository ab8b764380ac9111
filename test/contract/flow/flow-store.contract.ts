import type {
  AuthorizationCodeStore,
  AuthorizationRequestStore,
  BrowserSessionStore,
  GrantStore,
  InteractionChallengeStore,
} from '@app/store';
import { describeAuthorizationCodeContract } from './authorization-code.contract';
import { describeAuthorizationRequestContract } from './authorization-request.contract';
import { describeBrowserSessionContract } from './browser-session.contract';
import type { Elapse } from './flow-fixtures';
import { describeGrantContract } from './grant.contract';
import { describeInteractionChallengeContract } from './interaction-challenge.contract';

export { TEST_TOMBSTONE_MARGIN_MS } from './authorization-code.contract';

/**
 * The behaviour every adapter of the sign-in flow's state must have (issue 10): single use under
 * concurrency, rotation, deadlines. The in-memory and the Redis adapters both run it.
 */
export interface FlowStoreFactory {
  requests(): AuthorizationRequestStore;
  challenges(): InteractionChallengeStore;
  sessions(): BrowserSessionStore;
  /** Made with a tombstone margin of TEST_TOMBSTONE_MARGIN_MS. */
  codes(): AuthorizationCodeStore;
  grants(): GrantStore;
  /** Lets time pass for the stores (a fake clock in memory, a real sleep for Redis). */
  elapse: Elapse;
}

export function describeFlowStoreContract(name: string, make: () => FlowStoreFactory): void {
  describe(`${name} flow-state store contract`, () => {
    let stores: FlowStoreFactory;
    beforeEach(() => {
      stores = make();
    });
    const elapse: Elapse = (ms) => stores.elapse(ms);
    describeAuthorizationRequestContract(() => stores.requests(), elapse);
    describeInteractionChallengeContract(() => stores.challenges(), elapse);
    describeBrowserSessionContract(() => stores.sessions(), elapse);
    describeAuthorizationCodeContract(() => stores.codes(), elapse);
    describeGrantContract(() => stores.grants(), elapse);
  });
}
