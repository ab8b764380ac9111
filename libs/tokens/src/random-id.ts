import { randomFillSync } from 'node:crypto';

// 4 KiB of CSPRNG output at a time: one call into OpenSSL for every 256 identifiers of 16 bytes.
// Each randomBytes() call makes a buffer and a native job of its own; a token response takes two
// or three identifiers (jti of each token), which measured about 3 % of a code redemption's CPU.
// Node buffers randomUUID() the same way (lib/internal/crypto/random.js, getBufferedUUID).
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafeSlow(POOL_SIZE);
let offset = POOL_SIZE;

/**
 * `bytes` random octets from the CSPRNG, base64url without padding: token identifiers (`jti`)
 * and token values. Every octet is handed out once, and zeroed once encoded, so the pool never
 * holds a value already given out.
 */
export function randomId(bytes: number): string {
  if (!Number.isInteger(bytes) || bytes <= 0 || bytes > POOL_SIZE)
    throw new RangeError(`a random identifier is 1 to ${POOL_SIZE} octets`);
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const start = offset;
  offset += bytes;
  const id = pool.toString('base64url', start, offset);
  pool.fill(0, start, offset);
  return id;
}
