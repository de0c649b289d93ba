import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
// What the API process loads: its entry point (main() runs only when it is the entry) and the starters.
import '../api/main';
import '../infra/workflow-starters';

describe('workflow starters', () => {
  it('load no workflow code into the API process: they know workflows by type only', () => {
    const loaded = Object.keys(require.cache).filter((path) => /[\\/]workflows[\\/]/.test(path));
    assert.deepEqual(loaded, []);
  });
});
