/**
 * `npm run sdk:generate`: writes every SDK's generated part from the OpenAPI document (scripts/sdk/generators.ts)
 * and removes what a generator no longer makes. Run it after changing a route; test/sdk-current.test.ts fails
 * while a committed SDK is stale.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './devstack/paths';
import { SDK_GENERATORS, generate, staleFiles } from './sdk/generators';

async function main(): Promise<void> {
  for (const generator of SDK_GENERATORS) {
    const files = await generate(generator);
    const stale = staleFiles(generator, files);
    for (const path of stale) {
      const text = files.get(path);
      const absolute = join(REPO_ROOT, path);
      if (text === undefined) {
        rmSync(absolute);
        console.log(`[sdk] ${generator.name}: removed ${path}`);
      } else {
        mkdirSync(dirname(absolute), { recursive: true });
        writeFileSync(absolute, text);
        console.log(`[sdk] ${generator.name}: wrote ${path}`);
      }
    }
    if (stale.length === 0) console.log(`[sdk] ${generator.name}: up to date`);
  }
}

main().catch((error: unknown) => {
  console.error(`[sdk] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
