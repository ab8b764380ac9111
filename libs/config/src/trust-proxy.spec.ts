import { trustProxy } from './trust-proxy';

describe('TRUST_PROXY', () => {
  it.each([undefined, '', 'false'])('trusts no proxy for %p', (v) => {
    expect(trustProxy(v)).toBe(false);
  });

  it('takes addresses, CIDR ranges and proxy-addr presets, comma-separated', () => {
    expect(trustProxy('10.0.0.1,192.168.0.0/16, fd00::/8 ,::1,loopback,uniquelocal')).toEqual([
      '10.0.0.1',
      '192.168.0.0/16',
      'fd00::/8',
      '::1',
      'loopback',
      'uniquelocal',
    ]);
  });

  // Either would let any direct caller set its own address in X-Forwarded-For and escape the
  // per-address throttle (Fastify 5 treats a hop count as "trust nothing" anyway).
  it.each(['true', '1', '2'])('refuses %p, which would let callers pick their address', (v) => {
    expect(() => trustProxy(v)).toThrow('Invalid configuration: TRUST_PROXY:');
  });

  it.each(['10.0.0.0/33', '::/129', 'proxy.example', '10.0.0.1/8/1', '10.0.0.1,', 'all'])(
    'refuses %p',
    (v) => {
      expect(() => trustProxy(v)).toThrow('Invalid configuration: TRUST_PROXY:');
    },
  );
});
