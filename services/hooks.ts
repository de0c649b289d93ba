import { z } from 'zod';
import { ownerIdFor, ownerScope, type Caller } from '../core/caller';
import { deliverySetting, effectiveDeliverySettings, type DeliverySettings } from '../core/delivery-settings';
import { NotFoundError, UnprocessableError } from '../core/errors';
import { assertSubscribable } from './event-types';
import { newId, type HookId } from '../core/ids';
import type { Models } from '../infra/models';
import { PAYLOAD_FORMATS, type Hook } from '../infra/models/hook';
import { assertOwnerExists } from './owners';
import { paginate, pageQuery } from './pagination';
import { FORM_TYPE } from '../core/payloads';
import { isThrottled } from '../core/pacing';
import { label, withRules } from '../core/schema-rules';
import type { SecretBox } from '../infra/secret-box';
import { templateView } from '../core/hook-template';
import {
  misskeySecretInput,
  newSigningSecret,
  ROTATION_GRACE_MS,
  SIGNING_SECRET,
  SIGNING_SECRET_RULE,
} from '../core/signing-secret';
import {
  assertPublicTarget,
  sealTarget,
  targetHostOf,
  targetInput,
  targetPatchInput,
  targetView,
  targetWarnings,
} from '../targets/catalogue';
import { liquidSource } from '../targets/fields';
import { parkedDeliveriesOf } from '../records/hook-switch';
import { hookFilterInput, type HookFilter } from '../core/hook-filter';
import { laneDeliveriesOf, OPEN_IN_LANE, orderedDeliveriesOf } from '../records/lane-deliveries';
import { ORDERINGS } from '../core/ordering';

const subscription = z
  .string()
  .regex(
    /^(\*|[A-Za-z][\w-]*(\.[A-Za-z][\w-]*)*([.-]\*)?)$/,
    'must be an event name, a `prefix.*` or `prefix-*` pattern, or `*`',
  );

/**
 * An ordered hook's lanes send one delivery per key at a time, each key on its own: no one sender could keep
 * a rate or an in-flight bound across its keys (the hook lane that does for other hooks sends in due order).
 */
const ORDERING_UNPACED = {
  schema: {
    if: { required: ['ordering'], properties: { ordering: { const: 'fifo' } } },
    then: {
      properties: { rateLimit: { not: { type: 'object' } }, maxInFlight: { not: { type: 'number' } } },
    },
  },
  message:
    'an ordered hook (ordering "fifo") sends one delivery per key at a time: it takes no rateLimit or maxInFlight',
  path: ['ordering'],
};

/** A hook's own delivery settings. Left out (or null), a setting follows the global defaults. */
const deliveryInput = withRules(
  z.strictObject({
    timeout: deliverySetting.timeout.nullish(),
    retrySchedule: deliverySetting.retrySchedule.nullish(),
    retryOn: deliverySetting.retryOn.nullish(),
    disableAfter: z
      .strictObject({
        failures: deliverySetting.disableAfterFailures.nullish(),
        window: deliverySetting.disableAfterWindow.nullish(),
      })
      .optional(),
    /** Pacing (core/pacing.ts): each hook's own, no global default; null takes it off. */
    rateLimit: z.strictObject({ perSecond: deliverySetting.rateLimitPerSecond }).nullish(),
    maxInFlight: deliverySetting.maxInFlight.nullish(),
    /** `fifo`: each orderingKey's deliveries in the order their events were accepted (core/ordering.ts). */
    ordering: z.enum(ORDERINGS).nullish(),
  }),
  [ORDERING_UNPACED],
);

const templateInput = withRules(
  z.strictObject({
    contentType: z
      .string()
      .regex(/^[\w.+-]+\/[\w.+-]+([ \t]*;[ \t]*[\w-]+=[\w.-]+)*$/, 'must be a media type such as application/json'),
    body: liquidSource(64 * 1024).optional(),
    fields: z.record(z.string().min(1).max(256), liquidSource(4096)).optional(),
  }),
  [
    {
      schema: { oneOf: [{ required: ['body'] }, { required: ['fields'] }] },
      message: 'give either body or fields',
      path: [],
    },
    {
      schema: { if: { required: ['fields'] }, then: { properties: { contentType: { const: FORM_TYPE } } } },
      message: `fields are for ${FORM_TYPE}; use body for other types`,
      path: ['contentType'],
    },
  ],
);

