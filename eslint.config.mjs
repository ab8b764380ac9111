import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const PROCESS_ENV = {
  selector: "MemberExpression[object.name='process'][property.name='env']",
  message: 'Only libs/config reads process.env.',
};
// Node 20's V8 gives an object literal that starts by spreading a non-frozen object and then adds
// properties a hidden class of its own, every time: about 1.2 µs more per object, megamorphic
// property access, and maps in the old generation pointing at young objects, which then survive
// scavenges (docs/architecture.md, "Object literals that share a shape"). Starting with `...{}`
// keeps one shape.
const LEADING_SPREAD = {
  selector:
    "ObjectExpression[properties.length>1] > SpreadElement:first-child:not([argument.type='ObjectExpression'][argument.properties.length=0])",
  message:
    'Start the literal with `...{}` (`{ ...{}, ...x, y }`): after a leading spread of a plain object, V8 gives every result a hidden class of its own (docs/architecture.md).',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-restricted-syntax': ['error', PROCESS_ENV, LEADING_SPREAD],
    },
  },
  {
    // Specs build their fixtures once; their objects' shapes cost nothing that matters.
    files: ['**/*.spec.ts'],
    rules: { 'no-restricted-syntax': ['error', PROCESS_ENV] },
  },
  {
    // libs/config reads the environment for everyone else.
    files: ['libs/config/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { 'no-restricted-syntax': ['error', LEADING_SPREAD] },
  },
  {
    // Tests and the benchmark harness set up environments, and the examples are programs of
    // their own; services read theirs via libs/config.
    files: ['libs/config/**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts', 'examples/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: globals.node,
      sourceType: 'commonjs',
    },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^_' }],
      // Requiring a built-in module by its global's name (crypto, performance) is deliberate.
      'no-redeclare': ['error', { builtinGlobals: false }],
    },
  },
  {
    // The playground's page: plain ES modules run by the browser (libs/playground/assets).
    files: ['libs/playground/assets/**/*.js'],
    languageOptions: { globals: globals.browser, sourceType: 'module' },
  },
  {
    // The checks of scripts/infra and of this configuration run under jest (unit project).
    files: ['scripts/**/*.spec.js', 'eslint.config.spec.js'],
    languageOptions: { globals: globals.jest },
  },
);
