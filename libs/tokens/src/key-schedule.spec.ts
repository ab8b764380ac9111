import { keySchedule, RuntimeKey, SeedKey } from './key-schedule';

const seeds: SeedKey[] = [
  { kid: 'es-file', alg: 'ES256', signs: true },
  { kid: 'es-next', alg: 'ES256', signs: false },
  { kid: 'rs-file', alg: 'RS256', signs: true },
];
const RETENTION = 1_000;
const rotated = (kid: string, activateAt: number, alg = 'ES256'): RuntimeKey => ({
  kid,
  alg,
  createdAt: activateAt - 100,
  activateAt,
});

describe('keySchedule', () => {
  it('without runtime keys: the seed signers sign, every seed key is published', () => {
    const sut = keySchedule(seeds, [], RETENTION, 5_000);
    expect([...sut.active]).toEqual([
      ['ES256', 'es-file'],
      ['RS256', 'rs-file'],
    ]);
    expect([...sut.published].sort()).toEqual(['es-file', 'es-next', 'rs-file']);
    expect(sut.nextChange).toBeUndefined();
  });

  it('publishes a rotated key at once and signs with it from its activation only', () => {
    const key = rotated('es-2', 2_000);
    const before = keySchedule(seeds, [key], RETENTION, 1_999);
    expect(before.active.get('ES256')).toBe('es-file');
    expect(before.published.has('es-2')).toBe(true);
    expect(before.nextChange).toBe(2_000);
    expect(before.keys.find((k) => k.kid === 'es-2')).toEqual({
      kid: 'es-2',
      alg: 'ES256',
      status: 'published',
      source: 'runtime',
      createdAt: 1_900,
      activateAt: 2_000,
    });
    expect(before.keys.find((k) => k.kid === 'es-file')).toEqual({
      kid: 'es-file',
      alg: 'ES256',
      status: 'active',
      source: 'seed',
      retireAt: 2_000,
      removeAt: 3_000,
    });

    const after = keySchedule(seeds, [key], RETENTION, 2_000);
    expect(after.active.get('ES256')).toBe('es-2');
    // Other algorithms are untouched.
    expect(after.active.get('RS256')).toBe('rs-file');
    expect(after.keys.find((k) => k.kid === 'es-file')?.status).toBe('retired');
    expect(after.published.has('es-file')).toBe(true);
    expect(after.nextChange).toBe(3_000);
  });

  it('keeps the retired key for the retention, then removes it', () => {
    const key = rotated('es-2', 2_000);
    expect(keySchedule(seeds, [key], RETENTION, 2_999).published.has('es-file')).toBe(true);
    const sut = keySchedule(seeds, [key], RETENTION, 3_000);
    expect(sut.published.has('es-file')).toBe(false);
    expect(sut.keys.find((k) => k.kid === 'es-file')?.status).toBe('removed');
    // A seed key that never signed stays, as KEYS_FILE says.
    expect(sut.published.has('es-next')).toBe(true);
    expect(sut.nextChange).toBeUndefined();
  });

  it('orders several rotations by activation, then kid, whatever order the store gave', () => {
    const keys = [rotated('c', 4_000), rotated('b', 3_000), rotated('a', 3_000)];
    const sut = keySchedule(seeds, keys, RETENTION, 3_500);
    expect(sut.active.get('ES256')).toBe('b');
    const status = Object.fromEntries(sut.keys.map((k) => [k.kid, k.status]));
    expect(status).toMatchObject({
      'es-file': 'retired',
      a: 'retired',
      b: 'active',
      c: 'published',
    });
    expect(sut.keys.find((k) => k.kid === 'a')).toMatchObject({ retireAt: 3_000, removeAt: 4_000 });
    expect(sut.nextChange).toBe(4_000);
  });

  it('signs with a runtime key of an algorithm no seed key has, from its activation', () => {
    const key = rotated('ps-1', 2_000, 'PS256');
    expect(keySchedule(seeds, [key], RETENTION, 1_000).active.has('PS256')).toBe(false);
    expect(keySchedule(seeds, [key], RETENTION, 2_000).active.get('PS256')).toBe('ps-1');
  });
});
