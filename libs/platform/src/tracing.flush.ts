import { OnApplicationShutdown } from '@nestjs/common';
import { flushTracing } from '@app/tracing';

/**
 * Sends the spans still buffered when the service stops (SIGTERM closes the application, then
 * the process exits at once): the last requests' traces are not lost. Nothing without tracing.
 */
export class TracingFlush implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await flushTracing().catch(() => undefined);
  }
}
