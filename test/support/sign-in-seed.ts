import { randomBytes } from 'node:crypto';
import { EVENT_BUS, EVENT_FACTORY, EventBus, EventFactory } from '@app/events';
import { s256Challenge } from '@app/oauth';
import { grantCreatedData, grantRecordOf, LifecycleProjection } from '@app/projection';
import {
  AUTHORIZATION_CODE_STORE,
  AuthorizationCodeRecord,
  AuthorizationCodeStore,
  GRANT_STORE,
  GrantRecord,
  GrantStore,
} from '@app/store';
import { tokenDigest } from '@app/tokens';
import type { INestApplicationContext } from '@nestjs/common';

/** A code as the authorization endpoint hands it out, with what the client keeps beside it. */
export interface SeededCode {
  /** The code itself: the store holds only its digest. */
  readonly code: string;
  /** The PKCE verifier whose S256 challenge the code is bound to (RFC 7636 §4.1). */
  readonly verifier: string;
  readonly record: AuthorizationCodeRecord;
  readonly grant: GrantRecord;
}

export interface SeedOptions {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly code?: Partial<AuthorizationCodeRecord>;
  readonly grant?: Partial<GrantRecord>;
  /** Code lifetime in seconds (the grant outlives it). */
  readonly ttlSeconds?: number;
  /**
   * Records the grant as the authorization service does: `grant.created` acknowledged by the
   * log, then applied by the projection (with the claims the consent released), so that a
   * store rebuilt from the log gets it back. Otherwise it is only saved in the store.
   */
  readonly logged?: boolean;
}

const random = () => randomBytes(32).toString('base64url');

/**
 * Saves a grant and its code through the store ports of the booted server, exactly what the
 * authorization endpoint saves once consent is given (any service's app: the stores are shared) (DESIGN flow step 4): the code is 256
 * random bits, stored by its SHA-256 digest, bound to the client, redirect URI, PKCE challenge,
 * nonce, grant and the sign-in.
 */
export function seedSignIn(
  server: { readonly app: INestApplicationContext },
  o: SeedOptions,
): Promise<SeededCode> {
  return seedSignInStores(
    {
      grants: server.app.get<GrantStore>(GRANT_STORE),
      codes: server.app.get<AuthorizationCodeStore>(AUTHORIZATION_CODE_STORE),
    },
    o,
    o.logged ? (g) => recordGrant(server.app, g) : undefined,
  );
}

/**
 * The same, through the store adapters themselves: for services run as processes, the spec
 * opens the adapters on the Redis database they share. `record`, when given, records the grant
 * (SeedOptions.logged) instead of saving it in the store.
 */
export async function seedSignInStores(
  stores: { readonly grants: GrantStore; readonly codes: AuthorizationCodeStore },
  o: SeedOptions,
  record?: (grant: GrantRecord) => Promise<GrantRecord>,
): Promise<SeededCode> {
  const verifier = random();
  const grantId = `grant-${random().slice(0, 16)}`;
  const authTime = Math.floor(Date.now() / 1000) - 30;
  const createdAt = Date.now();
  const seeded: GrantRecord = {
    grantId,
    subject: 'user-alice',
    clientId: o.clientId,
    scopes: ['openid', 'profile', 'email'],
    resources: [],
    authTime,
    acr: 'urn:test:loa:2',
    amr: ['pwd'],
    idTokenClaims: { name: 'Alice Liddell', email: 'alice@test.example', email_verified: true },
    userinfoClaims: {
      name: 'Alice Liddell',
      email: 'alice@test.example',
      email_verified: true,
      phone_number: '+1 555 0100',
    },
    createdAt,
    lastUsedAt: createdAt,
    ...o.grant,
  };
  const grant = record ? await record(seeded) : seeded;
  const codeRecord: AuthorizationCodeRecord = {
    clientId: o.clientId,
    redirectUri: o.redirectUri,
    codeChallenge: s256Challenge(verifier),
    codeChallengeMethod: 'S256',
    nonce: `nonce-${random().slice(0, 12)}`,
    grantId: grant.grantId,
    subject: grant.subject,
    scopes: grant.scopes,
    resources: grant.resources,
    authTime: grant.authTime,
    acr: grant.acr,
    amr: grant.amr,
    sid: `sid-${random().slice(0, 12)}`,
    idTokenClaims: grant.idTokenClaims,
    ...o.code,
  };
  const code = random();
  const now = Date.now();
  if (!record) await stores.grants.save(grant, now + 86_400_000);
  await stores.codes.save(tokenDigest(code), codeRecord, now + (o.ttlSeconds ?? 60) * 1000);
  return { code, verifier, record: codeRecord, grant };
}

/** `grant.created` on the log, then the projection: what GrantRecorder does. */
async function recordGrant(app: INestApplicationContext, g: GrantRecord): Promise<GrantRecord> {
  const event = app
    .get<EventFactory>(EVENT_FACTORY)
    .create('grant.created', g.grantId, g.grantId, grantCreatedData(g, undefined));
  await app.get<EventBus>(EVENT_BUS).publish(event);
  const consent = { idTokenClaims: g.idTokenClaims, userinfoClaims: g.userinfoClaims };
  await app.get(LifecycleProjection).apply(event, { consent });
  return grantRecordOf(event, consent);
}
