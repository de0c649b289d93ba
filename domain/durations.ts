import { z } from 'zod';

/** Durations as Temporal's TypeScript SDK writes them: `500ms`, `5s`, `5m`, `2h`, `1d`. */
const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d{1,9})(ms|s|m|h|d)$/;

export function durationMs(duration: string): number {
  const match = DURATION.exec(duration);
  if (!match) throw new Error(`Not a duration: ${duration}`);
  return Number(match[1]) * UNITS[match[2] as keyof typeof UNITS];
}

export function duration(options: { min?: string; max?: string } = {}) {
  let schema = z.string().regex(DURATION, 'must be a duration such as 500ms, 5s, 5m, 2h or 1d');
  if (options.min) {
    const min = options.min;
    schema = schema.refine(
      (value) => !DURATION.test(value) || durationMs(value) >= durationMs(min),
      `must be at least ${min}`,
    );
  }
  if (options.max) {
    const max = options.max;
    schema = schema.refine(
      (value) => !DURATION.test(value) || durationMs(value) <= durationMs(max),
      `must be at most ${max}`,
    );
  }
  return schema;
}
