import { ConfigError } from './config.error';
import { nonEmptyString } from './json-fields';

/**
 * Client secrets and user passwords at rest: what `npm run hash-secret` prints and
 * libs/registry/src/secret-hash.ts verifies (scrypt parameters, base64url salt and key).
 */
const SCRYPT_HASH = /^\$scrypt\$ln=\d+,r=\d+,p=\d+\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/;

/** A `client_secret_hash` or `password_hash`; the message never quotes the value. */
export function scryptHash(v: unknown, path: string): string {
  const value = nonEmptyString(v, path);
  if (!SCRYPT_HASH.test(value))
    throw new ConfigError(
      path,
      'must be "$scrypt$ln=N,r=R,p=P$salt$hash" (make one with `npm run hash-secret`)',
    );
  return value;
}

/** NODE_ENV=production takes only hashes: the refusal names the field that holds one. */
export function plainTextRefused(path: string, what: string, hashField: string): ConfigError {
  return new ConfigError(
    path,
    `plain-text ${what} are refused when NODE_ENV=production: give ${hashField} ` +
      '(make one with `npm run hash-secret`)',
  );
}

/** A field holding a scrypt hash (checked by scryptHash), with its JSON path. */
export interface HashField {
  readonly path: string;
  readonly value: string;
}

/**
 * All hashes of one kind (every `client_secret_hash`, every `password_hash`) share one scrypt
 * parameter set. A refusal for an unknown client id or username costs one scrypt against a dummy
 * hash with those parameters (ClientRegistry, PasswordCheck), so it takes as long as a wrong
 * secret of a known one. With two sets, the holders of the other set would answer faster or
 * slower than an unknown id and so could be told apart by timing; a dummy with the most
 * expensive set would still leave the cheaper ones faster. To change the parameters, re-hash
 * every secret of the kind in one change of the file. Only the parameters are quoted.
 */
export function checkOneScryptParameterSet(fields: readonly HashField[]): void {
  const [first, ...rest] = fields;
  if (first === undefined) return;
  const expected = parametersOf(first.value);
  const other = rest.find((f) => parametersOf(f.value) !== expected);
  if (other !== undefined)
    throw new ConfigError(
      other.path,
      `uses scrypt parameters ${parametersOf(other.value)} but ${first.path} uses ${expected}: ` +
        'every hash of this kind must use the same ones, or the time a refusal takes would ' +
        'tell which names are registered (re-hash them all with `npm run hash-secret`)',
    );
}

/** `ln=..,r=..,p=..` of a hash scryptHash accepted. */
function parametersOf(hash: string): string {
  return hash.split('$')[2]!;
}
