'use strict';
const { CLUSTER_SETTINGS, NODES, clusterNodeProperties, quorumVoters } = require('./kafka-cluster');

const nodes = [
  { id: 1, port: 21001, controllerPort: 21002 },
  { id: 2, port: 21003, controllerPort: 21004 },
  { id: 3, port: 21005, controllerPort: 21006 },
];

describe('kafka-cluster', () => {
  it('three combined nodes form one quorum of three voters', () => {
    expect(NODES).toBe(3);
    expect(quorumVoters(nodes)).toBe('1@127.0.0.1:21002,2@127.0.0.1:21004,3@127.0.0.1:21006');
  });

  it('each node names itself, the whole quorum, and replicates internal topics thrice', () => {
    const text = clusterNodeProperties({ dir: '/tmp/n2', node: nodes[1], nodes });
    expect(text).toContain('node.id=2\n');
    expect(text).toContain('process.roles=broker,controller\n');
    expect(text).toContain(`controller.quorum.voters=${quorumVoters(nodes)}\n`);
    expect(text).toContain('advertised.listeners=PLAINTEXT://127.0.0.1:21003\n');
    expect(text).toContain('offsets.topic.replication.factor=3\n');
    expect(text).toContain('transaction.state.log.min.isr=2\n');
    expect(text).toContain('min.insync.replicas=2\n');
    expect(text).toContain('unclean.leader.election.enable=false\n');
    expect(text.match(/^offsets\.topic\.replication\.factor=/gm)).toHaveLength(1);
  });

  it('fences a lost broker within seconds', () => {
    expect(CLUSTER_SETTINGS['broker.session.timeout.ms']).toBeLessThanOrEqual(5_000);
    expect(CLUSTER_SETTINGS['broker.heartbeat.interval.ms']).toBeLessThan(
      CLUSTER_SETTINGS['broker.session.timeout.ms'],
    );
  });
});