/** Trimmed, and not blank. */

const hookFields = {
  name: label(200),
  events: z.array(subscription).min(1).max(100),
  resourceTypes: z
    .array(z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'must be a lower-case resource type name'))
    .max(100)
    .optional(),
  /** Only the events this query matches, among those the hook subscribes to. */
  filter: hookFilterInput.optional(),
  target: targetInput,
  /** HTTP targets only (default `standard`); other target types have fields of their own. */
  format: z.enum(PAYLOAD_FORMATS).optional(),
  /** With format `template`: how to render the body (the Braze model). */
  template: templateInput.optional(),
  delivery: deliveryInput.optional(),
};

/** A template exactly when the format (if given) is `template`. */
const TEMPLATE_MATCHES_FORMAT = {
  schema: {
    if: { required: ['format'] },
    then: {
      if: { properties: { format: { const: 'template' } } },
      then: { required: ['template'] },
      else: { not: { required: ['template'] } },
    },
  },
  message: 'give one exactly when format is "template"',
  path: ['template'],
};
/** Other target types than http have fields of their own for what they send. */
const FORMAT_FITS_TARGET = {
  schema: {
    if: { required: ['target'], properties: { target: { properties: { type: { not: { const: 'http' } } } } } },
    then: { not: { anyOf: [{ required: ['format'] }, { required: ['template'] }] } },
  },
  message: 'format and template are for http targets; other target types have fields of their own',
  path: ['format'],
};

/** The format is given, and it is `misskey`. */
const MISSKEY_FORMAT = { required: ['format'], properties: { format: { const: 'misskey' } } };

/**
 * On creation `secret` is the signing secret (`whsec_...`), except for the misskey format, where it is the
 * plain secret Misskey receivers check (X-Misskey-Hook-Secret) and the signing secret is generated.
 */
const SIGNING_SECRET_UNLESS_MISSKEY = {
  schema: {
    if: { required: ['secret'], not: MISSKEY_FORMAT },
    then: { properties: { secret: { pattern: SIGNING_SECRET.source } } },
  },
  message: `${SIGNING_SECRET_RULE} (any other secret is for hooks of format "misskey")`,
  path: ['secret'],
};

export const createHookInput = withRules(
  z.strictObject({
    /** Required with the admin key; an owner's key implies its owner. */
    ownerId: z.string().min(1).brand<'owner'>().optional(),
    ...hookFields,
    secret: misskeySecretInput.optional(),
  }),
  [TEMPLATE_MATCHES_FORMAT, FORMAT_FITS_TARGET, SIGNING_SECRET_UNLESS_MISSKEY],
);

/** A patch's `secret` is a misskey hook's own; a patch naming another format may not carry one. */
const SECRET_ONLY_FOR_MISSKEY = {
  schema: { if: { required: ['secret', 'format'] }, then: MISSKEY_FORMAT },
  message: 'only hooks of format "misskey" have a secret of their own (rotate signing secrets with rotate-secret)',
  path: ['secret'],
};

export const updateHookInput = withRules(
  z.strictObject({
    name: hookFields.name.optional(),
    events: hookFields.events.optional(),
    resourceTypes: hookFields.resourceTypes.nullable(),
    filter: hookFilterInput.nullish(),
    target: targetPatchInput.optional(),
    format: z.enum(PAYLOAD_FORMATS).optional(),
    template: templateInput.optional(),
    delivery: deliveryInput.optional(),
    /** A misskey hook's own secret; null goes back to sending the signing secret. */
    secret: misskeySecretInput.nullable().optional(),
  }),
  [
    { schema: { minProperties: 1 }, message: 'nothing to update', path: [] },
    TEMPLATE_MATCHES_FORMAT,
    FORMAT_FITS_TARGET,
    SECRET_ONLY_FOR_MISSKEY,
  ],
);

export const listHooksQuery = pageQuery.extend({
  ownerId: z.string().brand<'owner'>().optional(),
  status: z.enum(['enabled', 'disabled']).optional(),
});

export interface HookDependencies {
  models: Models;
  secrets: SecretBox;
  allowPrivateTargets: boolean;
  /** Shown in place of the settings a hook leaves to them. */
  deliveryDefaults: DeliverySettings;
}

