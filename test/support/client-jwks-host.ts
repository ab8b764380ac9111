import type { JWK } from 'jose';
import { createServer, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a client's `jwks_uri` host does with every request. */
export type ClientJwksBehaviour =
  | { readonly serve: readonly JWK[] }
  /** Sends 200 and its headers, a first byte of body, then nothing until closed. */
  | { readonly stallAfterHeaders: true }
  | { readonly status: number }
  /** Redirects to another origin (which serves `serve`). */
  | { readonly redirectTo: string };

/**
 * A client's key-set host on 127.0.0.1 that counts the requests it receives and misbehaves on
 * demand, for the authorization server's jwks_uri fetching.
 */
export interface ClientJwksHost {
  readonly url: string;
  requests(): number;
  close(): Promise<void>;
}

export async function startClientJwksHost(behaviour: ClientJwksBehaviour): Promise<ClientJwksHost> {
  let count = 0;
  const stalled = new Set<ServerResponse>();
  const server = createServer((_req, res) => {
    count++;
    if ('serve' in behaviour) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: behaviour.serve }));
    } else if ('stallAfterHeaders' in behaviour) {
      stalled.add(res);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
    } else if ('status' in behaviour) {
      res.writeHead(behaviour.status).end();
    } else {
      res.writeHead(302, { location: behaviour.redirectTo }).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of stalled) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
