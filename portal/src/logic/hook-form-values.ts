import type { CreateHookBody, Hook, PatchHookBody } from '../client/api';
import { DELIVERY_SETTINGS, deliveryBody, deliveryPatch, deliveryValues, type DeliveryValues } from './delivery-values';
import { allOf } from './all-of';
import { entriesOf, recordOf, sameEntries, type Entry } from './entries';

/**
 * What the hook form holds, and the API bodies made from it. The target types and their fields come from the
 * OpenAPI document's named schemas (one per type, a union on `type`): the tables below are checked against the
 * generated types, so a field renamed or a type or choice added in the API fails the portal's type check until
 * it is here.
 */
type Target = CreateHookBody['target'];
export type TargetType = Target['type'];
type FieldOf<T extends TargetType> = Exclude<keyof Extract<Target, { type: T }>, 'type'> & string;
type HttpTarget = Extract<Target, { type: 'http' }>;

/** The fields a text input (or, for those in FIELD_CHOICES, a select) holds. */
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

/** Fields with a fixed set of values, the first being the API's default. */
export const FIELD_CHOICES: Partial<Record<TargetType, Record<string, readonly string[]>>> = {
  http: { method: allOf<NonNullable<HttpTarget['method']>>()(['POST', 'PUT', 'PATCH', 'GET', 'DELETE']) },
};

/** An object-valued target field, edited as rows of name and value. */
export interface RecordField {
  /** One row's name in words, e.g. "Header". */
  noun: string;
  /** Whether a row may be kept secret (stored encrypted, shown as `{secret: true}`). */
  secrets: boolean;
}
const RECORDS = {
  http: { headers: { noun: 'Header', secrets: true } },
  ga4: { params: { noun: 'Param', secrets: false } },
} satisfies { [T in TargetType]?: Partial<Record<FieldOf<T>, RecordField>> };
export const RECORD_FIELDS: Partial<Record<TargetType, Record<string, RecordField>>> = RECORDS;
const recordFieldsOf = (type: TargetType) => Object.keys(RECORD_FIELDS[type] ?? {});

export const FORMATS = allOf<NonNullable<CreateHookBody['format']>>()([
  'standard',
  'creads',
  'misskey',
  'ibm',
  'chat',
  'template',
]);
/** The API documents `format` for HTTP targets only. */
export const FORMAT_TARGETS: readonly TargetType[] = ['http'];

const WORDS: Record<string, string> = { url: 'URL', id: 'ID', sid: 'SID', api: 'API', smtp: 'SMTP' };

/** `smtpUrl` → "Target SMTP URL": the field's name in words, tied to the target. */
export function fieldLabel(field: string): string {
  const words = field.split(/(?=[A-Z])/).map((word) => word.toLowerCase());
  return `Target ${words.map((word) => WORDS[word] ?? word).join(' ')}`;
}

export interface HookFormValues extends DeliveryValues {
  name: string;
  events: string[];
  targetType: TargetType;
  /** By field name; a secret the API keeps and never shows again is '' here, and left as it is when still ''. */
  target: Record<string, string>;
  /** Fields the API shows only as `{secret: true}`. */
  secretFields: string[];
  /** The object-valued target fields (RECORD_FIELDS), as rows. */
  entries: Record<string, Entry[]>;
  format: string;
  /** With format `template`: the media type and the Liquid body. */
  templateContentType: string;
  templateBody: string;
}

const DEFAULT_CONTENT_TYPE = 'application/json';

export const EMPTY_FORM: HookFormValues = {
  name: '',
  events: [],
  targetType: 'http',
  target: {},
  secretFields: [],
  entries: {},
  format: '',
  templateContentType: DEFAULT_CONTENT_TYPE,
  templateBody: '',
  ...deliveryValues(undefined),
};

