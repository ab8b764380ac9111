import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { dummySecretHash, verifySecretHash } from './secret-hash';

const script = join(__dirname, '../../../scripts/hash-secret.js');
const hashOf = (secret: string) => execFileSync('node', [script, secret]).toString().trim();

describe('client secret hashes', () => {
  const secret = 'correct horse battery staple 1234';
  const hash = hashOf(secret);

  it('verifies a hash made by `npm run hash-secret`', async () => {
    expect(hash).toMatch(/^\$scrypt\$ln=14,r=8,p=1\$[\w-]+\$[\w-]+$/);
    await expect(verifySecretHash(secret, hash)).resolves.toBe(true);
  });

  it('refuses another secret, and salts every hash', async () => {
    await expect(verifySecretHash(`${secret}!`, hash)).resolves.toBe(false);
    expect(hashOf(secret)).not.toBe(hash);
  });

  it('refuses a malformed hash without throwing', async () => {
    await expect(verifySecretHash(secret, 'not-a-hash')).resolves.toBe(false);
  });

  it('makes dummy hashes with the parameters of a real one (or the defaults) that nothing matches', async () => {
    const like = '$scrypt$ln=10,r=4,p=2$c2FsdA$a2V5';
    expect(dummySecretHash(like)).toMatch(/^\$scrypt\$ln=10,r=4,p=2\$[\w-]{22}\$[\w-]{43}$/);
    expect(dummySecretHash()).toMatch(/^\$scrypt\$ln=14,r=8,p=1\$/);
    expect(dummySecretHash(hash)).not.toBe(dummySecretHash(hash));
    await expect(verifySecretHash(secret, dummySecretHash(hash))).resolves.toBe(false);
  });
});
