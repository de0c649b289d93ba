import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { REPO_ROOT } from '../devstack/paths';
import { hookflowOpenApiDocument } from '../openapi-document';
import type { GeneratedFiles, SdkGenerator } from './generator';
import { goSdk } from './go';
import { openApiFile } from './openapi-file';
import { pythonSdk } from './python';
import { typescriptSdk } from './typescript';

/** Every generated part of the SDKs, in the order `npm run sdk:generate` writes them. */
export const SDK_GENERATORS: readonly SdkGenerator[] = [openApiFile, typescriptSdk, pythonSdk, goSdk];

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

/**
 * The files a `folders` entry names: a folder's, recursively; or, for `folder/prefix*`, that folder's files whose
 * names start with the prefix (Go's generated files sit in the package's folder, beside the hand-written ones).
 */
function ownedFiles(entry: string): string[] {
  if (!entry.endsWith('*')) return filesUnder(entry);
  const prefix = basename(entry).slice(0, -1);
  return filesUnder(dirname(entry)).filter(
    (path) => dirname(path) === dirname(entry) && basename(path).startsWith(prefix),
  );
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
  const leftOver = generator.folders.flatMap(ownedFiles).filter((path) => !files.has(path));
  return [...changed.map(([path]) => path), ...leftOver].sort();
}
