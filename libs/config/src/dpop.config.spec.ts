import { DEV_DPOP_NONCE_SECRET, dpopWarnings, loadDpopConfig } from './dpop.config';

const SECRET = 'a-nonce-secret-of-at-least-32-characters!';

describe('loadDpopConfig', () => {
  it('accepts proofs for 60 s with 5 s of skew and requires no nonce by default', () => {
    const sut = loadDpopConfig({}, false);
    expect(sut).toEqual({ proofMaxAgeSeconds: 60, clockSkewSeconds: 5, nonce: undefined });
    expect(Object.isFrozen(sut)).toBe(true);
    expect(dpopWarnings(sut)).toEqual([]);
  });

  it('reads the window, the skew and required nonces with their key and window', () => {
    const sut = loadDpopConfig(
      {
        DPOP_PROOF_MAX_AGE_SECONDS: '30',
        DPOP_CLOCK_SKEW_SECONDS: '0',
        DPOP_NONCE_REQUIRED: 'true',
        DPOP_NONCE_SECRET: SECRET,
        DPOP_NONCE_WINDOW_SECONDS: '120',
      },
      true,
    );
    expect(sut).toEqual({
      proofMaxAgeSeconds: 30,
      clockSkewSeconds: 0,
      nonce: { secret: SECRET, windowSeconds: 120 },
    });
    expect(Object.isFrozen(sut.nonce)).toBe(true);
  });

  it('refuses a missing secret in production only when nonces are required', () => {
    expect(loadDpopConfig({ NODE_ENV: 'production' }, true).nonce).toBeUndefined();
    expect(() => loadDpopConfig({ DPOP_NONCE_REQUIRED: 'true' }, true)).toThrow(
      /DPOP_NONCE_SECRET: is required when NODE_ENV=production/,
    );
  });

  it('uses the public development key in development, and says so', () => {
    const sut = loadDpopConfig({ DPOP_NONCE_REQUIRED: '1' }, false);
    expect(sut.nonce).toEqual({ secret: DEV_DPOP_NONCE_SECRET, windowSeconds: 60 });
    expect(dpopWarnings(sut)).toEqual([expect.stringMatching(/DPOP_NONCE_SECRET is unset/)]);
  });

  it.each([
    ['DPOP_NONCE_SECRET', 'too-short-secret', /at least 32 characters/],
    ['DPOP_NONCE_REQUIRED', 'yes', /must be true or false/],
    ['DPOP_PROOF_MAX_AGE_SECONDS', '4', /from 5 to 300/],
    ['DPOP_PROOF_MAX_AGE_SECONDS', '301', /from 5 to 300/],
    ['DPOP_CLOCK_SKEW_SECONDS', '61', /from 0 to 60/],
    ['DPOP_NONCE_WINDOW_SECONDS', '9', /from 10 to 3600/],
  ])('refuses %s=%s, naming the variable', (name, value, reason) => {
    expect(() => loadDpopConfig({ [name]: value }, false)).toThrow(reason);
    expect(() => loadDpopConfig({ [name]: value }, false)).toThrow(name);
  });
});
