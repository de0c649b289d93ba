import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { PORTAL_API_TYPES_FILE, portalApiTypes } from '../scripts/portal/api-types';

it("the portal's API types are generated from the current OpenAPI document (npm run portal:api-types)", async () => {
  assert.ok(
    readFileSync(PORTAL_API_TYPES_FILE, 'utf8') === (await portalApiTypes()),
    'portal/src/client/openapi.d.ts is stale: run `npm run portal:api-types`',
  );
});