type ViewDependencies = Pick<HookDependencies, 'models' | 'deliveryDefaults'>;

type StoredHook = Hook & { _id: string; createdAt: Date; updatedAt: Date };
type TemplateInput = z.infer<typeof templateInput>;

function storedTemplate(template: TemplateInput | undefined) {
  if (!template) return undefined;
  const { fields, ...rest } = template;
  return { ...rest, ...(fields ? { fields: Object.entries(fields).map(([name, value]) => ({ name, value })) } : {}) };
}

/** What owners see: secret header values masked, signing secrets never, delivery settings as in force. */
export function hookView(hook: StoredHook, deliveryDefaults: DeliverySettings, hostPausedUntil?: Date) {
  return {
    id: hook._id,
    ownerId: hook.ownerId,
    name: hook.name,
    events: hook.events,
    resourceTypes: hook.resourceTypes ?? undefined,
    filter: hook.filterJson ? (JSON.parse(hook.filterJson) as HookFilter) : undefined,
    target: targetView(hook.target),
    format: hook.format ?? undefined,
    template: templateView(hook.template),
    // Owners see a hook on or off; `parking` tells whether an off one keeps the events that arrive meanwhile.
    status: hook.status === 'enabled' ? ('enabled' as const) : ('disabled' as const),
    parking: hook.status === 'parking',
    disabledReason: hook.disabledReason ?? undefined,
    disabledAt: hook.disabledAt ?? undefined,
    delivery: {
      ...effectiveDeliverySettings(deliveryDefaults, hook.delivery),
      rateLimit: hook.delivery?.rateLimit ? { perSecond: hook.delivery.rateLimit.perSecond } : null,
      maxInFlight: hook.delivery?.maxInFlight ?? null,
      ordering: hook.delivery?.ordering ?? null,
    },
    hostPausedUntil,
    // A receiver's Retry-After holds the hook back until then; shown only while it lasts.
    throttledUntil: isThrottled(hook, Date.now()) ? (hook.throttledUntil ?? undefined) : undefined,
    warnings: targetWarnings(hook.target),
    createdAt: hook.createdAt,
    updatedAt: hook.updatedAt,
  };
}

/** The caller's hook: another owner's is not found, exactly as a missing one. */
export async function findHook(models: Models, caller: Caller, id: HookId): Promise<StoredHook> {
  const hook = await models.Hook.findOne({ _id: id, ...ownerScope(caller) }).lean();
  if (!hook) throw new NotFoundError('hook', id);
  return hook;
}

/** Creates the hook with its signing secret, which is returned here and at rotation only. */
export async function createHook(deps: HookDependencies, caller: Caller, input: z.infer<typeof createHookInput>) {
  const { models, secrets } = deps;
  const ownerId = ownerIdFor(caller, input.ownerId);
  if (!deps.allowPrivateTargets) assertPublicTarget(input.target);
  await assertSubscribable(models, input.events, input.resourceTypes);
  await assertOwnerExists(models, ownerId);
  const format = input.target.type === 'http' ? (input.format ?? 'standard') : undefined;
  // A misskey hook's given secret is its receivers' own; its signatures get a generated key.
  const misskeySecret = format === 'misskey' ? input.secret : undefined;
  const secret = (format === 'misskey' ? undefined : input.secret) ?? newSigningSecret();
  const hook = await models.Hook.create({
    _id: newId('hook'),
    ownerId,
    name: input.name,
    events: input.events,
    resourceTypes: input.resourceTypes?.length ? input.resourceTypes : undefined,
    filterJson: input.filter ? JSON.stringify(input.filter) : undefined,
    target: sealTarget(secrets, input.target),
    targetHost: targetHostOf(input.target),
    format,
    template: storedTemplate(input.template),
    misskeySecret: misskeySecret === undefined ? undefined : secrets.seal(misskeySecret),
    delivery: input.delivery,
    status: 'enabled',
    signingSecrets: [{ sealed: secrets.seal(secret), createdAt: new Date() }],
  });
  return { ...hookView(hook.toObject(), deps.deliveryDefaults), secret };
}

