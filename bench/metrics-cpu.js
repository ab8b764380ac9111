#!/usr/bin/env node
// `node bench/metrics-cpu.js [requests] [runs] [issue|introspect]`: the server's CPU time per
// request with metrics on and off (issue 15's budget), which a throughput ratio shows only
// through the noise of a shared machine. Two standalone servers (the `npm run build` bundle,
// in-memory adapters, bench/bench.config.json), pinned to core 1 when `taskset` exists; runs
// alternate between them and which goes first alternates too. Reads utime + stime of each
// server from /proc/<pid>/stat (Linux), so the load generator's own CPU is not counted.
const { spawn } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const autocannon = require('autocannon');
const { HAS_TASKSET } = require('./lib/processes');

const [REQUESTS, RUNS] = [+(process.argv[2] || 20000), +(process.argv[3] || 4)];
const SCENARIO = process.argv[4] || 'issue';
const ROOT = join(__dirname, '..');
const CLOCK_TICKS = 100; // USER_HZ: /proc/<pid>/stat times are in ticks
const BASIC = `Basic ${Buffer.from('bench-a:bench-secret-0123456789abcdef').toString('base64')}`;
const FORM = { authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded' };
const TOKEN_BODY = 'grant_type=client_credentials&resource=https%3A%2F%2Forders.example.com';

const cpuSeconds = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
};

function start(port, metrics) {
  const main = [join(ROOT, 'dist/apps/standalone/main.js')];
  const [cmd, args] = HAS_TASKSET ? ['taskset', ['-c', '1', 'node', ...main]] : ['node', main];
  const child = spawn(cmd, args, {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      PORT: String(port),
      CONFIG_FILE: join(__dirname, 'bench.config.json'),
      METRICS_ENABLED: metrics,
      LOG_LEVEL: 'warn',
      PLAYGROUND: 'false',
      KAFKA_BROKERS: '',
      REDIS_URL: '',
    },
  });
  return { port, child };
}

async function token(port) {
  const res = await fetch(`http://127.0.0.1:${port}/oauth2/token`, {
    method: 'POST',
    headers: FORM,
    body: TOKEN_BODY,
  });
  return (await res.json()).access_token;
}

async function ready(port) {
  for (let i = 0; i < 200; i++) {
    try {
      return await token(port);
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`the server on ${port} did not start`);
}

/** Microseconds of server CPU per request over one closed-loop run. */
async function run(server, subjectToken) {
  const url = `http://127.0.0.1:${server.port}`;
  const target =
    SCENARIO === 'issue'
      ? { url: `${url}/oauth2/token`, body: TOKEN_BODY }
      : { url: `${url}/oauth2/introspect`, body: `token=${subjectToken}` };
  const before = cpuSeconds(server.child.pid);
  const result = await autocannon({
    ...target,
    method: 'POST',
    headers: FORM,
    connections: 16,
    amount: REQUESTS,
  });
  const after = cpuSeconds(server.child.pid);
  if (result.non2xx || result.errors) throw new Error(`${SCENARIO}: failed requests`);
  return ((after - before) / REQUESTS) * 1e6;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function main() {
  const servers = { on: start(3901, 'true'), off: start(3902, 'false') };
  try {
    const tokens = { on: await ready(3901), off: await ready(3902) };
    for (const side of ['on', 'off']) await run(servers[side], tokens[side]); // warm-up
    const us = { on: [], off: [] };
    for (let i = 0; i < RUNS; i++)
      for (const side of i % 2 ? ['off', 'on'] : ['on', 'off'])
        us[side].push(await run(servers[side], tokens[side]));
    const show = (xs) => xs.map((x) => x.toFixed(1)).join(' ');
    console.log(`${SCENARIO} µs/request, metrics on: ${show(us.on)} | off: ${show(us.off)}`);
    const [on, off] = [median(us.on), median(us.off)];
    console.log(
      `${SCENARIO} median on ${on.toFixed(1)}, off ${off.toFixed(1)}: ` +
        `${((on / off - 1) * 100).toFixed(1)} % more CPU per request with metrics`,
    );
  } finally {
    for (const { child } of Object.values(servers)) child.kill();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
