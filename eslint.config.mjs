// ESLint (flat config): typed code without escape hatches, and the dependency direction of
// docs/ARCHITECTURE.md (addin → ledger ← server, web → ledger; ledger imports only itself and zod).
// `npm run lint` (part of `npm test`) fails on any warning.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** no-restricted-imports patterns: a relative import that lands in one of `folders`. */
const into = (folders, message) => ({ regex: `(^|/)\\.\\.?/(\\.\\./)*(${folders.join('|')})(/|$)`, message });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', '**/*.js', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      'no-empty': ['error', { allowEmptyCatch: true }],
      // zh-CN text legitimately holds full-width spaces; outside text they are still refused.
      'no-irregular-whitespace': ['error', { skipStrings: true, skipTemplates: true, skipRegExps: true, skipComments: true, skipJSXText: true }],
    },
  },
  {
    files: ['ledger/**/*.ts', 'server/**/*.ts', 'addin/**/*.{ts,tsx}', 'web/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
    },
  },
  {
    files: ['ledger/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(?!zod$)(?!\\.{1,2}/)', message: 'ledger/ is the pure core: it imports only itself and zod (no Node built-ins, no I/O libraries).' },
            into(['server', 'addin', 'web', 'bench', 'tests'], 'ledger/ imports only ledger/: the shells depend on the core, never the reverse.'),
          ],
        },
      ],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [into(['addin', 'web'], 'server/ never imports the add-in or the web page: share schemas through ledger/api.')] }] },
  },
  {
    files: ['addin/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [into(['server', 'web'], 'addin/ reaches the server over HTTP only: share schemas through ledger/api.')] }] },
  },
  {
    files: ['web/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [into(['server', 'addin'], 'web/ imports only ledger/ and itself.')] }] },
  },
  {
    files: ['addin/**/*.tsx', 'web/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: ['tests/**/*.{ts,tsx}', 'bench/**/*.ts'],
    rules: {
      // Tests read untyped JSON answers and build fixtures; the shells' strictness does not apply.
      '@typescript-eslint/no-explicit-any': 'off',
      // Fixtures load modules lazily (jest.isolateModules, optional packages) and fake Office.js proxies.
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-this-alias': 'off',
    },
  },
);
