import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../devstack/paths';
import { hookflowOpenApiDocument } from '../openapi-document';
import type { GeneratedFiles, SdkGenerator } from './generator';
import { openApiFile } from './openapi-file';
import { pythonSdk } from './python';
import { typescriptSdk } from './typescript';

/** Every generated part of the SDKs, in the order `npm run sdk:generate` writes them. */
export const SDK_GENERATORS: readonly SdkGenerator[] = [openApiFile, typescriptSdk, pythonSdk];

/** What a generator makes from the document the API serves now. */
export function generate(generator: SdkGenerator): Promise<GeneratedFiles> {
  return generator.generate(hookflowOpenApiDocument());
}

function filesUnder(folder: string): string[] {
  const absolute = join(REPO_ROOT, folder);
  let names: string[];
  try {
    names = readdirSync(absolute);
  } catch {
    return [];
  }
  // Python writes its bytecode beside the modules it imports: a cache, not a file a generator no longer makes.
  return names.flatMap((name) => {
    if (name === '__pycache__') return [];
    const path = join(absolute, name);
    return statSync(path).isDirectory() ? filesUnder(relative(REPO_ROOT, path)) : [relative(REPO_ROOT, path)];
  });
}

/** The committed files a generator's output differs from: changed, missing, or no longer made. */
export function staleFiles(generator: SdkGenerator, files: GeneratedFiles): string[] {
  const changed = [...files].filter(([path, text]) => {
    try {
      return readFileSync(join(REPO_ROOT, path), 'utf8') !== text;
    } catch {
      return true;
    }
  });
  const leftOver = generator.folders.flatMap(filesUnder).filter((path) => !files.has(path));
  return [...changed.map(([path]) => path), ...leftOver].sort();
}
