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

export function errorName(e: unknown): string {
  return e instanceof Error ? e.name : String(e);
}
