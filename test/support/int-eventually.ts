import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `probe` until it returns a value that `done` accepts, or fails once `timeoutMs` has
 * passed, naming what it waited for and the last value seen. For integration specs: they wait
 * on real brokers, never for a fixed time.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T> | T,
  done: (value: T) => boolean = Boolean,
  { timeoutMs = 15_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let error: unknown;
  for (;;) {
    try {
      last = await probe();
      error = undefined;
      if (done(last)) return last;
    } catch (e) {
      error = e;
    }
    if (Date.now() >= deadline) {
      const seen = error === undefined ? JSON.stringify(last) : String(error);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${seen}`);
    }
    await sleep(intervalMs);
  }
}
