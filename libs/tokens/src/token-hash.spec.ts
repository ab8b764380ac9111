import { tokenHash } from './token-hash';

/** OpenID Connect Core 1.0, Appendix A.3 (the access token) and A.4 (the code) examples. */
const SPEC_ACCESS_TOKEN = 'jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y';
const SPEC_AT_HASH = '77QmUPtjPfzWtF2AnpK9RQ';
const SPEC_CODE = 'Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk';
const SPEC_C_HASH = 'LDktKdoQak3Pk0cnXxCltA';

/** The vectors in oidc-token-hash's README (the check openid-client runs), per algorithm. */
const LIB_TOKEN =
  'YmJiZTAwYmYtMzgyOC00NzhkLTkyOTItNjJjNDM3MGYzOWIy9sFhvH8K_x8UIHj1osisS57f5DduL-ar_qw5jl3lthwpMjm283aVMQXDmoqqqydDSqJfbhptzw8rUVwkuQbolw';

describe('tokenHash (OpenID Connect Core §3.1.3.6 at_hash, §3.3.2.11 c_hash)', () => {
  it.each(['RS256', 'PS256', 'ES256'] as const)(
    'is the spec example at_hash with %s (left half of SHA-256)',
    (alg) => {
      expect(tokenHash(SPEC_ACCESS_TOKEN, alg)).toBe(SPEC_AT_HASH);
    },
  );

  it('is the spec example c_hash for the example code', () => {
    expect(tokenHash(SPEC_CODE, 'RS256')).toBe(SPEC_C_HASH);
  });

  it('matches the relying-party library vector for RS256', () => {
    expect(tokenHash(LIB_TOKEN, 'RS256')).toBe('x7vk7f6BvQj0jQHYFIk4ag');
  });

  it('uses SHA-512 for EdDSA with Ed25519 (connect issue #1125): 32 octets, 43 characters', () => {
    const sut = tokenHash(LIB_TOKEN, 'EdDSA', 'Ed25519');
    expect(sut).toBe('EGEAhGYyfuwDaVTifvrWSoD5MSy_5hZPy6I7Vm-7pTQ');
    expect(Buffer.from(sut, 'base64url')).toHaveLength(32);
  });

  it("uses SHAKE256 with Ed448's 114-octet output for EdDSA with Ed448", () => {
    expect(tokenHash(LIB_TOKEN, 'EdDSA', 'Ed448')).toBe(
      'jxsy68_eG9-91VnHsZ2VnCr_WqDMv4nspiSuUPRdNZnv1y5lNV3rPVYYWNiY_TbUB1JRwlgiDTzZ',
    );
  });

  it('refuses EdDSA without a known curve rather than guess a hash', () => {
    expect(() => tokenHash(LIB_TOKEN, 'EdDSA')).toThrow('curve');
    expect(() => tokenHash(LIB_TOKEN, 'EdDSA', 'X25519')).toThrow('curve');
  });

  it('changes with the value', () => {
    expect(tokenHash(`${SPEC_ACCESS_TOKEN}x`, 'RS256')).not.toBe(SPEC_AT_HASH);
  });
});
