#!/usr/bin/env node
// The per-request CPU cost of the logs' request context (libs/platform/src/logging): a request's
// shape (20 awaited promises) run N times with and without an AsyncLocalStorage store, each in
// its own process since Node 20 tracks every promise once a store is entered.
// Usage: node bench/request-context-cost.js none; node bench/request-context-cost.js als
const { AsyncLocalStorage } = require('node:async_hooks');
const als = new AsyncLocalStorage();
async function leaf(i) {
  await null;
  return i + 1;
}
// A hot request's shape: some 20 awaited promises.
async function request(i) {
  let s = 0;
  for (let k = 0; k < 20; k++) s += await leaf(k);
  return s + i;
}
(async () => {
  const wrap = process.argv[2] === 'als';
  const N = 200000;
  const one = (i) => (wrap ? als.run({ requestId: 'x' }, () => request(i)) : request(i));
  for (let i = 0; i < 50000; i++) await one(i);
  const c = process.cpuUsage();
  for (let i = 0; i < N; i++) await one(i);
  const u = process.cpuUsage(c);
  console.log(
    wrap ? 'als ' : 'none',
    (((u.user + u.system) / N) * 1000).toFixed(0),
    'ns cpu/request',
  );
})();
