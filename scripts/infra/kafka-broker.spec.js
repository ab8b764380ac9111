'use strict';
const { kafkaProperties, randomClusterId } = require('./kafka-broker');

const parse = (text) =>
  Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2)),
  );

describe('kafka-broker', () => {
  it('a single node is its own quorum, broker and controller, with replication factor 1', () => {
    const p = parse(kafkaProperties({ dir: '/tmp/k', port: 21001, controllerPort: 21002 }));
    expect(p['process.roles']).toBe('broker,controller');
    expect(p['controller.quorum.voters']).toBe('1@127.0.0.1:21002');
    expect(p.listeners).toBe('PLAINTEXT://127.0.0.1:21001,CONTROLLER://127.0.0.1:21002');
    expect(p['offsets.topic.replication.factor']).toBe('1');
    expect(p['log.dirs']).toBe('/tmp/k/data');
  });

  it('a node of a cluster takes its id, the voters and the settings given', () => {
    const p = parse(
      kafkaProperties({
        dir: '/tmp/k2',
        port: 21003,
        controllerPort: 21004,
        nodeId: 2,
        voters: '1@127.0.0.1:1,2@127.0.0.1:21004',
        extra: { 'offsets.topic.replication.factor': 3 },
      }),
    );
    expect(p['node.id']).toBe('2');
    expect(p['controller.quorum.voters']).toBe('1@127.0.0.1:1,2@127.0.0.1:21004');
    expect(p['offsets.topic.replication.factor']).toBe('3');
  });

  it('cluster ids are 22 base64url characters and never start with a dash', () => {
    for (let i = 0; i < 200; i++) {
      const id = randomClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
  });
});
