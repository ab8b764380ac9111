import { createHash } from 'node:crypto';
import { VerifiedSecretCache } from './verified-secret.cache';

const HASH_1 = '$scrypt$ln=14,r=8,p=1$c2FsdDE$a2V5MQ';
const HASH_2 = '$scrypt$ln=14,r=8,p=1$c2FsdDI$a2V5Mg';

describe('VerifiedSecretCache', () => {
  it('recognises only the same secret of the same client, verified against the same hash', () => {
    const sut = new VerifiedSecretCache();
    sut.add('svc-a', HASH_1, 'secret-1');
    expect(sut.has('svc-a', HASH_1, 'secret-1')).toBe(true);
    expect(sut.has('svc-a', HASH_1, 'secret-2')).toBe(false);
    expect(sut.has('svc-b', HASH_1, 'secret-1')).toBe(false);
  });

  it('keeps (id, secret) pairs apart whatever characters they hold', () => {
    const sut = new VerifiedSecretCache();
    sut.add('a:b', HASH_1, 'c');
    expect(sut.has('a', HASH_1, 'b:c')).toBe(false);
  });

  it('answers only for the stored hash the secret was verified against', () => {
    const sut = new VerifiedSecretCache();
    sut.add('svc-a', HASH_1, 'secret-1');
    expect(sut.has('svc-a', HASH_2, 'secret-1')).toBe(false);
    // A rotation's overlap checks the previous hash next: still known without scrypt.
    expect(sut.has('svc-a', HASH_1, 'secret-1')).toBe(true);
  });

  it('drops every entry of a client when told its registration changed', () => {
    const sut = new VerifiedSecretCache();
    sut.add('svc-a', HASH_1, 'secret-1');
    sut.add('svc-a', HASH_2, 'secret-2');
    sut.add('svc-b', HASH_1, 'secret-1');
    sut.forget('svc-a');
    expect(sut.size).toBe(1);
    // Even a rollback to the old hash needs a fresh verification.
    expect(sut.has('svc-a', HASH_1, 'secret-1')).toBe(false);
    expect(sut.has('svc-b', HASH_1, 'secret-1')).toBe(true);
  });

  it('holds at most maxEntries, the least recently used leaving first', () => {
    const sut = new VerifiedSecretCache(3);
    for (const id of ['a', 'b', 'c']) sut.add(id, HASH_1, `secret-${id}`);
    expect(sut.has('a', HASH_1, 'secret-a')).toBe(true); // a is now the most recent
    sut.add('d', HASH_1, 'secret-d');
    expect(sut.size).toBe(3);
    expect(sut.has('b', HASH_1, 'secret-b')).toBe(false);
    for (const id of ['a', 'c', 'd']) expect(sut.has(id, HASH_1, `secret-${id}`)).toBe(true);
  });

  it('is keyed by a keyed hash: nothing in it can be checked against a guess offline', () => {
    const one = new VerifiedSecretCache();
    const two = new VerifiedSecretCache();
    one.add('svc-a', HASH_1, 'secret-1');
    two.add('svc-a', HASH_1, 'secret-1');
    // The keys are the cache's private state; a memory dump would show exactly these.
    const keysOf = (c: VerifiedSecretCache) => [...(c as unknown as CacheState).entries.keys()];
    const [key] = keysOf(one);
    expect(keysOf(two)).not.toContain(key);
    for (const plain of ['secret-1', 'svc-a:secret-1', '5:svc-a:secret-1']) {
      const digest = createHash('sha256').update(plain).digest();
      expect([digest.toString('hex'), digest.toString('base64url')]).not.toContain(key);
    }
    expect(key).not.toContain('secret-1');
  });
});

interface CacheState {
  entries: Map<string, string>;
}
