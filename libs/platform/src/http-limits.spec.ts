import type { AddressInfo, Socket } from 'node:net';
import type { HttpLimits } from '@app/config';
import { limitedFastifyAdapter } from './http-limits';

const LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 1_000,
  maxConnections: 16,
  coalesceWrites: true,
};

/** Bytes of its answer a connection had sent once the handler's ticks had run. */
async function sentAfterTicks(limits: HttpLimits): Promise<number> {
  const fastify = limitedFastifyAdapter(limits).getInstance();
  let sent = -1;
  fastify.get('/answer', (req, reply) => {
    const socket = req.raw.socket as Socket;
    const before = socket.bytesWritten;
    reply.send('ok');
    process.nextTick(() => (sent = socket.bytesWritten - before));
    return reply;
  });
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  try {
    const { port } = fastify.server.address() as AddressInfo;
    expect(await (await fetch(`http://127.0.0.1:${port}/answer`)).text()).toBe('ok');
    return sent;
  } finally {
    await fastify.close();
  }
}

describe('limitedFastifyAdapter', () => {
  it('holds answers to the end of their turn with coalesceWrites (HTTP_COALESCE_WRITES)', async () => {
    expect(await sentAfterTicks(LIMITS)).toBe(0);
  });

  it('writes each answer at once without it', async () => {
    expect(await sentAfterTicks({ ...LIMITS, coalesceWrites: false })).toBeGreaterThan(0);
  });

  it('caps the connections it holds', () => {
    expect(limitedFastifyAdapter(LIMITS).getInstance().server.maxConnections).toBe(16);
  });
});
