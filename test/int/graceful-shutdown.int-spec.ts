import { CLIENTS, RESOURCES } from '../fixtures/test-registry';
import { OAuthClient } from '../support/oauth-client';
import { clientAuth } from '../support/oauth-http';
import { readLifecycleLog } from '../support/proc-event-log';
import { freePorts, jtiOf, pause, ServiceFiles, writeServiceFiles } from '../support/proc-fixtures';
import { ServiceProcess, stopAll, withServiceOutput } from '../support/service-process';

/**
 * On SIGTERM a service stops accepting requests, answers those in flight, flushes its producer,
 * closes its connections and exits: every token a client received has its event on the log.
 */
describe('SIGTERM under load', () => {
  let files: ServiceFiles | undefined;
  let issuance: ServiceProcess | undefined;
  let oauth: OAuthClient;

  beforeAll(async () => {
    files = await writeServiceFiles();
    const [port] = await freePorts(1);
    const url = `http://127.0.0.1:${port}`;
    issuance = await ServiceProcess.start({
      service: 'issuance',
      port,
      env: {
        ISSUER: url,
        CONFIG_FILE: files.configFile,
        KEYS_FILE: files.keysFile,
        KAFKA_BROKERS: process.env.KAFKA_BROKERS,
        REDIS_URL: process.env.REDIS_URL,
        // Long enough that in-flight events would be lost if shutdown did not flush them.
        KAFKA_LINGER_MS: '50',
        LOG_LEVEL: 'warn',
      },
    });
    oauth = new OAuthClient({
      token: `${url}/oauth2/token`,
      introspection: `${url}/oauth2/introspect`,
      revocation: `${url}/oauth2/revoke`,
    });
  }, 120_000);

  afterAll(async () => {
    await stopAll([issuance]);
    await files?.remove();
  }, 60_000);

  it(
    'answers what is in flight, records it, and exits cleanly',
    withServiceOutput(
      () => [issuance],
      async () => {
        const received: string[] = [];
        let failures = 0;
        let stop = false;
        const loop = async () => {
          while (!stop) {
            try {
              const res = await oauth.token(
                { grant_type: 'client_credentials', resource: RESOURCES.orders.identifier },
                clientAuth.basic(CLIENTS.basic),
              );
              if (res.status === 200) received.push(res.body.access_token as string);
              else failures++;
            } catch {
              failures++; // refused once the server stopped listening
              await pause(10);
            }
          }
        };
        const loops = Array.from({ length: 8 }, loop);
        while (received.length < 100) await pause(10);

        const t0 = Date.now();
        const status = await issuance!.kill('SIGTERM');
        const shutdownMs = Date.now() - t0;
        stop = true;
        await Promise.all(loops);

        // Nest re-raises the signal after closing: a clean exit is code 0 or the SIGTERM itself.
        expect(status.code === 0 || status.signal === 'SIGTERM').toBe(true);
        expect(shutdownMs).toBeLessThan(10_000);
        expect(issuance!.output()).not.toMatch(/Unhandled|ERROR|"level":"(error|fatal)"/);

        const log = await readLifecycleLog(process.env.KAFKA_BROKERS!);
        const logged = new Set(
          log.events.filter((e) => e.type === 'token.issued').map((e) => e.subject),
        );
        const missing = received.filter((t) => !logged.has(jtiOf(t)));
        process.stderr.write(
          `graceful shutdown: ${received.length} tokens received, ${missing.length} without an event, ${failures} refused after SIGTERM, exit in ${shutdownMs} ms\n`,
        );
        expect(missing).toEqual([]);
      },
    ),
    120_000,
  );
});
