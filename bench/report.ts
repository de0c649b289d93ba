import type { runBaseline, runFanOut } from './scenarios/fanout';
import type { runFailures } from './scenarios/failures';
import type { runIsolation } from './scenarios/isolation';
import { RATIO_FLOOR_MS, type runScale } from './scenarios/scale';
import type { runStream } from './scenarios/stream';
import { round } from './stats';

export interface ScenarioResults {
  baseline?: Awaited<ReturnType<typeof runBaseline>>[];
  fanout?: Awaited<ReturnType<typeof runFanOut>>[];
  stream?: Awaited<ReturnType<typeof runStream>>;
  failures?: Awaited<ReturnType<typeof runFailures>>[];
  scale?: Omit<Awaited<ReturnType<typeof runScale>>, 'storeUrl'>;
  isolation?: Awaited<ReturnType<typeof runIsolation>>;
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

/** The issue's targets, checked against this run's figures; a target whose scenario did not run is left out. */
export function checkTargets(results: ScenarioResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const fanout10k = results.fanout?.find((run) => run.hooks === 10_000);
  const baseline10k = results.baseline?.find((run) => run.hooks === 10_000);
  if (fanout10k && baseline10k) {
    const efficiency = fanout10k.deliveriesPerSecond / baseline10k.deliveriesPerSecond;
    checks.push({
      target: 'fan-out efficiency at 10,000 hooks ≥ 0.5 of the baseline',
      measured: `${round(efficiency, 2)} (${fanout10k.deliveriesPerSecond}/s vs ${baseline10k.deliveriesPerSecond}/s)`,
      met: efficiency >= 0.5,
    });
  }
  const largest = results.fanout?.at(-1);
  if (largest) {
    checks.push({
      target: 'history events per delivery, all-success fan-out ≤ 0.2',
      measured: `${round(largest.historyEventsPerDelivery, 4)} at ${largest.hooks} hooks`,
      met: largest.historyEventsPerDelivery <= 0.2,
    });
    checks.push({
      target: 'MongoDB round trips per delivery ≤ 0.1',
      measured: `${round(largest.mongoCommandsPerDelivery, 4)} at ${largest.hooks} hooks`,
      met: largest.mongoCommandsPerDelivery <= 0.1,
    });
  }
  const at50 = results.stream?.runs.find((run) => run.rate === 50);
  if (at50) {
    checks.push({
      target: 'stream at 50 events/s: p99 from 202 to receipt ≤ 250 ms, no backlog growth',
      measured: `p99 ${at50.latency.p99Ms} ms, drained ${at50.drainMs} ms after the last event`,
      met: at50.latency.p99Ms <= 250 && at50.sustained,
    });
  }
  const huge = results.fanout?.find((run) => run.hooks === 100_000);
  if (huge) {
    checks.push({
      target: '100,000-hook fan-out: worker RSS ≤ 500 MB, no history over 10,240 events',
      measured: `${round(huge.peakRss.workerMb, 0)} MB, largest history ${huge.largestHistory} events`,
      met: huge.peakRss.workerMb <= 500 && huge.largestHistory <= 10_240,
    });
  }
  if (results.scale) {
    const { volume, queries } = results.scale;
    const over = queries.filter((query) => query.cpuRatio > 2);
    checks.push({
      target: `hot queries at ${volume.deliveries.toLocaleString('en')} deliveries: server CPU ≤ 2x the empty store's (under ${RATIO_FLOOR_MS} ms counts as ${RATIO_FLOOR_MS})`,
      measured:
        over.length === 0
          ? `all ${queries.length} within, largest ${Math.max(...queries.map((query) => query.cpuRatio))}x`
          : over.map((query) => `${query.name} ${query.cpuRatio}x`).join(', '),
      met: over.length === 0,
    });
  }
  const { isolation } = results;
  if (isolation) {
    checks.push({
      target: `${isolation.rate} events/s of one owner beside ${isolation.bigEvents} fan-outs to another's ${isolation.bigHooks.toLocaleString('en')} hooks: p50 and p99 within 2x of alone`,
      measured: `p50 ${isolation.p50Ratio}x, p99 ${isolation.p99Ratio}x (p99 ${isolation.alone.latency.p99Ms} -> ${isolation.besideBigOwner.latency.p99Ms} ms)`,
      met: isolation.p50Ratio <= 2 && isolation.p99Ratio <= 2,
    });
  }
  return checks;
}

/** A share of one CPU core. */
function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The run as Markdown tables, for the terminal and the README. */
export function renderTables(results: ScenarioResults, targets: TargetCheck[]): string {
  const parts: string[] = [];
  if (results.fanout || results.baseline) {
    const sizes = [...new Set([...(results.baseline ?? []), ...(results.fanout ?? [])].map((run) => run.hooks))];
    parts.push(
      table(
        [
          'fan-out',
          'platform',
          'baseline',
          'ratio',
          'history ev./delivery',
          'db commands/delivery',
          'worker / API peak RSS',
          'receiver busy (platform / baseline)',
        ],
        sizes.map((hooks) => {
          const platform = results.fanout?.find((run) => run.hooks === hooks);
          const baseline = results.baseline?.find((run) => run.hooks === hooks);
          return [
            `${hooks.toLocaleString('en')} hooks`,
            platform ? `${platform.deliveriesPerSecond}/s (${round(platform.elapsedMs / 1000, 2)} s)` : '-',
            baseline ? `${baseline.deliveriesPerSecond}/s` : '-',
            platform && baseline ? round(platform.deliveriesPerSecond / baseline.deliveriesPerSecond, 2) : '-',
            platform ? round(platform.historyEventsPerDelivery, 4) : '-',
            platform ? round(platform.mongoCommandsPerDelivery, 4) : '-',
            platform ? `${round(platform.peakRss.workerMb, 0)} / ${round(platform.peakRss.apiMb, 0)} MB` : '-',
            `${platform ? percent(platform.receiverBusy) : '-'} / ${baseline ? percent(baseline.receiverBusy) : '-'}`,
          ];
        }),
      ),
    );
  }
  if (results.stream) {
    parts.push(
      table(
        [
          'stream (5 hooks/event)',
          'accepted',
          'p50',
          'p95',
          'p99',
          'max',
          'drain',
          'history ev./delivery',
          'db commands/delivery',
          'receiver busy',
        ],
        results.stream.runs.map((run) => [
          `${run.rate} events/s, ${run.durationS} s`,
          `${run.acceptedPerSecond}/s`,
          `${run.latency.p50Ms} ms`,
          `${run.latency.p95Ms} ms`,
          `${run.latency.p99Ms} ms`,
          `${run.latency.maxMs} ms`,
          run.drainMs === undefined ? `${run.arrived} of ${run.deliveries} in a minute` : `${run.drainMs} ms`,
          run.historyEventsPerDelivery === undefined ? '-' : round(run.historyEventsPerDelivery, 3),
          run.mongoCommandsPerDelivery === undefined ? '-' : round(run.mongoCommandsPerDelivery, 3),
          percent(run.receiverBusy),
        ]),
      ),
      `Highest rate sustained (ramp: ${results.stream.ramp.map((step) => `${step.rate}/s ${step.sustained ? 'ok' : 'backlog'}`).join(', ') || 'not run'}): ${results.stream.highestSustainedRate} events/s`,
    );
  }
  if (results.failures) {
    parts.push(
      table(
        [
          'failures (10 % fail once)',
          'first pass',
          'all succeeded',
          'requests',
          'history ev./delivery',
          'db commands/delivery',
          'receiver busy',
        ],
        results.failures.map((run) => [
          `${run.hooks} hooks, retry ${run.retrySchedule}`,
          `${round(run.firstPassMs / 1000, 2)} s`,
          `${round(run.allSucceededMs / 1000, 2)} s`,
          run.requests,
          round(run.historyEventsPerDelivery, 3),
          round(run.mongoCommandsPerDelivery, 3),
          percent(run.receiverBusy),
        ]),
      ),
    );
  }
  if (results.scale) {
    const { volume, preload } = results.scale;
    parts.push(
      table(
        ['hot query (server CPU / wall per call)', 'empty store', 'preloaded', 'CPU ratio', 'wall ratio'],
        results.scale.queries.map((query) => [
          query.name,
          `${query.empty.cpuMsPerCall} / ${query.empty.wallMsPerCall} ms`,
          `${query.preloaded.cpuMsPerCall} / ${query.preloaded.wallMsPerCall} ms${query.preloaded.calls === 1 ? ' (1 call)' : ''}`,
          query.cpuRatio > 2 ? `**${query.cpuRatio}x**` : `${query.cpuRatio}x`,
          `${query.wallRatio}x`,
        ]),
      ),
      `Preloaded ${volume.deliveries.toLocaleString('en')} deliveries, ${volume.events.toLocaleString('en')} events, ${volume.hooks.toLocaleString('en')} hooks of other owners in ${preload.seconds} s (${preload.databaseCpuSeconds} s of database CPU).`,
    );
  }
  const { isolation } = results;
  if (isolation) {
    const row = (name: string, phase: typeof isolation.alone) => [
      name,
      `${phase.latency.p50Ms} ms`,
      `${phase.latency.p99Ms} ms`,
      `${phase.latency.maxMs} ms`,
      phase.bigOwnerDeliveries === 0
        ? '-'
        : `${phase.bigOwnerDeliveries.toLocaleString('en')}, ${phase.bigOwnerFirstArrivalS}-${phase.bigOwnerLastArrivalS} s`,
    ];
    parts.push(
      table(
        [
          `isolation: ${isolation.rate} events/s, ${isolation.durationS} s, ${isolation.hooksPerEvent} hooks/event`,
          'p50',
          'p99',
          'max',
          "big owner's deliveries, arriving at",
        ],
        [
          row('alone', isolation.alone),
          row(
            `beside ${isolation.bigEvents} events to ${isolation.bigHooks.toLocaleString('en')} hooks`,
            isolation.besideBigOwner,
          ),
          ['ratio', `${isolation.p50Ratio}x`, `${isolation.p99Ratio}x`, '', ''],
        ],
      ),
    );
  }
  const cpuRows: [string, Record<string, number> | undefined][] = [
    ...(results.fanout ?? []).map((run): [string, Record<string, number>] => [
      `fanout ${run.hooks}`,
      run.cpuMsPerDelivery,
    ]),
    ...(results.stream?.runs ?? []).map((run): [string, Record<string, number> | undefined] => [
      `stream ${run.rate}/s`,
      run.cpuMsPerDelivery,
    ]),
    ...(results.failures ?? []).map((run): [string, Record<string, number>] => [
      `failures ${run.hooks}`,
      run.cpuMsPerDelivery,
    ]),
  ];
  if (cpuRows.some(([, cpu]) => cpu)) {
    const processes = ['worker', 'api', 'temporal', 'database'];
    parts.push(
      table(
        ['CPU ms per delivery', ...processes, 'all'],
        cpuRows
          .flatMap(([name, cpu]) => (cpu ? [[name, cpu] as const] : []))
          .map(([name, cpu]) => [
            name,
            ...processes.map((process) => cpu[process] ?? '-'),
            round(
              Object.values(cpu).reduce((sum, ms) => sum + ms, 0),
              3,
            ),
          ]),
      ),
    );
  }
  if (targets.length > 0) {
    parts.push(
      table(
        ['target', 'measured', 'met'],
        targets.map((check) => [check.target, check.measured, check.met ? 'yes' : '**no**']),
      ),
    );
  }
  return parts.join('\n\n');
}
