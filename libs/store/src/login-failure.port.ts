/**
 * Failed sign-ins per username at the reference login app (apps/login), counted in a fixed window
 * shared by every replica. Only failures count: a user who keeps signing in is never slowed down.
 */
export interface LoginFailureThrottle {
  /** Milliseconds until `username` may try again; 0 when its password may be checked now. */
  retryAfter(username: string): Promise<number>;
  recordFailure(username: string): Promise<void>;
  /** A successful sign-in clears the count, so a user's own typos do not add up across days. */
  forget(username: string): Promise<void>;
}

export const LOGIN_FAILURE_THROTTLE = Symbol('LoginFailureThrottle');
