import type { OpenApiDocument } from '../../api/openapi';

/** What a generator writes: repository-relative paths and their contents. */
export type GeneratedFiles = Map<string, string>;

/**
 * One SDK's generated part, made from the OpenAPI document. `npm run sdk:generate` writes it; test/sdk-current.test.ts
 * fails while what is committed differs. `folders`: where only this generator writes, so that a file it no longer
 * makes is removed, and is found stale while it is still there. An entry `folder/prefix*` owns only the folder's files
 * whose names start with the prefix.
 */
export interface SdkGenerator {
  name: string;
  folders: string[];
  generate(document: OpenApiDocument): Promise<GeneratedFiles>;
}
