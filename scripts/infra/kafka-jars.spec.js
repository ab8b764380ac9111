'use strict';
const fs = require('fs');
const path = require('path');
const { KAFKA_LIBS, KAFKA_VERSION, readKafkaVersion } = require('./kafka-jars');
const { CACHE_DIR } = require('./state');

describe('kafka-jars', () => {
  it('takes the Kafka version from scripts/kafka/pom.xml', () => {
    const pom = fs.readFileSync(path.join(__dirname, '..', 'kafka', 'pom.xml'), 'utf8');
    expect(pom).toContain(`<kafka.version>${KAFKA_VERSION}</kafka.version>`);
    expect(readKafkaVersion()).toBe(KAFKA_VERSION);
    expect(KAFKA_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('keeps the jars per version in the user cache', () => {
    expect(KAFKA_LIBS).toBe(path.join(CACHE_DIR, `kafka-${KAFKA_VERSION}`, 'libs'));
  });
});
