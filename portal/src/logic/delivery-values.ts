import type { CreateHookBody, Hook } from '../client/api';
import { allOf } from './all-of';

type DeliveryBody = NonNullable<CreateHookBody['delivery']>;

/** A hook's delivery settings as the form's inputs hold them: '' follows the API's default (or has none). */
export interface DeliveryValues {
  timeout: string;
  /** Durations, comma-separated, e.g. "10s, 1m, 10m". */
  retrySchedule: string;
  retryOn: string;
  disableAfterFailures: string;
  disableAfterWindow: string;
  rateLimitPerSecond: string;
  maxInFlight: string;
  ordering: string;
}

const scheduleOf = (text: string) =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
/** A whole number as a number; anything else as typed, for the API to name what is wrong with it. */
const countOf = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : text.trim());
const textOf = (text: string) => text.trim();

/** One delivery setting: its input, where it goes in the API's `delivery`, and how the API shows it. */
export interface DeliverySetting {
  field: keyof DeliveryValues;
  label: string;
  placeholder?: string;
  /** A select of these, in place of a text input, and what its first option, '', means. */
  choices?: readonly string[];
  none?: string;
  numeric?: boolean;
  path: readonly string[];
  /** Where null takes the setting off, when that is not `path` (a rate limit is an object). */
  clearPath?: readonly string[];
  parse: (text: string) => unknown;
  read: (delivery: Hook['delivery']) => string;
}

export const DELIVERY_SETTINGS: readonly (DeliverySetting & { errorPath: string })[] = (
  [
    {
      field: 'timeout',
      label: 'Timeout',
      placeholder: 'e.g. 10s',
      path: ['timeout'],
      parse: textOf,
      read: (d) => d.timeout,
    },
    {
      field: 'retrySchedule',
      label: 'Retry schedule',
      placeholder: 'e.g. 10s, 1m, 10m, 1h',
      path: ['retrySchedule'],
      parse: scheduleOf,
      read: (d) => d.retrySchedule.join(', '),
    },
    {
      field: 'retryOn',
      label: 'Retry on',
      choices: allOf<NonNullable<DeliveryBody['retryOn']>>()(['transient', 'any-error']),
      none: 'the default',
      path: ['retryOn'],
      parse: textOf,
      read: (d) => d.retryOn,
    },
    {
      field: 'disableAfterFailures',
      label: 'Disable after failures in a row',
      numeric: true,
      path: ['disableAfter', 'failures'],
      parse: countOf,
      read: (d) => String(d.disableAfter.failures),
    },
    {
      field: 'disableAfterWindow',
      label: 'Disable after failing for',
      placeholder: 'e.g. 24h',
      path: ['disableAfter', 'window'],
      parse: textOf,
      read: (d) => d.disableAfter.window,
    },
    {
      field: 'rateLimitPerSecond',
      label: 'Rate limit (requests a second)',
      numeric: true,
      path: ['rateLimit', 'perSecond'],
      clearPath: ['rateLimit'],
      parse: countOf,
      read: (d) => (d.rateLimit ? String(d.rateLimit.perSecond) : ''),
    },
    {
      field: 'maxInFlight',
      label: 'Requests open at once',
      numeric: true,
      path: ['maxInFlight'],
      parse: countOf,
      read: (d) => (d.maxInFlight === null ? '' : String(d.maxInFlight)),
    },
    {
      field: 'ordering',
      label: 'Ordering',
      choices: allOf<NonNullable<DeliveryBody['ordering']>>()(['fifo']),
      none: 'none: in parallel',
      path: ['ordering'],
      parse: textOf,
      read: (d) => d.ordering ?? '',
    },
  ] satisfies DeliverySetting[]
).map((setting) => ({ ...setting, errorPath: `delivery.${setting.path.join('.')}` }));

/** The inputs' text for a hook's settings in force, or all blank for a new hook. */
export function deliveryValues(delivery: Hook['delivery'] | undefined): DeliveryValues {
  return Object.fromEntries(
    DELIVERY_SETTINGS.map((setting) => [setting.field, delivery ? setting.read(delivery) : '']),
  ) as unknown as DeliveryValues;
}

function put(body: Record<string, unknown>, path: readonly string[], value: unknown): void {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) body[head] = value;
  else put((body[head] ??= {}) as Record<string, unknown>, rest, value);
}

const asBody = (body: Record<string, unknown>) => (Object.keys(body).length > 0 ? (body as DeliveryBody) : undefined);

/** POST's `delivery`: the settings filled in, the rest left to the defaults. */
export function deliveryBody(values: DeliveryValues): DeliveryBody | undefined {
  const body: Record<string, unknown> = {};
  for (const setting of DELIVERY_SETTINGS)
    if (values[setting.field].trim()) put(body, setting.path, setting.parse(values[setting.field]));
  return asBody(body);
}

/** PATCH's `delivery`: the settings changed from `was`; one emptied is null, back to the default (or none). */
export function deliveryPatch(was: DeliveryValues, values: DeliveryValues): DeliveryBody | undefined {
  const body: Record<string, unknown> = {};
  for (const setting of DELIVERY_SETTINGS) {
    const [now, before] = [values[setting.field], was[setting.field]];
    if (JSON.stringify(setting.parse(now)) === JSON.stringify(setting.parse(before))) continue;
    if (now.trim()) put(body, setting.path, setting.parse(now));
    else put(body, setting.clearPath ?? setting.path, null);
  }
  return asBody(body);
}
