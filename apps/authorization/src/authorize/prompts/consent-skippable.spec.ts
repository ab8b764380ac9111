import { GrantRecord, PendingAuthorizationRequest } from '@app/store';
import { signInClient } from '../checks/checks.fixtures';
import { consentSkippable } from './consent-skippable';

const request = (over: Partial<PendingAuthorizationRequest> = {}) =>
  ({
    prompt: [],
    scopes: ['openid', 'email'],
    resources: ['https://orders.example'],
    ...over,
  }) as unknown as PendingAuthorizationRequest;
const grant = (scopes: string[], resources: string[]) =>
  ({ scopes, resources }) as unknown as GrantRecord;

describe('consentSkippable', () => {
  const sut = consentSkippable;
  const client = signInClient();

  it('is skippable for a first-party client', () => {
    expect(sut(signInClient({ skipConsent: true }), request(), [])).toBe(true);
  });

  it('is skippable when a remembered grant covers every scope and resource', () => {
    const covering = grant(['openid', 'email', 'profile'], ['https://orders.example']);
    expect(sut(client, request(), [grant(['openid'], []), covering])).toBe(true);
  });

  it.each([
    ['there is no grant', []],
    ['no grant covers every scope', [grant(['openid'], ['https://orders.example'])]],
    ['no grant covers the resource', [grant(['openid', 'email'], [])]],
  ])('is not when %s', (_case, grants) => {
    expect(sut(client, request(), grants)).toBe(false);
  });

  it('is never with prompt=consent, even for a first-party client', () => {
    const first = signInClient({ skipConsent: true });
    expect(sut(first, request({ prompt: ['consent'] }), [])).toBe(false);
  });
});
