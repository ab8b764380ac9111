import type { FastifyInstance } from 'fastify';

/**
 * Answers finished in the same turn of the event loop leave together at its end, each still in
 * one write to its own connection: Fastify's last step before writing (`onSend`) is held and
 * released by one `setImmediate` per turn, after every callback of that turn's poll phase has
 * run (the flush consolidation of Netty's FlushConsolidationHandler, across connections). The
 * Redis connections do the same per tick (libs/store coalesceWrites). Corking the socket would
 * not do: Node's `res.end()` uncorks it fully.
 *
 * Why: a write that makes a sleeping reader runnable pays for waking it. When the reader shares
 * the machine (a sidecar proxy, a load balancer or a load generator on the same host) and the
 * host is a VM, that wake-up is an inter-processor interrupt and a VM exit, charged to the
 * writer: 11 % of the issuance service's samples (`perf record`) sat in `sock_def_readable`'s
 * wake-up at 5-6k tokens/s, about 50 µs per answer. Answers that leave back to back wake the
 * reader once: the same service answered 6.7-7.7k tokens/s instead of 5.0-5.4k, p99 8-9 ms
 * instead of 12-13 ms. Across a network the gain is smaller (the NIC takes the wake-up).
 *
 * Not by default with Kafka (HTTP_COALESCE_WRITES defaults to false with KAFKA_BROKERS): a
 * token's answer then waits for its batch's acknowledgement and leaves with the batch's others
 * anyway, and holding them made the split issuance service 1-12 % slower in four alternating
 * pairs.
 *
 * The cost: an answer waits for the rest of its turn's callbacks, at most one turn of the event
 * loop. At low load a turn holds one answer and nothing waits.
 */
export function coalesceResponseWrites(fastify: FastifyInstance): void {
  let held: Array<() => void> = [];
  const release = () => {
    const answers = held;
    held = [];
    for (const send of answers) {
      // Fastify turns its own failures into an error answer; one throwing must not strand the rest.
      try {
        send();
      } catch (e) {
        fastify.log.error(e, 'writing a held answer failed');
      }
    }
  };
  fastify.addHook('onSend', (_request, _reply, _payload, done) => {
    // done() without a payload sends the one Fastify holds.
    if (held.push(done) === 1) setImmediate(release);
  });
}
