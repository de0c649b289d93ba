/**
 * Writes the workflow bundle the worker loads when HOOKFLOW_WORKFLOW_BUNDLE
 * names it: `tsx scripts/bundle-workflows.ts [file]` (default
 * dist/workflow-bundle.js). `npm run build` runs it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { REPO_ROOT } from './devstack/paths';

export async function writeWorkflowBundle(file: string): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(REPO_ROOT, 'workflows'),
    // Inert in a worker that does not trace (see the module): one bundle serves both.
    workflowInterceptorModules: [join(REPO_ROOT, 'workflows', 'tracing-interceptors')],
  });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, code);
}

if (require.main === module) {
  const file = resolve(process.argv[2] ?? join(REPO_ROOT, 'dist', 'workflow-bundle.js'));
  writeWorkflowBundle(file).then(
    () => console.log(`workflow bundle written to ${file}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
