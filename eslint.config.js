// ESLint flat config: `npm run lint`, also run by `npm test` before the tests.
// The rules are chosen to catch defects (unused values, promises nobody awaits, hooks used wrongly,
// silenced rules without a reason), not to police style; formatting is left to the author.
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const root = import.meta.dirname;
// The type-aware rules cost about 40 s of the lint's ~70 s of CPU (TypeScript builds both
// programs). MLENS_LINT_FAST=1 skips them for a quick local pass; `npm test` runs everything.
const typed = process.env.MLENS_LINT_FAST !== '1';

// Node globals for the plain .mjs scripts (the `globals` package is not a dependency).
const nodeGlobals = Object.fromEntries(
  [
    'process', 'console', 'Buffer', 'URL', 'URLSearchParams', 'setTimeout', 'clearTimeout', 'setInterval',
    'clearInterval', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'structuredClone', 'fetch',
    'TextEncoder', 'TextDecoder', 'AbortController', 'AbortSignal', 'performance', 'globalThis',
  ].map((name) => [name, 'readonly']),
);

// Every `eslint-disable` comment names the rules it silences and says why after ` -- `.
const DISABLE = /^\s*eslint-disable(?:-next-line|-line)?(?=\s|$)(.*)$/s;
const disableNeedsReason = {
  meta: {
    type: 'suggestion',
    docs: { description: 'an eslint-disable comment names its rules and gives a reason after " -- "' },
    schema: [],
  },
  create(context) {
    return {
      Program() {
        for (const comment of context.sourceCode.getAllComments()) {
          const m = DISABLE.exec(comment.value);
          if (!m) continue;
          const [rules, ...why] = m[1].split(/\s--\s/);
          const problems = [];
          if (!rules.trim()) problems.push('name the rules it silences');
          if (!why.join(' -- ').trim()) problems.push('give the reason after " -- "');
          if (problems.length) context.report({ loc: comment.loc, message: `eslint-disable: ${problems.join(' and ')}` });
        }
      },
    };
  },
};

export default defineConfig(
  {
    ignores: [
      'out/**',
      'node_modules/**',
      'bench-results/**',
      'test-results/**',
      'python/**',
      'test/fixtures/**',
      '.electron-native/**',
      '.mlens/**',
      'dist/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { local: { rules: { 'disable-needs-reason': disableNeedsReason } } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'local/disable-needs-reason': 'error',
      // `_name` marks a parameter or binding that is kept on purpose.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // `cond ? a++ : b++` and `x && f()` are statements here on purpose; a bare `a === b;` still fails.
      '@typescript-eslint/no-unused-expressions': ['error', { allowTernary: true, allowShortCircuit: true }],
      // It only flags `let x = fallback; try { x = read() } catch { … }`, a default kept on purpose.
      'no-useless-assignment': 'off',
    },
  },
  ...(typed
    ? [
        {
          // Type-aware, and only the rules that find lost errors: a promise nobody awaits or catches,
          // a promise where a boolean or a void callback is expected, `await` on a non-promise.
          // (The whole recommendedTypeChecked set is mostly about `any` flowing from JSON; not worth its noise.)
          files: ['**/*.ts', '**/*.tsx'],
          languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: root } },
          rules: {
            '@typescript-eslint/no-floating-promises': 'error',
            '@typescript-eslint/no-misused-promises': 'error',
            '@typescript-eslint/await-thenable': 'error',
          },
        },
      ]
    : []),
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    // Tests read untyped JSON answers and poke browser globals through page.evaluate; `any` there
    // is the honest type. Source code keeps the rule.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Hooks live in .ts files too (useColourBy.ts, useMapSelection.ts).
    files: ['src/renderer/**/*.tsx', 'src/renderer/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
);
