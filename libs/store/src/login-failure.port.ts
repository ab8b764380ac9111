/**
 * Failed sign-ins per username at the reference login app (apps/login), counted in a fixed window
 * shared by every replica. Each password check is counted before it is made, atomically, and a
 * success clears the count: so the limit holds against guesses sent in parallel (a check-then-
 * count throttle lets every request that is in flight at once through), and a user who keeps
 * signing in is never slowed down.
 */
export interface LoginFailureThrottle {
  /**
   * Counts one attempt for `username` and answers 0 when its password may be checked; otherwise
   * the milliseconds until the window ends (the attempt is refused, no password is checked).
   */
  attempt(username: string): Promise<number>;
  /** A successful sign-in clears the count, so a user's own typos do not add up. */
  forget(username: string): Promise<void>;
}

export const LOGIN_FAILURE_THROTTLE = Symbol('LoginFailureThrottle');
