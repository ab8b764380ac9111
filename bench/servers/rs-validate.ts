// A resource server on plain node:http that validates the bearer token of every request with the
// resource-server library (local JWT verification + revocation mirror), as an API replica does.
import { createServer } from 'node:http';
import { loadResourceServerEnv } from '@app/config';
import { BearerError, bearerErrorResponse, createTokenValidator } from '@app/resource-server';

async function main(): Promise<void> {
  const env = loadResourceServerEnv(process.env, Number(process.argv[2] ?? 4100));
  const validator = createTokenValidator({ ...env, redisUrl: env.redisUrl });
  await validator.start();
  createServer(async (req, res) => {
    try {
      const token = await validator.validate({ authorization: req.headers.authorization });
      const body = JSON.stringify({ ok: true, client_id: token.clientId });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } catch (e) {
      if (!(e instanceof BearerError)) throw e;
      const { status, headers, body } = bearerErrorResponse(e, validator.realm);
      res.writeHead(status, headers).end(body);
    }
  }).listen(env.port, '127.0.0.1', () => process.stdout.write('ready\n'));
}

void main();
