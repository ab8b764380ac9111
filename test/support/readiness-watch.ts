/**
 * Polls readiness endpoints while a fault spec runs and keeps what each answered when, so that
 * the spec can say how long each service was unready (and report it).
 */
export interface ReadinessSample {
  readonly at: number;
  readonly ready: boolean;
}

export class ReadinessWatch {
  private readonly samples = new Map<string, ReadinessSample[]>();
  private stopped = false;
  private readonly loops: Promise<void>[];

  private constructor(urls: Readonly<Record<string, string>>, intervalMs: number) {
    this.loops = Object.entries(urls).map(async ([name, url]) => {
      const seen: ReadinessSample[] = [];
      this.samples.set(name, seen);
      while (!this.stopped) {
        const at = Date.now();
        const status = await fetch(url, { signal: AbortSignal.timeout(2_000) })
          .then((r) => r.status)
          .catch(() => 0);
        seen.push({ at, ready: status === 200 });
        await new Promise((r) => setTimeout(r, intervalMs));
      }
    });
  }

  static start(urls: Readonly<Record<string, string>>, intervalMs: number): ReadinessWatch {
    return new ReadinessWatch(urls, intervalMs);
  }

  /** Stops polling (loops end after their request in flight) and returns the samples. */
  stop(): ReadonlyMap<string, readonly ReadinessSample[]> {
    this.stopped = true;
    return this.samples;
  }
}

export interface UnreadyWindow {
  /** Time unready from the first unready sample to the next ready one (0: never unready). */
  readonly unreadyMs: number;
  /** When (after `from`) the last unready sample was followed by a ready one. */
  readonly endedAfterFaultMs: number;
}

/**
 * Per service, from `from` on: how long it answered unready in total, and when it was ready for
 * good (the sample after its last unready one). A service still unready at its last sample ends
 * at that sample (the spec then sees a window as long as its whole run).
 */
export function unreadyWindows(
  samples: ReadonlyMap<string, readonly ReadinessSample[]>,
  from: number,
): Record<string, UnreadyWindow> {
  const result: Record<string, UnreadyWindow> = {};
  for (const [name, all] of samples) {
    const after = all.filter((s) => s.at >= from);
    let unreadyMs = 0;
    let endedAt = from;
    for (let i = 0; i < after.length; i++) {
      const s = after[i]!;
      if (s.ready) continue;
      const nextSample = after[i + 1];
      const until = nextSample ? nextSample.at : s.at;
      unreadyMs += until - s.at;
      endedAt = until;
    }
    result[name] = { unreadyMs, endedAfterFaultMs: endedAt - from };
  }
  return result;
}
