import { VERSIONS } from './paths';
import { ensurePypiTool } from './pypi-tool';

/** datamodel-code-generator's CLI, for the Python SDK's models: from PyPI, once (see pypi-tool.ts). */
export function ensureDatamodelCodegen(): Promise<string> {
  return ensurePypiTool({
    title: "the Python SDK's model generator",
    pypiPackage: 'datamodel-code-generator',
    version: VERSIONS.datamodelCodegen,
    command: 'datamodel-codegen',
  });
}
