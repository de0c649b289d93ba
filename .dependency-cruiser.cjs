/**
 * `npm test` runs `depcruise` with this: no import cycle among the project's
 * modules, type-only imports included (a cycle of types still ties two
 * modules together), except the loops through workflows/, which Temporal's
 * typing makes: workflows name their activities' types, and the starters
 * name the workflows' (neither is loaded at run time). Which folder may
 * import which is eslint.config.mjs's.
 */
module.exports = {
  forbidden: [
    {
      name: 'portal-not-to-server',
      severity: 'error',
      comment: 'The portal runs in the browser: it reaches the server through the API only.',
      from: { path: '^portal/' },
      to: { path: '^(shared|core|infra|records|services|api|activities|targets|workflows|scripts)/|^worker\\.ts$' },
    },
    {
      name: 'sdk-not-to-server',
      severity: 'error',
      comment:
        'The SDKs are packages of their own, and the CLI is built on the TypeScript one: they reach the server through the API only.',
      from: { path: '^(sdk|cli)/' },
      to: {
        path: '^(shared|core|infra|records|services|api|activities|targets|workflows|scripts|test|portal)/|^worker\\.ts$',
      },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other, directly or around a loop: split out what both need.',
      from: {},
      to: { circular: true, viaNot: '^workflows/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: ['^node_modules', '^dist', '^\\.devstack', '^sdk/typescript/dist'] },
  },
};
