import { ConfigError } from './config.error';
import { integer } from './env-values';
import { RegistryConfig } from './config.types';

/** The longest lifetime USERINFO_TOKEN_TTL_SECONDS may give the /userinfo token (a week). */
const LONGEST_TOKEN_TTL = 7 * 86_400;

/**
 * MAX_TOKEN_TTL (seconds): the longest access-token lifetime the deployment allows, which is
 * also how long revocations are kept (the revocation stream's retention, the mirrors' replay).
 * A lifetime raised at run time above the retention would let a revocation leave the stream
 * before its token expired, and a replica started then would accept the revoked token: so the
 * registry refuses any lifetime above it, and CONFIG_FILE (and the /userinfo token's lifetime)
 * may not exceed it either. Unset: the longest lifetime CONFIG_FILE gives (at least 60 s), so a
 * deployment that does not set it keeps today's retention, and lifetimes may be lowered at run
 * time but not raised above that.
 */
export function loadMaxTokenTtl(
  v: string | undefined,
  registry: RegistryConfig,
  userinfoTokenTtl: number,
): number {
  const configured = Math.max(
    60,
    userinfoTokenTtl,
    ...registry.resources.map((r) => r.accessTokenTtl),
  );
  const ceiling = integer(v, 'MAX_TOKEN_TTL', configured, 60, LONGEST_TOKEN_TTL);
  const above = registry.resources.findIndex((r) => r.accessTokenTtl > ceiling);
  if (above >= 0)
    throw new ConfigError(
      'MAX_TOKEN_TTL',
      `is ${ceiling} s, below CONFIG_FILE resources[${above}].access_token_ttl ` +
        `(${registry.resources[above]!.accessTokenTtl} s): revocations would be kept too short`,
    );
  if (userinfoTokenTtl > ceiling)
    throw new ConfigError(
      'MAX_TOKEN_TTL',
      `is ${ceiling} s, below USERINFO_TOKEN_TTL_SECONDS (${userinfoTokenTtl} s)`,
    );
  return ceiling;
}
