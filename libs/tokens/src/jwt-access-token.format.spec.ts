import { createHash, createSecretKey } from 'node:crypto';
import {
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  JWTHeaderParameters,
  KeyLike,
  SignJWT,
  UnsecuredJWT,
} from 'jose';
import { AccessTokenClaims } from './access-token.claims';
import { JwtAccessTokenFormat } from './jwt-access-token.format';
import { KeyRing } from './key-ring';

const ISSUER = 'https://issuer.example';
const JKT = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';
const now = () => Math.floor(Date.now() / 1000);

function claims(over: Partial<AccessTokenClaims> = {}): AccessTokenClaims {
  const iat = now();
  return {
    iss: ISSUER,
    sub: 'svc-a',
    aud: 'https://api.example',
    clientId: 'svc-a',
    scope: 'read write',
    jti: 'jti-1',
    iat,
    nbf: iat,
    exp: iat + 60,
    ...over,
  };
}

/** Claims a resource server would accept, in a JWT whose header and key the test chooses. */
function forged(header: JWTHeaderParameters, key: KeyLike | Uint8Array): Promise<string> {
  return new SignJWT({ client_id: 'svc-a', scope: 'read' })
    .setProtectedHeader(header)
    .setIssuer(ISSUER)
    .setSubject('svc-a')
    .setAudience('https://api.example')
    .setIssuedAt()
    .setExpirationTime('1m')
    .setJti('x')
    .sign(key);
}

describe('JwtAccessTokenFormat', () => {
  let keys: KeyRing;
  let sut: JwtAccessTokenFormat;

  beforeAll(async () => {
    keys = await KeyRing.generate();
    sut = new JwtAccessTokenFormat(keys, ISSUER);
  });

  it.each(['ES256', 'EdDSA', 'RS256', 'PS256'] as const)(
    'mints an RFC 9068 token with %s',
    async (alg) => {
      const token = await sut.mint(claims({ grantId: 'g-1' }), alg);
      const header = decodeProtectedHeader(token);
      expect(header).toEqual({ alg, typ: 'at+jwt', kid: keys.signingKey(alg).kid });
      await expect(sut.verify(token)).resolves.toEqual(claims({ grantId: 'g-1' }));
    },
  );

  // RFC 9068 §2.2.1: a user's token says when and how the user authenticated.
  it('carries auth_time, acr and amr of a user token, and reads them back', async () => {
    const user = claims({ grantId: 'g-1', authTime: now() - 30, acr: 'loa-2', amr: ['pwd'] });
    const token = await sut.mint(user, 'ES256');
    expect(decodeJwt(token)).toMatchObject({
      auth_time: user.authTime,
      acr: 'loa-2',
      amr: ['pwd'],
    });
    await expect(sut.verify(token)).resolves.toEqual(user);
  });

  it('puts no authentication claim in a client_credentials token', async () => {
    const payload = decodeJwt(await sut.mint(claims(), 'ES256'));
    expect(Object.keys(payload).filter((k) => ['auth_time', 'acr', 'amr'].includes(k))).toEqual([]);
  });

  // RFC 9449 §6.1, RFC 8705 §3.1: the binding rides in `cnf` and is read back as it was minted.
  it.each([
    ['a DPoP key', { jkt: JKT }],
    ['a TLS client certificate', { 'x5t#S256': JKT }],
  ] as const)('carries cnf of a token bound to %s, and reads it back', async (_, cnf) => {
    const bound = claims({ cnf });
    const token = await sut.mint(bound, 'ES256');
    expect(decodeJwt(token).cnf).toEqual(cnf);
    await expect(sut.verify(token)).resolves.toEqual(bound);
  });

  // RFC 8693 §4.1, §4.4: an exchanged token's actor chain, nested, read back as minted.
  it('carries act (nested) and may_act, and reads them back', async () => {
    const delegated = claims({
      sub: 'user-1',
      act: { sub: 'ledger', act: { sub: 'orders', clientId: 'orders-app' } },
      mayAct: { sub: 'payments' },
    });
    const token = await sut.mint(delegated, 'ES256');
    expect(decodeJwt(token)).toMatchObject({
      act: { sub: 'ledger', act: { sub: 'orders', client_id: 'orders-app' } },
      may_act: { sub: 'payments' },
    });
    await expect(sut.verify(token)).resolves.toEqual(delegated);
  });

  // Dropping a malformed actor would make a delegated token look like the subject's own.
  it.each([
    ['act', { act: 'ledger' }],
    ['act', { act: { sub: 'ledger', act: { client_id: 'x' } } }],
    ['may_act', { may_act: { sub: '' } }],
  ])('refuses a token whose %s is malformed', async (_, extra) => {
    const { privateKey, kid } = keys.signingKey('ES256');
    const token = await new SignJWT({ client_id: 'svc-a', scope: 'read', ...extra })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
      .setIssuer(ISSUER)
      .setSubject('svc-a')
      .setAudience('https://api.example')
      .setIssuedAt()
      .setExpirationTime('1m')
      .setJti('x')
      .sign(privateKey as KeyLike);
    await expect(sut.verify(token)).resolves.toBeNull();
  });

  // A constraint the verifier cannot read must not silently become a bearer token.
  it.each([
    ['a string', 'x'],
    ['an empty object', {}],
    ['two members', { jkt: JKT, 'x5t#S256': JKT }],
    ['an unknown member', { jwk: { kty: 'EC' } }],
    ['a thumbprint of the wrong length', { jkt: 'abc' }],
  ])('refuses a token whose cnf is %s', async (_, cnf) => {
    const { privateKey } = keys.signingKey('ES256');
    const token = await new SignJWT({ client_id: 'svc-a', scope: 'read', cnf })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: keys.signingKey('ES256').kid })
      .setIssuer(ISSUER)
      .setSubject('svc-a')
      .setAudience('https://api.example')
      .setIssuedAt()
      .setExpirationTime('1m')
      .setJti('x')
      .sign(privateKey as KeyLike);
    await expect(sut.verify(token)).resolves.toBeNull();
  });

  it('refuses an expired token and one not yet valid', async () => {
    await expect(
      sut.verify(await sut.mint(claims({ exp: now() - 1 }), 'ES256')),
    ).resolves.toBeNull();
    await expect(
      sut.verify(await sut.mint(claims({ nbf: now() + 60 }), 'ES256')),
    ).resolves.toBeNull();
  });

  it('refuses a token from another issuer', async () => {
    const other = new JwtAccessTokenFormat(keys, 'https://evil.example');
    const token = await other.mint(claims({ iss: 'https://evil.example' }), 'ES256');
    await expect(sut.verify(token)).resolves.toBeNull();
  });

  it('refuses a tampered payload', async () => {
    const [h, p, s] = (await sut.mint(claims(), 'ES256')).split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    payload.scope = 'admin';
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    await expect(sut.verify(forged)).resolves.toBeNull();
  });

  it('refuses alg none', async () => {
    const token = new UnsecuredJWT({ client_id: 'svc-a', scope: 'read' })
      .setIssuer(ISSUER)
      .setSubject('svc-a')
      .setAudience('https://api.example')
      .setIssuedAt()
      .setExpirationTime('1m')
      .setJti('x')
      .encode();
    await expect(sut.verify(token)).resolves.toBeNull();
  });

  it('refuses HS256 signed with the public key as the secret', async () => {
    const { kid, ...jwk } = keys.publicJwks().keys.find((k) => k.alg === 'RS256')!;
    const secret = createSecretKey(Buffer.from(JSON.stringify(jwk)));
    const token = await forged({ alg: 'HS256', typ: 'at+jwt', kid }, secret);
    await expect(sut.verify(token)).resolves.toBeNull();
  });

  it('refuses a token signed by an unknown key or with a header alg other than its key', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const stranger = await forged(
      { alg: 'ES256', typ: 'at+jwt', kid: keys.signingKey('ES256').kid },
      privateKey,
    );
    await expect(sut.verify(stranger)).resolves.toBeNull();
  });

  it('refuses a JWT whose typ is not at+jwt (an ID token, say)', async () => {
    const key = keys.signingKey('ES256');
    const idToken = await forged({ alg: 'ES256', typ: 'JWT', kid: key.kid }, key.privateKey);
    await expect(sut.verify(idToken)).resolves.toBeNull();
  });

  it('answers null, not an exception, for garbage', async () => {
    await expect(sut.verify('not.a.jwt')).resolves.toBeNull();
    await expect(sut.verify('')).resolves.toBeNull();
  });
});

