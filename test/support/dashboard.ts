import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Grafana dashboard docker-compose.yml provisions. */
export const DASHBOARD_FILE = join(__dirname, '..', '..', 'ops', 'grafana', 'dashboards', 'hookflow.json');

export interface DashboardPanel {
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: { expr?: string; datasource?: { uid?: string } }[];
}

export function readDashboard(): { uid: string; panels: DashboardPanel[] } {
  return JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as { uid: string; panels: DashboardPanel[] };
}

/** The series a PromQL expression reads: Hookflow's and the Temporal SDK's, by their prefixes. */
export function seriesIn(expression: string): string[] {
  return [...expression.matchAll(/\b(?:hookflow|temporal)_[a-z0-9_]+/g)].map((match) => match[0]);
}

/** Every series the dashboard's queries read, each once. */
export function dashboardSeries(): string[] {
  const expressions = readDashboard().panels.flatMap((panel) => (panel.targets ?? []).map((t) => t.expr ?? ''));
  return [...new Set(expressions.flatMap(seriesIn))];
}
