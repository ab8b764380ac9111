// A resource server on plain node:http that validates the access token of every request with the
// resource-server library (local JWT verification + revocation mirror), as an API replica does.
// It takes DPoP-bound tokens too (RFC 9449 §7), as the demo API does: the proof's `htu` against
// RESOURCE_PUBLIC_URL plus the request path, its `jti` kept in the replica's Redis, shared by
// every replica, as production would.
import { createServer } from 'node:http';
import { loadResourceServerEnv } from '@app/config';
import {
  BearerError,
  bearerErrorResponse,
  createTokenValidator,
  dpopJkt,
} from '@app/resource-server';

async function main(): Promise<void> {
  const env = loadResourceServerEnv(process.env, Number(process.argv[2] ?? 4100));
  const validator = createTokenValidator({
    ...env,
    redisUrl: env.redisUrl,
    dpop: { publicUrl: env.publicUrl, proofs: env.dpop },
  });
  await validator.start();
  createServer(async (req, res) => {
    try {
      const token = await validator.validate({
        authorization: req.headers.authorization,
        dpop: req.headers.dpop,
        method: req.method,
        path: req.url,
      });
      const body = JSON.stringify({ ok: true, client_id: token.clientId });
      // RFC 9449 §9: with DPOP_NONCE_REQUIRED, a fresh nonce on each DPoP answer (none by default).
      const nonce = dpopJkt(token) !== undefined ? validator.dpopNonce() : undefined;
      res.writeHead(200, {
        'content-type': 'application/json',
        ...(nonce !== undefined ? { 'dpop-nonce': nonce } : {}),
      });
      res.end(body);
    } catch (e) {
      if (!(e instanceof BearerError)) throw e;
      const { status, headers, body } = bearerErrorResponse(e, validator.realm, validator.dpopAlgs);
      res.writeHead(status, headers).end(body);
    }
  }).listen(env.port, '127.0.0.1', () => process.stdout.write('ready\n'));
}

void main();
