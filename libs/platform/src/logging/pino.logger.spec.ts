import { Logger } from '@nestjs/common';
import Fastify from 'fastify';
import { version } from '../../../../package.json';
import { setTraceIdSource } from './log-context';
import { NestPinoLogger } from './nest-pino.logger';
import { createServiceLogger, ServiceLoggerOptions } from './pino.logger';
import { requestIdOf, trackRequests } from './request-id.hook';

function capture(options: Partial<ServiceLoggerOptions> = {}) {
  const lines: string[] = [];
  const logger = createServiceLogger({
    service: 'issuance',
    level: 'debug',
    format: 'json',
    destination: { write: (l: string) => lines.push(l) },
    ...options,
  });
  return { logger, lines, json: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createServiceLogger', () => {
  afterEach(() => setTraceIdSource(() => undefined));

  it('writes one JSON object a line with service, version, level and message', () => {
    const { logger, json } = capture();
    logger.info('hello');
    expect(json()[0]).toMatchObject({ service: 'issuance', version, level: 'info', msg: 'hello' });
  });

  it('redacts secret fields of logged objects, headers and bodies', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        req: { headers: { authorization: 'Basic c3ZjOnM=', cookie: 'sid=abc' } },
        body: { client_secret: 'shh', password: 'hunter2', code: 'c0de', refresh_token: 'r' },
      },
      'request',
    );
    const line = lines.join('');
    for (const secret of ['c3ZjOnM=', 'sid=abc', 'shh', 'hunter2', 'c0de', '"r"'])
      expect(line).not.toContain(secret);
  });

  it("keeps an error's code, which an operator reads first", () => {
    const { logger, json } = capture();
    logger.error({ err: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    expect(json()[0]).toMatchObject({ err: { code: 'ECONNRESET', message: 'socket hang up' } });
  });

  it('adds the trace id the tracing setup provides, and none before', () => {
    const { logger, json } = capture();
    logger.info('before');
    setTraceIdSource(() => '4bf92f3577b34da6a3ce929d0e0e4736');
    logger.info('after');
    expect(json()[0]).not.toHaveProperty('trace_id');
    expect(json()[1]).toMatchObject({ trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' });
  });

  it('writes readable lines in the pretty format, masked too', () => {
    const { logger, lines } = capture({ format: 'pretty' });
    logger.info({ context: 'Kafka' }, `connected with at_${'a'.repeat(43)}`);
    expect(lines[0]).toMatch(/INFO.*\[Kafka\] connected with \[Redacted\]/);
    expect(() => JSON.parse(lines[0]!)).toThrow();
  });

  it('honours the level: no debug line at `log`', () => {
    const { logger, lines } = capture({ level: 'log' });
    logger.debug('hidden');
    logger.info('shown');
    expect(lines).toHaveLength(1);
  });
});

describe('NestPinoLogger', () => {
  afterEach(() => Logger.overrideLogger(true));

  it('takes every `new Logger(context)` call, context and errors included', () => {
    const { logger, json } = capture();
    Logger.overrideLogger(new NestPinoLogger(logger));
    new Logger('Kafka').warn('broker unreachable');
    new Logger('OAuthError').error(new Error('boom'));
    new Logger('ExceptionsHandler').error('handler failed', 'Error: handler failed\n    at x');
    const [warn, err, nest] = json();
    expect(warn).toMatchObject({ level: 'warn', context: 'Kafka', msg: 'broker unreachable' });
    expect(err).toMatchObject({ level: 'error', context: 'OAuthError', msg: 'boom' });
    expect((err!.err as { stack: string }).stack).toContain('Error: boom');
    expect(nest).toMatchObject({ context: 'ExceptionsHandler', msg: 'handler failed' });
    expect((nest!.err as { stack: string }).stack).toContain('at x');
  });
});

describe('request ids', () => {
  it('keeps a sane X-Request-Id and replaces any other with a UUID', () => {
    const of = (v?: string) => requestIdOf({ headers: { 'x-request-id': v } } as never);
    expect(of('edge-7f3a:42')).toBe('edge-7f3a:42');
    for (const bad of [undefined, '', 'a'.repeat(65), 'has space', 'new\nline', '<script>'])
      expect(of(bad)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers it and puts it on every line logged while the request is handled', async () => {
    const { logger, json } = capture();
    const app = Fastify({ genReqId: requestIdOf });
    trackRequests(app, logger);
    app.addContentTypeParser('*', { parseAs: 'string' }, (_r, body, done) => done(null, body));
    app.post('/t', async () => {
      await new Promise((r) => setTimeout(r, 1));
      logger.warn('inside');
      return {};
    });
    const given = await app.inject({
      method: 'POST',
      url: '/t',
      headers: { 'x-request-id': 'proxy-1' },
      payload: 'a=b',
    });
    const fresh = await app.inject({ method: 'POST', url: '/t', payload: 'a=b' });
    await app.close();
    expect(given.headers['x-request-id']).toBe('proxy-1');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const inside = json().filter((l) => l.msg === 'inside');
    expect(inside.map((l) => l.req_id)).toEqual(['proxy-1', fresh.headers['x-request-id']]);
    // At debug, one line per request, with the route template and never the URL's query.
    const done = json().filter((l) => l.msg === 'request completed');
    expect(done[0]).toMatchObject({ req_id: 'proxy-1', req: { route: '/t' }, status: 200 });
  });

  it('writes no line per request below debug', async () => {
    const { logger, lines } = capture({ level: 'log' });
    const app = Fastify({ genReqId: requestIdOf });
    trackRequests(app, logger);
    app.get('/t', async () => ({}));
    await app.inject({ method: 'GET', url: '/t' });
    await app.close();
    expect(lines).toEqual([]);
  });
});
