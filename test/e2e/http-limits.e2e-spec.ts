import { Logger } from '@nestjs/common';
import { closedWithin, openRaw, RawConnection } from '../support/raw-http';
import { startStandaloneServer, StandaloneServer } from '../support/standalone-server';

// Short limits so that the suite is quick; the margins are generous because the machine is shared.
const HEADERS_MS = 300;
const REQUEST_MS = 800;
const KEEP_ALIVE_MS = 300;
/** Longest wait for a close that must happen: the limit, Node's sweep period and a busy CPU. */
const GRACE_MS = 3000;
/** Timers never fire early, but the client starts its clock a little before the server does. */
const EARLY_MS = 50;

const HEAD = 'GET /health/live HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\n\r\n';

function portOf(server: StandaloneServer): number {
  return Number(new URL(server.url).port);
}

describe('HTTP timeouts and connection cap', () => {
  let server: StandaloneServer;
  const open: RawConnection[] = [];
  const raw = async (s: StandaloneServer) => {
    const conn = await openRaw(portOf(s));
    open.push(conn);
    return conn;
  };

  beforeAll(async () => {
    server = await startStandaloneServer({
      HEADERS_TIMEOUT_MS: String(HEADERS_MS),
      REQUEST_TIMEOUT_MS: String(REQUEST_MS),
      KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_MS),
    });
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.socket.destroy();
  });
  afterAll(() => server?.close());

  it('closes a connection whose request headers never finish', async () => {
    const sut = await raw(server);
    sut.socket.write('POST /oauth2/token HTTP/1.1\r\nHost: test\r\nContent-Type: appl');
    const closedAt = await closedWithin(sut, HEADERS_MS + GRACE_MS);
    expect(closedAt).toBeDefined();
    expect(closedAt! - sut.openedAt).toBeGreaterThanOrEqual(HEADERS_MS - EARLY_MS);
    if (sut.received()) expect(sut.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a connection that sends nothing at all', async () => {
    const sut = await raw(server);
    expect(await closedWithin(sut, HEADERS_MS + GRACE_MS)).toBeDefined();
  });

  it('answers 408 and closes when a request body stalls, logging no server error', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error');
    const sut = await raw(server);
    sut.socket.write(
      'POST /oauth2/token HTTP/1.1\r\nHost: test\r\n' +
        'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n' +
        'grant_type=client_cre',
    );
    const closedAt = await closedWithin(sut, REQUEST_MS + GRACE_MS);
    expect(closedAt).toBeDefined();
    // The headers were complete at once: it is the whole-request deadline that cut it off.
    expect(closedAt! - sut.openedAt).toBeGreaterThanOrEqual(REQUEST_MS - EARLY_MS);
    if (sut.received()) expect(sut.received()).toMatch(/^HTTP\/1\.1 408 /);
    await new Promise((r) => setTimeout(r, 100)); // the handler sees the abort after the close
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });

  it('keeps a busy keep-alive connection and closes it once idle for the timeout', async () => {
    const sut = await raw(server);
    for (let i = 1; i <= 3; i++) {
      sut.socket.write(HEAD);
      await sut.waitFor('}', i);
      // Busy: the next request comes well within the idle timeout.
      if (i < 3) await new Promise((r) => setTimeout(r, KEEP_ALIVE_MS / 3));
    }
    const idleFrom = performance.now();
    expect(sut.received().match(/HTTP\/1\.1 200 /g)?.length).toBe(3);
    // Node 20 keeps an idle connection 1 s past keepAliveTimeout (clients that honour the
    // `Keep-Alive: timeout` hint close first); GRACE_MS covers it. Fastify's default is 72 s.
    const closedAt = await closedWithin(sut, KEEP_ALIVE_MS + GRACE_MS);
    expect(closedAt).toBeDefined();
    expect(closedAt! - idleFrom).toBeGreaterThanOrEqual(KEEP_ALIVE_MS - EARLY_MS);
  });
});

describe('connection cap (MAX_CONNECTIONS)', () => {
  let server: StandaloneServer;
  const open: RawConnection[] = [];
  const served = async () => {
    const conn = await openRaw(portOf(server));
    open.push(conn);
    conn.socket.write(HEAD);
    await conn.waitFor('HTTP/1.1 200 ');
    return conn;
  };

  beforeAll(async () => {
    server = await startStandaloneServer({ MAX_CONNECTIONS: '2' });
  });
  afterAll(async () => {
    for (const c of open.splice(0)) c.socket.destroy();
    await server?.close();
  });

  it('closes connections past the cap unanswered, and takes new ones once a slot is free', async () => {
    const first = await served();
    await served();

    const sut = await openRaw(portOf(server));
    open.push(sut);
    sut.socket.write(HEAD);
    expect(await closedWithin(sut, GRACE_MS)).toBeDefined();
    expect(sut.received()).toBe('');

    first.socket.destroy();
    await first.closed;
    // The server counts the close once it sees it: retry briefly instead of guessing when.
    for (let attempt = 0; ; attempt++) {
      try {
        await served();
        break;
      } catch (e) {
        if (attempt >= 20) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
});
