/** `npm run build`'s last step: the owner portal, into dist/portal/ (scripts/portal/build.ts). */
import { buildPortal } from './portal/build';

buildPortal().catch((error: unknown) => {
  console.error(`[portal] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
