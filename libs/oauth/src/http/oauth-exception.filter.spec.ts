import { HttpException, Logger, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { InvalidRequest, InvalidTarget } from '../errors';
import { FALLBACK_DESCRIPTION } from './error-description';
import { StoreUnavailable } from '@app/store';
import { sendOAuthError, sendOAuthFailure } from './oauth-exception.filter';

const DESCRIPTION_CHARSET = /^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/;

/** Records what the renderer writes. */
function fakeReply() {
  const sent = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
  const reply = {
    header(name: string, value: string) {
      sent.headers[name] = value;
      return reply;
    },
    status(code: number) {
      sent.status = code;
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, sent };
}

describe('sendOAuthError (the one renderer of RFC 6749 §5.2 error bodies)', () => {
  const sut = sendOAuthError;
  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('sends a well-formed description as it is, no-store', () => {
    const { reply, sent } = fakeReply();
    sut(reply, new InvalidTarget('the resource is unknown or not allowed for this client'));
    expect(sent.status).toBe(400);
    expect(sent.body).toEqual({
      error: 'invalid_target',
      error_description: 'the resource is unknown or not allowed for this client',
    });
    expect(sent.headers['cache-control']).toBe('no-store');
  });

  it.each([
    ['quotes and backslashes', 'scope "a\\"b" is not allowed'],
    ['control characters', 'bad value \u0000\r\nSet-Cookie: x'],
    ['non-ASCII', 'bad value caf\u00e9 \u202e'],
    ['a long value', `bad value ${'x'.repeat(5000)}`],
  ])('never sends a description with %s: the guard replaces it', (_case, description) => {
    const { reply, sent } = fakeReply();
    sut(reply, new InvalidRequest(description));
    expect(sent.status).toBe(400);
    expect(sent.body).toEqual({
      error: 'invalid_request',
      error_description: FALLBACK_DESCRIPTION,
    });
  });

  it.each([
    ['Nest 404', new NotFoundException('Cannot POST /oauth2/"evil\\path'), 404, 'not_found'],
    ['a 413', new PayloadTooLargeException('Request body is too large'), 413, 'invalid_request'],
    ['a bare 400', new HttpException('FST_ERR_BAD_URL /%ZZ', 400), 400, 'invalid_request'],
  ])('never sends the message of %s, which may quote the request', (_c, e, status, error) => {
    const { reply, sent } = fakeReply();
    sut(reply, e);
    expect(sent.status).toBe(status);
    const body = sent.body as { error: string; error_description: string };
    expect(body.error).toBe(error);
    expect(body.error_description).toMatch(DESCRIPTION_CHARSET);
    expect(body.error_description).not.toContain(e.message);
    expect(body.error_description).not.toMatch(/oauth2|evil|ZZ/);
  });
});

describe('sendOAuthFailure (what a use case throws, as the wire sees it)', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('answers StoreUnavailable (a store unreachable or being rebuilt) 503 with Retry-After', () => {
    const { reply, sent } = fakeReply();
    sendOAuthFailure(reply, new StoreUnavailable('the store is being rebuilt from the event log'));
    expect(sent.status).toBe(503);
    expect(sent.headers['retry-after']).toBe('1');
    expect(sent.headers['cache-control']).toBe('no-store');
    expect(sent.body).toMatchObject({ error: 'temporarily_unavailable' });
  });
});
