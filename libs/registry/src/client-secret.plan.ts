import { RegistryDocument } from '@app/events';
import type { ClientEntry } from './registry.port';
import { RegistryRejected } from './registry.errors';
import { dummySecretHash, generateSecret, hashSecret } from './secret-hash';
import { ScryptGate } from './scrypt.gate';

/** The methods that authenticate with a shared secret (RFC 6749 §2.3.1, OIDC Core §9). */
const SECRET_METHODS = ['client_secret_basic', 'client_secret_post'];
const MIN_SECRET_LENGTH = 16;

/**
 * How a client write treats the secret, decided before any scrypt: a plain `client_secret` is
 * hashed, a `client_secret_hash` taken as is, none kept (an update) or generated (256 bits).
 * `candidate` is the document with a stand-in hash, for validating everything else first.
 */
export interface SecretPlan {
  readonly candidate: RegistryDocument;
  /** Whether the client's current secret (and a rotation's overlap) stays. */
  readonly keepsCurrent: boolean;
  /** The document as stored: the real hash in place of the stand-in (one scrypt when needed). */
  finish(scrypt: ScryptGate): Promise<{ document: RegistryDocument; clientSecret?: string }>;
}

export function planSecret(document: RegistryDocument, current?: ClientEntry): SecretPlan {
  const { client_secret: plain, ...rest } = document;
  const method = rest.token_endpoint_auth_method ?? 'client_secret_basic';
  if (plain !== undefined) {
    if (rest.client_secret_hash !== undefined)
      throw new RegistryRejected('$', 'give client_secret or client_secret_hash, not both');
    if (typeof plain !== 'string' || plain.length < MIN_SECRET_LENGTH)
      throw new RegistryRejected(
        '$.client_secret',
        `must be a string of at least ${MIN_SECRET_LENGTH} characters`,
      );
    return hashing(rest, plain, false);
  }
  if (rest.client_secret_hash !== undefined || !SECRET_METHODS.includes(method as string))
    return { candidate: rest, keepsCurrent: false, finish: async () => ({ document: rest }) };
  const stored = current?.config.secret;
  if (stored?.kind === 'hash') {
    const kept = { ...{}, ...rest, client_secret_hash: stored.value };
    return { candidate: kept, keepsCurrent: true, finish: async () => ({ document: kept }) };
  }
  // A plain development secret from CONFIG_FILE is kept as its hash: the log holds no plain one.
  if (stored?.kind === 'plain') return hashing(rest, stored.value, true, false);
  return hashing(rest, generateSecret(), false);
}

function hashing(
  rest: RegistryDocument,
  secret: string,
  keepsCurrent: boolean,
  shown = true,
): SecretPlan {
  return {
    candidate: { ...{}, ...rest, client_secret_hash: dummySecretHash() },
    keepsCurrent,
    finish: async (scrypt) => ({
      document: { ...{}, ...rest, client_secret_hash: await scrypt.run(() => hashSecret(secret)) },
      ...(shown ? { clientSecret: secret } : {}),
    }),
  };
}
