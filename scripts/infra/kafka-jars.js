'use strict';
/**
 * The Kafka jars (scripts/kafka/pom.xml) in the user cache, fetched from Maven Central once,
 * and the java that runs them.
 */
const fs = require('fs');
const path = require('path');
const { findCommand, isAlive, isExecutable, run, toLogger } = require('./processes');
const { CACHE_DIR, removeDir } = require('./state');

const POM = path.join(__dirname, '..', 'kafka', 'pom.xml');
const KAFKA_VERSION = readKafkaVersion();
const KAFKA_LIBS = path.join(CACHE_DIR, `kafka-${KAFKA_VERSION}`, 'libs');
/** Written into the libs dir last, so a dir without it is an interrupted fetch. */
const FETCH_MARKER = '.fetch-complete';
const JAVA_HINT =
  'java not found: install a JDK 17+ (e.g. `apt-get install -y openjdk-17-jre-headless`), set JAVA_HOME, or set KAFKA_BROKERS';
const MVN_HINT =
  'mvn not found: install Maven (e.g. `apt-get install -y maven`) to fetch the Kafka jars, or set KAFKA_BROKERS';

/**
 * The Kafka jars in the user cache, fetched with Maven when absent.
 * Maven writes into a private `libs.partial-<pid>` dir that is renamed into place
 * only once complete, so an interrupted or concurrent fetch never leaves a
 * half-filled `libs` behind.
 */
async function ensureKafkaJars({ log } = {}) {
  const say = toLogger(log);
  if (fs.existsSync(path.join(KAFKA_LIBS, FETCH_MARKER))) return KAFKA_LIBS;
  const mvn = findCommand('mvn', MVN_HINT);
  sweepAbandonedFetches();
  const partial = `${KAFKA_LIBS}.partial-${process.pid}`;
  removeDir(partial);
  say(`fetching Kafka ${KAFKA_VERSION} jars from Maven Central into ${KAFKA_LIBS} ...`);
  const t0 = Date.now();
  try {
    await run(mvn, [
      ...['-q', '-B', '-Dstyle.color=never', '-f', POM],
      'dependency:copy-dependencies',
      `-DoutputDirectory=${partial}`,
    ]);
    if (!fs.existsSync(path.join(partial, `kafka_2.13-${KAFKA_VERSION}.jar`))) {
      throw new Error(
        `Maven finished but kafka_2.13-${KAFKA_VERSION}.jar is missing in ${partial}`,
      );
    }
    fs.writeFileSync(path.join(partial, FETCH_MARKER), `${new Date().toISOString()}\n`);
    commitDir(partial, KAFKA_LIBS);
  } finally {
    removeDir(partial);
  }
  say(`fetched Kafka jars in ${Date.now() - t0} ms`);
  return KAFKA_LIBS;
}

/** Atomically move a completed fetch into place; a concurrent winner is kept. */
function commitDir(from, to) {
  try {
    fs.renameSync(from, to);
  } catch (err) {
    if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
    if (fs.existsSync(path.join(to, FETCH_MARKER))) return; // another process won the race
    removeDir(to); // stale, incomplete dir from an older layout or a manual copy
    fs.renameSync(from, to);
  }
}

function sweepAbandonedFetches() {
  const parent = path.dirname(KAFKA_LIBS);
  if (!fs.existsSync(parent)) return;
  for (const name of fs.readdirSync(parent)) {
    const match = /^libs\.partial-(\d+)$/.exec(name);
    if (match && !isAlive(Number(match[1]))) removeDir(path.join(parent, name));
  }
}

function readKafkaVersion() {
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(fs.readFileSync(POM, 'utf8'));
  if (!match) throw new Error(`${POM} has no <kafka.version> property`);
  return match[1].trim();
}

function findJava() {
  const home = process.env.JAVA_HOME;
  const fromHome = home && path.join(home, 'bin', 'java');
  if (fromHome && isExecutable(fromHome)) return fromHome;
  return findCommand('java', JAVA_HINT);
}

module.exports = { KAFKA_LIBS, KAFKA_VERSION, ensureKafkaJars, findJava, readKafkaVersion };
