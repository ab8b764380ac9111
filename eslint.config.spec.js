// The project's ESLint configuration holds one rule that guards run-time behaviour rather than
// style: object literals that start with a spread of a plain object and then add keys
// (docs/architecture.md, "Object literals that share a shape"). Linted through the real
// configuration, in a child process (the configuration is an ES module).
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

const ESLINT = join(__dirname, 'node_modules/eslint/bin/eslint.js');

/** The rule messages ESLint gives for `code` as if it were the file `path`, by line. */
function leadingSpreadLines(code, path) {
  let out;
  try {
    out = execFileSync(
      process.execPath,
      [ESLINT, '--stdin', '--stdin-filename', path, '--format', 'json'],
      { cwd: __dirname, input: code, encoding: 'utf8' },
    );
  } catch (e) {
    // ESLint exits 1 when it reports errors; its JSON is still on standard output.
    if (e.status !== 1) throw e;
    out = e.stdout;
  }
  const [result] = JSON.parse(out);
  return result.messages
    .filter((m) => m.ruleId === 'no-restricted-syntax' && m.message.includes('`...{}`'))
    .map((m) => m.line);
}

const SOURCE = [
  'export const a = (x: object) => ({ ...x, y: 1 });',
  'export const b = (c: boolean) => ({ ...(c ? { k: 1 } : {}), y: 1 });',
  'export const ok1 = (x: object) => ({ ...{}, ...x, y: 1 });',
  'export const ok2 = (x: object) => ({ y: 1, ...x });',
  'export const ok3 = (x: object) => ({ ...x });',
  '',
].join('\n');

describe('ESLint: object literals that start with a spread', () => {
  it('refuses a leading spread followed by more properties in service code, and accepts ...{}', () => {
    expect(leadingSpreadLines(SOURCE, 'libs/tokens/src/shape-check.ts')).toEqual([1, 2]);
  });

  it('holds in libs/config too, which reads the environment', () => {
    expect(leadingSpreadLines(SOURCE, 'libs/config/src/shape-check.ts')).toEqual([1, 2]);
  });

  it('leaves specs alone', () => {
    expect(leadingSpreadLines(SOURCE, 'libs/tokens/src/shape-check.spec.ts')).toEqual([]);
  });
});
