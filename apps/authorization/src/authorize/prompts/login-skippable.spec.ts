import { BrowserSession, PendingAuthorizationRequest } from '@app/store';
import { loginSkippable } from './login-skippable';

const NOW = 1_800_000_000;
const SESSION: BrowserSession = { sid: 's1', subject: 'alice', authTime: NOW - 600, amr: ['pwd'] };
const request = (over: Partial<PendingAuthorizationRequest> = {}) =>
  ({ prompt: [], ...over }) as unknown as PendingAuthorizationRequest;

describe('loginSkippable', () => {
  const sut = loginSkippable;

  it('is skippable with a live session and nothing asking for a fresh login', () => {
    expect(sut(SESSION, request(), NOW)).toBe(true);
    expect(sut(SESSION, request({ maxAge: 600 }), NOW)).toBe(true);
    expect(sut(SESSION, request({ prompt: ['consent'] }), NOW)).toBe(true);
  });

  it.each([
    ['there is no session', null, request()],
    ['prompt=login', SESSION, request({ prompt: ['login'] })],
    ['max_age has passed', SESSION, request({ maxAge: 599 })],
    ['max_age=0', SESSION, request({ maxAge: 0 })],
  ])('is not when %s', (_case, session, req) => {
    expect(sut(session, req, NOW)).toBe(false);
  });
});
