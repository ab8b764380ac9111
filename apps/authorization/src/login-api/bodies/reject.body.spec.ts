import { DENIAL_ERRORS } from '@app/events';
import { rejection } from './reject.body';

describe('rejection', () => {
  it('is access_denied without a description by default', () => {
    expect(rejection({})).toStrictEqual({ kind: 'rejected', error: 'access_denied' });
    expect(rejection({ error: null, error_description: null })).toStrictEqual({
      kind: 'rejected',
      error: 'access_denied',
    });
  });

  it.each(DENIAL_ERRORS)('takes %s with a description', (error) => {
    expect(rejection({ error, error_description: 'No, thank you.' })).toStrictEqual({
      kind: 'rejected',
      error,
      errorDescription: 'No, thank you.',
    });
  });

  it.each(['invalid_request', 'server_error', 'ACCESS_DENIED', ''])(
    'refuses the error %p',
    (error) => {
      expect(() => rejection({ error })).toThrow(
        `error must be one of ${DENIAL_ERRORS.join(', ')}`,
      );
    },
  );

  it('takes a description of 200 characters of the RFC 6749 set', () => {
    const description = `${' !#$[]^~'}${'a'.repeat(192)}`;
    expect(rejection({ error_description: description }).errorDescription).toBe(description);
  });

  it.each([
    ['empty', ''],
    ['201 characters', 'a'.repeat(201)],
    ['a double quote', 'say "no"'],
    ['a backslash', 'a\\b'],
    ['a line break', 'a\nb'],
    ['non-ASCII', 'refusé'],
    ['a number', 5],
  ])('refuses a description with %s: it goes to the client as it is', (_what, description) => {
    expect(() => rejection({ error_description: description })).toThrow(
      'error_description must be 1 to 200 printable ASCII characters without double quote or backslash',
    );
  });

  it('refuses other fields', () => {
    expect(() => rejection({ error: 'access_denied', status_code: 403 })).toThrow(
      'it takes only error, error_description',
    );
  });
});
