import { ConfigError } from '@app/config';
import { ClientStateV1, RegistryDocument } from '@app/events';
import type { ClientEntry, ClientWriteMeta } from './registry.port';
import { RegistryRejected } from './registry.errors';

/*
 * Small readers of the registry's documents and entries, shared by the snapshot and the writer.
 */

/** Whether a client document names the resource anywhere (its resources, introspects, policy). */
export function namesResource(document: RegistryDocument, identifier: string): boolean {
  return JSON.stringify(document).includes(JSON.stringify(identifier));
}

export function stateOf(entry: ClientEntry): ClientStateV1 {
  return {
    client_id: entry.config.clientId,
    client: entry.document!,
    ...(entry.registrationAccessTokenDigest === undefined
      ? {}
      : { registration_access_token_digest: entry.registrationAccessTokenDigest }),
    ...(entry.previousSecret === undefined
      ? {}
      : {
          previous_client_secret_hash: entry.previousSecret.hash,
          previous_secret_expires_at: entry.previousSecret.expiresAt,
        }),
  };
}

/** The file parser's ConfigError as the writer's RegistryRejected (its path, its reason). */
export function rejecting<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof ConfigError) throw new RegistryRejected(e.field, e.reason);
    throw e;
  }
}

export function describeError(e: unknown): string {
  return e instanceof RegistryRejected ? `${e.path}: ${e.description}` : (e as Error).message;
}

export function documentOf(v: unknown): RegistryDocument {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new RegistryRejected('$', 'must be a JSON object');
  return v as RegistryDocument;
}

/** The registration access token's digest: the new one, else the one stored. */
export function registrationOf(current: ClientEntry | undefined, meta: ClientWriteMeta) {
  const digest = meta.registrationAccessTokenDigest ?? current?.registrationAccessTokenDigest;
  return digest === undefined ? {} : { registration_access_token_digest: digest };
}

/** A rotation's overlap still running is repeated, so the client's latest event holds it. */
export function overlapOf(current: ClientEntry | undefined) {
  const previous = current?.previousSecret;
  if (!previous || previous.expiresAt * 1000 <= Date.now()) return {};
  return {
    previous_client_secret_hash: previous.hash,
    previous_secret_expires_at: previous.expiresAt,
  };
}