/** Until when the breaker paused each of these hooks' target hosts, for those paused now: one small read. */
async function hostPausesOf(models: Models, hooks: StoredHook[]): Promise<Map<string, Date>> {
  const hosts = [...new Set(hooks.flatMap((hook) => (hook.targetHost ? [hook.targetHost] : [])))];
  if (hosts.length === 0) return new Map();
  // Only hosts paused now are on record (the pause workflow removes its record), so this reads a few at most.
  const paused = await models.HostPause.find({ _id: { $in: hosts }, pausedUntil: { $gt: new Date() } }).lean();
  return new Map(paused.map((pause) => [pause._id, pause.pausedUntil]));
}

/** Hooks as owners read them, with their host's pause when the breaker paused it. */
async function hookViews(deps: ViewDependencies, hooks: StoredHook[]) {
  const pauses = await hostPausesOf(deps.models, hooks);
  return hooks.map((hook) => hookView(hook, deps.deliveryDefaults, pauses.get(hook.targetHost ?? '')));
}

export async function getHook(deps: ViewDependencies, caller: Caller, id: HookId) {
  const [view] = await hookViews(deps, [await findHook(deps.models, caller, id)]);
  return view;
}

export async function listHooks(deps: ViewDependencies, caller: Caller, query: z.infer<typeof listHooksQuery>) {
  const filter = {
    ...(query.ownerId ? { ownerId: query.ownerId } : {}),
    ...ownerScope(caller),
    ...(query.status ? { status: { $in: query.status === 'enabled' ? ['enabled'] : ['parking', 'disabled'] } } : {}),
  };
  const page = await paginate<StoredHook>(deps.models.Hook, filter, query);
  return { data: await hookViews(deps, page.items), nextCursor: page.nextCursor };
}

export async function updateHook(
  deps: HookDependencies,
  caller: Caller,
  id: HookId,
  patch: z.infer<typeof updateHookInput>,
) {
  const { models, secrets } = deps;
  const hook = await findHook(models, caller, id);
  if (patch.target && !deps.allowPrivateTargets) assertPublicTarget(patch.target);
  if (patch.events || patch.resourceTypes !== undefined) {
    // The events and resource types the hook will have, whichever of them the patch changes.
    const resourceTypes = patch.resourceTypes === null ? [] : (patch.resourceTypes ?? hook.resourceTypes ?? []);
    await assertSubscribable(models, patch.events ?? hook.events, resourceTypes);
  }
  const { resourceTypes, filter, target, template, delivery, secret, ...rest } = patch;
  const set: Record<string, unknown> = { ...rest };
  const unset: Record<string, 1> = {};
  if (delivery) {
    assertOrderingUnpaced(hook, delivery);
    patchDeliverySettings(delivery, set, unset);
  }
  if (template) set.template = storedTemplate(template);
  else if (patch.format) unset.template = 1;
  if (target) {
    set.target = sealTarget(secrets, target, hook.target);
    // A patch of the same type may leave the URL as it was.
    const host = targetHostOf(target);
    if (host) set.targetHost = host;
    else if (target.type !== hook.target.type) unset.targetHost = 1;
  }
  if (target && target.type !== 'http') Object.assign(unset, { format: 1, template: 1 });
  else if (target && !hook.format && !patch.format) set.format = 'standard';
  patchMisskeySecret(
    secrets,
    { given: secret, format: formatAfter(hook, patch), stored: !!hook.misskeySecret },
    set,
    unset,
  );
  if (resourceTypes === null || resourceTypes?.length === 0) unset.resourceTypes = 1;
  else if (resourceTypes) set.resourceTypes = resourceTypes;
  if (filter === null) unset.filterJson = 1;
  else if (filter) set.filterJson = JSON.stringify(filter);
  const updated = await models.Hook.findOneAndUpdate(
    { _id: id, ...ownerScope(caller) },
    { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) },
    { returnDocument: 'after' },
  ).lean();
  if (!updated) throw new NotFoundError('hook', id);
  return hookView(updated, deps.deliveryDefaults);
}

/** The hook's format once `patch` applies: another target type than http has none. */
function formatAfter(hook: StoredHook, patch: z.infer<typeof updateHookInput>): string | undefined {
  if (patch.target && patch.target.type !== 'http') return undefined;
  return patch.format ?? hook.format ?? (patch.target ? 'standard' : undefined);
}

