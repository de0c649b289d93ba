#!/usr/bin/env node
// `npx hookflow`: the CLI is TypeScript run through tsx, as the rest of the project is (no build step).
// tsx registers its loader first; main.ts is imported after it, so it can be compiled.
import 'tsx';
await import('./main.ts');
