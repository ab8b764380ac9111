'use strict';
/**
 * Self-check for scripts/infra.js against real processes:
 *
 *   node scripts/infra.int-check.js            # uses cached Kafka jars when present
 *   node scripts/infra.int-check.js --refetch  # deletes the jar cache first to time a fetch
 *
 * Always starts its own Kafka and Redis (KAFKA_BROKERS / REDIS_URL are ignored),
 * round-trips a message and a key, restarts both on the same ports, checks that
 * a SIGKILLed or crashing parent takes its children along, and prints timings.
 */
delete process.env.KAFKA_BROKERS;
delete process.env.REDIS_URL;
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const assert = require('assert');
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const { setTimeout: sleep } = require('timers/promises');
const { Kafka, logLevel } = require('kafkajs');
const Redis = require('ioredis');
const infra = require('./infra');

const timings = [];
const log = (msg) => console.log(msg);

async function timed(label, fn) {
  const t0 = Date.now();
  const result = await fn();
  timings.push([label, Date.now() - t0]);
  return result;
}

async function main() {
  if (process.argv.includes('--refetch')) {
    fs.rmSync(path.dirname(infra.KAFKA_LIBS), { recursive: true, force: true });
    await timed('kafka jars: fetch (Maven)', () => infra.ensureKafkaJars({ log }));
  }
  const kafka = await timed('kafka: start to ready', () => infra.ensureKafka({ log }));
  const redis = await timed('redis: start to ready', () => infra.ensureRedis({ log }));
  try {
    assert.strictEqual(kafka.started, true);
    assert.strictEqual(redis.started, true);
    await checkKafka(kafka);
    await checkRedis(redis);
  } finally {
    await timed('stop all', () => Promise.all([kafka.stop(), redis.stop()]));
  }
  assert.ok(!fs.existsSync(kafka.dir) && !fs.existsSync(redis.dir), 'temp dirs removed');
  await timed('children die with a SIGKILLed parent', () => checkOrphans('SIGKILL'));
  await timed('children die with a crashing parent', () => checkOrphans('crash'));
}

async function checkKafka(kafka) {
  const client = new Kafka({
    clientId: 'infra-check',
    brokers: [kafka.brokers],
    logLevel: logLevel.NOTHING, // expected transients (coordinator loading) are noise here
  });
  const topic = 'infra-check';
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] });
  await admin.disconnect();
  await timed('kafka: produce+consume', () => roundTrip(client, topic, 'before-restart', 1));

  const portsBefore = { ...kafka.ports };
  await timed('kafka: stopBroker', () => kafka.stopBroker());
  await assert.rejects(describeOnce(kafka.brokers), 'broker must be down after stopBroker');
  await timed('kafka: startBroker to ready', () => kafka.startBroker());
  assert.deepStrictEqual(kafka.ports, portsBefore);
  // Both messages must be there: the restart reused the same log dir.
  await timed('kafka: produce+consume after restart', () =>
    roundTrip(client, topic, 'after-restart', 2),
  );
}

/** Produce `value`, then read the topic from the start with a fresh group until `expected` messages. */
async function roundTrip(client, topic, value, expected) {
  const producer = client.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ key: 'k', value }] });
  await producer.disconnect();

  const consumer = client.consumer({ groupId: `infra-check-${Date.now()}` });
  const seen = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const done = new Promise((resolve) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            seen.push(message.value.toString());
            if (seen.length >= expected) resolve();
          },
        })
        .catch(resolve); // surfaces as a failed assertion below
    });
    const timeout = sleep(30_000, undefined, { ref: false });
    await Promise.race([done, timeout]);
    assert.ok(seen.length >= expected, `expected ${expected} messages, got [${seen}]`);
  } finally {
    await consumer.disconnect();
  }
  assert.strictEqual(seen[seen.length - 1], value);
}

/** One describeCluster attempt, no retries and no kafkajs error logging. */
async function describeOnce(brokers) {
  const quiet = new Kafka({
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });
  const admin = quiet.admin();
  try {
    await admin.connect();
    return await admin.describeCluster();
  } finally {
    await admin.disconnect();
  }
}

async function checkRedis(redis) {
  await timed('redis: SET/GET', () => setGet(redis.url, 'before'));
  const port = redis.port;
  await timed('redis: stopServer', () => redis.stopServer());
  await assert.rejects(setGet(redis.url, 'down'), 'redis must be down after stopServer');
  await timed('redis: startServer to ready', () => redis.startServer());
  assert.strictEqual(redis.port, port);
  await setGet(redis.url, 'after');
}

async function setGet(url, value) {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.set('infra-check', value);
    assert.strictEqual(await client.get('infra-check'), value);
  } finally {
    client.disconnect();
  }
}

/**
 * Start Kafka + Redis in a child Node process, then SIGKILL it (mode 'SIGKILL')
 * or let it throw (mode 'crash'), and require both servers to be gone.
 */
async function checkOrphans(mode) {
  const program = `
    const infra = require(${JSON.stringify(require.resolve('./infra'))});
    Promise.all([infra.ensureKafka(), infra.ensureRedis()]).then(([k, r]) => {
      console.log(JSON.stringify({ pids: [k.pid, r.pid], dirs: [k.dir, r.dir] }));
      if (${JSON.stringify(mode)} === 'crash') setTimeout(() => { throw new Error('boom'); }, 100);
      else setTimeout(() => {}, 60000);
    });`;
  const child = spawn(process.execPath, ['-e', program], { stdio: ['ignore', 'pipe', 'pipe'] });
  const line = await firstLine(child.stdout);
  const { pids, dirs } = JSON.parse(line);
  if (mode === 'SIGKILL') child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  for (let i = 0; i < 50 && pids.some(isAlive); i++) await sleep(100);
  assert.deepStrictEqual(pids.filter(isAlive), [], `orphans left after parent ${mode}`);
  if (mode === 'crash') assert.ok(!dirs.some(fs.existsSync), 'exit hook removed temp dirs');
  // After a SIGKILL the dirs stay until the next start sweeps them (owner.pid is dead).
}

function firstLine(stream) {
  return new Promise((resolve, reject) => {
    let buffer = '';
    stream.on('data', (chunk) => {
      buffer += chunk;
      if (buffer.includes('\n')) resolve(buffer.split('\n')[0]);
    });
    stream.once('end', () => reject(new Error(`child printed no line: ${buffer}`)));
  });
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

main().then(
  () => {
    console.log('\nOK — timings:');
    for (const [label, ms] of timings)
      console.log(`  ${label.padEnd(42)} ${(ms / 1000).toFixed(2)} s`);
  },
  (err) => {
    console.error('\nFAILED:', err);
    process.exit(1);
  },
);
