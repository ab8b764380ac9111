import { connect, Socket } from 'node:net';

/** A bare TCP connection to a server, for what an HTTP client library would not do (stall). */
export interface RawConnection {
  readonly socket: Socket;
  /** When the connection was established (performance.now()). */
  readonly openedAt: number;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves with performance.now() once the server has closed (or reset) the connection. */
  readonly closed: Promise<number>;
  /** Resolves once `text` has arrived `count` times in all. */
  waitFor(text: string, count?: number, timeoutMs?: number): Promise<void>;
}

export function openRaw(port: number, host = '127.0.0.1'): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    let data = '';
    const waiters: Array<() => void> = [];
    socket.setEncoding('utf8');
    const wake = () => {
      for (const w of waiters.splice(0)) w();
    };
    socket.on('data', (chunk: string) => {
      data += chunk;
      wake();
    });
    const closed = new Promise<number>((r) =>
      socket.once('close', () => {
        r(performance.now());
        wake();
      }),
    );
    socket.on('error', () => undefined); // a reset is a close for these tests
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve({
        socket,
        openedAt: performance.now(),
        received: () => data,
        closed,
        waitFor: (text, count = 1, timeoutMs = 5000) =>
          new Promise<void>((ok, fail) => {
            const timer = setTimeout(
              () =>
                fail(new Error(`"${text}" ×${count} not received in ${timeoutMs} ms: "${data}"`)),
              timeoutMs,
            );
            const check = () => {
              if (data.split(text).length > count) {
                clearTimeout(timer);
                ok();
              } else if (socket.destroyed) {
                clearTimeout(timer);
                fail(new Error(`closed before "${text}" arrived: "${data}"`));
              } else waiters.push(check);
            };
            check();
          }),
      });
    });
    socket.once('error', reject);
  });
}

/** Resolves with `closed`'s time, or with undefined when the connection is still open then. */
export function closedWithin(conn: RawConnection, ms: number): Promise<number | undefined> {
  return Promise.race([
    conn.closed,
    new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref()),
  ]);
}
