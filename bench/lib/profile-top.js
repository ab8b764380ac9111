#!/usr/bin/env node
// `node bench/lib/profile-top.js [--top N] a.cpuprofile [b.cpuprofile …]`: where a server's CPU
// time went over the profiles given (BENCH_CPU_PROF_DIR=dir npm run bench writes one per timed
// round and server): self time by package (node_modules/<name>, node: internals, the project's
// own code, GC, idle), then the N functions with the most self time.
const { readFileSync } = require('node:fs');

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt < 0 ? 30 : Number(args.splice(topAt, 2)[1]);
if (args.length === 0) throw new Error('usage: profile-top.js [--top N] <file.cpuprofile>…');

const byFunction = new Map();
const byPackage = new Map();
let total = 0;
for (const file of args) add(JSON.parse(readFileSync(file, 'utf8')));

function add(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // samples[i] was taken timeDeltas[i] µs after the one before.
  profile.samples.forEach((id, i) => count(byId.get(id).callFrame, profile.timeDeltas[i] ?? 0));
}

function count(f, us) {
  total += us;
  const where = f.url.replace(/^.*\/node_modules\//, 'node_modules/').replace(/^file:\/\//, '');
  const key = `${f.functionName || '(anonymous)'} ${where.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  byPackage.set(packageOf(f), (byPackage.get(packageOf(f)) ?? 0) + us);
}

function packageOf(f) {
  if (!f.url) return f.functionName.startsWith('(') ? f.functionName : '(native)';
  const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(f.url);
  if (m) return m[1];
  if (f.url.startsWith('node:')) return 'node:' + f.url.slice(5).split('/')[0];
  return '(project)';
}

const pct = (us) => ((100 * us) / total).toFixed(1).padStart(5) + ' %';
console.log(`${(total / 1e6).toFixed(2)} s sampled in ${args.length} profile(s)`);
for (const [k, us] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 20))
  console.log(pct(us), k);
console.log('');
for (const [k, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(pct(us), k);
