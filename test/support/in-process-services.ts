import 'reflect-metadata';
import { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { AppConfig, loadConfig } from '@app/config';
import { IntrospectionModule } from '@app/introspection';
import { IssuanceModule } from '@app/issuance';
import { ManagementModule } from '@app/management';
import { createHttpApp, serviceModule } from '@app/platform';
import { RevocationModule } from '@app/revocation';
import {
  CLIENTS,
  EXCHANGE_CLIENTS,
  REFRESH_CLIENTS,
  ResourceFixture,
  RESOURCES,
  SecretClient,
  SIGN_IN_CLIENTS,
  TOKEN_EXCHANGE,
} from '../fixtures/test-registry';
import { freePort } from './free-port';
import { brokers } from './int-kafka';
import { redisUrlForDb } from './int-redis';
import { OAuthClient } from './oauth-client';
import { ClientAuth, clientAuth } from './oauth-http';

/**
 * The split topology inside the jest process: issuance, introspection and revocation each as
 * its own Nest application (its own DI container, Kafka producer/consumers and Redis
 * connection) on its own port, exactly as `runService` builds them, on the int tier's real
 * Kafka and Redis. Any service can run as several replicas; any replica can be closed and
 * started again on the same port.
 */

export type ServiceName = 'issuance' | 'introspection' | 'revocation';

/** Each service's feature modules, as its main.ts mounts them (the admin API on revocation). */
const FEATURES: Readonly<Record<ServiceName, readonly Type<unknown>[]>> = {
  issuance: [IssuanceModule],
  introspection: [IntrospectionModule],
  revocation: [RevocationModule, ManagementModule],
};

const GENERATE_KEYS_SCRIPT = resolve(__dirname, '../../scripts/generate-keys.js');

/** The registry every split-services suite runs against: two resources, four clients. */
export const SPLIT_RESOURCES = { jwt: RESOURCES.orders, opaque: RESOURCES.ledger } as const;

export const SPLIT_CLIENTS = {
  /** client_secret_basic, both resources. */
  owner: CLIENTS.basic,
  /** client_secret_post, both resources: a second, unrelated client. */
  other: CLIENTS.post,
  /** client_secret_basic, no grant: an API that `introspects` both resources. */
  introspector: CLIENTS.introspector,
  /** client_secret_basic, authorization_code: OpenID scopes and the opaque resource. */
  web: SIGN_IN_CLIENTS.web,
} as const satisfies Record<string, SecretClient>;

export const SPLIT_AUTH = {
  owner: clientAuth.basic(SPLIT_CLIENTS.owner),
  other: clientAuth.post(SPLIT_CLIENTS.other),
  introspector: clientAuth.basic(SPLIT_CLIENTS.introspector),
  web: clientAuth.basic(SPLIT_CLIENTS.web),
} as const satisfies Record<string, ClientAuth>;

function registryDocument(): Record<string, unknown> {
  const { jwt, opaque } = SPLIT_RESOURCES;
  const client = (c: SecretClient, method: string) => ({
    client_id: c.clientId,
    client_secret: c.secret,
    token_endpoint_auth_method: method,
    grant_types: ['client_credentials'],
    scope: [...jwt.scopes, ...opaque.scopes].join(' '),
    resources: [jwt.identifier, opaque.identifier],
  });
  return {
    resources: [jwt, opaque].map((r) => ({
      identifier: r.identifier,
      scopes: r.scopes,
      access_token_format: r.format,
      access_token_ttl: r.ttl,
      signing_alg: r.alg,
    })),
    clients: [
      client(SPLIT_CLIENTS.owner, 'client_secret_basic'),
      client(SPLIT_CLIENTS.other, 'client_secret_post'),
      {
        client_id: SPLIT_CLIENTS.introspector.clientId,
        client_secret: SPLIT_CLIENTS.introspector.secret,
        introspects: [jwt.identifier, opaque.identifier],
      },
      {
        client_id: SPLIT_CLIENTS.web.clientId,
        client_secret: SPLIT_CLIENTS.web.secret,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code'],
        redirect_uris: [SPLIT_CLIENTS.web.redirectUri],
        scope: ['openid', ...opaque.scopes].join(' '),
        resources: [opaque.identifier],
      },
      // The refresh_token grant (issue 11): no grace, and a 5 s grace.
      ...[REFRESH_CLIENTS.web, REFRESH_CLIENTS.grace].map((c, i) => ({
        client_id: c.clientId,
        client_secret: c.secret,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code', 'refresh_token'],
        redirect_uris: [REFRESH_CLIENTS.redirectUri],
        scope: ['openid', 'offline_access', ...opaque.scopes].join(' '),
        resources: [opaque.identifier],
        refresh_token_reuse_grace_seconds: i * 5,
      })),
      // The token exchange (RFC 8693): the orders API exchanges into the opaque resource, the
      // ledger API (serving it) on into the JWT one, each by delegation.
      exchanger(EXCHANGE_CLIENTS.orders, jwt, opaque),
      exchanger(EXCHANGE_CLIENTS.ledger, opaque, jwt),
    ],
  };
}

/** An API client serving `serves` that exchanges tokens into `into` by delegation (RFC 8693). */
function exchanger(c: SecretClient, serves: ResourceFixture, into: ResourceFixture) {
  return {
    client_id: c.clientId,
    client_secret: c.secret,
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['client_credentials', TOKEN_EXCHANGE],
    introspects: [serves.identifier],
    scope: into.scopes[0],
    resources: [into.identifier],
    token_exchange: { audiences: [into.identifier], delegation: true, impersonation: false },
  };
}

export interface ReplicaOptions {
  /** Run the Kafka → Redis projector in this replica (PROJECTOR). Default: revocation only. */
  readonly projector?: boolean;
  /** Extra environment for this replica only. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface ServiceReplica {
  readonly service: ServiceName;
  /** 0 for the first replica of its service. */
  readonly index: number;
  readonly port: number;
  /** http://127.0.0.1:port */
  readonly url: string;
  readonly config: AppConfig;
  /** The running application; replaced by `restart`. */
  readonly app: NestFastifyApplication;
  readonly running: boolean;
}

interface ReplicaState {
  service: ServiceName;
  index: number;
  port: number;
  url: string;
  env: Record<string, string>;
  config: AppConfig;
  app: NestFastifyApplication;
  running: boolean;
}

export interface SplitServicesOptions {
  /** Names the suite in Kafka client ids, e.g. `split`. */
  readonly suite: string;
  /**
   * The Redis database index this suite owns (it may flush it), or `cluster`: the services run on
   * the Redis Cluster of these seeds (REDIS_CLUSTER_NODES) instead.
   */
  readonly redisDb: number | { readonly cluster: string };
  /** Environment for every replica (e.g. REVOCATION_FAILURE_POLICY). */
  readonly env?: Readonly<Record<string, string>>;
  /** Changes the shared CONFIG_FILE document (e.g. trusted issuers and their clients). */
  readonly registry?: (document: Record<string, unknown>) => Record<string, unknown>;
}

export class SplitServices {
  private readonly replicas: ReplicaState[] = [];
  /** Boots in progress: closeAll waits for them, so no app outlives the suite. */
  private readonly booting = new Set<Promise<void>>();

  private constructor(
    private readonly dir: string,
    private readonly issuerPort: number,
    private readonly baseEnv: Readonly<Record<string, string>>,
    private readonly suite: string,
    /** The Redis URL (with this suite's database index) every replica uses ('' on a cluster). */
    readonly redisUrl: string,
  ) {}

  /**
   * Writes the shared KEYS_FILE (with the operators' script) and CONFIG_FILE, and reserves the
   * issuer's port, which the first issuance replica will listen on. Starts nothing yet.
   */
  static async create(o: SplitServicesOptions): Promise<SplitServices> {
    const dir = await mkdtemp(join(tmpdir(), `token-lifecycle-int-${o.suite}-`));
    try {
      const keysFile = join(dir, 'keys.json');
      const configFile = join(dir, 'registry.json');
      await Promise.all([
        promisify(execFile)(process.execPath, [GENERATE_KEYS_SCRIPT, keysFile]),
        writeFile(
          configFile,
          JSON.stringify((o.registry ?? ((d) => d))(registryDocument()), null, 2),
        ),
      ]);
      const issuerPort = await freePort();
      const cluster = typeof o.redisDb === 'number' ? undefined : o.redisDb.cluster;
      const redisUrl = typeof o.redisDb === 'number' ? redisUrlForDb(o.redisDb) : '';
      const env = {
        HOST: '127.0.0.1',
        ISSUER: `http://127.0.0.1:${issuerPort}`,
        KEYS_FILE: keysFile,
        CONFIG_FILE: configFile,
        KAFKA_BROKERS: brokers().join(','),
        ...(cluster ? { REDIS_CLUSTER_NODES: cluster } : { REDIS_URL: redisUrl }),
        LOG_LEVEL: 'error',
        ...o.env,
      };
      return new SplitServices(dir, issuerPort, env, o.suite, redisUrl);
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** The issuer identifier every replica shares: the first issuance replica's URL. */
  get issuer(): string {
    return this.baseEnv.ISSUER!;
  }

  /** Starts one more replica of `service` on a port of its own. */
  async start(service: ServiceName, o: ReplicaOptions = {}): Promise<ServiceReplica> {
    // Claimed before the first await, so that replicas started together get distinct indexes.
    const index = this.replicas.filter((r) => r.service === service).length;
    const state = { service, index, running: false } as ReplicaState;
    this.replicas.push(state);
    try {
      state.port = service === 'issuance' && index === 0 ? this.issuerPort : await freePort();
      state.url = `http://127.0.0.1:${state.port}`;
      state.env = {
        ...this.baseEnv,
        PORT: String(state.port),
        KAFKA_CLIENT_ID: `int-${this.suite}-${service}-${index}`,
        // As in production (runService): the revocation service runs the projector by default.
        PROJECTOR: String(o.projector ?? service === 'revocation'),
        ...o.env,
      };
      await this.boot(state);
    } catch (e) {
      this.replicas.splice(this.replicas.indexOf(state), 1);
      throw e;
    }
    return view(state);
  }

  /** Starts `count` replicas of `service` together. */
  startMany(
    service: ServiceName,
    count: number,
    o: ReplicaOptions = {},
  ): Promise<ServiceReplica[]> {
    return Promise.all(Array.from({ length: count }, () => this.start(service, o)));
  }

  /** Closes one replica as an orchestrator would stop it (shutdown hooks run). */
  async close(replica: ServiceReplica): Promise<void> {
    const state = this.stateOf(replica);
    if (!state.running) return;
    state.running = false;
    await state.app.close();
  }

  /** Closes the replica if it runs, and starts it again on the same port with the same env. */
  async restart(replica: ServiceReplica, o: ReplicaOptions = {}): Promise<ServiceReplica> {
    const state = this.stateOf(replica);
    await this.close(replica);
    if (o.projector !== undefined) state.env.PROJECTOR = String(o.projector);
    Object.assign(state.env, o.env);
    await this.boot(state);
    return view(state);
  }

  /** The current view of a replica (after a restart its `app` and `config` are new). */
  current(replica: ServiceReplica): ServiceReplica {
    return view(this.stateOf(replica));
  }

  /** A client that speaks to the given replicas of each service. */
  client(at: {
    issuance: ServiceReplica;
    introspection: ServiceReplica;
    revocation: ServiceReplica;
  }): OAuthClient {
    return new OAuthClient({
      token: `${at.issuance.url}/oauth2/token`,
      introspection: `${at.introspection.url}/oauth2/introspect`,
      revocation: `${at.revocation.url}/oauth2/revoke`,
    });
  }

  /** Closes every running replica and removes the temporary files. */
  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.booting]);
    const running = this.replicas.filter((r) => r.running);
    const results = await Promise.allSettled(running.map((r) => this.close(view(r))));
    await rm(this.dir, { recursive: true, force: true });
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async boot(state: ReplicaState): Promise<void> {
    const booted = this.bootNow(state);
    this.booting.add(booted);
    try {
      await booted;
    } finally {
      this.booting.delete(booted);
    }
  }

  private async bootNow(state: ReplicaState): Promise<void> {
    const config = loadConfig(state.env, { port: state.port });
    const app = await createHttpApp(
      serviceModule(config, state.service, FEATURES[state.service]),
      config,
      { service: state.service },
    );
    try {
      await app.listen(state.port, '127.0.0.1');
    } catch (e) {
      await app.close().catch(() => undefined);
      throw e;
    }
    state.config = config;
    state.app = app;
    state.running = true;
    await waitUntilReady(state.url);
  }

  private stateOf(replica: ServiceReplica): ReplicaState {
    const state = this.replicas.find(
      (r) => r.service === replica.service && r.index === replica.index,
    );
    if (!state) throw new Error(`no replica ${replica.service}#${replica.index}`);
    return state;
  }
}

function view(s: ReplicaState): ServiceReplica {
  return {
    service: s.service,
    index: s.index,
    port: s.port,
    url: s.url,
    config: s.config,
    app: s.app,
    running: s.running,
  };
}

/** Like an orchestrator: a replica takes traffic once /health/ready says so. */
async function waitUntilReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${url}/health/ready`).catch(() => undefined);
    if (res?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url} not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
