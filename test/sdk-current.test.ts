import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SDK_GENERATORS, generate, staleFiles } from '../scripts/sdk/generators';

describe('The committed SDKs', () => {
  for (const generator of SDK_GENERATORS) {
    it(`match the OpenAPI document the API serves now: ${generator.name}`, async () => {
      const files = await generate(generator);
      assert.ok(files.size > 0, 'the generator makes something');
      assert.deepEqual(staleFiles(generator, files), [], 'stale: run `npm run sdk:generate` and commit what it writes');
    });
  }
});
