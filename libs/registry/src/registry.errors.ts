/**
 * Why the registry's writer refused a change. Each carries what the caller shows: the admin API
 * answers `invalid_request` (400), `conflict` (409) or `not_found` (404); dynamic client
 * registration maps RegistryRejected to `invalid_client_metadata` (RFC 7591 §3.2.2).
 */

/** The document is invalid: `path` is the JSON path of the bad member (`$` for the whole). */
export class RegistryRejected extends Error {
  constructor(
    readonly path: string,
    readonly description: string,
  ) {
    super(`${path}: ${description}`);
    this.name = 'RegistryRejected';
  }
}

/** The id is taken (a create), or the change would break what depends on it (a delete). */
export class RegistryConflict extends Error {
  constructor(readonly description: string) {
    super(description);
    this.name = 'RegistryConflict';
  }
}

/**
 * The registration access token a change was asked with is no longer the client's, or another
 * change spent it first (RFC 7592 §2.2: each change rotates it).
 */
export class RegistryTokenSpent extends Error {
  constructor() {
    super('the registration access token was spent by another change');
    this.name = 'RegistryTokenSpent';
  }
}

/** No client or resource has this id. */
export class RegistryNotFound extends Error {
  constructor(readonly description: string) {
    super(description);
    this.name = 'RegistryNotFound';
  }
}