/**
 * A misskey hook's own secret: set, or dropped by null (the header goes back to the signing secret). A hook
 * that leaves the misskey format drops it. Whether a patch without `format` may set one depends on the
 * stored format, which the document cannot know: a 422, where a patch naming another format is a 400.
 */
function patchMisskeySecret(
  secrets: SecretBox,
  { given, format, stored }: { given: string | null | undefined; format: string | undefined; stored: boolean },
  set: Record<string, unknown>,
  unset: Record<string, 1>,
): void {
  if (given !== undefined && format !== 'misskey') {
    throw new UnprocessableError(
      `secret: only hooks of format "misskey" have a secret of their own; this hook's format is ${JSON.stringify(format ?? 'none')}`,
    );
  }
  if (typeof given === 'string') set.misskeySecret = secrets.seal(given);
  else if (stored && (given === null || format !== 'misskey')) unset.misskeySecret = 1;
}

/** ORDERING_UNPACED, on the settings a patch leaves the hook with: what it names over what is stored. */
function assertOrderingUnpaced(hook: StoredHook, delivery: z.infer<typeof deliveryInput>): void {
  const after = <K extends 'ordering' | 'rateLimit' | 'maxInFlight'>(key: K) =>
    delivery[key] === undefined ? hook.delivery?.[key] : delivery[key];
  if (after('ordering') === 'fifo' && (after('rateLimit') || after('maxInFlight'))) {
    throw new UnprocessableError(`delivery.ordering: ${ORDERING_UNPACED.message}`);
  }
}

/** A patch touches only the settings it names: a value overrides the default, null goes back to it. */
function patchDeliverySettings(
  delivery: z.infer<typeof deliveryInput>,
  set: Record<string, unknown>,
  unset: Record<string, 1>,
): void {
  const paths = {
    'delivery.timeout': delivery.timeout,
    'delivery.retrySchedule': delivery.retrySchedule,
    'delivery.retryOn': delivery.retryOn,
    'delivery.disableAfter.failures': delivery.disableAfter?.failures,
    'delivery.disableAfter.window': delivery.disableAfter?.window,
    'delivery.rateLimit': delivery.rateLimit,
    'delivery.maxInFlight': delivery.maxInFlight,
    'delivery.ordering': delivery.ordering,
  };
  for (const [path, value] of Object.entries(paths)) {
    if (value === null) unset[path] = 1;
    else if (value !== undefined) set[path] = value;
  }
}

/**
 * Deletes the hook; its past deliveries stay on record, and what it kept while
 * off, or its lanes held (a lane waiting hours for a retry would only find out then), is cancelled.
 */
export async function deleteHook(models: Models, caller: Caller, id: HookId): Promise<void> {
  const deleted = await models.Hook.deleteOne({ _id: id, ...ownerScope(caller) });
  if (deleted.deletedCount === 0) throw new NotFoundError('hook', id);
  const held = OPEN_IN_LANE.flatMap((status) => [laneDeliveriesOf(id, status), orderedDeliveriesOf(id, status)]);
  for (const kept of [parkedDeliveriesOf(id), ...held]) {
    await models.Delivery.updateMany(kept, {
      $set: { status: 'cancelled', failureReason: 'The hook was deleted' },
      $unset: { nextAttemptAt: 1 },
    });
  }
}

/**
 * Issues a new signing secret. The previous one keeps signing for 24 hours
 * (both signatures are sent), so that receivers can switch without a gap.
 */
export async function rotateSigningSecret(deps: HookDependencies, caller: Caller, id: HookId) {
  const { models, secrets } = deps;
  const hook = await findHook(models, caller, id);
  const now = new Date();
  const graceUntil = new Date(now.getTime() + ROTATION_GRACE_MS);
  const stillValid = hook.signingSecrets
    .filter((s) => !s.expiresAt || s.expiresAt > now)
    .map((s) => ({ ...s, expiresAt: s.expiresAt && s.expiresAt < graceUntil ? s.expiresAt : graceUntil }));
  const secret = newSigningSecret();
  await models.Hook.updateOne(
    { _id: id, updatedAt: hook.updatedAt },
    { $set: { signingSecrets: [{ sealed: secrets.seal(secret), createdAt: now }, ...stillValid] } },
  );
  return { id, secret, previousSecretsExpireAt: graceUntil };
}
