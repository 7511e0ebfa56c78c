// Lint: typescript-eslint's recommended rules, no import cycles, and the layer boundaries of
// docs/architecture.md enforced by resolved path (import-x/no-restricted-paths), so a newcomer's
// `core` → `api` import fails here rather than in review.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const OUTSIDE_CORE = [
  './api',
  './dashboard',
  './temporal',
  './scripts',
  './workflows',
  './activities',
  './widget',
  './tests',
  './bench',
];

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'build/**', 'widget/dist/**', '.data/**', 'coverage/**', 'dashboard/public/build/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            // core is the bottom layer: config, data access, adapters, services.
            { target: './core', from: OUTSIDE_CORE, message: 'core/ imports nothing from the layers above it.' },
            // Workflows run in Temporal's sandbox: orchestration only, no I/O modules.
            {
              target: './workflows',
              from: [
                './api',
                './dashboard',
                './scripts',
                './activities/parse',
                './core/db',
                './core/adapters',
                './tests',
              ],
              message: 'workflows/ only orchestrate.',
            },
            { target: './activities', from: ['./api', './dashboard', './scripts', './tests', './widget'] },
            { target: './temporal', from: ['./api', './dashboard', './scripts', './tests', './widget'] },
            { target: './api', from: ['./dashboard/app', './scripts', './tests'] },
            {
              target: './widget/src',
              from: ['./api', './dashboard', './temporal', './scripts', './workflows', './activities', './tests'],
            },
            // Product code never reaches into test support.
            {
              target: ['./core', './api', './dashboard/app', './temporal', './workflows', './activities', './scripts'],
              from: ['./tests'],
              except: [],
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
      'no-control-regex': 'off',
    },
  },
  {
    // Tests and benches may import test support and product code alike; their own rules still apply.
    files: ['**/*.test.ts', 'tests/**', 'bench/**'],
    rules: { 'import-x/no-restricted-paths': 'off' },
  },
);
