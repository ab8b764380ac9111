import {
  AuthorizationCodeRecord,
  AuthorizationCodeStore,
  CODE_TOMBSTONE_MARGIN_MS,
  CodeRedemption,
} from '../authorization-code.port';
import { ExpiringMap } from './expiring-map';
import { storedCopy } from './stored-copy';

/**
 * A live code holds its record, the store's own frozen copy (storedCopy), handed whole to its
 * one redeemer: the entry turns into a tombstone in the same step, and the redemption parses
 * nothing. A tombstone holds only what a replay needs.
 */
interface Entry {
  readonly clientId: string;
  readonly grantId: string;
  readonly record?: AuthorizationCodeRecord;
}

export class MemoryAuthorizationCodeStore implements AuthorizationCodeStore {
  private readonly codes = new ExpiringMap<Entry>();

  constructor(private readonly tombstoneMarginMs = CODE_TOMBSTONE_MARGIN_MS) {}

  async save(digest: string, code: AuthorizationCodeRecord, expiresAt: number): Promise<void> {
    const entry = { clientId: code.clientId, grantId: code.grantId, record: storedCopy(code) };
    this.codes.set(digest, entry, expiresAt);
  }

  async redeem(digest: string): Promise<CodeRedemption | null> {
    const entry = this.codes.get(digest);
    const expiresAt = this.codes.expiresAt(digest);
    if (!entry || expiresAt === undefined) return null;
    const { clientId, grantId, record } = entry;
    if (record === undefined) return { outcome: 'replayed', clientId, grantId };
    this.codes.set(digest, { clientId, grantId }, expiresAt + this.tombstoneMarginMs);
    return { outcome: 'redeemed', code: record };
  }
}
