import { Agent, request } from 'node:http';

/**
 * An API caller for the propagation suite: GET /orders with a bearer token on keep-alive
 * connections (so that polling measures the replicas, not TCP handshakes), and what it answered.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 32 });

export interface OrdersAnswer {
  readonly status: number;
  /** The WWW-Authenticate challenge, when there is one. */
  readonly challenge: string | undefined;
  readonly retryAfter: string | undefined;
  readonly body: string;
  /** performance.now() when the request was sent and when the answer had arrived. */
  readonly sentAt: number;
  readonly receivedAt: number;
}

export function getOrders(baseUrl: string, token: string, timeoutMs = 5000): Promise<OrdersAnswer> {
  const sentAt = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}/orders`,
      { agent, headers: { authorization: `Bearer ${token}` }, timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            challenge: res.headers['www-authenticate'],
            retryAfter: res.headers['retry-after'] as string | undefined,
            body,
            sentAt,
            receivedAt: performance.now(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${baseUrl}/orders timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** RFC 6750 §3.1: the refusal a revoked token must get. */
export const INVALID_TOKEN_CHALLENGE = /^Bearer (.*, )?error="invalid_token"/;

export interface Refusal {
  readonly url: string;
  /** ms from `since` until the first refusal had arrived. */
  readonly ms: number;
  readonly answer: OrdersAnswer;
  /** Requests it took (the last one refused). */
  readonly polls: number;
}

/**
 * Polls every replica concurrently (one request in flight per replica, the next sent as soon as
 * the previous answered) until each has answered `status`; resolves with when each did, measured
 * from `since` (performance.now()). Rejects once `timeoutMs` has passed with a replica that still
 * answers otherwise.
 */
export async function untilEveryReplicaAnswers(
  urls: readonly string[],
  token: string,
  status: number,
  since: number,
  timeoutMs = 5000,
): Promise<Refusal[]> {
  const deadline = since + timeoutMs;
  return Promise.all(
    urls.map(async (url) => {
      let last: OrdersAnswer | undefined;
      for (let polls = 1; ; polls++) {
        last = await getOrders(url, token);
        if (last.status === status)
          return { url, ms: last.receivedAt - since, answer: last, polls };
        if (performance.now() > deadline)
          throw new Error(
            `${url} still answers ${last.status} (${last.challenge ?? ''}) ${timeoutMs} ms later`,
          );
        if (polls > 20) await new Promise((r) => setTimeout(r, 2));
      }
    }),
  );
}

export interface Sample {
  readonly replica: number;
  readonly token: string;
  /** performance.now() when the request was sent. */
  readonly sentAt: number;
  readonly status: number;
  readonly challenge: string | undefined;
}

/**
 * Calls every replica with every watched token, over and over (every `intervalMs`), and keeps
 * every answer: to check afterwards what the replicas said at each moment of an outage.
 */
export class ReplicaWatch {
  readonly samples: Sample[] = [];
  private readonly tokens = new Map<string, string>();
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(
    private readonly urls: readonly string[],
    private readonly intervalMs = 25,
  ) {
    this.loops = urls.map((_, i) => this.loop(i));
  }

  /** Starts calling with `token` too, recorded under `name`. */
  watch(name: string, token: string): void {
    this.tokens.set(name, token);
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** The samples of `token`, optionally only those sent within [from, to). */
  of(token: string, from = -Infinity, to = Infinity): Sample[] {
    return this.samples.filter((s) => s.token === token && s.sentAt >= from && s.sentAt < to);
  }

  private async loop(replica: number): Promise<void> {
    while (this.running) {
      await Promise.all(
        [...this.tokens].map(async ([name, token]) => {
          const sentAt = performance.now();
          const answer = await getOrders(this.urls[replica]!, token, 3000).catch(() => undefined);
          this.samples.push({
            replica,
            token: name,
            sentAt,
            status: answer?.status ?? 0,
            challenge: answer?.challenge,
          });
        }),
      );
      await new Promise((r) => setTimeout(r, this.intervalMs));
    }
  }
}

/** Closes the keep-alive sockets (afterAll), so jest has no open handles left. */
export function closeProbeConnections(): void {
  agent.destroy();
}