/** An existing hook, as the form shows it. */
export function valuesOf(hook: Hook): HookFormValues {
  const target: Record<string, string> = {};
  const secretFields: string[] = [];
  const entries: Record<string, Entry[]> = {};
  const records = recordFieldsOf(hook.target.type);
  for (const [field, value] of Object.entries(hook.target)) {
    if (field === 'type') continue;
    if (records.includes(field)) entries[field] = entriesOf(value);
    else if (typeof value === 'string' || typeof value === 'number') target[field] = String(value);
    else if (typeof value === 'object' && value !== null && 'secret' in value) secretFields.push(field);
  }
  return {
    name: hook.name,
    events: [...hook.events],
    targetType: hook.target.type,
    target,
    secretFields,
    entries,
    format: hook.format ?? '',
    templateContentType: hook.template?.contentType ?? DEFAULT_CONTENT_TYPE,
    templateBody: hook.template?.body ?? '',
    ...deliveryValues(hook.delivery),
  };
}

/** The target as the API takes it: filled fields (a choice left alone is its first), rows that have a name. */
function targetOf(values: HookFormValues): Record<string, unknown> {
  const fields: Record<string, unknown> = { type: values.targetType };
  const choices = FIELD_CHOICES[values.targetType] ?? {};
  for (const field of TARGET_FIELDS[values.targetType] as readonly string[]) {
    const value = values.target[field]?.trim() || choices[field]?.[0];
    if (value) fields[field] = value;
  }
  for (const field of recordFieldsOf(values.targetType)) {
    const record = recordOf(values.entries[field] ?? []);
    if (Object.keys(record).length > 0) fields[field] = record;
  }
  return fields;
}

const formatOf = (values: HookFormValues) =>
  FORMAT_TARGETS.includes(values.targetType) && values.format ? values.format : undefined;

const templateOf = (values: HookFormValues): CreateHookBody['template'] => ({
  contentType: values.templateContentType.trim(),
  body: values.templateBody,
});

/** POST /v1/hooks's body: empty optional fields are left for the API's defaults. */
export function createBody(values: HookFormValues): CreateHookBody {
  const format = formatOf(values);
  const delivery = deliveryBody(values);
  return {
    name: values.name.trim(),
    events: values.events,
    // The API checks each type's fields and names the one at fault; the form only gathers them.
    target: targetOf(values) as Target,
    ...(format && { format: format as CreateHookBody['format'] }),
    ...(format === 'template' && { template: templateOf(values) }),
    ...(delivery && { delivery }),
  };
}

/**
 * PATCH /v1/hooks/:id's body: only what changed from `before`. A target is sent whole when any of its fields
 * changed; its secrets left blank stay as they are (a secret header left blank is sent as `{secret: true}`,
 * which keeps it). A template goes with the format it belongs to.
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
    ) ||
    recordFieldsOf(values.targetType).some(
      (field) => !sameEntries(values.entries[field] ?? [], was.entries[field] ?? []),
    );
  if (targetChanged) patch.target = targetOf(values) as PatchHookBody['target'];
  const format = formatOf(values);
  if (format && format !== was.format) patch.format = format as CreateHookBody['format'];
  const templateChanged =
    values.templateContentType.trim() !== was.templateContentType || values.templateBody !== was.templateBody;
  if (format === 'template' && (patch.format || templateChanged)) patch.template = templateOf(values);
  const delivery = deliveryPatch(was, values);
  if (delivery) patch.delivery = delivery;
  return patch;
}

/** The form's fields that an API refusal's paths may name (see fieldErrors). */
export function errorFields(targetType: TargetType): string[] {
  return [
    'name',
    'events',
    'target',
    ...TARGET_FIELDS[targetType].map((field) => `target.${field}`),
    ...recordFieldsOf(targetType).map((field) => `target.${field}`),
    'format',
    'template',
    'template.contentType',
    'template.body',
    'delivery',
    ...DELIVERY_SETTINGS.map((setting) => setting.errorPath),
  ];
}
