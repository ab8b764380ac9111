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
const NOW = 1_800_000_000_000;
/** `remembered`: null for a consent given without `remember`. */
const grant = (scopes: string[], resources: string[], remembered: number | null = NOW + 1) =>
  ({
    scopes,
    resources,
    ...(remembered === null ? {} : { rememberedUntil: remembered }),
  }) as unknown as GrantRecord;

describe('consentSkippable', () => {
  const sut = (
    c: Parameters<typeof consentSkippable>[0],
    r: PendingAuthorizationRequest,
    g: GrantRecord[],
  ) => consentSkippable(c, r, g, NOW);
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
    [
      'the covering grant was not remembered',
      [grant(['openid', 'email'], ['https://orders.example'], null)],
    ],
    [
      'the covering grant is remembered no longer',
      [grant(['openid', 'email'], ['https://orders.example'], NOW)],
    ],
  ])('is not when %s', (_case, grants) => {
    expect(sut(client, request(), grants)).toBe(false);
  });

  it('is never with prompt=consent, even for a first-party client', () => {
    const first = signInClient({ skipConsent: true });
    expect(sut(first, request({ prompt: ['consent'] }), [])).toBe(false);
  });
});
