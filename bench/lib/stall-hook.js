// Preloaded (`node -r`) into each server when BENCH_STALL_DIR is set: writes one JSON line per
// event-loop stall and per GC pause to BENCH_STALL_DIR/<BENCH_PROF_NAME>-<pid>.stalls.jsonl, with
// wall-clock times, so that `node bench/lib/stall-report.js` can lay them over the bench's phases
// (the rounds and the paced run at half the peak, which the runner writes to phases.jsonl).
// A stall is a 5 ms timer that fired at least BENCH_STALL_MS (default 10) late: what every
// request waiting meanwhile waited too. GC pauses of 2 ms or more are logged with their kind.
const { appendFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');
const { PerformanceObserver, constants } = require('node:perf_hooks');

const dir = process.env.BENCH_STALL_DIR;
mkdirSync(dir, { recursive: true });
const name = process.env.BENCH_PROF_NAME ?? `server-${process.pid}`;
const file = join(dir, `${name}-${process.pid}.stalls.jsonl`);
const thresholdMs = Number(process.env.BENCH_STALL_MS ?? 10);
const TICK_MS = 5;
// Its port, as startServer (lib/processes.js) found it: how the report finds the server of a phase.
const port = process.env.BENCH_SERVER_PORT || null;

const GC_KINDS = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak',
};

let lines = [JSON.stringify({ t: Date.now(), kind: 'start', name, port })];
const flush = () => {
  if (lines.length === 0) return;
  appendFileSync(file, lines.join('\n') + '\n');
  lines = [];
};

new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.duration < 2) continue;
    const gc = GC_KINDS[e.detail?.kind] ?? String(e.detail?.kind);
    lines.push(JSON.stringify({ t: Date.now(), kind: 'gc', gc, ms: round(e.duration) }));
  }
}).observe({ entryTypes: ['gc'] });

let last = performance.now();
setInterval(() => {
  const now = performance.now();
  const late = now - last - TICK_MS;
  if (late >= thresholdMs)
    lines.push(JSON.stringify({ t: Date.now(), kind: 'stall', ms: round(late) }));
  last = now;
}, TICK_MS).unref();
setInterval(flush, 1000).unref();
process.on('exit', flush);

function round(ms) {
  return Math.round(ms * 10) / 10;
}
