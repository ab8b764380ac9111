import { randomId } from './random-id';

describe('randomId', () => {
  it('encodes the octets asked for as unpadded base64url', () => {
    expect(randomId(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(randomId(32)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(randomId(32), 'base64url')).toHaveLength(32);
  });

  it('never hands out the same value twice, across many refills of its pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) seen.add(randomId(16));
    expect(seen.size).toBe(5000);
  });

  it('draws a whole identifier from fresh output when the pool has too little left', () => {
    // 4000 + 4000 octets cannot both come from one 4096-octet fill.
    const a = Buffer.from(randomId(4000), 'base64url');
    const b = Buffer.from(randomId(4000), 'base64url');
    expect(a).toHaveLength(4000);
    expect(b).toHaveLength(4000);
    expect(a.equals(b)).toBe(false);
    // Zeroed octets handed out would show as long runs of zeros.
    expect(b.subarray(0, 64).some((octet) => octet !== 0)).toBe(true);
  });

  it('refuses sizes it cannot draw', () => {
    for (const bytes of [0, -1, 1.5, 4097, Number.NaN])
      expect(() => randomId(bytes)).toThrow(RangeError);
  });
});
