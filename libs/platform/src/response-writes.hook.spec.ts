import Fastify, { FastifyInstance } from 'fastify';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { coalesceResponseWrites } from './response-writes.hook';

/** Bytes a connection had sent of an answer once the turn's ticks had run, and after the turn. */
interface Seen {
  afterTicks: number;
  afterTurn: number;
}

describe('coalesceResponseWrites', () => {
  let sut: FastifyInstance;
  let url: string;
  const seen: Seen[] = [];

  async function start(coalesce: boolean): Promise<void> {
    sut = Fastify({ keepAliveTimeout: 1000 });
    if (coalesce) coalesceResponseWrites(sut);
    sut.get('/answer', (req, reply) => {
      const socket = req.raw.socket as Socket;
      const before = socket.bytesWritten;
      const state = () => socket.bytesWritten - before;
      const entry = {} as Seen;
      reply.send({ ok: true });
      // Without the hook the answer is written by then; with it, only once the turn is over.
      process.nextTick(() => (entry.afterTicks = state()));
      setImmediate(() => ((entry.afterTurn = state()), seen.push(entry)));
      return reply;
    });
    sut.get('/stream', (_req, reply) => reply.send(Readable.from(['a', 'b', 'c'])));
    sut.get('/close', (_req, reply) => reply.header('connection', 'close').send('bye'));
    await sut.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(sut.server.address() as AddressInfo).port}`;
  }
  afterEach(async () => {
    seen.length = 0;
    await sut.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { headers }).then(async (r) => ({
      status: r.status,
      connection: r.headers.get('connection'),
      body: await r.text(),
    }));

  it('holds an answer until the end of the turn it was finished in, then sends it whole', async () => {
    await start(true);
    expect(await get('/answer')).toMatchObject({ status: 200, body: '{"ok":true}' });
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([{ afterTicks: 0, afterTurn: expect.any(Number) }]);
    expect(seen[0]?.afterTurn).toBeGreaterThan('{"ok":true}'.length);
  });

  it('sends each answer on its next tick when it is off (the comparison the test above needs)', async () => {
    await start(false);
    await get('/answer');
    await new Promise((r) => setImmediate(r));
    expect(seen[0]?.afterTicks).toBeGreaterThan('{"ok":true}'.length);
  });

  it('answers many concurrent requests on kept-alive connections, each its own', async () => {
    await start(true);
    const answers = await Promise.all(Array.from({ length: 50 }, () => get('/answer')));
    expect(answers.every((a) => a.status === 200 && a.body === '{"ok":true}')).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(seen).toHaveLength(50);
    expect(seen.every((s) => s.afterTicks === 0 && s.afterTurn > 0)).toBe(true);
  });

  it('streams a streamed body whole and closes a connection the answer closes', async () => {
    await start(true);
    expect(await get('/stream')).toMatchObject({ status: 200, body: 'abc' });
    expect(await get('/close')).toMatchObject({ status: 200, connection: 'close', body: 'bye' });
  });

  it('answers requests pipelined on one connection, in order', async () => {
    await start(true);
    const { port } = sut.server.address() as AddressInfo;
    const text = await new Promise<string>((resolve, reject) => {
      let received = '';
      const socket = connect(port, '127.0.0.1', () =>
        // Two requests in one write: the second is answered after the first (RFC 9112 §9.3.2).
        socket.write(
          'GET /answer HTTP/1.1\r\nhost: x\r\n\r\nGET /close HTTP/1.1\r\nhost: x\r\n\r\n',
        ),
      );
      socket.on('data', (d: Buffer) => (received += d.toString()));
      socket.on('end', () => resolve(received));
      socket.on('error', reject);
    });
    expect(text).toMatch(
      /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\n\{"ok":true\}HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nbye$/,
    );
  });
});
