import { hash } from 'node:crypto';
import { randomId } from './random-id';

export type OpaqueKind = 'at' | 'rt';

const OPAQUE_SHAPE = /^(at|rt)_[A-Za-z0-9_-]{43}$/;

/**
 * Opaque tokens: a kind prefix (so a leaked token says what it is) and 256 random bits.
 * Only the SHA-256 digest is ever stored, logged or put on an event.
 */
export const OpaqueTokenFormat = {
  mint(kind: OpaqueKind): { token: string; digest: string } {
    const token = `${kind}_${randomId(32)}`;
    return { token, digest: tokenDigest(token) };
  },

  kindOf(token: string): OpaqueKind | undefined {
    return OPAQUE_SHAPE.exec(token)?.[1] as OpaqueKind | undefined;
  },
};

/** SHA-256, base64url: the only form in which a token is kept. */
export function tokenDigest(token: string): string {
  return hash('sha256', token, 'base64url');
}
