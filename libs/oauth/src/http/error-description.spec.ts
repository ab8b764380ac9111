import { Logger } from '@nestjs/common';
import {
  FALLBACK_DESCRIPTION,
  isSafeErrorDescription,
  MAX_DESCRIPTION_LENGTH,
  safeErrorDescription,
} from './error-description';

/** Every character RFC 6749 §5.2 allows in error_description: %x20-21 / %x23-5B / %x5D-7E. */
const ALLOWED = Array.from({ length: 0x7f }, (_, c) => String.fromCharCode(c))
  .filter((ch) => /[\x20-\x21\x23-\x5b\x5d-\x7e]/.test(ch))
  .join('');

describe('safeErrorDescription', () => {
  const sut = safeErrorDescription;
  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('keeps a description made only of allowed characters', () => {
    expect(ALLOWED).toHaveLength(0x7e - 0x20 + 1 - 2);
    for (let i = 0; i < ALLOWED.length; i += 50) {
      const chunk = ALLOWED.slice(i, i + 50);
      expect(sut('invalid_request', chunk)).toBe(chunk);
    }
    expect(sut('invalid_request', 'the token parameter is required')).toBe(
      'the token parameter is required',
    );
  });

  it.each([
    ['a double quote (%x22)', 'parameter "x" is repeated'],
    ['a backslash (%x5C)', 'a\\b'],
    ['a control character', 'a\u0000b'],
    ['a line break', 'a\r\nb'],
    ['DEL (%x7F)', 'a\u007fb'],
    ['a non-ASCII character', 'caf\u00e9'],
    ['a right-to-left override', 'a\u202eb'],
    ['an astral character', 'a\ud83d\ude00'],
  ])('replaces the whole description when it holds %s', (_case, description) => {
    expect(sut('invalid_request', description)).toBe(FALLBACK_DESCRIPTION);
  });

  it(`replaces a description longer than ${MAX_DESCRIPTION_LENGTH} characters`, () => {
    expect(sut('invalid_request', 'a'.repeat(MAX_DESCRIPTION_LENGTH))).toHaveLength(
      MAX_DESCRIPTION_LENGTH,
    );
    expect(sut('invalid_request', 'a'.repeat(MAX_DESCRIPTION_LENGTH + 1))).toBe(
      FALLBACK_DESCRIPTION,
    );
  });

  it('logs the replacement without the offending text', () => {
    const warn = jest.mocked(Logger.prototype.warn);
    sut('invalid_scope', 'scope "secret\u0001value" is not allowed');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toContain('invalid_scope');
    expect(String(warn.mock.calls[0]![0])).not.toContain('secret');
  });

  it('has a fallback that passes its own check', () => {
    expect(sut('invalid_request', FALLBACK_DESCRIPTION)).toBe(FALLBACK_DESCRIPTION);
  });
});

describe('isSafeErrorDescription', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('says beforehand whether safeErrorDescription would send a description as it is', () => {
    const cases = [ALLOWED.slice(0, 50), 'a"b', 'a\\b', 'a\nb', 'caf\u00e9', 'a'.repeat(201), ''];
    for (const description of cases)
      expect(isSafeErrorDescription(description)).toBe(
        safeErrorDescription('access_denied', description) === description,
      );
    expect(isSafeErrorDescription('a'.repeat(MAX_DESCRIPTION_LENGTH))).toBe(true);
    expect(isSafeErrorDescription('a'.repeat(MAX_DESCRIPTION_LENGTH + 1))).toBe(false);
  });
});
