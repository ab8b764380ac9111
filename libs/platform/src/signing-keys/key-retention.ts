import { AppConfig, KEY_RETENTION_MARGIN_SECONDS } from '@app/config';

/**
 * How long a retired key stays in the JWKS (ms): the longest lifetime of anything the ring signs
 * (access tokens and the /userinfo token: maxTokenTtl; ID tokens, which relying parties verify
 * until their `exp`), plus the verifiers' clock tolerance and the JWKS cache lifetime.
 */
export function keyRetentionMs(config: AppConfig): number {
  const longest = Math.max(config.maxTokenTtl, config.signIn.idTokenTtl);
  return (longest + KEY_RETENTION_MARGIN_SECONDS) * 1000;
}
