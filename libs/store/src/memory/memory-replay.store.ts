import { ReplayStore } from '../store.ports';
import { ExpiringMap } from './expiring-map';

export class MemoryReplayStore implements ReplayStore {
  private readonly seen = new ExpiringMap<true>();

  async claimOnce(key: string, expiresAt: number): Promise<boolean> {
    return this.seen.setIfAbsent(key, true, expiresAt);
  }

  async release(key: string): Promise<void> {
    this.seen.take(key);
  }
}
