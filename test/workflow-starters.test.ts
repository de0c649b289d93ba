import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

describe('workflow starters', () => {
  it('load no workflow code into the API process: they know workflows by type only', () => {
    require('../api/main');
    require('../domain/workflow-starters');
    const loaded = Object.keys(require.cache).filter((path) => /[\\/]workflows[\\/]/.test(path));
    assert.deepEqual(loaded, []);
  });
});
