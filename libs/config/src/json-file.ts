import { readFileSync } from 'node:fs';
import { ConfigError } from './config.error';

/**
 * Reads a JSON file that a variable names (CONFIG_FILE, KEYS_FILE). These files hold secrets,
 * hashes and private keys, so no error quotes their content: a read error gives the file's
 * name and the system's reason, a syntax error the line, the column and what was expected.
 */
export function readJson(file: string, variable: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(variable, `cannot read ${file}${code ? ` (${code})` : ''}`);
  }
  return parseJson(text, file, variable);
}

/**
 * JSON.parse, whose error message is never shown: Node 20's quotes the text around the fault
 * ("Unexpected token 's', "{"d": s3cret…" is not valid JSON"), which would print key material.
 */
export function parseJson(text: string, file: string, variable: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const at = locateJsonError(text);
    const where = at ? `: ${at.reason} at line ${at.line}, column ${at.column}` : '';
    throw new ConfigError(variable, `${file} is not valid JSON${where}`);
  }
}

export interface JsonSyntaxError {
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units. */
  readonly column: number;
  /** What the grammar expected, in fixed words: never a piece of the text. */
  readonly reason: string;
}

class Stop {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = '"\\/bfnrt';

/** Where a text first breaks the JSON grammar (RFC 8259), or undefined if it does not. */
export function locateJsonError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const fail = (reason: string): never => {
    throw new Stop(i, reason);
  };
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const string = (): void => {
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined) return fail('unterminated string');
      if (c === '"') return void i++;
      if (c < ' ') return fail('control character in a string');
      if (c !== '\\') i++;
      else if (text[i + 1] === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
      else if (ESCAPES.includes(text[i + 1] ?? 'u')) i += 2;
      else return fail('bad escape sequence in a string');
    }
  };
  const members = (close: string, member: () => void, expected: string): void => {
    i++;
    space();
    if (text[i] === close) return void i++;
    for (;;) {
      member();
      space();
      if (text[i] === close) return void i++;
      if (text[i] !== ',') return fail(expected);
      i++;
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === undefined) return fail('unexpected end of input');
    if (c === '{') return members('}', property, "expected ',' or '}' after a property value");
    if (c === '[') return members(']', value, "expected ',' or ']' after an array element");
    if (c === '"') return string();
    for (const literal of ['true', 'false', 'null'])
      if (text.startsWith(literal, i)) return void (i += literal.length);
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) return void (i = NUMBER.lastIndex);
    return fail('unexpected character');
  };
  const property = (): void => {
    space();
    if (text[i] !== '"') return fail('expected a double-quoted property name');
    string();
    space();
    if (text[i] !== ':') return fail("expected ':' after a property name");
    i++;
    value();
  };
  try {
    value();
    space();
    if (i < text.length) fail('unexpected content after the JSON value');
    return undefined;
  } catch (e) {
    if (!(e instanceof Stop)) return undefined; // e.g. nesting deeper than the stack
    const before = text.slice(0, e.offset).split('\n');
    return { line: before.length, column: before[before.length - 1]!.length + 1, reason: e.reason };
  }
}
