import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { HttpResponse, JsonBody } from './oauth-http';

/** What scripts/mtls-dev-certs.js made: file paths, and the PEMs a client presents. */
export interface DevCerts {
  readonly dir: string;
  readonly caFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly ca: string;
  /** A client's certificate and key by name (`--client` and `--self-signed` names). */
  identity(name: string): ClientIdentity;
  /** The public JWK of a self-signed client's key. */
  jwk(name: string): Record<string, unknown>;
}

export interface ClientIdentity {
  readonly cert: string;
  readonly key: string;
}

/** Runs `npm run mtls:dev-certs` (the script itself) into `dir`. */
export function makeDevCerts(
  dir: string,
  clients: readonly string[],
  selfSigned: readonly string[],
): DevCerts {
  const script = join(__dirname, '../../scripts/mtls-dev-certs.js');
  const args = [
    script,
    dir,
    ...clients.flatMap((c) => ['--client', c]),
    ...selfSigned.flatMap((c) => ['--self-signed', c]),
  ];
  execFileSync(process.execPath, args, { stdio: 'pipe' });
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    serverCertFile: join(dir, 'server.pem'),
    serverKeyFile: join(dir, 'server-key.pem'),
    ca: read('ca.pem'),
    identity: (name) => ({ cert: read(`${name}.pem`), key: read(`${name}-key.pem`) }),
    jwk: (name) => JSON.parse(read(`${name}.jwk.json`)) as Record<string, unknown>,
  };
}

/**
 * One HTTPS request that trusts only `ca` for the server and presents `identity` (if any) as
 * its TLS client certificate. A fresh connection each time (no agent), so that one request's
 * certificate never rides another's connection.
 */
export function tlsRequest(
  url: string,
  options: {
    readonly ca: string;
    readonly identity?: ClientIdentity;
    readonly method?: string;
    readonly headers?: Readonly<Record<string, string>>;
    readonly form?: Readonly<Record<string, string>>;
  },
): Promise<HttpResponse> {
  const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        ca: options.ca,
        cert: options.identity?.cert,
        key: options.identity?.key,
        agent: false,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
          ...options.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          let parsed: JsonBody = {};
          try {
            parsed = text ? (JSON.parse(text) as JsonBody) : {};
          } catch {
            parsed = {};
          }
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers))
            if (typeof v === 'string') headers.set(k, v);
          resolve({ status: res.statusCode ?? 0, headers, body: parsed, text });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The RFC 9440 `Client-Cert` header value of a PEM certificate: `:base64 DER:`. */
export function clientCertHeader(pem: string): string {
  return `:${pem.replace(/-----[A-Z ]+-----|\s/g, '')}:`;
}
