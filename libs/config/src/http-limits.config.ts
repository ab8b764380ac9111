import { ConfigError } from './config.error';
import { boolean, integer } from './env-values';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * How long a client may take and how many connections a process holds: without these a request
 * whose body stalls holds its connection (and a slot of the process) for ever. Also when answers
 * are written.
 */
export interface HttpLimits {
  /** From the connection (or the previous request) to the end of the request headers. */
  readonly headersTimeoutMs: number;
  /** The whole request, headers and body; a request still arriving then gets 408. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** Connections past this are closed as soon as they are accepted. */
  readonly maxConnections: number;
  /**
   * Answers finished in one turn of the event loop leave together at its end
   * (libs/platform response-writes.hook.ts); false: each as soon as it is finished.
   */
  readonly coalesceWrites: boolean;
}

/**
 * Read by every HTTP service, the demo API included; the defaults suit a busy service.
 * `answersWaitForKafka`: whether the process's answers wait for Kafka acknowledgements (the
 * services, when KAFKA_BROKERS is set), which turns coalesced writes off by default.
 */
export function loadHttpLimits(
  env: Env,
  answersWaitForKafka: boolean = Boolean(env.KAFKA_BROKERS),
): HttpLimits {
  const headersTimeoutMs = integer(
    env.HEADERS_TIMEOUT_MS,
    'HEADERS_TIMEOUT_MS',
    10_000,
    100,
    300_000,
  );
  const requestTimeoutMs = integer(
    env.REQUEST_TIMEOUT_MS,
    'REQUEST_TIMEOUT_MS',
    Math.max(30_000, headersTimeoutMs),
    100,
    600_000,
  );
  if (headersTimeoutMs > requestTimeoutMs)
    throw new ConfigError(
      'HEADERS_TIMEOUT_MS',
      `must not exceed REQUEST_TIMEOUT_MS (${requestTimeoutMs}): the headers are part of the request`,
    );
  return {
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: integer(
      env.KEEP_ALIVE_TIMEOUT_MS,
      'KEEP_ALIVE_TIMEOUT_MS',
      5_000,
      100,
      600_000,
    ),
    maxConnections: integer(env.MAX_CONNECTIONS, 'MAX_CONNECTIONS', 4096, 1, 1_000_000),
    // On Kafka a token's answer waits for its batch's acknowledgement and leaves with the
    // batch's others anyway: holding them measured 1-12 % slower (response-writes.hook.ts).
    coalesceWrites: boolean(env.HTTP_COALESCE_WRITES, 'HTTP_COALESCE_WRITES', !answersWaitForKafka),
  };
}
