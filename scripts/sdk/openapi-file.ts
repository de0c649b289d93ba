import type { SdkGenerator } from './generator';

/**
 * The OpenAPI document itself, committed as sdk/openapi/openapi.json: what the SDKs were generated from, for other
 * generators and for reviewing an API change as a diff.
 */
export const openApiFile: SdkGenerator = {
  name: 'OpenAPI document',
  folders: ['sdk/openapi'],
  generate: (document) =>
    Promise.resolve(new Map([['sdk/openapi/openapi.json', `${JSON.stringify(document, null, 2)}\n`]])),
};
