import { useEffect, useState } from 'preact/hooks';
import { answer, type HookStats } from '../client/api';
import { usePortal } from './context';
import { ErrorNote } from './error-note';

const HOUR_MS = 3_600_000;
const HOURS = 24;
const WIDTH = 720;
const HEIGHT = 160;

/** The 24 hours up to now, oldest first, each with its figures (zero for hours without attempts). */
export function hourSlots(stats: HookStats, now: number) {
  const last = Math.floor(now / HOUR_MS) * HOUR_MS;
  const byHour = new Map(stats.hours.map((hour) => [Date.parse(hour.hour), hour]));
  return Array.from({ length: HOURS }, (_, at) => {
    const start = last - (HOURS - 1 - at) * HOUR_MS;
    return { start, figures: byHour.get(start) };
  });
}

/** Attempts per hour over 24 h, successes and failures stacked, with each hour's p95 in a table beside it. */
export function AttemptsChart({ hookId }: { hookId: string }) {
  const { api } = usePortal();
  const [stats, setStats] = useState<HookStats>();
  const [failure, setFailure] = useState<unknown>();
  useEffect(() => {
    answer(api.GET('/v1/hooks/{id}/stats', { params: { path: { id: hookId }, query: { window: '24h' } } })).then(
      setStats,
      setFailure,
    );
  }, [api, hookId]);
  if (failure) return <ErrorNote error={failure} />;
  if (!stats) return null;
  const slots = hourSlots(stats, Date.now());
  const most = Math.max(1, ...slots.map((slot) => slot.figures?.attempts ?? 0));
  const slotWidth = WIDTH / HOURS;
  const height = (count: number) => (count / most) * (HEIGHT - 20);
  const label = `Attempts per hour over 24 hours: ${stats.attempts} in all, ${stats.successes} succeeded, ${stats.failures} failed`;
  return (
    <section aria-labelledby="chart-title" class="card">
      <h2 id="chart-title">Attempts per hour (24 h)</h2>
      <svg class="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label}>
        {slots.map(({ start, figures }, at) => {
          if (!figures) return null;
          const x = at * slotWidth + 2;
          const ok = height(figures.successes);
          const bad = height(figures.failures);
          return (
            <g key={start}>
              <rect class="bar-ok" x={x} y={HEIGHT - ok} width={slotWidth - 4} height={ok} />
              <rect class="bar-failed" x={x} y={HEIGHT - ok - bad} width={slotWidth - 4} height={bad} />
            </g>
          );
        })}
        <line class="axis" x1="0" x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} />
      </svg>
      <p class="hint">
        <span class="key-ok">■</span> succeeded <span class="key-failed">■</span> failed; p95 over the day:{' '}
        {stats.durationMs.p95 === null ? 'none' : `${Math.round(stats.durationMs.p95)} ms`}
      </p>
      <details>
        <summary>As a table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Hour</th>
              <th scope="col">Succeeded</th>
              <th scope="col">Failed</th>
              <th scope="col">p95</th>
            </tr>
          </thead>
          <tbody>
            {stats.hours.map((hour) => (
              <tr key={hour.hour}>
                <td>{new Date(hour.hour).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}</td>
                <td>{hour.successes}</td>
                <td>{hour.failures}</td>
                <td>{hour.p95Ms === null ? '' : `${Math.round(hour.p95Ms)} ms`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
