import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PROJECTION_MARKER, ProjectionMarker } from '../store.ports';

const EVERY_MS = 1000;

/**
 * Without an event log (no KAFKA_BROKERS) the store is the record, complete by definition, and
 * this process keeps the projection marker on it: replicas that follow the store (their mirror
 * confirms itself current only while the marker is there) cannot see this configuration. With a
 * log, only the projector writes the marker, once it has replayed the log into the store.
 */
@Injectable()
export class ProjectionKeeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(ProjectionKeeper.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PROJECTION_MARKER) private readonly marker: ProjectionMarker,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.kafka) return;
    // Also after a Redis that restarted empty: there is no log to rebuild it from.
    this.timer = setInterval(() => void this.keep(), EVERY_MS);
    this.timer.unref();
    await this.keep();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async keep(): Promise<void> {
    try {
      if (!(await this.marker.present())) await this.marker.mark();
    } catch (e) {
      this.log.debug(`projection marker not written: ${(e as Error).message}`);
    }
  }
}
