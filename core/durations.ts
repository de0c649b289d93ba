import toRegexRange from 'to-regex-range';
import { z } from 'zod';

/** Durations as Temporal's TypeScript SDK writes them: `500ms`, `5s`, `5m`, `2h`, `1d`. */
const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d{1,9})(ms|s|m|h|d)$/;
const MAX_COUNT = 999_999_999;

export function durationMs(duration: string): number {
  const match = DURATION.exec(duration);
  if (!match) throw new Error(`Not a duration: ${duration}`);
  return Number(match[1]) * UNITS[match[2] as keyof typeof UNITS];
}

/**
 * The durations from `min` to `max` as one regular expression (`^(?:(?:[1-9]|[1-5][0-9]|60)s|...)$`), so that
 * the bounds are in the pattern the OpenAPI document publishes rather than in a check it cannot show.
 */
function boundedPattern(minMs: number, maxMs: number): RegExp {
  const alternatives = Object.entries(UNITS).flatMap(([unit, ms]) => {
    const low = Math.ceil(minMs / ms);
    const high = Math.min(Math.floor(maxMs / ms), MAX_COUNT);
    return low <= high ? [`(?:${toRegexRange(low, high)})${unit}`] : [];
  });
  return new RegExp(`^(?:${alternatives.join('|')})$`);
}

export function duration(options: { min?: string; max?: string } = {}) {
  if (options.min === undefined && options.max === undefined) {
    return z.string().regex(DURATION, 'must be a duration such as 500ms, 5s, 5m, 2h or 1d');
  }
  const range = `from ${options.min ?? '0ms'} to ${options.max ?? `${MAX_COUNT}d`}`;
  const pattern = boundedPattern(durationMs(options.min ?? '0ms'), durationMs(options.max ?? `${MAX_COUNT}d`));
  return z.string().regex(pattern, `must be a duration ${range}, such as 500ms, 5s, 5m, 2h or 1d`);
}
