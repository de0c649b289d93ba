/**
 * Hookflow's OpenAPI document built without a running API: the route factories only keep their dependencies until
 * a request comes, and building the document calls no handler, so stubs do. The portal's API types are generated
 * from it (scripts/portal-api-types.ts), and the OpenAPI tests check it.
 */
import type { AppDependencies } from '../api/dependencies';
import { hookflowDocument } from '../api/app';
import { apiRoutes } from '../api/routes';
import { docsRoutes } from '../api/routes/docs';

export const DOCUMENT_ONLY_DEPS = {
  config: { allowPrivateTargets: false, temporal: { taskQueue: 'test' }, maxBodyBytes: 1_000_000, adminKey: 'admin' },
  models: {},
  temporal: {},
  secrets: {},
  logger: {},
  readinessChecks: {},
} as unknown as AppDependencies;

/** The document the API serves at /openapi.json. */
export function hookflowOpenApiDocument(): ReturnType<typeof hookflowDocument> {
  return hookflowDocument([...apiRoutes(DOCUMENT_ONLY_DEPS), ...docsRoutes(() => ({}))]);
}
