import { ClientConfig, ResourceConfig } from '@app/config';
import { RegistryRejected } from './registry.errors';

/** What the process signs with (libs/tokens KeyRing). */
export interface SigningAlgorithms {
  algorithms(): readonly string[];
}

/**
 * Issuance signs a resource's JWTs and a sign-in client's ID tokens with the algorithm they
 * name: one the key set holds no key for would answer every such token request 500 (what
 * SigningKeysCheck refuses at start for CONFIG_FILE). No key set (a writer built in code): no
 * check.
 */
export function signable<T extends ResourceConfig | ClientConfig>(
  keys: SigningAlgorithms | undefined,
  entry: T,
): T {
  const held = keys?.algorithms();
  if (!held) return entry;
  if ('identifier' in entry) {
    if (entry.accessTokenFormat === 'jwt' && !held.includes(entry.signingAlg))
      throw new RegistryRejected(
        '$.signing_alg',
        `the signing key set holds no ${entry.signingAlg} key (KEYS_FILE)`,
      );
  } else if (
    entry.grantTypes.includes('authorization_code') &&
    !held.includes(entry.idTokenSignedResponseAlg)
  )
    throw new RegistryRejected(
      '$.id_token_signed_response_alg',
      `the signing key set holds no ${entry.idTokenSignedResponseAlg} key (KEYS_FILE)`,
    );
  return entry;
}
