import { performance } from 'node:perf_hooks';
import { EventMetrics, LifecycleMetrics } from '@app/metrics';
import { AnyLifecycleEvent, LifecycleEvent } from './event-envelope';
import { tokenKindOf } from './topics';

/**
 * Times every publish and, once the log has acknowledged an event, counts what it records:
 * the one place where tokens issued and revocations are counted, whichever use case made them,
 * and only when they exist (a publish that failed issued and revoked nothing).
 */
export class PublishMeter {
  constructor(
    private readonly events?: EventMetrics,
    private readonly lifecycle?: LifecycleMetrics,
  ) {}

  /** A start time for `acknowledged` and `failed`. */
  start(): number {
    return performance.now();
  }

  acknowledged(event: LifecycleEvent, startedAt: number): void {
    this.events?.published(event.type, (performance.now() - startedAt) / 1000);
    if (this.lifecycle) count(this.lifecycle, event as AnyLifecycleEvent);
  }

  failed(event: LifecycleEvent): void {
    this.events?.publishFailed(event.type);
  }
}

function count(metrics: LifecycleMetrics, e: AnyLifecycleEvent): void {
  switch (e.type) {
    case 'token.issued':
      metrics.tokenIssued(e.data.grant_type, tokenKindOf(e.data), e.data.format, e.data.client_id);
      return;
    case 'token.revoked':
      metrics.revoked('token', e.data.client_id);
      return;
    case 'grant.revoked':
      metrics.revoked('grant', e.data.client_id);
      // RFC 9700 §4.14.2: a retired refresh token presented again past the grace window.
      if (e.data.reason === 'refresh_token_reuse') metrics.refreshTokenReuse();
      return;
    case 'client.tokens_revoked':
      metrics.revoked('client', e.data.client_id);
      return;
    case 'subject.tokens_revoked':
      metrics.revoked('subject');
      return;
    default:
      return;
  }
}
