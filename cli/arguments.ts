import { InvalidArgumentError } from '@commander-js/extra-typings';

/** Option and argument parsers: a value they refuse is a usage error naming the option (commander's). */
export function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('must be a whole number above 0');
  return value;
}

/** A time as the API takes it (ISO 8601 with a zone); "1h", "30m", "2d" mean that long ago. */
export function pointInTime(text: string): string {
  const ago = /^(\d+)([smhd])$/.exec(text);
  if (ago) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[ago[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(Date.now() - Number(ago[1]) * unit).toISOString();
  }
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(text) || Number.isNaN(Date.parse(text))) {
    throw new InvalidArgumentError('must be an ISO 8601 time (2026-01-31T12:00:00Z) or an age like 30m, 1h, 2d');
  }
  return new Date(text).toISOString();
}

/** Repeatable options (`--event a --event b`) and comma lists (`--event a,b`) alike. */
export function collect(text: string, previous: string[] = []): string[] {
  return [...previous, ...text.split(',').filter((part) => part !== '')];
}
