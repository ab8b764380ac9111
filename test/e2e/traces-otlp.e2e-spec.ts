import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ServiceProcess } from '../support/service-process';

jest.setTimeout(180_000);

/** OTLP's SPAN_KIND_SERVER. */
const SERVER = 2;

interface OtlpJson {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: { name: string; traceId: string; kind: number }[] }[];
  }[];
}

/** The spans of one OTLP/HTTP JSON export (trace ids are hex there), with their service. */
function spansOf(body: OtlpJson) {
  return body.resourceSpans.flatMap((rs) => {
    const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
    return rs.scopeSpans.flatMap((ss) =>
      ss.spans.map((s) => ({ service, name: s.name, traceId: s.traceId, kind: s.kind })),
    );
  });
}

/**
 * Traces as an operator turns them on (issue 15 "Traces"): the service started from source with
 * OTEL_EXPORTER_OTLP_ENDPOINT sends its spans, OTLP over HTTP (JSON), to `<endpoint>/v1/traces`, with
 * the service name it was given; a request's server span continues the caller's `traceparent`,
 * whether the route is one of the hot OAuth endpoints mounted straight on Fastify or a Nest route.
 */
describe('traces exported over OTLP', () => {
  let collector: Server;
  const received: { path: string; type: string | undefined; body: Buffer }[] = [];
  let sut: ServiceProcess;

  beforeAll(async () => {
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          type: req.headers['content-type'],
          body: Buffer.concat(chunks),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const { port } = collector.address() as AddressInfo;
    sut = await ServiceProcess.start({
      service: 'standalone',
      env: {
        HOST: '127.0.0.1',
        LOG_LEVEL: 'error',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        OTEL_SERVICE_NAME: 'e2e-traces',
      },
      liveTimeoutMs: 120_000,
    });
  });

  afterAll(async () => {
    await sut?.stop();
    await new Promise((r) => collector?.close(r));
  });

  it("sends the server spans of a hot OAuth route and a Nest route, in the caller's traces", async () => {
    const hot = '4bf92f3577b34da6a3ce929d0e0e4736';
    const nest = '0af7651916cd43dd8448eb211c80319c';
    const token = await fetch(`${sut.url}/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        traceparent: `00-${hot}-00f067aa0ba902b7-01`,
      },
      body: 'grant_type=client_credentials&client_id=nobody&client_secret=wrong-secret',
    });
    expect(token.status).toBe(401);
    const metadata = await fetch(`${sut.url}/.well-known/oauth-authorization-server`, {
      headers: { traceparent: `00-${nest}-b7ad6b7169203331-01` },
    });
    expect(metadata.status).toBe(200);
    // The batch processor sends every 5 s; stopping the service flushes what is left.
    await sut.stop();
    expect(received.map((r) => [r.path, r.type])).toContainEqual([
      '/v1/traces',
      'application/json',
    ]);
    const spans = received.flatMap((r) => spansOf(JSON.parse(r.body.toString('utf8'))));
    expect(spans).toEqual(
      expect.arrayContaining([
        { service: 'e2e-traces', name: 'POST /oauth2/token', traceId: hot, kind: SERVER },
        {
          service: 'e2e-traces',
          name: 'GET /.well-known/oauth-authorization-server',
          traceId: nest,
          kind: SERVER,
        },
      ]),
    );
  });
});
