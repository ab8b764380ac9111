import { calculateJwkThumbprint, exportJWK, generateKeyPair, JWK } from 'jose';
import { ProofKeys } from './proof-keys';

async function publicJwk(alg: string): Promise<{ jwk: JWK; jkt: string }> {
  const jwk = await exportJWK((await generateKeyPair(alg)).publicKey);
  return { jwk, jkt: await calculateJwkThumbprint(jwk, 'sha256') };
}

describe('ProofKeys', () => {
  it('imports a key once per alg and thumbprint', async () => {
    const sut = new ProofKeys();
    const { jwk, jkt } = await publicJwk('ES256');
    const first = await sut.get(jwk, 'ES256', jkt);
    expect(await sut.get({ ...jwk }, 'ES256', jkt)).toBe(first);
    expect(first).toMatchObject({ type: 'public', asymmetricKeyType: 'ec' });
  });

  it('keeps an RSA key apart per alg', async () => {
    const sut = new ProofKeys();
    const { jwk, jkt } = await publicJwk('RS256');
    expect(await sut.get(jwk, 'PS256', jkt)).not.toBe(await sut.get(jwk, 'RS256', jkt));
  });

  it('holds at most its bound: the oldest key leaves first', async () => {
    const sut = new ProofKeys(2);
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => publicJwk('EdDSA')));
    const keyA = await sut.get(a!.jwk, 'EdDSA', a!.jkt);
    const keyB = await sut.get(b!.jwk, 'EdDSA', b!.jkt);
    await sut.get(c!.jwk, 'EdDSA', c!.jkt);
    expect(await sut.get(b!.jwk, 'EdDSA', b!.jkt)).toBe(keyB);
    expect(await sut.get(a!.jwk, 'EdDSA', a!.jkt)).not.toBe(keyA);
  });
});
