import { KeyObject } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import { signCompactJws } from './compact-jws.signer';
import { KeyRing } from './key-ring';

/** Why a key set was refused, as the start-up error would print it. */
async function refusal(jwks: unknown): Promise<string> {
  try {
    await KeyRing.fromJwks(jwks);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the key set was accepted');
}

describe('KeyRing.fromJwks errors', () => {
  it('names a key that fails to import by its index, never quoting its private part', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const good = { ...(await exportJWK(privateKey)), alg: 'ES256', kid: 'good' };
    const d = 'PRIVATE-d-MzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2';
    const sut = await refusal({ keys: [good, { ...good, kid: 'bad', d }] });
    expect(sut).toMatch(/^keys\[1\]: is not a working ES256 key pair/);
    expect(sut).not.toContain(d);
    expect(sut).not.toContain(good.d!);
  });

  it('names a key whose type does not match its algorithm, never quoting it', async () => {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const rsa = await exportJWK(privateKey);
    const sut = await refusal({ keys: [{ ...rsa, alg: 'ES256' }] });
    expect(sut).toMatch(/^keys\[0\]: is not a working ES256 key pair/);
    for (const part of [rsa.d!, rsa.p!, rsa.n!]) expect(sut).not.toContain(part.slice(0, 12));
  });

  it.each([
    [{ keys: ['not-a-jwk'] }, 'keys[0]: must be a JWK object'],
    [{ keys: [{ kty: 'EC', alg: 'ES256' }] }, 'keys[0]: the key has no private part'],
    [
      { keys: [{ kty: 'EC', crv: 'P-256', alg: 'ES256', d: 'c2VjcmV0', x: 'eA', y: 'eQ' }] },
      'keys[0]: cannot be imported as an ES256 private key',
    ],
    [{ keys: [{ kty: 'oct', alg: 'HS256', k: 'c2VjcmV0' }] }, 'keys[0]: key alg must be one of'],
    [null, 'the key set has no "keys"'],
  ])('explains a malformed set in fixed words %#', async (jwks, reason) => {
    const sut = await refusal(jwks);
    expect(sut).toContain(reason);
    expect(sut).not.toContain('c2VjcmV0');
  });
});

describe('KeyRing keys and algorithms (RFC 8725 §3.1: one key, one algorithm)', () => {
  it('loads an RSA key for RS256 and another for PS256, each signing and published for its own', async () => {
    const rs = (await generateKeyPair('RS256', { extractable: true })).privateKey;
    const ps = (await generateKeyPair('PS256', { extractable: true })).privateKey;
    const sut = await KeyRing.fromJwks({
      keys: [
        { ...(await exportJWK(rs)), alg: 'RS256', kid: 'rs' },
        { ...(await exportJWK(ps)), alg: 'PS256', kid: 'ps' },
      ],
    });
    expect(sut.signingKey('RS256').kid).toBe('rs');
    expect(sut.signingKey('PS256').kid).toBe('ps');
    expect(sut.publicJwks().keys.map((k) => [k.kid, k.alg])).toEqual([
      ['rs', 'RS256'],
      ['ps', 'PS256'],
    ]);
    // A PS256 header naming the RS256 key finds no key: a key verifies only its own algorithm.
    expect(sut.verificationKey({ alg: 'PS256', kid: 'rs' })).toBeUndefined();
    expect(sut.verificationKey({ alg: 'PS256', kid: 'ps' })).toBeDefined();
  });

  it('refuses the same RSA key given for RS256 and for PS256, whatever kids it is given', async () => {
    const jwk = await exportJWK((await generateKeyPair('RS256', { extractable: true })).privateKey);
    const sut = await refusal({
      keys: [
        { ...jwk, alg: 'RS256', kid: 'one' },
        { ...jwk, alg: 'PS256', kid: 'two' },
      ],
    });
    expect(sut).toBe('keys[1]: is a key already in the set: each key serves one algorithm, once');
  });

  it('refuses two keys under one kid (RFC 7517 §4.5)', async () => {
    const a = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
    const b = await exportJWK((await generateKeyPair('EdDSA', { extractable: true })).privateKey);
    const sut = await refusal({
      keys: [
        { ...a, alg: 'ES256', kid: 'k' },
        { ...b, alg: 'EdDSA', kid: 'k' },
      ],
    });
    expect(sut).toBe('keys[1]: its kid "k" is already used by another key');
  });

  it('generates one key per algorithm, each with its own kid; EdDSA names its curve', async () => {
    const sut = await KeyRing.generate();
    const kids = sut.algorithms().map((alg) => sut.signingKey(alg).kid);
    expect(sut.algorithms().sort()).toEqual(['ES256', 'EdDSA', 'PS256', 'RS256']);
    expect(new Set(kids).size).toBe(4);
    expect(sut.signingKey('EdDSA').crv).toBe('Ed25519');
    expect(sut.signingKey('RS256').crv).toBeUndefined();
  });

  it('signs PS256 with RSASSA-PSS: two signatures of the same input differ (random salt)', async () => {
    const sut = await KeyRing.generate(['PS256']);
    const { privateKey } = sut.signingKey('PS256');
    const sign = () => signCompactJws({ alg: 'PS256' }, {}, 'PS256', privateKey as KeyObject);
    expect(sign().split('.')[2]).not.toBe(sign().split('.')[2]);
  });
});

describe('KeyRing at runtime', () => {
  const es256 = async (kid: string) => ({
    ...(await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey)),
    kid,
    alg: 'ES256',
  });

  it('publishes a runtime key without signing with it, until it is activated', async () => {
    const sut = await KeyRing.fromJwks({ keys: [await es256('seed')] });
    await sut.addRuntime(await es256('new'));
    expect(sut.publicJwks().keys.map((k) => k.kid)).toEqual(['seed', 'new']);
    expect(sut.signingKey('ES256').kid).toBe('seed');
    expect(sut.seeds()).toEqual([{ kid: 'seed', alg: 'ES256', signs: true }]);
    sut.activate('new');
    expect(sut.signingKey('ES256').kid).toBe('new');
    expect(sut.verificationKey({ kid: 'seed', alg: 'ES256' })).toBeDefined();
  });

  it('withdraws a retired key from the set, never the one that signs', async () => {
    const sut = await KeyRing.fromJwks({ keys: [await es256('seed')] });
    await sut.addRuntime(await es256('new'));
    expect(() => sut.withdraw('seed')).toThrow('key seed still signs');
    sut.activate('new');
    sut.withdraw('seed');
    expect(sut.has('seed')).toBe(false);
    expect(sut.verificationKey({ kid: 'seed', alg: 'ES256' })).toBeUndefined();
    expect(sut.publicJwks().keys.map((k) => k.kid)).toEqual(['new']);
    // The schedule still knows the seed signer it started with.
    expect(sut.seeds()).toEqual([{ kid: 'seed', alg: 'ES256', signs: true }]);
    expect(() => sut.activate('seed')).toThrow('no key seed in the ring');
  });
});
