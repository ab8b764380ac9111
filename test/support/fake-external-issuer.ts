import { exportJWK, generateKeyPair, JWK, KeyLike, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the fake issuer's key-set URL does: serve its keys, answer after a delay, or send a body
 * larger than any key set (announced, or streamed without a length).
 */
export type KeySetBehaviour =
  | { readonly kind: 'serve' }
  | { readonly kind: 'slow'; readonly delayMs: number }
  | { readonly kind: 'huge'; readonly bytes: number };

export interface SignOptions {
  /** Default ES256 with the issuer's current key. */
  readonly alg?: string;
  readonly kid?: string;
  /** Another key (or an HMAC secret), e.g. to forge. */
  readonly key?: KeyLike | Uint8Array;
  readonly typ?: string;
}

/**
 * A trusted external issuer on 127.0.0.1, as a CI platform or a Kubernetes cluster is: its own
 * ES256 key pair, an OpenID discovery document (`/.well-known/openid-configuration`) naming its
 * `jwks_uri`, and that key set. It counts requests by path, rotates its key on demand (a new
 * `kid`, published only once `publish()` is called) and misbehaves on demand.
 */
export class FakeExternalIssuer {
  private keySet: { kid: string; privateKey: KeyLike; publicJwk: JWK }[] = [];
  private unpublished: { kid: string; privateKey: KeyLike; publicJwk: JWK } | undefined;
  private behaviour: KeySetBehaviour = { kind: 'serve' };
  private discoveryOverride: Record<string, unknown> | undefined;
  private readonly counts = new Map<string, number>();
  private readonly open = new Set<ServerResponse>();

  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    readonly issuer: string,
  ) {}

  /** `path`: where the issuer lives under its origin (e.g. `/github`), none by default. */
  static async start(path = ''): Promise<FakeExternalIssuer> {
    // The handler needs the issuer, which needs the port: no request comes before it is known.
    const ready: { sut?: FakeExternalIssuer } = {};
    const server = createServer((req, res) => ready.sut!.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const sut = new FakeExternalIssuer(server, `http://127.0.0.1:${port}${path}`);
    ready.sut = sut;
    await sut.rotate();
    sut.publish();
    return sut;
  }

  get jwksUri(): string {
    return `${this.issuer}/keys`;
  }

  get kid(): string {
    return this.keySet[this.keySet.length - 1]!.kid;
  }

  /** Requests received for a path (e.g. `/keys`, `/.well-known/openid-configuration`). */
  requests(path: string): number {
    return this.counts.get(`${new URL(this.issuer).pathname.replace(/\/$/, '')}${path}`) ?? 0;
  }

  /** A new signing key, not in the key set until `publish()`: tokens name an unknown `kid`. */
  async rotate(): Promise<string> {
    const kid = `fake-${randomUUID().slice(0, 8)}`;
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
    this.unpublished = { kid, privateKey, publicJwk };
    return kid;
  }

  publish(): void {
    if (this.unpublished) this.keySet.push(this.unpublished);
    this.unpublished = undefined;
  }

  keySetBehaves(behaviour: KeySetBehaviour): void {
    this.behaviour = behaviour;
  }

  /** Replaces the discovery document's members (e.g. another `issuer` or `jwks_uri`). */
  discoveryDocument(members: Record<string, unknown> | undefined): void {
    this.discoveryOverride = members;
  }

  /** A JWT from this issuer: `iss` set, issued now, valid five minutes unless `claims` says. */
  async sign(claims: Record<string, unknown>, o: SignOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const current = this.unpublished ?? this.keySet[this.keySet.length - 1]!;
    const all: Record<string, unknown> = { iss: this.issuer, iat: now, nbf: now, exp: now + 300 };
    Object.assign(all, claims);
    for (const [k, v] of Object.entries(all)) if (v === undefined) delete all[k];
    return new SignJWT(all)
      .setProtectedHeader({
        alg: o.alg ?? 'ES256',
        typ: o.typ ?? 'JWT',
        ...(o.kid === undefined && o.key !== undefined ? {} : { kid: o.kid ?? current.kid }),
      })
      .sign(o.key ?? current.privateKey);
  }

  /** An unsigned JWT (`alg: none`, RFC 7519 §6) with this issuer's claims. */
  unsecured(claims: Record<string, unknown>): string {
    const now = Math.floor(Date.now() / 1000);
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const payload = { iss: this.issuer, iat: now, exp: now + 300, ...claims };
    return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
  }

  close(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    this.counts.set(path, (this.counts.get(path) ?? 0) + 1);
    const base = new URL(this.issuer).pathname.replace(/\/$/, '');
    if (path === `${base}/.well-known/openid-configuration`) {
      const doc = { issuer: this.issuer, jwks_uri: this.jwksUri, ...this.discoveryOverride };
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(doc));
    }
    if (path !== `${base}/keys`) return void res.writeHead(404).end();
    const body = JSON.stringify({ keys: this.keySet.map((k) => k.publicJwk) });
    const b = this.behaviour;
    if (b.kind === 'serve')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
    if (b.kind === 'slow') {
      setTimeout(() => {
        if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      }, b.delayMs).unref();
      return;
    }
    // Huge: streamed without Content-Length, so only the running count can stop it.
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"keys":[');
    const chunk = `${JSON.stringify({ kty: 'oct', k: 'x'.repeat(1000) })},`;
    let sent = 0;
    const pump = () => {
      while (sent < b.bytes && !res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end('{}]}');
    };
    pump();
  }
}

/** GitHub Actions OIDC token claims (docs.github.com, "About security hardening with OIDC"). */
export function githubActionsClaims(o: {
  readonly repository: string;
  readonly ref?: string;
  readonly audience: string;
}): Record<string, unknown> {
  const ref = o.ref ?? 'refs/heads/main';
  const [owner] = o.repository.split('/');
  return {
    sub: `repo:${o.repository}:ref:${ref}`,
    aud: o.audience,
    jti: randomUUID(),
    ref,
    repository: o.repository,
    repository_owner: owner,
    workflow: 'deploy',
    event_name: 'push',
    run_id: '1234567890',
    job_workflow_ref: `${o.repository}/.github/workflows/deploy.yml@${ref}`,
  };
}

/** A Kubernetes projected service-account token's claims (KEP-1205: `aud` is an array). */
export function kubernetesClaims(o: {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly audience: string;
}): Record<string, unknown> {
  return {
    sub: `system:serviceaccount:${o.namespace}:${o.serviceAccount}`,
    aud: [o.audience],
    jti: randomUUID(),
    'kubernetes.io': {
      namespace: o.namespace,
      serviceaccount: { name: o.serviceAccount, uid: randomUUID() },
      pod: { name: `${o.serviceAccount}-7d9f8`, uid: randomUUID() },
    },
  };
}
