import type { FastifyReply } from 'fastify';
import { sendFrontChannel } from './front-channel-answer';
import { frontChannelRequest } from './front-channel-request';

/** A reply that records what was sent. */
function recordingReply() {
  const sent = { status: 200, headers: {} as Record<string, unknown>, body: undefined as unknown };
  const reply = {
    header(name: string, value: unknown) {
      sent.headers[name] = value;
      return reply;
    },
    code(status: number) {
      sent.status = status;
      return reply;
    },
    send(body?: unknown) {
      sent.body = body;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, sent };
}

const serialize = (c: { name: string; value: string }) => `${c.name}=${c.value}`;

describe('sendFrontChannel', () => {
  it('answers a redirect with 303, no-store, no referrer and its cookies', () => {
    const { reply, sent } = recordingReply();
    sendFrontChannel(
      reply,
      {
        kind: 'redirect',
        location: 'https://rp.example/cb?code=c',
        cookies: [{ name: 'a', value: '1' }],
      },
      serialize,
    );
    expect(sent).toEqual({
      status: 303,
      body: undefined,
      headers: expect.objectContaining({
        location: 'https://rp.example/cb?code=c',
        'cache-control': 'no-store',
        pragma: 'no-cache',
        'referrer-policy': 'no-referrer',
        'set-cookie': ['a=1'],
      }),
    });
  });

  it('answers a page as HTML under a default-none CSP, or the page own CSP', () => {
    const page = recordingReply();
    sendFrontChannel(page.reply, { kind: 'page', status: 400, html: '<p>x</p>' }, serialize);
    expect(page.sent.status).toBe(400);
    expect(page.sent.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.sent.headers['content-security-policy']).toMatch(
      /^default-src 'none';.*frame-ancestors 'none'/,
    );
    expect(page.sent.headers['x-frame-options']).toBe('DENY');
    expect(page.sent.headers['set-cookie']).toBeUndefined();

    const own = recordingReply();
    const csp = "default-src 'none'; script-src 'nonce-x'";
    sendFrontChannel(
      own.reply,
      { kind: 'page', status: 200, html: '', headers: { 'content-security-policy': csp } },
      serialize,
    );
    expect(own.sent.headers['content-security-policy']).toBe(csp);
  });
});

describe('frontChannelRequest', () => {
  const http = (method: string, url: string, body?: string, type?: string) => ({
    method,
    url,
    headers: type === undefined ? {} : { 'content-type': type },
    ip: '127.0.0.1',
    body,
  });

  it('reads a GET from its query and a POST from its form', () => {
    expect(frontChannelRequest(http('GET', '/a?state=s')).params.get('state')).toBe('s');
    const post = frontChannelRequest(
      http('POST', '/a?state=q', 'state=f', 'application/x-www-form-urlencoded'),
    );
    expect(post.params.get('state')).toBe('f');
  });

  it.each([
    ['a repeated query parameter', http('GET', '/a?state=1&state=2')],
    ['a POST that is not a form', http('POST', '/a', '{}', 'application/json')],
  ])('refuses %s with invalid_request', (_case, request) => {
    expect(() => frontChannelRequest(request)).toThrow(
      expect.objectContaining({ error: 'invalid_request' }),
    );
  });
});
