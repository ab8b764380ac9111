'use strict';
/**
 * Where the local engines keep things: the user cache (jars, the state file of
 * `node scripts/infra.js up`) and temp dirs owned by a pid, swept once their owner is gone.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { isAlive } = require('./processes');

const CACHE_DIR = path.join(
  process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
  'token-lifecycle',
);
const STATE_FILE = path.join(CACHE_DIR, 'infra-state.json');
const TMP_PREFIX = 'token-lifecycle-';

/** Temp dir with an owner.pid, so dirs of crashed parents can be swept later. */
function makeTempDir(kind) {
  sweepAbandonedTempDirs();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${TMP_PREFIX}${kind}-`));
  fs.writeFileSync(path.join(dir, 'owner.pid'), `${process.pid}\n`);
  return dir;
}

function sweepAbandonedTempDirs() {
  if (sweepAbandonedTempDirs.done) return;
  sweepAbandonedTempDirs.done = true;
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (!name.startsWith(TMP_PREFIX)) continue;
    const dir = path.join(os.tmpdir(), name);
    try {
      const owner = Number(fs.readFileSync(path.join(dir, 'owner.pid'), 'utf8'));
      if (owner && !isAlive(owner)) removeDir(dir);
    } catch {
      // no owner.pid (yet): leave it alone
    }
  }
}

function removeDir(dir) {
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    // best effort; sweepAbandonedTempDirs catches leftovers
  }
}

/** What `node scripts/infra.js up` runs, for operators and scripts that look for it. */
function writeState({ kafka, redis }) {
  const state = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    kafka: pick(kafka, ['brokers', 'started', 'pid', 'ports', 'dir']),
    redis: pick(redis, ['url', 'started', 'pid', 'port', 'dir']),
  };
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  fs.writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
}

function removeState() {
  try {
    if (JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')).pid === process.pid) fs.rmSync(STATE_FILE);
  } catch {
    // absent or not ours
  }
}

function pick(object, keys) {
  return Object.fromEntries(keys.filter((k) => object[k] !== undefined).map((k) => [k, object[k]]));
}

module.exports = {
  CACHE_DIR,
  STATE_FILE,
  TMP_PREFIX,
  makeTempDir,
  removeDir,
  removeState,
  writeState,
};
