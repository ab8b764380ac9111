import { KeyNotice, Revocation, RevocationStore, RevocationSubject } from '../store.ports';
import { ProjectionGate } from './projection.gate';

const found = (revoked: boolean) => revoked;

/**
 * Revocations as derived state: "not revoked" is an answer only from a complete projection
 * (otherwise StoreUnavailable, and the caller applies its failure policy). Writes and the
 * signing-key notices pass straight through: they are not read back from the log.
 */
export class ProjectedRevocationStore implements RevocationStore {
  constructor(
    private readonly inner: RevocationStore,
    private readonly gate: ProjectionGate,
  ) {}

  revoke(revocation: Revocation): Promise<boolean> {
    return this.inner.revoke(revocation);
  }

  /**
   * The store under the gate, for the projection alone: it reads the state it has applied so
   * far, a replay included, which is the answer it needs (through the gate, "not revoked" read
   * during a rebuild would be StoreUnavailable, and the replay would never finish).
   */
  get unguarded(): RevocationStore {
    return this.inner;
  }

  isRevoked(subject: RevocationSubject): Promise<boolean> {
    return this.gate.read(() => this.inner.isRevoked(subject), found);
  }

  keyAnnounced(kid: string): Promise<boolean> {
    return this.inner.keyAnnounced(kid);
  }

  announceKey(notice: KeyNotice): Promise<void> {
    return this.inner.announceKey(notice);
  }
}
