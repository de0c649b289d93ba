import type { CreateHookBody, Hook, PatchHookBody } from '../client/api';

/**
 * What the hook form holds, and the API bodies made from it. The target types and their fields come from the
 * OpenAPI document's named schemas (one per type, a union on `type`): the table below is checked against the
 * generated types, so a field renamed or a type added in the API fails the portal's type check until it is here.
 */
type Target = CreateHookBody['target'];
export type TargetType = Target['type'];
type FieldOf<T extends TargetType> = Exclude<keyof Extract<Target, { type: T }>, 'type'> & string;

/** The fields a text input can hold; the object-valued ones (HTTP headers, GA4 params) are left to the API. */
export const TARGET_FIELDS: { [T in TargetType]: readonly FieldOf<T>[] } = {
  http: ['url', 'method'],
  ga4: ['measurementId', 'apiSecret', 'baseUrl'],
  ua: ['trackingId', 'baseUrl'],
  email: ['to', 'subject', 'text', 'html', 'from', 'smtpUrl'],
  'twilio-sms': ['accountSid', 'authToken', 'from', 'to', 'body', 'baseUrl'],
  slack: ['url', 'text', 'blocks'],
  discord: ['url', 'content'],
  telegram: ['botToken', 'chatId', 'text', 'baseUrl'],
};
export const TARGET_TYPES = Object.keys(TARGET_FIELDS) as TargetType[];

/** The payload formats a form can choose; `template` needs a template body, which this form does not edit. */
export const FORMATS = ['standard', 'creads', 'misskey', 'ibm', 'chat'] as const satisfies readonly NonNullable<
  CreateHookBody['format']
>[];
/** The API documents `format` for HTTP targets only. */
export const FORMAT_TARGETS: readonly TargetType[] = ['http'];

const WORDS: Record<string, string> = { url: 'URL', id: 'ID', sid: 'SID', api: 'API', smtp: 'SMTP' };

/** `smtpUrl` → "Target SMTP URL": the field's name in words, tied to the target. */
export function fieldLabel(field: string): string {
  const words = field.split(/(?=[A-Z])/).map((word) => word.toLowerCase());
  return `Target ${words.map((word) => WORDS[word] ?? word).join(' ')}`;
}

export interface HookFormValues {
  name: string;
  events: string[];
  targetType: TargetType;
  /** By field name; a secret the API keeps and never shows again is '' here, and left as it is when still ''. */
  target: Record<string, string>;
  /** Fields the API shows only as `{secret: true}`. */
  secretFields: string[];
  format: string;
  timeout: string;
  /** Durations, comma-separated, e.g. "10s, 1m, 10m". */
  retrySchedule: string;
}

export const EMPTY_FORM: HookFormValues = {
  name: '',
  events: [],
  targetType: 'http',
  target: {},
  secretFields: [],
  format: '',
  timeout: '',
  retrySchedule: '',
};

/** An existing hook, as the form shows it. */
export function valuesOf(hook: Hook): HookFormValues {
  const target: Record<string, string> = {};
  const secretFields: string[] = [];
  for (const [field, value] of Object.entries(hook.target)) {
    if (field === 'type') continue;
    if (typeof value === 'string' || typeof value === 'number') target[field] = String(value);
    else if (typeof value === 'object' && value !== null && 'secret' in value) secretFields.push(field);
  }
  return {
    name: hook.name,
    events: [...hook.events],
    targetType: hook.target.type,
    target,
    secretFields,
    format: hook.format ?? '',
    timeout: hook.delivery.timeout,
    retrySchedule: hook.delivery.retrySchedule.join(', '),
  };
}

function targetOf(values: HookFormValues, extra: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = { type: values.targetType, ...extra };
  for (const field of TARGET_FIELDS[values.targetType] as readonly string[]) {
    const value = values.target[field]?.trim();
    if (value) fields[field] = value;
  }
  return fields;
}

const scheduleOf = (text: string) =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

function deliveryOf(values: HookFormValues): CreateHookBody['delivery'] {
  const delivery: NonNullable<CreateHookBody['delivery']> = {};
  if (values.timeout.trim()) delivery.timeout = values.timeout.trim();
  if (values.retrySchedule.trim()) delivery.retrySchedule = scheduleOf(values.retrySchedule);
  return Object.keys(delivery).length > 0 ? delivery : undefined;
}

/** POST /v1/hooks's body: empty optional fields are left for the API's defaults. */
export function createBody(values: HookFormValues): CreateHookBody {
  const http = values.targetType === 'http' ? { method: 'POST', headers: {} } : {};
  const format = FORMAT_TARGETS.includes(values.targetType) && values.format ? values.format : undefined;
  return {
    name: values.name.trim(),
    events: values.events,
    // The API checks each type's fields and names the one at fault; the form only gathers them.
    target: targetOf(values, http) as Target,
    ...(format && { format: format as CreateHookBody['format'] }),
    ...(deliveryOf(values) && { delivery: deliveryOf(values) }),
  };
}

/**
 * PATCH /v1/hooks/:id's body: only what changed from `before`. A target is sent whole when any of its fields
 * changed; its secrets left blank stay as they are, and an HTTP target's headers are sent back as the API showed
 * them (`{secret: true}` keeps a secret header).
 */
export function patchBody(before: Hook, values: HookFormValues): PatchHookBody {
  const was = valuesOf(before);
  const patch: PatchHookBody = {};
  if (values.name.trim() !== was.name) patch.name = values.name.trim();
  if (values.events.join() !== was.events.join()) patch.events = values.events;
  const targetChanged =
    values.targetType !== was.targetType ||
    (TARGET_FIELDS[values.targetType] as readonly string[]).some(
      (field) => (values.target[field]?.trim() ?? '') !== (was.target[field] ?? ''),
    );
  if (targetChanged) {
    const headers =
      values.targetType === 'http' && 'headers' in before.target ? { headers: before.target.headers } : {};
    patch.target = targetOf(values, headers) as PatchHookBody['target'];
  }
  if (FORMAT_TARGETS.includes(values.targetType) && values.format !== was.format && values.format)
    patch.format = values.format as CreateHookBody['format'];
  const delivery: NonNullable<CreateHookBody['delivery']> = {};
  if (values.timeout.trim() !== was.timeout) delivery.timeout = values.timeout.trim() || null;
  if (scheduleOf(values.retrySchedule).join() !== scheduleOf(was.retrySchedule).join())
    delivery.retrySchedule = values.retrySchedule.trim() ? scheduleOf(values.retrySchedule) : null;
  if (Object.keys(delivery).length > 0) patch.delivery = delivery;
  return patch;
}

/** The form's fields that an API refusal's paths may name (see fieldErrors). */
export function errorFields(targetType: TargetType): string[] {
  return [
    'name',
    'events',
    'target',
    ...TARGET_FIELDS[targetType].map((field) => `target.${field}`),
    'format',
    'delivery',
    'delivery.timeout',
    'delivery.retrySchedule',
  ];
}
