import { AppConfig, TOKEN_EXCHANGE } from '@app/config';

/**
 * Grants the token endpoint always implements but that a client can use only with a policy of
 * its own (RFC 8693's `token_exchange`): advertised only while some client is registered for
 * them, so the metadata never offers what no client could obtain.
 */
const POLICY_GRANTS: ReadonlySet<string> = new Set([TOKEN_EXCHANGE]);

/** RFC 8414 §2 `grant_types_supported`. */
export function advertisedGrantTypes(config: AppConfig, implemented: readonly string[]): string[] {
  return implemented.filter(
    (g) => !POLICY_GRANTS.has(g) || config.registry.clients.some((c) => c.grantTypes.includes(g)),
  );
}
