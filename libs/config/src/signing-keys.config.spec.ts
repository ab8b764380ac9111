import { randomBytes } from 'node:crypto';
import { loadSigningKeysConfig, signingKeysWarnings } from './signing-keys.config';

describe('loadSigningKeysConfig', () => {
  it('defaults to no KEK and a short pre-publication delay in development, 10 min in production', () => {
    expect(loadSigningKeysConfig({}, false)).toEqual({ prepublicationSeconds: 10 });
    expect(loadSigningKeysConfig({}, true)).toEqual({ prepublicationSeconds: 600 });
  });

  it('reads a 32-byte base64url KEYS_KEK', () => {
    const bytes = randomBytes(32);
    const sut = loadSigningKeysConfig({ KEYS_KEK: bytes.toString('base64url') }, false);
    expect(sut.kek?.equals(bytes)).toBe(true);
  });

  it.each([
    ['too short', randomBytes(16).toString('base64url')],
    ['padded base64', randomBytes(32).toString('base64')],
    ['too long', randomBytes(33).toString('base64url')],
  ])('refuses a malformed KEYS_KEK (%s) without quoting it', (_, value) => {
    expect(() => loadSigningKeysConfig({ KEYS_KEK: value }, false)).toThrow(
      'Invalid configuration: KEYS_KEK: must be 32 bytes in base64url (43 characters)',
    );
    try {
      loadSigningKeysConfig({ KEYS_KEK: value }, false);
    } catch (e) {
      expect((e as Error).message).not.toContain(value);
    }
  });

  it('refuses a pre-publication delay shorter than the JWKS cache plus refetch interval in production', () => {
    expect(loadSigningKeysConfig({ KEY_PREPUBLICATION_SECONDS: '1' }, false)).toEqual({
      prepublicationSeconds: 1,
    });
    expect(() => loadSigningKeysConfig({ KEY_PREPUBLICATION_SECONDS: '60' }, true)).toThrow(
      /KEY_PREPUBLICATION_SECONDS: must be an integer from 90 to 604800/,
    );
    expect(loadSigningKeysConfig({ KEY_PREPUBLICATION_SECONDS: '90' }, true)).toEqual({
      prepublicationSeconds: 90,
    });
  });

  it('warns in development when keys would sit unencrypted in a shared store', () => {
    const plain = loadSigningKeysConfig({}, false);
    expect(signingKeysWarnings(plain, true)).toEqual([expect.stringMatching(/^KEYS_KEK is unset/)]);
    expect(signingKeysWarnings(plain, false)).toEqual([]);
    const kek = randomBytes(32).toString('base64url');
    expect(signingKeysWarnings(loadSigningKeysConfig({ KEYS_KEK: kek }, false), true)).toEqual([]);
  });
});
