import { ArgumentsHost, Logger, PayloadTooLargeException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Conflict, InvalidRequest, NotFound } from '@app/oauth';
import { StoreUnavailable } from '@app/store';
import { CsrfRejected, TooManyFailedLogins } from '../login-app.errors';
import { LoginApiError } from '../platform/login-api.error';
import { PageExceptionFilter } from './page-exception.filter';

interface Sent {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function render(e: unknown): Sent {
  const sent: Sent = { status: 0, headers: {}, body: '' };
  const reply = {
    status: (s: number) => ((sent.status = s), reply),
    headers: (h: Record<string, string>) => (Object.assign(sent.headers, h), reply),
    type: (t: string) => ((sent.headers['content-type'] = t), reply),
    send: (b: string) => ((sent.body = b), reply),
  };
  const host = {
    switchToHttp: () => ({ getResponse: () => reply as unknown as FastifyReply }),
  } as unknown as ArgumentsHost;
  new PageExceptionFilter().catch(e, host);
  return sent;
}

describe('PageExceptionFilter', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['an unknown challenge (in-process)', new NotFound('no such challenge'), 404, 'has expired'],
    ['an unknown challenge (HTTP)', new LoginApiError(404, 'not_found'), 404, 'has expired'],
    ['an answered challenge', new Conflict('already answered'), 409, 'already done'],
    ['a CSRF failure', new CsrfRejected(), 403, 'This form has expired'],
    ['an unreadable form', new InvalidRequest('repeated'), 400, 'could not be read'],
    ['a body over the limit', new PayloadTooLargeException(), 413, 'could not be read'],
    ['an API that timed out', new LoginApiError(504, 'timed out'), 502, 'could not answer'],
    ['an unreachable store', new StoreUnavailable(), 503, 'Try again'],
    ['a bug', new TypeError('x is undefined at secret.ts:12'), 500, 'Something went wrong'],
  ])('renders %s as a page', (_, e, status, words) => {
    const sent = render(e);
    expect(sent.status).toBe(status);
    expect(sent.body).toContain(words);
    expect(sent.body).not.toMatch(/secret\.ts|is undefined|repeated|no such challenge/);
    expect(sent.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(sent.headers['cache-control']).toBe('no-store');
  });

  it('keeps the Retry-After of a throttled username', () => {
    const sent = render(new TooManyFailedLogins(90_500));
    expect(sent.status).toBe(429);
    expect(sent.headers['retry-after']).toBe('91');
    expect(sent.body).toContain('Try again in 91 seconds');
  });
});
