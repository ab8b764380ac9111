/**
 * The admin API's signing-key paths: a contract (operators' scripts rely on them), documented in
 * docs/openapi.yaml and pinned by key-admin.openapi.spec.ts.
 */
export const KEY_ADMIN_PATHS = {
  /** GET: every signing key with its status and schedule (never private material). */
  keys: '/admin/keys',
  /** POST: make a new key for one algorithm, or for each in use. */
  rotate: '/admin/keys/rotate',
} as const;
