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
    exclude: { path: ['^node_modules', '^dist', '^\\.devstack'] },
  },
};
