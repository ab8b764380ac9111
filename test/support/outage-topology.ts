import { CLIENTS } from '../fixtures/test-registry';
import { OAuthClient } from './oauth-client';
import { clientAuth, HttpResponse, send } from './oauth-http';
import { freePorts, ServiceFiles, waitFor, writeServiceFiles } from './proc-fixtures';
import { ServiceName, ServiceProcess, stopAll } from './service-process';

/**
 * The outage specs' services, every one its own process as deployed: issuance, revocation (with
 * the projector), and two introspection replicas, one fail-closed (the default) and one
 * fail-open, on the Kafka and the Redis (or Redis Cluster) a spec owns and may take down.
 */
export const PUBLISH_TIMEOUT_MS = 1500;
/** Slack for a loaded 2-core machine on top of the publish timeout. */
export const ANSWER_SLACK_MS = 1500;
export const RECOVERY_DEADLINE_MS = 60_000;

export const OWNER = clientAuth.basic(CLIENTS.basic);
export const INTROSPECTOR = clientAuth.basic(CLIENTS.introspector);

export interface OutageEngines {
  readonly kafkaBrokers: string;
  /** REDIS_URL or REDIS_CLUSTER_NODES (and KAFKA_REPLICATION_FACTOR on three brokers). */
  readonly env: Readonly<Record<string, string>>;
}

export class OutageTopology {
  /** token → issuance, introspection → the fail-closed replica, revocation → revocation. */
  oauth!: OAuthClient;
  /** The same, but introspecting on the fail-open replica. */
  oauthOpen!: OAuthClient;
  issuance!: ServiceProcess;
  revocation!: ServiceProcess;
  introspection!: ServiceProcess;
  failOpen!: ServiceProcess;

  private constructor(private readonly files: ServiceFiles) {}

  /** Starts the four services and waits until every one is ready. */
  static async start(engines: OutageEngines): Promise<OutageTopology> {
    const topology = new OutageTopology(await writeServiceFiles());
    try {
      await topology.startAll(engines);
    } catch (e) {
      await topology.stop();
      throw e;
    }
    return topology;
  }

  all(): ServiceProcess[] {
    return [this.issuance, this.revocation, this.introspection, this.failOpen].filter(Boolean);
  }

  async ready(p: ServiceProcess): Promise<number> {
    return (await send(`${p.url}/health/ready`, { signal: AbortSignal.timeout(5000) })).status;
  }

  async stop(): Promise<void> {
    await stopAll(this.all());
    await this.files.remove();
  }

  private async startAll(engines: OutageEngines): Promise<void> {
    const [issuancePort, revocationPort, introspectionPort, failOpenPort] = await freePorts(4);
    const url = (port: number) => `http://127.0.0.1:${port}`;
    const env = {
      ISSUER: url(issuancePort!),
      CONFIG_FILE: this.files.configFile,
      KEYS_FILE: this.files.keysFile,
      KAFKA_BROKERS: engines.kafkaBrokers,
      ...engines.env,
      EVENT_PUBLISH_TIMEOUT_MS: String(PUBLISH_TIMEOUT_MS),
      TOKEN_ENDPOINT: `${url(issuancePort!)}/oauth2/token`,
      JWKS_URI: `${url(issuancePort!)}/oauth2/jwks`,
      INTROSPECTION_ENDPOINT: `${url(introspectionPort!)}/oauth2/introspect`,
      REVOCATION_ENDPOINT: `${url(revocationPort!)}/oauth2/revoke`,
      LOG_LEVEL: 'warn',
    };
    const prepare = (
      service: ServiceName,
      label: string,
      port: number,
      extra: Record<string, string> = {},
    ) => ServiceProcess.prepare({ service, label, port, env: { ...env, ...extra } });
    // Handles first, so that stop() stops whatever did start if one of them fails.
    [this.issuance, this.revocation, this.introspection, this.failOpen] = await Promise.all([
      prepare('issuance', 'issuance', issuancePort!),
      prepare('revocation', 'revocation', revocationPort!, { PROJECTOR: 'true' }),
      prepare('introspection', 'introspection-fail-closed', introspectionPort!),
      prepare('introspection', 'introspection-fail-open', failOpenPort!, {
        REVOCATION_FAILURE_POLICY: 'fail-open',
      }),
    ]);
    await Promise.all(this.all().map((p) => p.start()));
    this.oauth = new OAuthClient({
      token: `${this.issuance.url}/oauth2/token`,
      introspection: `${this.introspection.url}/oauth2/introspect`,
      revocation: `${this.revocation.url}/oauth2/revoke`,
    });
    this.oauthOpen = new OAuthClient({
      token: `${this.issuance.url}/oauth2/token`,
      introspection: `${this.failOpen.url}/oauth2/introspect`,
      revocation: `${this.revocation.url}/oauth2/revoke`,
    });
    await waitFor('every service ready', async () => {
      const states = await Promise.all(this.all().map((p) => this.ready(p)));
      return states.every((s) => s === 200);
    });
  }
}

export const timed = async <T>(action: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const t0 = Date.now();
  const value = await action();
  return { value, ms: Date.now() - t0 };
};

/** RFC 6749 §5.2 + RFC 9110 §10.2.3: a retryable refusal that says when to come back. */
export function expectTemporarilyUnavailable(res: HttpResponse): void {
  expect({ status: res.status, error: res.body.error }).toEqual({
    status: 503,
    error: 'temporarily_unavailable',
  });
  expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.body).not.toHaveProperty('access_token');
}
