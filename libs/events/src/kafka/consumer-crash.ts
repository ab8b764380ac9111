/** The part of a kafkajs consumer (or Nest's copy of its types) a crash watch needs. */
interface CrashingConsumer {
  readonly events: { readonly CRASH: string };
  on(
    event: string,
    listener: (e: { payload: { error: unknown; restart: boolean } }) => void,
  ): unknown;
}

/**
 * Calls `then` when the consumer crashed and kafkajs will not restart it. kafkajs restarts a
 * crashed consumer only after a retriable error; after any other (a group coordinator not found
 * on a broker that has just started, say) the consumer stays stopped for good.
 */
export function onFatalCrash(consumer: CrashingConsumer, then: (e: unknown) => void): void {
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) then(payload.error);
  });
}

/** The part of a consumer a closing owner needs: its crash event, and a way to stop it. */
interface StoppableConsumer extends CrashingConsumer {
  disconnect(): Promise<void>;
}

/**
 * Disconnects again a consumer that kafkajs is about to restart after its owner closed it.
 * kafkajs sets its restart timer just after the CRASH event of a retriable crash, and its
 * disconnect clears that timer; a crash that lands while the owner is disconnecting (the broker
 * connections going away with it) sets the timer after the owner's disconnect cleared it, and
 * the consumer would start again with nobody left to stop it (in a test, after the test's
 * environment is gone, which fails the whole run). The timer exists on the next turn.
 */
export function stopRestartsOnceClosed(consumer: StoppableConsumer, closed: () => boolean): void {
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart && closed())
      setImmediate(() => void consumer.disconnect().catch(() => undefined));
  });
}

export function errorName(e: unknown): string {
  return e instanceof Error ? e.name : String(e);
}
