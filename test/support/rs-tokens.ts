import { exportJWK, generateKeyPair, JWK, JWTPayload, KeyLike, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { AccessTokenClaims, JwtAccessTokenFormat, KeyRing } from '@app/tokens';
import { CLIENTS, RESOURCES } from '../fixtures/test-registry';
import type { StandaloneServer } from './standalone-server';

/**
 * Access tokens made by the test rather than requested from the token endpoint: the platform's
 * own format and keys with lifetimes no client could ask for (expired, not yet valid), and JWTs
 * signed by keys the test holds (rotation, keys the issuer never published).
 */

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Claims of a valid orders token of the basic client, with `overrides` applied. */
export function rsClaims(
  issuer: string,
  overrides: Partial<AccessTokenClaims> = {},
): AccessTokenClaims {
  const now = nowSeconds();
  return {
    iss: issuer,
    sub: CLIENTS.basic.clientId,
    aud: RESOURCES.orders.identifier,
    clientId: CLIENTS.basic.clientId,
    scope: 'orders:read',
    jti: randomUUID(),
    iat: now,
    nbf: now,
    exp: now + 300,
    ...overrides,
  };
}

/** Minted by the running platform's JwtAccessTokenFormat and ES256 key: genuine but for the claims. */
export function rsMint(
  server: StandaloneServer,
  overrides: Partial<AccessTokenClaims> = {},
): Promise<string> {
  return server.app.get(JwtAccessTokenFormat).mint(rsClaims(server.url, overrides), 'ES256');
}

/** The RFC 9068 payload of `claims`. */
export function jwtPayload(c: AccessTokenClaims): JWTPayload {
  return {
    iss: c.iss,
    sub: c.sub,
    aud: c.aud,
    exp: c.exp,
    iat: c.iat,
    nbf: c.nbf,
    jti: c.jti,
    client_id: c.clientId,
    scope: c.scope,
  };
}

export interface RsSigningKey {
  readonly kid: string;
  readonly alg: 'ES256';
  readonly privateKey: KeyLike;
  /** What a JWKS publishes for it. */
  readonly publicJwk: JWK;
}

/** A fresh ES256 key pair the test holds. */
export async function rsSigningKey(kid: string): Promise<RsSigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return { kid, alg: 'ES256', privateKey, publicJwk };
}

/** Signs `claims` with `key`; `typ` defaults to at+jwt (`null` leaves it out). */
export function rsSign(
  key: Pick<RsSigningKey, 'kid' | 'privateKey'>,
  claims: AccessTokenClaims,
  typ: string | null = 'at+jwt',
): Promise<string> {
  return new SignJWT(jwtPayload(claims))
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, ...(typ === null ? {} : { typ }) })
    .sign(key.privateKey);
}

/** Signed by the platform's own active ES256 key, with the header's `typ` of the test's choosing. */
export function rsSignWithPlatformKey(
  server: StandaloneServer,
  claims: AccessTokenClaims,
  typ: string | null,
): Promise<string> {
  const { kid, privateKey } = server.app.get(KeyRing).signingKey('ES256');
  return rsSign({ kid, privateKey }, claims, typ);
}
