import { InvalidRequest } from '../errors';
import {
  fieldsOf,
  isPlainObject,
  optionalFlag,
  optionalList,
  optionalOneOf,
  optionalString,
  optionalSubset,
  requiredString,
  secondsUpTo,
} from './json-fields';

/** The InvalidRequest `fn` throws: its description is what a login app reads. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidRequest);
    return (e as InvalidRequest).description;
  }
  throw new Error('accepted');
}

describe('body fields', () => {
  describe('isPlainObject', () => {
    it('is true for JSON objects and null-prototype objects only', () => {
      expect(isPlainObject({})).toBe(true);
      expect(isPlainObject(JSON.parse('{"a":1}'))).toBe(true);
      expect(isPlainObject(Object.create(null))).toBe(true);
      for (const v of [null, [], 'x', 1, new Date(), new Map(), new (class Body {})()])
        expect(isPlainObject(v)).toBe(false);
    });
  });

  describe('fieldsOf', () => {
    it('refuses a field it does not take, listing those it takes, never the one sent', () => {
      const sut = refusal(() => fieldsOf({ a: 1, sneaky: 2 }, 'the body', ['a', 'b']));
      expect(sut).toBe('the body has a field this request does not take; it takes only a, b');
    });

    it('refuses what is not an object', () => {
      expect(refusal(() => fieldsOf([], 'session', []))).toBe('session must be a JSON object');
    });

    it('refuses an own __proto__ field (as JSON.parse makes one)', () => {
      const body: unknown = JSON.parse('{"a":1,"__proto__":{"b":2}}');
      expect(refusal(() => fieldsOf(body, 'the body', ['a', 'b']))).toContain('it takes only');
    });
  });

  it('reads null as absent', () => {
    const o = { s: null, f: null, n: null, l: null, e: null };
    expect(optionalString(o, 's', /x/, 'rule')).toBeUndefined();
    expect(optionalFlag(o, 'f')).toBeUndefined();
    expect(secondsUpTo(o, 'n', 10)).toBe(10);
    expect(optionalList(o, 'l', /x/, 1, 'rule')).toBeUndefined();
    expect(optionalOneOf(o, 'e', ['a'])).toBeUndefined();
  });

  it('requiredString names the field that is missing or breaks its rule', () => {
    expect(refusal(() => requiredString({}, 'subject', /^a$/, 'must be a'))).toBe(
      'subject is required',
    );
    expect(refusal(() => requiredString({ subject: 'b' }, 'subject', /^a$/, 'must be a'))).toBe(
      'subject must be a',
    );
  });

  describe('secondsUpTo', () => {
    it('takes 0 and absence as the cap', () => {
      expect(secondsUpTo({}, 'n', 100)).toBe(100);
      expect(secondsUpTo({ n: 0 }, 'n', 100)).toBe(100);
      expect(secondsUpTo({ n: 1 }, 'n', 100)).toBe(1);
      expect(secondsUpTo({ n: 100 }, 'n', 100)).toBe(100);
    });

    it.each([101, -1, 0.5, NaN, Infinity, '5', true])('refuses %p', (n) => {
      expect(refusal(() => secondsUpTo({ n }, 'n', 100))).toBe(
        'n must be a whole number of seconds from 0 to 100',
      );
    });
  });

  describe('optionalList', () => {
    const list = (v: unknown) => optionalList({ l: v }, 'l', /^[a-z]+$/, 2, 'of letters');

    it('keeps distinct values of the syntax, up to the limit', () => {
      expect(list(['a', 'b'])).toEqual(['a', 'b']);
      expect(list([])).toEqual([]);
    });

    it.each([[['a', 'a']], [['a', 'b', 'c']], [['A']], [[1]], ['a'], [{}]])('refuses %j', (v) => {
      expect(refusal(() => list(v))).toBe(
        'l must be an array of at most 2 distinct strings, each of letters',
      );
    });
  });

  describe('optionalSubset', () => {
    const offered = ['openid', 'profile', 'email'];
    const subset = (v: unknown) => optionalSubset({ s: v }, 's', offered, 'requested_scope');

    it('answers in the order offered, whatever order it is given', () => {
      expect(subset(['email', 'openid'])).toEqual(['openid', 'email']);
    });

    it('refuses a value not offered', () => {
      expect(refusal(() => subset(['openid', 'phone']))).toBe(
        's may hold only values of requested_scope',
      );
    });

    it('refuses repeats and non-arrays', () => {
      expect(refusal(() => subset(['openid', 'openid']))).toBe(
        's must be an array of distinct strings',
      );
      expect(refusal(() => subset('openid'))).toBe('s must be an array of distinct strings');
    });
  });

  it('optionalOneOf lists the values it takes', () => {
    expect(optionalOneOf({ e: 'b' }, 'e', ['a', 'b'])).toBe('b');
    expect(refusal(() => optionalOneOf({ e: 'c' }, 'e', ['a', 'b']))).toBe('e must be one of a, b');
  });
});
