/**
 * `tsx bench/profile-summary.ts <file.cpuprofile> [--top 40] [--match text]`:
 * the functions a CPU profile (from `npm run bench -- --profile`) spent its
 * busy time in, inclusive (a sample counts for every frame on its stack, once
 * each), as a share of the thread's busy time. For quoting a profile in a
 * README or an issue without opening DevTools.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function frameName({ functionName, url, lineNumber }: ProfileNode['callFrame']): string {
  const file = url.replace(/.*node_modules\//, '').replace(`file://${process.cwd()}/`, '');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber}`;
}

function summarise(profile: CpuProfile): { busyMs: number; inclusive: [string, number][] } {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let busy = 0;
  const inclusive = new Map<string, number>();
  for (const [id, time] of selfTime) {
    if (nodes.get(id)?.callFrame.functionName === '(idle)') continue;
    busy += time;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const name = frameName((nodes.get(at) as ProfileNode).callFrame);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + time);
    }
  }
  return { busyMs: busy / 1000, inclusive: [...inclusive].sort((a, b) => b[1] - a[1]).map(([n, t]) => [n, t / busy]) };
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '40' }, match: { type: 'string' } },
  });
  const [file] = positionals;
  if (!file) throw new Error('Usage: tsx bench/profile-summary.ts <file.cpuprofile> [--top 40] [--match text]');
  const { busyMs, inclusive } = summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  console.log(`busy ${Math.round(busyMs)} ms`);
  const shown = inclusive.filter(([name]) => !values.match || name.includes(values.match));
  for (const [name, share] of shown.slice(0, Number(values.top))) {
    console.log(`${(share * 100).toFixed(1).padStart(5)}% ${name}`);
  }
}

main();
