// Preloaded (`node -r`) into each server when BENCH_CPU_PROF_DIR is set: SIGWINCH starts a V8 CPU
// profile, the next SIGWINCH writes it to BENCH_CPU_PROF_DIR/<BENCH_PROF_NAME>-<pid>-<n>.cpuprofile
// (a server restarted for the next scenario is another pid). The bench signals around its timed
// rounds only, so the preparation of a round (sign-ins, tokens made beforehand) stays out of the
// figures. Read them with `node bench/lib/profile-top.js`.
const { Session } = require('node:inspector');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.BENCH_CPU_PROF_DIR;
mkdirSync(dir, { recursive: true });
const name = process.env.BENCH_PROF_NAME ?? `server-${process.pid}`;
const session = new Session();
session.connect();
let running = false;
let written = 0;

process.on('SIGWINCH', () => {
  if (!running) {
    running = true;
    session.post('Profiler.enable', () => session.post('Profiler.start'));
    return;
  }
  running = false;
  session.post('Profiler.stop', (err, result) => {
    if (err) return process.stderr.write(`[profile] ${err.message}\n`);
    written += 1;
    const file = `${name}-${process.pid}-${written}.cpuprofile`;
    writeFileSync(join(dir, file), JSON.stringify(result.profile));
  });
});
