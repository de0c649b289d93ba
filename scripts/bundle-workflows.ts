/**
 * Writes the workflow bundle the worker loads when HOOKFLOW_WORKFLOW_BUNDLE
 * names it, and beside it its traced twin (tracedWorkflowBundle), which a
 * worker that traces loads instead: `tsx scripts/bundle-workflows.ts [file]`
 * (default dist/workflow-bundle.js). `npm run build` runs it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { tracedWorkflowBundle } from '../infra/config';
import { REPO_ROOT } from './devstack/paths';

/** workflows/ bundled with the given workflow interceptor modules, into `file`. */
async function writeBundle(file: string, workflowInterceptorModules: string[]): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(REPO_ROOT, 'workflows'),
    workflowInterceptorModules,
  });
  writeFileSync(file, code);
}

export async function writeWorkflowBundle(file: string): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  await writeBundle(file, []);
  await writeBundle(tracedWorkflowBundle(file), [join(REPO_ROOT, 'workflows', 'tracing-interceptors')]);
}

if (require.main === module) {
  const file = resolve(process.argv[2] ?? join(REPO_ROOT, 'dist', 'workflow-bundle.js'));
  writeWorkflowBundle(file).then(
    () => console.log(`workflow bundles written to ${file} and ${tracedWorkflowBundle(file)}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
