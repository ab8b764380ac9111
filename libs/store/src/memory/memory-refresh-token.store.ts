import {
  MAX_REFRESH_GRACE_SECONDS,
  RefreshDeadlines,
  RefreshRotation,
  RefreshTokenRecord,
  RefreshTokenState,
  RefreshTokenStore,
} from '../refresh-token.port';
import { ExpiringMap } from './expiring-map';

/** One family, as the Redis adapter's hash holds it. */
interface Family {
  readonly record: RefreshTokenRecord;
  current?: string;
  idleUntil: number;
  readonly absoluteUntil: number;
  /** Tokens retired within the longest grace: [digest, retiredAt ms]. */
  recent: [string, number][];
  revoked: boolean;
  /** What the last rotation retired, until it is undone or the family changes otherwise. */
  prior?: { readonly digest: string; readonly idleUntil: number };
}

/**
 * One process's families. Every method runs without awaiting in between, so each is one atomic
 * step, exactly as each Redis script is (the shared contract suite checks both).
 */
export class MemoryRefreshTokenStore implements RefreshTokenStore {
  private readonly families = new ExpiringMap<Family>();
  /** digest → grant id, until the family's absolute deadline. */
  private readonly tokens = new ExpiringMap<string>();

  async issue(
    record: RefreshTokenRecord,
    digest: string,
    deadlines: RefreshDeadlines,
    now: number,
  ): Promise<boolean> {
    const existing = this.families.get(record.grantId);
    if (this.tokens.get(digest) !== undefined || existing?.current === digest)
      return existing?.current === digest && !existing.revoked;
    if (existing?.revoked || deadlines.absoluteExpiresAt <= now) return false;
    const absoluteUntil = existing?.absoluteUntil ?? deadlines.absoluteExpiresAt;
    const family: Family = existing ?? {
      record,
      idleUntil: 0,
      absoluteUntil,
      recent: [],
      revoked: false,
    };
    retireCurrent(family, now);
    family.current = digest;
    family.idleUntil = Math.min(deadlines.idleExpiresAt, absoluteUntil);
    family.prior = undefined;
    this.families.set(record.grantId, family, absoluteUntil);
    this.tokens.set(digest, record.grantId, absoluteUntil);
    return true;
  }

  async rotate(
    presentedDigest: string,
    next: { readonly digest: string; readonly idleExpiresAt: number },
    now: number,
    graceMs: number,
  ): Promise<RefreshRotation> {
    const grantId = this.tokens.get(presentedDigest);
    const family = grantId === undefined ? undefined : this.families.get(grantId);
    if (!family || family.revoked) return { outcome: 'unknown' };
    const { record } = family;
    if (now >= family.absoluteUntil) return { outcome: 'expired', record };
    let outcome: 'rotated' | 'reused-within-grace';
    if (family.current === presentedDigest) {
      if (now >= family.idleUntil) return { outcome: 'expired', record };
      outcome = 'rotated';
    } else {
      const retired = family.recent.find(([d]) => d === presentedDigest);
      // A clock reading before the retirement (replicas read theirs before their steps reach
      // the store) is no time elapsed: within any grace, and a reuse without one.
      if (retired === undefined || Math.max(0, now - retired[1]) >= graceMs) {
        family.revoked = true;
        family.current = undefined;
        family.prior = undefined;
        return { outcome: 'reuse', record };
      }
      outcome = 'reused-within-grace';
    }
    if (family.current !== undefined)
      family.prior = { digest: family.current, idleUntil: family.idleUntil };
    retireCurrent(family, now);
    family.current = next.digest;
    family.idleUntil = Math.min(next.idleExpiresAt, family.absoluteUntil);
    this.tokens.set(next.digest, record.grantId, family.absoluteUntil);
    return { outcome, record, expiresAt: family.idleUntil };
  }

  async undoRotation(grantId: string, nextDigest: string): Promise<boolean> {
    const family = this.families.get(grantId);
    const prior = family?.prior;
    if (!family || family.revoked || family.current !== nextDigest || prior === undefined)
      return false;
    family.current = prior.digest;
    family.idleUntil = prior.idleUntil;
    family.recent = family.recent.filter(([d]) => d !== prior.digest);
    family.prior = undefined;
    return true;
  }

  async revokeFamily(grantId: string, keepUntil: number): Promise<void> {
    const family = this.families.get(grantId);
    if (family) {
      family.revoked = true;
      family.current = undefined;
      family.prior = undefined;
      family.recent = [];
      return;
    }
    const record = { grantId, clientId: '', subject: '', scopes: [] };
    const tombstone: Family = {
      record,
      idleUntil: 0,
      absoluteUntil: keepUntil,
      recent: [],
      revoked: true,
    };
    this.families.set(grantId, tombstone, keepUntil);
  }

  async find(digest: string, now: number): Promise<RefreshTokenState | null> {
    const grantId = this.tokens.get(digest);
    const family = grantId === undefined ? undefined : this.families.get(grantId);
    if (!family) return null;
    const current = family.current === digest;
    return {
      record: family.record,
      active: current && !family.revoked && now < family.idleUntil,
      expiresAt: current ? family.idleUntil : Math.min(now, family.idleUntil),
    };
  }
}

/** Retires the live token (if any), forgetting retirements older than the longest grace. */
function retireCurrent(family: Family, now: number): void {
  const horizon = now - MAX_REFRESH_GRACE_SECONDS * 1000;
  family.recent = family.recent.filter(([, at]) => at > horizon);
  if (family.current !== undefined) family.recent.push([family.current, now]);
}
