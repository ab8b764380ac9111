import { randomBytes } from 'node:crypto';
import { s256Challenge } from '@app/oauth';
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
  );
}

/**
 * The same, through the store adapters themselves: for services run as processes, the spec
 * opens the adapters on the Redis database they share.
 */
export async function seedSignInStores(
  stores: { readonly grants: GrantStore; readonly codes: AuthorizationCodeStore },
  o: SeedOptions,
): Promise<SeededCode> {
  const verifier = random();
  const grantId = `grant-${random().slice(0, 16)}`;
  const authTime = Math.floor(Date.now() / 1000) - 30;
  const createdAt = Date.now();
  const grant: GrantRecord = {
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
  const record: AuthorizationCodeRecord = {
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
  await stores.grants.save(grant, now + 86_400_000);
  await stores.codes.save(tokenDigest(code), record, now + (o.ttlSeconds ?? 60) * 1000);
  return { code, verifier, record, grant };
}
