import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PROJECTION_MARKER, ProjectionMarker, StoreUnavailable } from '@app/store';

const TRUST_FOR_MS = 500;

/**
 * Whether the store holds the whole derived state. A Redis that restarted empty has lost its
 * revocations until the projector has replayed the log; until then revocation state cannot be
 * vouched for. A positive answer is trusted for half a second to keep the check off most requests.
 */
@Injectable()
export class ProjectionGate {
  private builtUntil = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PROJECTION_MARKER) private readonly marker: ProjectionMarker,
  ) {}

  /** Throws StoreUnavailable while the state is not (re)built. */
  async assertBuilt(): Promise<void> {
    // Without a separate log there is no projection: the store is the only state.
    if (!this.config.kafka || Date.now() < this.builtUntil) return;
    if (!(await this.marker.present())) throw new StoreUnavailable('the store is being rebuilt');
    this.builtUntil = Date.now() + TRUST_FOR_MS;
  }
}
