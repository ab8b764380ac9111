import { Injectable } from '@nestjs/common';
import { PlaygroundClientKey } from './playground-client-key';
import { PlaygroundSessionHub } from './playground-session.hub';

/**
 * Keys published at once at most: the set is fetched whole by the token endpoint's verifier,
 * whose download is bounded (64 KiB, libs/tokens JWKS_FETCH_DEFAULTS); a P-256 key is ~190 bytes.
 */
export const MAX_CLIENT_KEYS = 100;

/** Where the keys are published: the `jwks_uri` a playground key client is registered with. */
export const PLAYGROUND_JWKS_PATH = '/playground/api/jwks';

/**
 * The public keys of the playground's private_key_jwt client (README "Playground"): one per
 * playground session, posted by the page that made the key pair with WebCrypto (its private key
 * never leaves the browser), published at GET /playground/api/jwks, the client's `jwks_uri`, for
 * as long as the session lives. There is no runtime client registration: a client registered
 * with that `jwks_uri` is how the token endpoint, in this process or another, learns the keys.
 */
@Injectable()
export class PlaygroundClientKeys {
  /** Session id → its key, oldest first (a Map keeps insertion order). */
  private readonly keys = new Map<string, PlaygroundClientKey>();

  constructor(private readonly sessions: PlaygroundSessionHub) {}

  /** The session's key, replacing any earlier one; false when the session is unknown. */
  publish(session: string, key: PlaygroundClientKey): boolean {
    if (!this.sessions.touch(session)) return false;
    this.keys.delete(session);
    this.keys.set(session, key);
    if (this.keys.size > MAX_CLIENT_KEYS) this.keys.delete(this.keys.keys().next().value!);
    return true;
  }

  /** The JWK Set (RFC 7517 §5) of the sessions still open; keys of forgotten ones are dropped. */
  jwks(): { keys: PlaygroundClientKey[] } {
    for (const session of this.keys.keys())
      if (!this.sessions.isOpen(session)) this.keys.delete(session);
    return { keys: [...this.keys.values()] };
  }
}
