// @ts-check
import tseslint from 'typescript-eslint';

/**
 * Who may import what. Lowest first: shared/ (workflow-safe names and types), core/ (rules without I/O),
 * infra/ (configuration, logging, the store, the Temporal client and starters), records/ (store operations the
 * API and the worker share), services/ (the API's use cases); above them api/, activities/ (the worker's),
 * targets/ (config halves for everyone, senders for the worker) and workflows/. A folder imports only from
 * below it; type-only imports may reach up where a type is all that is shared.
 */
const SENDERS = {
  group: ['**/targets/*/sender', '**/targets/sending/*', '**/targets/senders'],
  message: 'Senders belong to the worker: use targets/catalogue.ts (or a type from targets/contract.ts).',
};
const above = (folders, message) => ({
  group: folders.flatMap((folder) => [`../${folder}`, `../${folder}/*`, `../../${folder}`, `../../${folder}/*`]),
  allowTypeImports: true,
  message,
});
const layer = (files, patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });
const layerRules = [
  layer(
    ['shared/**/*.ts'],
    [
      above(
        ['core', 'infra', 'records', 'services', 'api', 'activities', 'targets', 'workflows'],
        'shared/ is workflow-safe: it imports nothing of ours but types.',
      ),
    ],
  ),
  layer(
    ['core/**/*.ts'],
    [
      above(
        ['infra', 'records', 'services', 'api', 'activities', 'targets', 'workflows'],
        'core/ holds rules without I/O: it imports shared/ and core/ only.',
      ),
    ],
  ),
  layer(
    ['infra/**/*.ts'],
    [
      above(
        ['records', 'services', 'api', 'activities', 'targets', 'workflows'],
        'infra/ imports shared/, core/ and infra/ only.',
      ),
    ],
  ),
  layer(
    ['records/**/*.ts'],
    [
      above(
        ['services', 'api', 'activities', 'targets', 'workflows'],
        'records/ imports shared/, core/, infra/ and records/ only.',
      ),
    ],
  ),
  layer(
    ['services/**/*.ts'],
    [
      above(
        ['api', 'activities', 'workflows'],
        "services/ are the API's use cases: they import what is below them and targets' config halves.",
      ),
      SENDERS,
    ],
  ),
  layer(
    ['api/**/*.ts'],
    [above(['activities', 'workflows'], 'The API starts workflows through infra/workflow-starters.ts.'), SENDERS],
  ),
  layer(
    ['activities/**/*.ts'],
    [
      above(
        ['services', 'api'],
        "Activities do not import the API's use cases: move what both need to records/ or core/.",
      ),
    ],
  ),
];

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
  ...layerRules,
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
              group: ['../activities', '../activities/*', '../core/*', '../infra/*', '../infra/*/*', '../records/*'],
              allowTypeImports: true,
              message: 'Workflows import shared/ only; activities, models and ids as types (import type).',
            },
            {
              group: ['../services/*', '../api/*', '../targets/*', '../targets/*/*'],
              message: 'Workflows import shared/ only: move the work to an activity.',
            },
          ],
        },
      ],
    },
  },
);
