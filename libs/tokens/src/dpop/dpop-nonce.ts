import { createHmac, timingSafeEqual } from 'node:crypto';
import { DpopNonceConfig } from '@app/config';

/** Nonces longer than this are refused unread: ours are 43 characters. */
const MAX_NONCE_LENGTH = 256;

/**
 * Stateless server nonces (RFC 9449 §8, §9): the nonce of a time window is
 * base64url(HMAC-SHA256(secret, window number)), so every replica holding the secret makes and
 * accepts the same values with nothing stored, and they rotate with the clock. The current and
 * the previous window's nonce are accepted, so a nonce handed out just before a window ends still
 * works for one more window (node-oidc-provider's `dpop_nonces` does the same); so is the next
 * window's, which a replica whose clock is slightly ahead hands out at a window's end. A nonce
 * made with another secret never matches.
 */
export class DpopNonces {
  private readonly windowMs: number;
  /** The values of the windows around now: each is computed once, not per request. */
  private readonly memo = new Map<number, Buffer>();

  constructor(private readonly config: DpopNonceConfig) {
    this.windowMs = config.windowSeconds * 1000;
  }

  /** The nonce to send in `DPoP-Nonce` now. */
  current(): string {
    return this.valueOf(this.window()).toString('latin1');
  }

  /** Whether `nonce` is of this window or one beside it, compared in constant time. */
  accepts(nonce: string): boolean {
    if (nonce.length > MAX_NONCE_LENGTH) return false;
    const presented = Buffer.from(nonce, 'latin1');
    const window = this.window();
    let matched = false;
    // All three compared, whatever one gave: the time taken says nothing about which matched.
    for (const w of [window - 1, window, window + 1])
      matched = sameBytes(presented, this.valueOf(w)) || matched;
    return matched;
  }

  private window(): number {
    return Math.floor(Date.now() / this.windowMs);
  }

  private valueOf(window: number): Buffer {
    let value = this.memo.get(window);
    if (value === undefined) {
      const mac = createHmac('sha256', this.config.secret).update(`dpop-nonce:${window}`);
      value = Buffer.from(mac.digest('base64url'), 'latin1');
      const current = this.window();
      for (const kept of this.memo.keys()) if (Math.abs(kept - current) > 1) this.memo.delete(kept);
      this.memo.set(window, value);
    }
    return value;
  }
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
