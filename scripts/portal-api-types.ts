/**
 * `npm run portal:api-types`: writes the portal's API types (portal/src/client/openapi.d.ts) from Hookflow's
 * OpenAPI document, with openapi-typescript. Run it after changing a route; test/portal-api-types.test.ts fails
 * while the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { PORTAL_API_TYPES_FILE, portalApiTypes } from './portal/api-types';

portalApiTypes().then(
  (text) => {
    writeFileSync(PORTAL_API_TYPES_FILE, text);
    console.log(`[portal] wrote ${PORTAL_API_TYPES_FILE}`);
  },
  (error: unknown) => {
    console.error(`[portal] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
