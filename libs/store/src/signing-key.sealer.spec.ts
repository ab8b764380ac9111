import { randomBytes } from 'node:crypto';
import { MemorySigningKeyStore } from './memory/memory-signing-key.store';
import { PrivateJwk } from './signing-key.port';
import { SigningKeySealer } from './signing-key.sealer';

const jwk: PrivateJwk = {
  kty: 'EC',
  crv: 'P-256',
  x: 'xx',
  y: 'yy',
  d: 'private-part',
  kid: 'k1',
  alg: 'ES256',
};

describe('SigningKeySealer', () => {
  const kek = randomBytes(32);

  it('seals with AES-256-GCM: nothing of the private JWK is left in the clear', () => {
    const sut = new SigningKeySealer(kek);
    const sealed = sut.seal(jwk);
    expect(sealed).not.toContain('private-part');
    expect(JSON.parse(sealed)).toMatchObject({ enc: 'A256GCM' });
    expect(sut.open('k1', 'ES256', sealed)).toEqual(jwk);
    // A fresh IV each time: the same key never seals to the same text.
    expect(sut.seal(jwk)).not.toBe(sealed);
  });

  it('refuses to open under another KEK, without one, or as another key (additional data)', () => {
    const sealed = new SigningKeySealer(kek).seal(jwk);
    expect(() => new SigningKeySealer(randomBytes(32)).open('k1', 'ES256', sealed)).toThrow(
      'signing key k1 does not open with this KEYS_KEK (another KEK?)',
    );
    expect(() => new SigningKeySealer().open('k1', 'ES256', sealed)).toThrow(
      'signing key k1 is sealed: KEYS_KEK is needed to open it',
    );
    expect(() => new SigningKeySealer(kek).open('k2', 'ES256', sealed)).toThrow(/does not open/);
    expect(() => new SigningKeySealer(kek).open('k1', 'RS256', sealed)).toThrow(/does not open/);
  });

  it('keeps a key plain without a KEK (development), and reads it once a KEK is set', () => {
    const plain = new SigningKeySealer().seal(jwk);
    expect(new SigningKeySealer(kek).open('k1', 'ES256', plain)).toEqual(jwk);
  });

  it('is what the in-memory store keeps at rest', async () => {
    const sut = new MemorySigningKeyStore(new SigningKeySealer(kek));
    await sut.add({ kid: 'k1', alg: 'ES256', privateJwk: jwk, createdAt: 1, activateAt: 2 });
    expect(sut.atRest('k1')).not.toContain('private-part');
    await expect(sut.list()).resolves.toEqual([
      { kid: 'k1', alg: 'ES256', privateJwk: jwk, createdAt: 1, activateAt: 2 },
    ]);
  });
});
