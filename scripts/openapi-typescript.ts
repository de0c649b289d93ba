import type { OpenApiDocument } from '../api/openapi';

/**
 * The TypeScript types of every path, operation and schema of the document, as openapi-typescript writes them:
 * the portal's client and the TypeScript SDK both use them.
 */
export async function openApiTypeScript(document: OpenApiDocument): Promise<string> {
  // openapi-typescript is an ES module only.
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const nodes = await openapiTS(document as unknown as Parameters<typeof openapiTS>[0], {
    // A request field with a default may be left out; answers list such fields as required themselves.
    defaultNonNullable: false,
  });
  return astToString(nodes);
}
