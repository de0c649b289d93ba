import { VERSIONS } from './paths';
import { ensurePypiTool } from './pypi-tool';

/** The schemathesis CLI, for the API fuzz test: from PyPI, once (see pypi-tool.ts). */
export function ensureSchemathesis(): Promise<string> {
  return ensurePypiTool({
    title: 'schemathesis',
    pypiPackage: 'schemathesis',
    version: VERSIONS.schemathesis,
    command: 'schemathesis',
  });
}
