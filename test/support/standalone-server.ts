import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { exportJWK, generateKeyPair, JWK, KeyLike } from 'jose';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, loadConfig } from '@app/config';
import { EVENT_BUS, LifecycleEvent, MemoryEventBus } from '@app/events';
import { createHttpApp } from '@app/platform';
import { StandaloneModule } from '../../apps/standalone/src/standalone.module';
import { CLIENTS, JWT_CLIENT_ID, registryDocument } from '../fixtures/test-registry';
import { freePort } from './free-port';
import { hashSecret } from './secret-hash';

/** The private_key_jwt client: its id, and the private key only the test holds. */
export interface KeyClient {
  readonly clientId: string;
  readonly alg: 'ES256';
  readonly kid: string;
  readonly privateKey: KeyLike;
  readonly publicJwk: JWK;
}

export interface StandaloneServer {
  /** Base URL, which is also the issuer. */
  readonly url: string;
  readonly config: AppConfig;
  readonly app: NestFastifyApplication;
  readonly jwtClient: KeyClient;
  /** Every lifecycle event published so far, oldest first (a copy). */
  events(): LifecycleEvent[];
  close(): Promise<void>;
}

export interface StandaloneOptions {
  /**
   * Clients registered after the test registry's own (CONFIG_FILE format); a function is given
   * the server's base URL, for a client whose redirect URI is on the server itself.
   */
  readonly extraClients?:
    readonly Record<string, unknown>[] | ((url: string) => readonly Record<string, unknown>[]);
  /** Top-level CONFIG_FILE members added to the test registry's (e.g. `trusted_issuers`). */
  readonly document?: Readonly<Record<string, unknown>>;
  /** The service terminates TLS (give TLS_CERT_FILE and TLS_KEY_FILE in env): an https issuer. */
  readonly https?: boolean;
  /** Where the service's log lines go instead of stdout (a test reading them). */
  readonly logDestination?: { write(line: string): unknown };
}

/**
 * Suites send many failing client authentications from one address on purpose; the throttle
 * of failures has its own suite (client-auth-throttle.e2e-spec.ts), which sets its limits.
 */
const GENEROUS_AUTH_LIMITS = {
  AUTH_FAILURES_PER_CLIENT: '10000',
  AUTH_FAILURES_PER_ADDRESS: '10000',
};

/**
 * Boots the standalone service (issuance + introspection + revocation on one port) on
 * 127.0.0.1 with the test registry, exactly as `main.ts` does but for the listening address.
 * `env` adds to (or overrides) the environment it is configured with.
 */
export async function startStandaloneServer(
  env: Readonly<Record<string, string>> = {},
  options: StandaloneOptions = {},
): Promise<StandaloneServer> {
  const dir = await mkdtemp(join(tmpdir(), 'token-lifecycle-e2e-'));
  try {
    const jwtClient = await generateKeyClient();
    const configFile = join(dir, 'registry.json');
    const document = registryDocument({
      jwtClientPublicJwk: jwtClient.publicJwk,
      hashedClientSecretHash: await hashSecret(CLIENTS.hashed.secret),
    });
    const port = await freePort();
    const url = `${options.https ? 'https' : 'http'}://127.0.0.1:${port}`;
    const extra = options.extraClients;
    const clients = [
      ...(document.clients as unknown[]),
      ...((typeof extra === 'function' ? extra(url) : extra) ?? []),
    ];
    await writeFile(
      configFile,
      JSON.stringify({ ...document, ...options.document, clients }, null, 2),
    );
    const config = loadConfig({
      PORT: String(port),
      ISSUER: url,
      CONFIG_FILE: configFile,
      LOG_LEVEL: 'error',
      ...GENEROUS_AUTH_LIMITS,
      ...env,
    });
    const app = await createHttpApp(StandaloneModule.forRoot(config), config, {
      destination: options.logDestination,
    });
    await app.listen(port, '127.0.0.1');
    const bus = app.get<MemoryEventBus>(EVENT_BUS);

    return {
      url,
      config,
      app,
      jwtClient,
      events: () => [...bus.events()],
      close: async () => {
        await app.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

async function generateKeyClient(): Promise<KeyClient> {
  const kid = 'e2e-client-key-1';
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return { clientId: JWT_CLIENT_ID, alg: 'ES256', kid, privateKey, publicJwk };
}
