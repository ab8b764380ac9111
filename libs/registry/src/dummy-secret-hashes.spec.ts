import { DummySecretHashes } from './dummy-secret-hashes';

const hashWith = (params: string, n: number) =>
  `$scrypt$${params}$${'s'.repeat(21)}${n}$${'k'.repeat(42)}${n}`;
const parametersOf = (hash: string) => hash.split('$')[2];

describe('DummySecretHashes', () => {
  it('costs what the one registered parameter set costs, for every name', () => {
    const sut = new DummySecretHashes([hashWith('ln=10,r=4,p=2', 1), hashWith('ln=10,r=4,p=2', 2)]);
    for (const name of ['a', 'b', 'unknown-client'])
      expect(parametersOf(sut.for(name))).toBe('ln=10,r=4,p=2');
    // Never a registered hash: no secret matches the dummy.
    expect(sut.for('a')).not.toBe(hashWith('ln=10,r=4,p=2', 1));
  });

  it('uses the defaults when nothing is hashed (plain development secrets)', () => {
    expect(parametersOf(new DummySecretHashes([]).for('x'))).toBe('ln=14,r=8,p=1');
  });

  describe('with several parameter sets (parameters being raised)', () => {
    const registered = [
      hashWith('ln=14,r=8,p=1', 1),
      hashWith('ln=14,r=8,p=1', 2),
      hashWith('ln=15,r=8,p=1', 3),
    ];
    const names = Array.from({ length: 200 }, (_, i) => `client-${i}`);

    it('gives each name one set, always the same, on every replica loading the same file', () => {
      const a = new DummySecretHashes(registered);
      const b = new DummySecretHashes(registered);
      for (const name of names) {
        expect(parametersOf(a.for(name))).toBe(parametersOf(a.for(name)));
        expect(parametersOf(a.for(name))).toBe(parametersOf(b.for(name)));
      }
    });

    it('spreads names over every registered set, so no cost is unique to registered names', () => {
      const sut = new DummySecretHashes(registered);
      const seen = new Set(names.map((name) => parametersOf(sut.for(name))));
      expect([...seen].sort()).toEqual(['ln=14,r=8,p=1', 'ln=15,r=8,p=1']);
    });

    it('depends on the registered hashes (a secret key), not on the name alone', () => {
      const other = [...registered.slice(0, 2), hashWith('ln=15,r=8,p=1', 4)];
      const a = new DummySecretHashes(registered);
      const b = new DummySecretHashes(other);
      const differs = names.some((n) => parametersOf(a.for(n)) !== parametersOf(b.for(n)));
      expect(differs).toBe(true);
    });
  });
});
