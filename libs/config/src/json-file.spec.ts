import { locateJsonError, parseJson } from './json-file';

const SECRET = 'MzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDEy';

describe('parseJson', () => {
  it('parses valid JSON', () => {
    expect(parseJson('{"keys": [1, "a"]}', 'keys.json', 'KEYS_FILE')).toEqual({ keys: [1, 'a'] });
  });

  it.each([
    // An unquoted private key value: Node 20's message quotes the text around it.
    [`{"keys": [{"kty": "EC", "d": ${SECRET}}]}`, 'unexpected character at line 1, column 30'],
    [`${SECRET}`, 'unexpected character at line 1, column 1'],
    [`{\n  "client_secret": "${SECRET}"\n  "x": 1\n}`, "expected ',' or '}'"],
    [`{"d": "${SECRET}\u0001"}`, 'control character in a string'],
    [`{"d": "${SECRET}"`, "expected ',' or '}'"],
    [`{"d": "${SECRET}"} ${SECRET}`, 'unexpected content after the JSON value'],
    [`{"d": "${SECRET}\\q"}`, 'bad escape sequence'],
  ])('names the file, the line and the column, never the content %#', (text, reason) => {
    let message = '';
    try {
      parseJson(text, '/run/secrets/keys.json', 'KEYS_FILE');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('Invalid configuration: KEYS_FILE: /run/secrets/keys.json');
    expect(message).toContain(reason);
    expect(message).not.toContain(SECRET.slice(0, 8));
  });
});

describe('locateJsonError', () => {
  it.each([
    ['', 'unexpected end of input', 1, 1],
    ['{"a": 1,\n "b" 2}', "expected ':' after a property name", 2, 6],
    ['[1, 2', "expected ',' or ']' after an array element", 1, 6],
    ['{"a": -}', 'unexpected character', 1, 7],
    ['{a: 1}', 'expected a double-quoted property name', 1, 2],
    ['"\\u12"', 'bad escape sequence in a string', 1, 2],
    ['"abc', 'unterminated string', 1, 5],
  ])('finds the fault in %j', (text, reason, line, column) => {
    expect(locateJsonError(text)).toEqual({ reason, line, column });
  });

  it('agrees with JSON.parse on valid texts', () => {
    for (const text of ['{}', '[]', ' {"a": [true, false, null, -1.5e+3, "\\u00e9\\n"]} ', '0'])
      expect(locateJsonError(text)).toBeUndefined();
  });
});
