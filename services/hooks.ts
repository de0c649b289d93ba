import { z } from 'zod';
import { ownerIdFor, ownerScope, type Caller } from '../core/caller';
import { deliverySetting, effectiveDeliverySettings, type DeliverySettings } from '../core/delivery-settings';
import { NotFoundError } from '../core/errors';
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
import { newSigningSecret, ROTATION_GRACE_MS, signingSecretInput } from '../core/signing-secret';
import {
  assertPublicTarget,
  sealTarget,
  targetInput,
  targetPatchInput,
  targetView,
  targetWarnings,
} from '../targets/catalogue';
import { liquidSource } from '../targets/fields';
import { parkedDeliveriesOf } from '../records/hook-switch';
import { laneDeliveriesOf, OPEN_IN_LANE } from '../records/lane-deliveries';

const subscription = z
  .string()
  .regex(/^(\*|[A-Za-z][\w-]*(\.[A-Za-z][\w-]*)*(\.\*)?)$/, 'must be an event name, a `prefix.*` pattern or `*`');

/** A hook's own delivery settings. Left out (or null), a setting follows the global defaults. */
const deliveryInput = z.strictObject({
  timeout: deliverySetting.timeout.nullish(),
  retrySchedule: deliverySetting.retrySchedule.nullish(),
  disableAfter: z
    .strictObject({
      failures: deliverySetting.disableAfterFailures.nullish(),
      window: deliverySetting.disableAfterWindow.nullish(),
    })
    .optional(),
  /** Pacing (core/pacing.ts): each hook's own, no global default; null takes it off. */
  rateLimit: z.strictObject({ perSecond: deliverySetting.rateLimitPerSecond }).nullish(),
  maxInFlight: deliverySetting.maxInFlight.nullish(),
});

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

export const createHookInput = withRules(
  z.strictObject({
    /** Required with the admin key; an owner's key implies its owner. */
    ownerId: z.string().min(1).brand<'owner'>().optional(),
    ...hookFields,
    secret: signingSecretInput.optional(),
  }),
  [TEMPLATE_MATCHES_FORMAT, FORMAT_FITS_TARGET],
);

export const updateHookInput = withRules(
  z.strictObject({
    name: hookFields.name.optional(),
    events: hookFields.events.optional(),
    resourceTypes: hookFields.resourceTypes.nullable(),
    target: targetPatchInput.optional(),
    format: z.enum(PAYLOAD_FORMATS).optional(),
    template: templateInput.optional(),
    delivery: deliveryInput.optional(),
  }),
  [
    { schema: { minProperties: 1 }, message: 'nothing to update', path: [] },
    TEMPLATE_MATCHES_FORMAT,
    FORMAT_FITS_TARGET,
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
export function hookView(hook: StoredHook, deliveryDefaults: DeliverySettings) {
  return {
    id: hook._id,
    ownerId: hook.ownerId,
    name: hook.name,
    events: hook.events,
    resourceTypes: hook.resourceTypes ?? undefined,
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
    },
    // A receiver's Retry-After holds the hook back until then; shown only while it lasts.
    throttledUntil: isThrottled(hook, Date.now()) ? (hook.throttledUntil ?? undefined) : undefined,
    warnings: targetWarnings(hook.target),
    createdAt: hook.createdAt,
    updatedAt: hook.updatedAt,
  };
}

async function findHook(models: Models, caller: Caller, id: HookId): Promise<StoredHook> {
  const hook = await models.Hook.findOne({ _id: id, ...ownerScope(caller) }).lean();
  if (!hook) throw new NotFoundError('hook', id);
  return hook;
}

/** Creates the hook with its signing secret, which is returned here and at rotation only. */
export async function createHook(deps: HookDependencies, caller: Caller, input: z.infer<typeof createHookInput>) {
  const { models, secrets } = deps;
  const ownerId = ownerIdFor(caller, input.ownerId);
  if (!deps.allowPrivateTargets) assertPublicTarget(input.target);
  await assertSubscribable(models, input.events);
  await assertOwnerExists(models, ownerId);
  const secret = input.secret ?? newSigningSecret();
  const hook = await models.Hook.create({
    _id: newId('hook'),
    ownerId,
    name: input.name,
    events: input.events,
    resourceTypes: input.resourceTypes?.length ? input.resourceTypes : undefined,
    target: sealTarget(secrets, input.target),
    format: input.target.type === 'http' ? (input.format ?? 'standard') : undefined,
    template: storedTemplate(input.template),
    delivery: input.delivery,
    status: 'enabled',
    signingSecrets: [{ sealed: secrets.seal(secret), createdAt: new Date() }],
  });
  return { ...hookView(hook.toObject(), deps.deliveryDefaults), secret };
}

export async function getHook(deps: ViewDependencies, caller: Caller, id: HookId) {
  return hookView(await findHook(deps.models, caller, id), deps.deliveryDefaults);
}

export async function listHooks(deps: ViewDependencies, caller: Caller, query: z.infer<typeof listHooksQuery>) {
  const filter = {
    ...(query.ownerId ? { ownerId: query.ownerId } : {}),
    ...ownerScope(caller),
    ...(query.status ? { status: { $in: query.status === 'enabled' ? ['enabled'] : ['parking', 'disabled'] } } : {}),
  };
  const page = await paginate<StoredHook>(deps.models.Hook, filter, query);
  return { data: page.items.map((hook) => hookView(hook, deps.deliveryDefaults)), nextCursor: page.nextCursor };
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
  if (patch.events) await assertSubscribable(models, patch.events);
  const { resourceTypes, target, template, delivery, ...rest } = patch;
  const set: Record<string, unknown> = { ...rest };
  const unset: Record<string, 1> = {};
  if (delivery) patchDeliverySettings(delivery, set, unset);
  if (template) set.template = storedTemplate(template);
  else if (patch.format) unset.template = 1;
  if (target) set.target = sealTarget(secrets, target, hook.target);
  if (target && target.type !== 'http') Object.assign(unset, { format: 1, template: 1 });
  else if (target && !hook.format && !patch.format) set.format = 'standard';
  if (resourceTypes === null || resourceTypes?.length === 0) unset.resourceTypes = 1;
  else if (resourceTypes) set.resourceTypes = resourceTypes;
  const updated = await models.Hook.findOneAndUpdate(
    { _id: id, ...ownerScope(caller) },
    { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) },
    { returnDocument: 'after' },
  ).lean();
  if (!updated) throw new NotFoundError('hook', id);
  return hookView(updated, deps.deliveryDefaults);
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
    'delivery.disableAfter.failures': delivery.disableAfter?.failures,
    'delivery.disableAfter.window': delivery.disableAfter?.window,
    'delivery.rateLimit': delivery.rateLimit,
    'delivery.maxInFlight': delivery.maxInFlight,
  };
  for (const [path, value] of Object.entries(paths)) {
    if (value === null) unset[path] = 1;
    else if (value !== undefined) set[path] = value;
  }
}

/**
 * Deletes the hook; its past deliveries stay on record, and what it kept while
 * off, or its lane held (a lane waiting hours for a retry would only find out then), is cancelled.
 */
export async function deleteHook(models: Models, caller: Caller, id: HookId): Promise<void> {
  const deleted = await models.Hook.deleteOne({ _id: id, ...ownerScope(caller) });
  if (deleted.deletedCount === 0) throw new NotFoundError('hook', id);
  for (const kept of [parkedDeliveriesOf(id), ...OPEN_IN_LANE.map((status) => laneDeliveriesOf(id, status))]) {
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
