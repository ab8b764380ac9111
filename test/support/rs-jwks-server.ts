import type { JWK } from 'jose';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny JWKS endpoint the test controls, on 127.0.0.1, that counts every request it answers.
 * Either it serves a key set the test publishes (key rotation without restarting anything), or
 * it relays an upstream `jwks_uri` (a counting proxy in front of the platform's real key set).
 */
export interface RsJwksServer {
  /** The URL to give a verifier as its `jwksUri`. */
  readonly url: string;
  /** JWKS requests answered so far. */
  requests(): number;
  /** Replaces the served key set (static mode only). */
  publish(keys: readonly JWK[]): void;
  close(): Promise<void>;
}

export type RsJwksSource = { readonly keys: readonly JWK[] } | { readonly upstream: string };

export async function startRsJwksServer(source: RsJwksSource): Promise<RsJwksServer> {
  let keys: readonly JWK[] = 'keys' in source ? source.keys : [];
  let count = 0;

  const answer = async (_req: IncomingMessage, res: ServerResponse) => {
    count++;
    let status = 200;
    let body: string;
    if ('upstream' in source) {
      const up = await fetch(source.upstream, { headers: { accept: 'application/json' } });
      status = up.status;
      body = await up.text();
    } else {
      body = JSON.stringify({ keys });
    }
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(body);
  };

  const server = createServer((req, res) => {
    answer(req, res).catch(() => {
      res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/jwks`,
    requests: () => count,
    publish: (next) => {
      if ('upstream' in source) throw new Error('a relaying JWKS server has no key set of its own');
      keys = [...next];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
