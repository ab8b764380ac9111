import type {
  AuthorizationCodeRecord,
  BrowserSession,
  GrantRecord,
  InteractionChallenge,
  PendingAuthorizationRequest,
} from '@app/store';

/**
 * How a contract suite lets time pass: jest's fake clock for the in-memory adapters, a real
 * sleep for Redis (which keeps its own clock).
 */
export type Elapse = (ms: number) => Promise<void>;

/**
 * A short lifetime, and how long to wait for it to pass: generous, because the machine running
 * the Redis suite may be busy and a store call must land well inside the lifetime.
 */
export const SHORT_TTL_MS = 1000;
export const PAST_SHORT_TTL_MS = 1500;

let counter = 0;
export const unique = (p: string) => `${p}-${process.pid}-${Date.now()}-${++counter}`;
const nowSec = () => Math.floor(Date.now() / 1000);

export function pendingRequest(
  overrides: Partial<PendingAuthorizationRequest> = {},
): PendingAuthorizationRequest {
  return {
    clientId: unique('client'),
    redirectUri: 'https://app.example/callback?x=1',
    responseMode: 'query',
    scopes: ['openid', 'profile'],
    resources: [],
    state: unique('state'),
    nonce: unique('nonce'),
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    codeChallengeMethod: 'S256',
    prompt: [],
    maxAge: 300,
    loginHint: 'alice@example.com',
    uiLocales: ['fr-CA', 'en'],
    acrValues: [],
    receivedAt: Date.now(),
    ...overrides,
  };
}

export function loginChallenge(
  overrides: Partial<InteractionChallenge> = {},
): InteractionChallenge {
  return {
    kind: 'login',
    requestId: unique('request'),
    clientId: unique('client'),
    scopes: ['openid', 'email'],
    resources: ['https://orders.example.com'],
    prompt: ['login'],
    loginHint: 'alice',
    uiLocales: [],
    acrValues: [],
    skip: false,
    browserBinding: unique('binding'),
    createdAt: Date.now(),
    ...overrides,
  };
}

export function browserSession(overrides: Partial<BrowserSession> = {}): BrowserSession {
  return {
    sid: unique('sid'),
    subject: unique('user'),
    authTime: nowSec(),
    acr: 'urn:example:pwd',
    amr: ['pwd'],
    ...overrides,
  };
}

export function codeRecord(
  overrides: Partial<AuthorizationCodeRecord> = {},
): AuthorizationCodeRecord {
  return {
    clientId: unique('client'),
    redirectUri: 'https://app.example/callback',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    codeChallengeMethod: 'S256',
    nonce: unique('nonce'),
    grantId: unique('grant'),
    subject: unique('user'),
    scopes: ['openid'],
    resources: [],
    authTime: nowSec(),
    amr: [],
    sid: unique('sid'),
    idTokenClaims: { email: 'alice@example.com', email_verified: true },
    ...overrides,
  };
}

export function grantRecord(overrides: Partial<GrantRecord> = {}): GrantRecord {
  const createdAt = overrides.createdAt ?? Date.now();
  return {
    grantId: unique('grant'),
    subject: unique('user'),
    clientId: unique('client'),
    scopes: ['openid', 'orders:read'],
    resources: ['https://orders.example.com'],
    authTime: nowSec(),
    acr: 'urn:example:pwd',
    amr: ['pwd', 'otp'],
    idTokenClaims: { name: 'Alice' },
    userinfoClaims: { name: 'Alice', email: 'alice@example.com' },
    createdAt,
    lastUsedAt: createdAt,
    ...overrides,
  };
}

/** Runs `n` calls at once and waits for all of them. */
export function concurrently<T>(n: number, call: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => call(i)));
}
