import { spawn } from 'node:child_process';
import { VERSIONS } from '../../scripts/devstack/paths';
import { ensurePypiTool } from '../../scripts/devstack/pypi-tool';

export interface Sample {
  /** The series' own name: `x_total`, `x_bucket`, `x_count`, ... */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  /** As the parser names it: a counter's without `_total`. */
  name: string;
  type: string;
  samples: Sample[];
}

/**
 * Prints the families the parser read as JSON; values as Python writes them
 * (`inf` and `nan` are no JSON numbers).
 */
const PARSE = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
families = text_string_to_metric_families(sys.stdin.read())
print(json.dumps([
    {"name": f.name, "type": f.type,
     "samples": [{"name": s.name, "labels": s.labels, "value": repr(float(s.value))} for s in f.samples]}
    for f in families
]))
`;

/**
 * Reads Prometheus' text exposition format with the parser of Prometheus'
 * own Python client (prometheus_client.parser, installed once under
 * .devstack/): the npm parsers drop the labels of labelled histograms
 * (parse-prometheus-text-format's open issue 13). It fails on text it cannot
 * parse.
 */
export async function parsePrometheusText(text: string): Promise<MetricFamily[]> {
  const python = await ensurePypiTool({
    title: "Prometheus' Python client",
    pypiPackage: 'prometheus-client',
    version: VERSIONS.prometheusClient,
    command: 'python',
    folder: `prometheus-client-${VERSIONS.prometheusClient}`,
  });
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(python, ['-c', PARSE], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`The Prometheus parser refused the text: ${stderr}`)),
    );
    child.stdin.end(text);
  });
  const families = JSON.parse(output) as (Omit<MetricFamily, 'samples'> & {
    samples: (Omit<Sample, 'value'> & { value: string })[];
  })[];
  return families.map((family) => ({
    ...family,
    samples: family.samples.map((sample) => ({ ...sample, value: Number(sample.value.replace('inf', 'Infinity')) })),
  }));
}
