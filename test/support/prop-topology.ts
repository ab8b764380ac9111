import { CLIENTS, RESOURCES } from '../fixtures/test-registry';
import { OAuthClient } from './oauth-client';
import { basicAuthorization, clientAuth, HttpResponse, send } from './oauth-http';
import { freePorts, ServiceFiles, waitFor, writeServiceFiles } from './proc-fixtures';
import { DemoApiReplica } from './prop-demo-api';
import { ServiceProcess, stopAll } from './service-process';

/**
 * The topology of "Revocation that is felt at once" as deployed, every part its own process:
 * issuance and revocation (with the projector) on a given Kafka and Redis, and several replicas
 * of the demo orders API that validate JWTs locally against the issuance JWKS and follow the
 * revocation stream of the same Redis. The registry (CONFIG_FILE) is the test registry: its JWT
 * resource `orders` is the replicas' RESOURCE_AUDIENCE, and the basic client may ask for
 * `orders:read` on it.
 */
export const PROP_RESOURCE = RESOURCES.orders;
export const PROP_OWNER = clientAuth.basic(CLIENTS.basic);

export interface PropTopologyOptions {
  readonly kafkaBrokers: string;
  /** One Redis (REDIS_URL), or a Redis Cluster's seeds (REDIS_CLUSTER_NODES). */
  readonly redis: { readonly url: string } | { readonly clusterNodes: string };
  readonly replicas: number;
  /** Extra environment for the API replicas (e.g. REVOCATION_STALENESS_BUDGET_MS). */
  readonly replicaEnv?: Readonly<Record<string, string>>;
  /** Extra environment for issuance and revocation. */
  readonly serviceEnv?: Readonly<Record<string, string>>;
}

export class PropTopology {
  readonly replicas: DemoApiReplica[] = [];
  private issuanceProcess: ServiceProcess | undefined;
  private revocationProcess: ServiceProcess | undefined;
  private oauthClient: OAuthClient | undefined;

  private constructor(private readonly files: ServiceFiles) {}

  /** Starts everything; whatever did start is stopped again when a part fails to. */
  static async start(o: PropTopologyOptions): Promise<PropTopology> {
    const topology = new PropTopology(await writeServiceFiles());
    try {
      await topology.startAll(o);
    } catch (e) {
      process.stderr.write(topology.outputs());
      await topology.stop();
      throw e;
    }
    return topology;
  }

  get issuance(): ServiceProcess {
    return this.issuanceProcess!;
  }

  get revocation(): ServiceProcess {
    return this.revocationProcess!;
  }

  get replicaUrls(): string[] {
    return this.replicas.map((r) => r.url);
  }

  /** A fresh client_credentials JWT for the orders API with `orders:read`. */
  token(): Promise<string> {
    return this.oauthClient!.accessToken(PROP_OWNER, {
      resource: PROP_RESOURCE.identifier,
      scope: 'orders:read',
    });
  }

  /** POST /oauth2/revoke at the revocation service, as the token's own client. */
  revoke(token: string): Promise<HttpResponse> {
    return this.oauthClient!.revoke({ token, token_type_hint: 'access_token' }, PROP_OWNER);
  }

  /** POST /admin/revocations at the revocation service, as the test registry's admin client. */
  adminRevoke(body: Record<string, string>): Promise<HttpResponse> {
    return send(`${this.revocation.url}/admin/revocations`, {
      method: 'POST',
      headers: {
        authorization: basicAuthorization(CLIENTS.admin.clientId, CLIENTS.admin.secret),
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
  }

  /** GET /health/ready of a service: 200 once it can do its job (projection built, …). */
  async ready(p: ServiceProcess): Promise<number> {
    return (await send(`${p.url}/health/ready`, { signal: AbortSignal.timeout(5000) })).status;
  }

  /** The last lines every process printed, for a failure report. */
  outputs(lines = 60): string {
    const services = [this.issuanceProcess, this.revocationProcess]
      .filter((p): p is ServiceProcess => p !== undefined)
      .map((p) => p.output(lines));
    return [...services, ...this.replicas.map((r) => r.output(lines))].join('\n');
  }

  async stop(): Promise<void> {
    await Promise.allSettled([
      stopAll([this.issuanceProcess, this.revocationProcess]),
      ...this.replicas.map((r) => r.stop()),
    ]);
    await this.files.remove();
  }

  private async startAll(o: PropTopologyOptions): Promise<void> {
    const [issuancePort, revocationPort] = await freePorts(2);
    const issuer = `http://127.0.0.1:${issuancePort}`;
    const env = {
      ISSUER: issuer,
      CONFIG_FILE: this.files.configFile,
      KEYS_FILE: this.files.keysFile,
      KAFKA_BROKERS: o.kafkaBrokers,
      ...redisEnv(o),
      TOKEN_ENDPOINT: `${issuer}/oauth2/token`,
      JWKS_URI: `${issuer}/oauth2/jwks`,
      REVOCATION_ENDPOINT: `http://127.0.0.1:${revocationPort}/oauth2/revoke`,
      LOG_LEVEL: 'warn',
      ...o.serviceEnv,
    };
    [this.issuanceProcess, this.revocationProcess] = await Promise.all([
      ServiceProcess.prepare({ service: 'issuance', port: issuancePort, env }),
      ServiceProcess.prepare({
        service: 'revocation',
        port: revocationPort,
        env: { ...env, PROJECTOR: 'true' },
      }),
    ]);
    // The replicas load the JWKS at start: issuance answers first.
    await Promise.all([this.issuanceProcess.start(), this.revocationProcess.start()]);
    this.oauthClient = new OAuthClient({
      token: `${this.issuanceProcess.url}/oauth2/token`,
      introspection: `${issuer}/oauth2/introspect`,
      revocation: `${this.revocationProcess.url}/oauth2/revoke`,
    });
    const replicaEnv = {
      ISSUER: issuer,
      JWKS_URI: `${issuer}/oauth2/jwks`,
      ...redisEnv(o),
      RESOURCE_AUDIENCE: PROP_RESOURCE.identifier,
      ...o.replicaEnv,
    };
    await Promise.all(
      Array.from({ length: o.replicas }, async (_, i) => {
        const replica = await DemoApiReplica.start(`demo-api-${i}`, replicaEnv);
        this.replicas.push(replica);
      }),
    );
    this.replicas.sort((a, b) => a.label.localeCompare(b.label));
    await waitFor(
      'issuance and revocation ready (projection built)',
      async () =>
        (await this.ready(this.issuanceProcess!)) === 200 &&
        (await this.ready(this.revocationProcess!)) === 200,
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  }
}

/** The services' and the replicas' Redis: REDIS_URL or REDIS_CLUSTER_NODES (one of the two). */
function redisEnv(o: PropTopologyOptions): Record<string, string> {
  return 'url' in o.redis
    ? { REDIS_URL: o.redis.url }
    : { REDIS_CLUSTER_NODES: o.redis.clusterNodes };
}
