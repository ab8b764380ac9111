import { Logger, LoggerService } from '@nestjs/common';
import { loadConfig } from '@app/config';
import { EventFactory, KafkaEventBus, LifecycleEvent } from '@app/events';
import { uniqueName } from '../support/int-kafka';
import { readLifecycleLog } from '../support/proc-event-log';
import { pause, waitFor } from '../support/proc-fixtures';
import { OwnKafka, OwnRedis, startOwnInfra } from '../support/proc-infra';

/**
 * Issue 9 item 6, on a broker of this suite's own and under a steady load of publishes: the
 * broker is SIGKILLed mid-produce and restarted, or frozen (SIGSTOP) past every kafkajs retry and
 * resumed. Either way a produce request can fail on the client although the broker appended it
 * (or appends it once it resumes). kafkajs 2.2.4 then gives the batch's sequence numbers back,
 * and a later batch of the same producer id that reuses them is taken by the broker for a retry:
 * dropped and answered as a success (200 with no event), or refused as out of order on every
 * later batch. So: every publish that resolved must have its event on the log, and publishing
 * must resume after each fault.
 */
const WORKERS = 12;
/** Round-robin over a few partition keys: small, often equal, per-partition batch sizes. */
const KEYS = 6;
const KILLS = 3;
const FREEZES = 2;
const ACKS_BETWEEN_FAULTS = 300;
/** Also kafkajs's request timeout (the bus takes the smaller of this and 10 s). */
const PUBLISH_TIMEOUT_MS = 2000;
/** Longer than kafkajs's attempts at one batch take against a broker that never answers. */
const FREEZE_MS = 15_000;
const RECOVERY_DEADLINE_MS = 90_000;

jest.setTimeout(600_000);

describe('KafkaEventBus when the broker is killed mid-produce', () => {
  const run = uniqueName('int-crash-bus');
  const factory = new EventFactory(`urn:token-lifecycle:int-crash-bus:${run}`);
  let kafka: OwnKafka | undefined;
  let redis: OwnRedis | undefined;
  let bus: KafkaEventBus | undefined;
  /** The bus's producer-session warnings (new session started, or could not be yet). */
  const sessionChanges: string[] = [];
  const metrics: Record<string, number | string> = {};
  let seq = 0;

  /** Only the producer-session warnings are kept (counted); kafkajs retry noise is dropped. */
  const quiet: LoggerService = {
    log: () => undefined,
    error: () => undefined,
    warn: (message: unknown) => {
      if (String(message).includes('producer session')) sessionChanges.push(String(message));
    },
  };

  const issued = (key: string): LifecycleEvent => {
    const now = Math.floor(Date.now() / 1000);
    const jti = `${run}-${seq++}`;
    return factory.create('token.issued', jti, key, {
      jti,
      client_id: key,
      sub: key,
      aud: 'https://orders.test.example',
      scope: 'orders:read',
      grant_type: 'client_credentials',
      format: 'jwt',
      iat: now,
      exp: now + 60,
    });
  };

  beforeAll(async () => {
    Logger.overrideLogger(quiet);
    ({ kafka, redis } = await startOwnInfra((m) => process.stderr.write(`${m}\n`)));
    bus = await KafkaEventBus.connect(
      loadConfig({
        KAFKA_BROKERS: kafka.brokers,
        KAFKA_CLIENT_ID: run,
        EVENT_PUBLISH_TIMEOUT_MS: String(PUBLISH_TIMEOUT_MS),
        LOG_LEVEL: 'warn',
      }).kafka!,
    );
  }, 240_000);

  afterAll(async () => {
    await bus?.close().catch(() => undefined);
    await Promise.allSettled([kafka?.stop(), redis?.stop()]);
    Logger.overrideLogger(['error', 'fatal']);
    process.stderr.write(
      `kafka-producer-faults.int-spec measurements: ${JSON.stringify(metrics)}\n`,
    );
  }, 60_000);

  /**
   * Runs WORKERS closed-loop publishers (one publish outstanding each, a short pause after a
   * refusal, as a client retrying a 503 would), applies `fault` `rounds` times with a steady
   * load before and after each, then reads the whole log and returns every acknowledged event
   * id it does not hold.
   */
  const underLoad = async (name: string, rounds: number, fault: () => Promise<void>) => {
    const acknowledged: string[] = [];
    const refusedIds: string[] = [];
    let running = true;
    const worker = async (w: number) => {
      for (let i = 0; running; i++) {
        const event = issued(`${run}-k${(w + i) % KEYS}`);
        try {
          await bus!.publish(event);
          acknowledged.push(event.id);
        } catch {
          refusedIds.push(event.id);
          await pause(20);
        }
      }
    };
    const acksGrowBy = (n: number, what: string) => {
      const target = acknowledged.length + n;
      return waitFor(what, () => acknowledged.length >= target, {
        timeoutMs: RECOVERY_DEADLINE_MS,
        intervalMs: 50,
      });
    };

    const sessionsBefore = sessionChanges.length;
    const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
    try {
      await acksGrowBy(ACKS_BETWEEN_FAULTS, `a steady load before the first ${name}`);
      for (let k = 1; k <= rounds; k++) {
        const refusedBefore = refusedIds.length;
        await fault();
        await acksGrowBy(ACKS_BETWEEN_FAULTS, `publishes to succeed again after ${name} ${k}`);
        expect(refusedIds.length).toBeGreaterThan(refusedBefore); // the fault hit publishes
      }
    } finally {
      running = false;
      await Promise.all(workers);
    }

    const log = await readLifecycleLog(kafka!.brokers, { timeoutMs: 120_000 });
    expect(log.malformed).toBe(0);
    const onLog = new Set(log.events.map((e) => e.id));
    metrics[name] = JSON.stringify({
      acknowledged: acknowledged.length,
      refused: refusedIds.length,
      refusedButOnLog: refusedIds.filter((id) => onLog.has(id)).length,
      missing: acknowledged.filter((id) => !onLog.has(id)).length,
      sessionsStarted: sessionChanges.slice(sessionsBefore).filter((m) => m.includes('started'))
        .length,
    });
    return acknowledged.filter((id) => !onLog.has(id));
  };

  it('SIGKILL mid-produce and restart: every acknowledged publish is on the log, and publishing resumes', async () => {
    const missing = await underLoad('kill', KILLS, async () => {
      // No controlled shutdown: the requests in flight are cut wherever they are.
      process.kill(kafka!.pid!, 'SIGKILL');
      await kafka!.stopBroker(); // returns once the process is gone
      await pause(300);
      await kafka!.startBroker();
    });
    // An event without an answer is allowed (its caller got 503); an answer without an event is not.
    expect(missing).toEqual([]);
  });

  it('a broker frozen past every retry (SIGSTOP, as a long GC or VM pause) appends the failed batch once it resumes: nothing acknowledged is dropped', async () => {
    const missing = await underLoad('freeze', FREEZES, async () => {
      // The produce request in flight (and kafkajs's retries of it) wait in the broker's socket
      // buffers; kafkajs gives up and rolls its sequence numbers back; on SIGCONT the broker
      // appends the "failed" batch. The next batch of the old producer id would reuse them.
      const pid = kafka!.pid!;
      process.kill(pid, 'SIGSTOP');
      try {
        await pause(FREEZE_MS);
      } finally {
        process.kill(pid, 'SIGCONT');
      }
    });
    expect(missing).toEqual([]);
  });
});
