import { Counter, Registry } from 'prom-client';
import { BufferedCounter, CounterSeries } from './buffered.counter';
import { SeriesIndex } from './series.index';

/** What a revocation covers: one token, a grant, every token of a client or of a subject. */
export type RevocationKind = 'token' | 'grant' | 'client' | 'subject';

/**
 * The token lifecycle as the log records it: counted when an event is acknowledged (a token
 * exists, a revocation holds), never when a request merely asked.
 */
export class LifecycleMetrics {
  /** Buffered: counted for every token issued (BufferedCounter). */
  private readonly issued: SeriesIndex<CounterSeries<string>> | undefined;
  private readonly revocations: Counter<'kind' | 'client'> | undefined;
  private readonly reuse: Counter | undefined;
  private readonly labelled: ReadonlySet<string>;

  /**
   * `registry` null: metrics are off. `labelledClients`: the clients an operator listed
   * (METRICS_CLIENT_LABELS) to see by name; every other client counts under `client=""`.
   */
  constructor(registry: Registry | null, labelledClients: readonly string[] = []) {
    this.labelled = new Set(labelledClients);
    if (!registry) return;
    const registers = [registry];
    const issued = new BufferedCounter(
      {
        name: 'token_lifecycle_tokens_issued_total',
        help: 'Tokens issued (their token.issued event acknowledged), by grant type, token kind and format.',
        labelNames: ['grant_type', 'kind', 'format', 'client'],
      },
      registry,
    );
    this.issued = new SeriesIndex((grant_type, kind, format, client) =>
      issued.open({ grant_type, kind, format, client }),
    );
    this.revocations = new Counter({
      name: 'token_lifecycle_revocations_total',
      help: 'Revocations recorded, by what they cover: token, grant, client or subject.',
      labelNames: ['kind', 'client'],
      registers,
    });
    this.reuse = new Counter({
      name: 'token_lifecycle_refresh_token_reuse_detections_total',
      help: 'Retired refresh tokens presented again past the grace window: each revoked its grant (RFC 9700 §4.14.2).',
      registers,
    });
  }

  /** `kind`: access_token, refresh_token or id_token; `format`: jwt or opaque. */
  tokenIssued(grantType: string, kind: string, format: string, clientId?: string): void {
    this.issued?.get(grantType, kind, format, this.client(clientId)).inc();
  }

  /** `clientId`: the client whose tokens it covers (none for a subject's). */
  revoked(kind: RevocationKind, clientId?: string): void {
    this.revocations?.inc({ kind, client: this.client(clientId) });
  }

  refreshTokenReuse(): void {
    this.reuse?.inc();
  }

  /** Only a listed client is named: the label stays bounded by the operator's list. */
  private client(clientId: string | undefined): string {
    return clientId !== undefined && this.labelled.has(clientId) ? clientId : '';
  }
}
