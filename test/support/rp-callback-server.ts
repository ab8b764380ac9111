import { createServer, IncomingMessage, Server } from 'node:http';
import { freePort } from './free-port';

/** One request the relying party's redirect URI received. */
export interface CallbackHit {
  readonly method: string;
  /** The query (GET) or the form body (form_post), as the client reads it. */
  readonly params: URLSearchParams;
}

/**
 * The redirect URI of a relying party for browser specs: records what arrives at `/callback`
 * (a GET with the query, or a form_post POST) and answers a small page, so that the browser's
 * navigation ends there as it would at a real client.
 */
export interface RpCallbackServer {
  readonly redirectUri: string;
  /** Resolves with the next hit (or the one that already arrived and was not taken). */
  next(timeoutMs?: number): Promise<CallbackHit>;
  close(): Promise<void>;
}

export async function startRpCallbackServer(): Promise<RpCallbackServer> {
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const hits: CallbackHit[] = [];
  const waiters: Array<(hit: CallbackHit) => void> = [];
  const server: Server = createServer((req, res) => {
    void readHit(req, redirectUri).then((hit) => {
      if (!hit) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Signed in</title><p>Back at the client.</p>');
      const waiter = waiters.shift();
      if (waiter) waiter(hit);
      else hits.push(hit);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    redirectUri,
    next: (timeoutMs = 10_000) => {
      const ready = hits.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise<CallbackHit>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`nothing arrived at ${redirectUri} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push((hit) => {
          clearTimeout(timer);
          resolve(hit);
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readHit(req: IncomingMessage, redirectUri: string): Promise<CallbackHit | null> {
  const url = new URL(req.url ?? '/', redirectUri);
  if (url.pathname !== new URL(redirectUri).pathname) return null;
  if (req.method !== 'POST') return { method: req.method ?? 'GET', params: url.searchParams };
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return { method: 'POST', params: new URLSearchParams(Buffer.concat(chunks).toString('utf8')) };
}