describe('KeyRing', () => {
  it('publishes public keys only, each with kid, alg and use', async () => {
    const sut = await KeyRing.generate();
    const { keys } = sut.publicJwks();
    expect(keys.map((k) => k.alg).sort()).toEqual(['ES256', 'EdDSA', 'PS256', 'RS256']);
    for (const k of keys) {
      expect(k).toEqual(expect.objectContaining({ kid: expect.any(String), use: 'sig' }));
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(k).not.toHaveProperty(secret);
    }
  });

  it('loads a private JWK set and signs with its first key per algorithm', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), alg: 'ES256', kid: 'k1' };
    const sut = await KeyRing.fromJwks({ keys: [jwk] });
    expect(sut.signingKey('ES256').kid).toBe('k1');
    expect(sut.algorithms()).toEqual(['ES256']);
  });

  it('refuses public-only keys and unsupported algorithms', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    await expect(
      KeyRing.fromJwks({ keys: [{ ...(await exportJWK(publicKey)), alg: 'ES256' }] }),
    ).rejects.toThrow('private');
    await expect(
      KeyRing.fromJwks({ keys: [{ ...(await exportJWK(privateKey)), alg: 'HS256' }] }),
    ).rejects.toThrow('alg');
    await expect(KeyRing.fromJwks({ keys: [] })).rejects.toThrow('no "keys"');
  });
});

describe('OpaqueTokenFormat digests', () => {
  it('is the base64url SHA-256 of the token', async () => {
    const { OpaqueTokenFormat, tokenDigest } = await import('./opaque-token.format');
    const { token, digest } = OpaqueTokenFormat.mint('at');
    expect(token).toMatch(/^at_[A-Za-z0-9_-]{43}$/);
    expect(digest).toBe(createHash('sha256').update(token).digest('base64url'));
    expect(tokenDigest(token)).toBe(digest);
    expect(OpaqueTokenFormat.kindOf(token)).toBe('at');
    expect(OpaqueTokenFormat.kindOf('at_short')).toBeUndefined();
  });
});
