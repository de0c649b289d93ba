// @ts-check
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.devstack/',
      'scripts/bootstrap.cjs',
      'eslint.config.mjs',
      '.dependency-cruiser.cjs',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe() and it() return promises the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test'] }] },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read JSON answers as the client would: loosely typed, checked by assertions instead.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // A target type's config half (and what derives from it) is the API's too: no I/O, no sender code.
    // Each type's index.ts names its sender with a dynamic import(), which only the worker runs.
    files: ['targets/**/*.ts'],
    ignores: ['targets/*/sender.ts', 'targets/sending/**', 'targets/senders.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['./sender', './sender.js', '../sending/*', './sending/*', './senders', '../senders'],
              message: "A target type's config half must not load sender code: the API imports it.",
            },
            {
              group: ['nodemailer', 'undici', 'node:net', 'node:dns*', 'node:http', 'node:https', '../activities/*'],
              allowTypeImports: true,
              message: "A target type's config half must not do I/O: the API imports it.",
            },
          ],
        },
      ],
    },
  },
  {
    // Senders are the worker's: the API side reaches target types through targets/catalogue.ts only.
    files: ['api/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/targets/*/sender', '**/targets/sending/*', '**/targets/senders'],
              message: 'Senders belong to the worker: use targets/catalogue.ts (or a type from targets/contract.ts).',
            },
          ],
        },
      ],
    },
  },
  {
    // Workflow code is replayed: it must be deterministic, so no I/O and no Node built-ins.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Workflows must not use Node built-ins: move the work to an activity.' },
            {
              group: ['mongoose', 'express', 'undici', 'nodemailer', 'pino', 'fs', 'http', 'https', 'net', 'crypto'],
              message: 'Workflows must not do I/O: move the work to an activity.',
            },
            {
              group: ['../activities', '../activities/*', '../domain/models*', '../domain/mongo', '../domain/config'],
              allowTypeImports: true,
              message: 'Import activities and models as types only (import type).',
            },
            {
              group: ['../domain/workflow-starters'],
              message: 'Workflows start other workflows with executeChild; the starters are for clients.',
            },
          ],
        },
      ],
    },
  },
);
