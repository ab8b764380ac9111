import { ProjectionMarker, StoreUnavailable } from '../store.ports';

/** How long a positive marker check is trusted: keeps the check off nearly every request. */
const TRUST_MS = 500;

export interface ProjectionGateOptions {
  /**
   * Whether the store is derived from a log (Kafka). Without one the store is the record: there
   * is nothing to rebuild it from, so it is always as complete as it will ever be.
   */
  readonly projected: boolean;
  readonly trustMs?: number;
}

/**
 * The one "projection complete" check that every read of derived state passes through (DESIGN
 * "State": Redis is rebuilt from the log). A store that restarted empty answers "no such token"
 * and "not revoked" for everything until the projector has replayed the log and written the
 * marker; such a negative answer must not be believed. A positive one always can: the
 * projection only adds records and never narrows a revocation.
 */
export class ProjectionGate {
  private trustedUntil = 0;
  private checking: Promise<boolean> | undefined;

  constructor(
    private readonly marker: ProjectionMarker,
    private readonly options: ProjectionGateOptions,
  ) {}

  /**
   * `true` at once while a recent positive check is trusted; otherwise the answer of one marker
   * check shared by every caller meanwhile (false when the store cannot be asked). Never rejects.
   */
  complete(): true | Promise<boolean> {
    if (!this.options.projected || Date.now() < this.trustedUntil) return true;
    return (this.checking ??= this.check());
  }

  /**
   * Runs a read of derived state. The marker check is sent before the read, on the same
   * connection, so it describes the store as the read found it (checked after, a rebuild that
   * finished in between would vouch for an answer read from the half-built store). An answer
   * that found something stands; one that found nothing stands only if the store was complete.
   */
  read<T>(read: () => Promise<T>, found: (answer: T) => boolean): Promise<T> {
    const complete = this.complete();
    return complete === true ? read() : settle(read(), complete, found);
  }

  /** The store connection was lost: Redis may come back empty, so ask the marker again. */
  forget(): void {
    this.trustedUntil = 0;
  }

  private async check(): Promise<boolean> {
    try {
      const present = await this.marker.present().catch(() => false);
      if (present) this.trustedUntil = Date.now() + (this.options.trustMs ?? TRUST_MS);
      return present;
    } finally {
      this.checking = undefined;
    }
  }
}

async function settle<T>(
  answer: Promise<T>,
  complete: Promise<boolean>,
  found: (answer: T) => boolean,
): Promise<T> {
  const value = await answer;
  if (found(value) || (await complete)) return value;
  throw new StoreUnavailable('the store is being rebuilt from the event log');
}
