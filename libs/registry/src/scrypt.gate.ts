/** Too many secret checks are already waiting: the caller answers 503 and the client retries. */
export class SecretCheckBusy extends Error {
  constructor() {
    super('too many client secret checks in progress');
    this.name = 'SecretCheckBusy';
  }
}

/** How many checks may wait for a slot; beyond it a burst is refused rather than queued. */
export const SCRYPT_QUEUE_LIMIT = 100;

/**
 * At most `concurrency` scrypt computations at a time in this process, the rest waiting in line.
 * scrypt runs on libuv's thread pool (4 threads unless UV_THREADPOOL_SIZE says otherwise, shared
 * with DNS lookups and file reads) and takes tens of ms of CPU each: unbounded, wrong secrets
 * sent from more addresses than the throttle can tell apart would hold every thread and core,
 * and unrelated requests would wait behind them. Secrets recognised without scrypt never pass
 * through here.
 */
export class ScryptGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly queueLimit = SCRYPT_QUEUE_LIMIT,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency) this.running++;
    else if (this.waiting.length >= this.queueLimit) throw new SecretCheckBusy();
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      // The slot passes straight to the next in line, so `running` never undercounts.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
