import { parseStrictJson } from './strict-json';

describe('parseStrictJson', () => {
  it.each([
    ['{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}', { a: 1, b: { a: 2 }, c: [{ a: 3 }, { a: 4 }] }],
    ['{"a":"{\\"a\\":1, \\"a\\": 2}"}', { a: '{"a":1, "a": 2}' }],
    ['{"a":["a","a"],"b":"a"}', { a: ['a', 'a'], b: 'a' }],
    ['{"\\\\":1,"\\\\\\"":2}', { '\\': 1, '\\"': 2 }],
    ['{}', {}],
    ['[1,2]', [1, 2]],
    ['"text"', 'text'],
  ])(
    'parses %s: the same name in other objects, in values and in arrays is no repeat',
    (text, value) => {
      expect(parseStrictJson(text)).toEqual(value);
    },
  );

  it.each([
    '{"a":1,"a":2}',
    '{"a":1 ,  "a"\n:\t2}',
    '{"a":1,"\\u0061":2}',
    '{"x":{"b":1,"c":[{"d":1,"d":2}]}}',
    '[{"a":1},{"b":1,"b":1}]',
  ])('refuses %s: a member named twice in one object', (text) => {
    expect(() => parseStrictJson(text)).toThrow(new SyntaxError('an object names a member twice'));
  });

  it('refuses malformed JSON', () => {
    expect(() => parseStrictJson('{"a":')).toThrow(SyntaxError);
  });
});
