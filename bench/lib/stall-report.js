#!/usr/bin/env node
// `node bench/lib/stall-report.js DIR`: what held the measured servers' event loops during each
// measured window of a `BENCH_STALL_DIR=DIR npm run bench` run. For every phase (warm-up, each
// round, the paced run at half the peak) of every scenario and side: the stalls of the server it
// loaded (count, total and longest), and its GC pauses (count, total and longest: minor ones,
// and major ones with their incremental marking steps); then
// the five longest stalls of each paced run, each with the GC pauses within 200 ms of it.
// A stall in a closed-loop round is mostly the load itself (the server is saturated on purpose);
// in the paced run, at half the peak, it is what its p99 is made of.
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.argv[2];
if (!dir) throw new Error('usage: stall-report.js <BENCH_STALL_DIR>');

const readLines = (file) =>
  readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

const phases = readLines('phases.jsonl');
/** One log per server process, keyed by the port it listened on. */
const logs = readdirSync(dir)
  .filter((f) => f.endsWith('.stalls.jsonl'))
  .map((f) => {
    const lines = readLines(f);
    const start = lines.find((l) => l.kind === 'start');
    return {
      name: start?.name ?? f,
      port: start?.port,
      startedAt: start?.t ?? 0,
      events: lines.filter((l) => l.kind !== 'start'),
    };
  });

const sum = (xs) => xs.reduce((s, x) => s + x, 0);
const fmt = (xs) =>
  xs.length === 0 ? '-' : `${xs.length} / ${Math.round(sum(xs))} / ${Math.max(...xs).toFixed(1)}`;

const rows = [];
const pacedStalls = [];
for (const p of phases) {
  // A server restarted for a later scenario may reuse a port: the last one started before it.
  const log = logs
    .filter((l) => l.port === p.port && l.startedAt <= p.start)
    .sort((a, b) => b.startedAt - a.startedAt)[0];
  const inside = (log?.events ?? []).filter((e) => e.t >= p.start && e.t <= p.end);
  const stalls = inside.filter((e) => e.kind === 'stall');
  const gc = (kind) => inside.filter((e) => e.kind === 'gc' && e.gc === kind).map((e) => e.ms);
  rows.push([
    p.scenario,
    p.side,
    p.phase,
    log?.name ?? '(no log)',
    ((p.end - p.start) / 1000).toFixed(1),
    fmt(stalls.map((e) => e.ms)),
    fmt(gc('minor')),
    fmt([...gc('major'), ...gc('incremental')]),
  ]);
  if (p.phase === 'half-peak')
    for (const s of [...stalls].sort((a, b) => b.ms - a.ms).slice(0, 5)) {
      const near = inside.filter((e) => e.kind === 'gc' && Math.abs(e.t - s.t) <= 200);
      pacedStalls.push(
        `${p.scenario} ${p.side}: ${s.ms} ms at +${((s.t - p.start) / 1000).toFixed(2)} s; ` +
          (near.map((g) => `${g.gc} GC ${g.ms} ms`).join(', ') || 'no GC pause within 200 ms'),
      );
    }
}

const header = [
  'scenario',
  'side',
  'phase',
  'server',
  's',
  'stalls n / total ms / max',
  'minor GC n / total ms / max',
  'major GC and steps n / total ms / max',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (r) => r.map((c, i) => String(c).padEnd(widths[i])).join('  ');
console.log(line(header));
for (const r of rows) console.log(line(r));
if (pacedStalls.length > 0) {
  console.log('\nLongest stalls of the paced runs at half the peak:');
  for (const s of pacedStalls) console.log(`  ${s}`);
}
