import { hash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Client secrets at rest: `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<key>` (base64url salt and
 * 32-byte derived key). `npm run hash-secret` makes one.
 */
const FORMAT = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

export function verifySecretHash(secret: string, encoded: string): Promise<boolean> {
  const m = FORMAT.exec(encoded);
  if (!m) return Promise.resolve(false);
  const [, ln, r, p, salt, key] = m;
  const expected = Buffer.from(key!, 'base64url');
  const N = 2 ** Number(ln);
  const maxmem = 256 * N * Number(r) + 1024 * 1024;
  return new Promise((resolve, reject) =>
    scrypt(
      secret,
      Buffer.from(salt!, 'base64url'),
      expected.length,
      { N, r: Number(r), p: Number(p), maxmem },
      (err, derived) => (err ? reject(err) : resolve(timingSafeEqual(derived, expected))),
    ),
  );
}

/** The parameters `npm run hash-secret` uses (scripts/hash-secret.js). */
const DEFAULT_PARAMETERS = 'ln=14,r=8,p=1';
const LN = 14;
const R = 8;
const P = 1;

/**
 * A secret's hash at rest, as `npm run hash-secret` makes it (scripts/hash-secret.js, same
 * parameters): the registry's writer hashes a client secret before any event carries it.
 */
export function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, 32, { N: 2 ** LN, r: R, p: P }, (err, key) =>
      err
        ? reject(err)
        : resolve(
            `$scrypt$ln=${LN},r=${R},p=${P}$${salt.toString('base64url')}$${key.toString('base64url')}`,
          ),
    ),
  );
}

/** A new client secret: 256 random bits, base64url (43 characters). */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * A hash no secret matches (random salt and key), with the scrypt parameters of `like` (or the
 * defaults): checking a secret against it costs what checking a real one does, so an unknown
 * client cannot be told from a known one by the time its refusal takes.
 */
export function dummySecretHash(like?: string): string {
  const m = like === undefined ? null : FORMAT.exec(like);
  const params = m ? `ln=${m[1]},r=${m[2]},p=${m[3]}` : DEFAULT_PARAMETERS;
  const b64 = (n: number) => randomBytes(n).toString('base64url');
  return `$scrypt$${params}$${b64(16)}$${b64(32)}`;
}

export function sha256(value: string): Buffer {
  // One-shot hashing: a Hash object per call costs more than the digest itself.
  return hash('sha256', value, 'buffer');
}
