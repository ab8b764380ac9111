import { exportJWK, generateKeyPair } from 'jose';
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
