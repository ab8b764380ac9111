// The stack's own ceiling: a bare Fastify route that reads the same form body our endpoints read
// (raw string, URLSearchParams) and answers a fixed JSON.
const fastify = require('fastify')({ bodyLimit: 64 * 1024 });

fastify.removeAllContentTypeParsers();
fastify.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
const answer = { active: true, scope: 'orders:read', client_id: 'bench-a' };
fastify.post('/oauth2/introspect', async (req) => {
  new URLSearchParams(req.body);
  return answer;
});
fastify
  .listen({ port: Number(process.argv[2]), host: '127.0.0.1' })
  .then(() => process.stdout.write('ready\n'));
