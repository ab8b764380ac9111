import { InvalidRequest } from '@app/oauth';
import {
  DEFAULT_GRANTS_LIMIT,
  encodeGrantCursor,
  grantPageQuery,
  MAX_GRANTS_LIMIT,
} from './grant-page.query';

describe('grantPageQuery', () => {
  it('defaults the limit and starts at the first page', () => {
    expect(grantPageQuery({})).toEqual({ limit: DEFAULT_GRANTS_LIMIT });
    expect(DEFAULT_GRANTS_LIMIT).toBeLessThanOrEqual(MAX_GRANTS_LIMIT);
  });

  it('reads a limit from 1 to the maximum, and a cursor it handed out', () => {
    const after = { expiresAt: 1_700_000_000_123, grantId: 'g-1.x' };
    expect(grantPageQuery({ limit: '1' })).toEqual({ limit: 1 });
    expect(grantPageQuery({ limit: String(MAX_GRANTS_LIMIT) })).toEqual({
      limit: MAX_GRANTS_LIMIT,
    });
    expect(grantPageQuery({ limit: '7', cursor: encodeGrantCursor(after) })).toEqual({
      limit: 7,
      after,
    });
  });

  it('ignores parameters it does not know', () => {
    expect(grantPageQuery({ _: '123' })).toEqual({ limit: DEFAULT_GRANTS_LIMIT });
  });

  it.each([
    ['0', { limit: '0' }],
    ['past the maximum', { limit: String(MAX_GRANTS_LIMIT + 1) }],
    ['huge', { limit: '9'.repeat(40) }],
    ['negative', { limit: '-1' }],
    ['a fraction', { limit: '1.5' }],
    ['empty', { limit: '' }],
    ['with a leading zero', { limit: '07' }],
    ['not a number', { limit: 'ten' }],
    ['given twice', { limit: ['5', '6'] }],
    ['a cursor given twice', { cursor: ['a', 'b'] }],
    ['an empty cursor', { cursor: '' }],
    ['a cursor that is not base64url', { cursor: 'a+b/c=' }],
    ['a cursor without a deadline', { cursor: Buffer.from('g-1').toString('base64url') }],
    ['a cursor with a bad grant id', { cursor: Buffer.from('12.a b').toString('base64url') }],
    ['a cursor far too long', { cursor: 'A'.repeat(300) }],
  ])('refuses a limit or cursor %s with invalid_request', (_, query) => {
    expect(() => grantPageQuery(query)).toThrow(InvalidRequest);
  });
});
