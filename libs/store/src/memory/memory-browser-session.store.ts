import { BrowserSession, BrowserSessionStore } from '../browser-session.port';
import { ExpiringMap } from './expiring-map';

export class MemoryBrowserSessionStore implements BrowserSessionStore {
  private readonly sessions = new ExpiringMap<string>();

  async save(digest: string, session: BrowserSession, expiresAt: number): Promise<void> {
    this.sessions.set(digest, JSON.stringify(session), expiresAt);
  }

  async find(digest: string): Promise<BrowserSession | null> {
    return parse(this.sessions.get(digest));
  }

  async rotate(
    fromDigest: string,
    toDigest: string,
    session: BrowserSession,
    expiresAt: number,
  ): Promise<BrowserSession | null> {
    const previous = this.sessions.take(fromDigest);
    if (previous === undefined) return null;
    this.sessions.set(toDigest, JSON.stringify(session), expiresAt);
    return parse(previous);
  }

  async delete(digest: string): Promise<BrowserSession | null> {
    return parse(this.sessions.take(digest));
  }
}

function parse(raw: string | undefined): BrowserSession | null {
  return raw === undefined ? null : (JSON.parse(raw) as BrowserSession);
}
