import type { INestApplicationContext } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import {
  AUTHORIZATION_REQUEST_STORE,
  AuthorizationRequestStore,
  ChallengeKind,
  INTERACTION_CHALLENGE_STORE,
  InteractionChallenge,
  InteractionChallengeStore,
  PendingAuthorizationRequest,
} from '@app/store';
import { RESOURCES, SIGN_IN_CLIENTS } from '../fixtures/test-registry';

/** What the web client asks in the challenges these helpers make (the authorization request). */
export const REQUESTED = {
  scopes: ['openid', 'profile', 'email', 'orders:read'],
  resources: [RESOURCES.orders.identifier],
} as const;

/**
 * Login and consent challenges made straight through the store ports of a running application,
 * as the authorization endpoint makes them: a pending authorization request of the web client,
 * and a challenge continuing it. For the specs of what answers challenges (the login/consent API,
 * the login app) without driving the authorization endpoint.
 */
export class InteractionChallenges {
  private readonly challenges: InteractionChallengeStore;
  private readonly requests: AuthorizationRequestStore;

  constructor(app: INestApplicationContext) {
    this.challenges = app.get<InteractionChallengeStore>(INTERACTION_CHALLENGE_STORE);
    this.requests = app.get<AuthorizationRequestStore>(AUTHORIZATION_REQUEST_STORE);
  }

  /** A new pending challenge; returns its id. `fields` override the defaults of its kind. */
  async create(
    kind: ChallengeKind,
    fields: Partial<InteractionChallenge> = {},
    ttlMs = 60_000,
  ): Promise<string> {
    const expiresAt = Date.now() + ttlMs;
    const requestId = fields.requestId ?? randomId();
    await this.requests.save('pending', requestId, pendingRequest(), expiresAt);
    const id = randomId();
    await this.challenges.create(id, { ...challenge(kind, requestId), ...fields }, expiresAt);
    return id;
  }

  find(kind: ChallengeKind, id: string) {
    return this.challenges.find(kind, id);
  }

  /** What the authorization endpoint does with the verifier the browser brings back. */
  consume(kind: ChallengeKind, id: string, verifierDigest: string) {
    return this.challenges.consume(kind, id, verifierDigest);
  }

  /** Ends the authorization request a challenge continues (as a finished flow does). */
  async endRequest(kind: ChallengeKind, id: string): Promise<void> {
    const state = await this.challenges.find(kind, id);
    if (state) await this.requests.take('pending', state.challenge.requestId);
  }
}

function randomId(): string {
  return randomBytes(32).toString('base64url');
}

function pendingRequest(): PendingAuthorizationRequest {
  return {
    clientId: SIGN_IN_CLIENTS.web.clientId,
    redirectUri: SIGN_IN_CLIENTS.web.redirectUri,
    responseMode: 'query',
    scopes: REQUESTED.scopes,
    resources: REQUESTED.resources,
    state: 'state-1',
    nonce: 'nonce-1',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    codeChallengeMethod: 'S256',
    prompt: [],
    uiLocales: [],
    acrValues: [],
    receivedAt: Date.now(),
  };
}

function challenge(kind: ChallengeKind, requestId: string): InteractionChallenge {
  const base = {
    kind,
    requestId,
    clientId: SIGN_IN_CLIENTS.web.clientId,
    scopes: REQUESTED.scopes,
    resources: REQUESTED.resources,
    prompt: [],
    uiLocales: [],
    acrValues: [],
    skip: false,
    browserBinding: randomId(),
    createdAt: Date.now(),
  };
  if (kind === 'login') return base;
  return {
    ...base,
    subject: 'alice',
    sid: 'sid-1',
    authTime: Math.floor(Date.now() / 1000) - 5,
    acr: '1',
    amr: ['pwd'],
  };
}
