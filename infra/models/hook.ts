import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import type { StoredTarget } from '../../targets/catalogue';
import type { HookId, OwnerId } from '../../core/ids';
import { RETRY_ON } from '../../core/delivery-settings';
import { ORDERINGS } from '../../core/ordering';
import type { WithIds } from './with-ids';

export const PAYLOAD_FORMATS = ['standard', 'creads', 'misskey', 'ibm', 'chat', 'template'] as const;

/**
 * `enabled`: events are delivered. `parking`: the hook is off, but each new
 * event still gets its delivery, kept `paused` until the hook is enabled again
 * (Hookflow always parks when it disables a hook; an owner chooses). `disabled`:
 * off, and new events pass the hook by. Owners see the last two as `disabled`,
 * with `parking` telling them apart (services/hooks.ts).
 */
export const HOOK_STATES = ['enabled', 'parking', 'disabled'] as const;
export type HookState = (typeof HOOK_STATES)[number];

/** The states in which an event gets a delivery for the hook: sent while enabled, kept while parking. */
export const RECEIVING_STATES = ['enabled', 'parking'] as const satisfies readonly HookState[];

const templateFieldSchema = new Schema(
  { name: { type: String, required: true }, value: { type: String, required: true } },
  { _id: false },
);

/** A Liquid template for the body (JSON or text), or per form field. Fields are a list: names may hold dots. */
const templateSchema = new Schema(
  {
    contentType: { type: String, required: true },
    body: String,
    fields: { type: [templateFieldSchema], default: undefined },
  },
  { _id: false },
);

/** Signing secrets, sealed. The newest signs; a rotated-out one keeps signing until it expires. */
const signingSecretSchema = new Schema(
  { sealed: { type: String, required: true }, createdAt: { type: Date, required: true }, expiresAt: Date },
  { _id: false },
);

/** The hook's own delivery settings; what it leaves out follows the global defaults (delivery-settings.ts). */
const deliverySettingsSchema = new Schema(
  {
    timeout: String,
    // Absent, not empty: an empty schedule is a hook's choice to never retry.
    retrySchedule: { type: [String], default: undefined },
    retryOn: { type: String, enum: RETRY_ON },
    disableAfter: { failures: Number, window: String },
    /** Pacing (core/pacing.ts): with either, the hook's deliveries go through its lane (workflows/hook-lane.ts). */
    rateLimit: {
      type: new Schema({ perSecond: { type: Number, required: true } }, { _id: false }),
      default: undefined,
    },
    maxInFlight: Number,
    /** `fifo`: each key's deliveries in the order their events were accepted (core/ordering.ts). */
    ordering: { type: String, enum: ORDERINGS },
  },
  { _id: false },
);

/** A subscriber: which events it wants, where they go, and how hard to try. */
const hookSchema = new Schema(
  {
    _id: { type: String, required: true },
    ownerId: { type: String, required: true },
    name: { type: String, required: true },
    /** Exact event names, `prefix.*` and `prefix-*` patterns or `*`; see event-patterns.ts. */
    events: { type: [String], required: true },
    /** Only events about these resource types; absent means every resource type. */
    resourceTypes: { type: [String], default: undefined },
    /**
     * The hook's filter (core/hook-filter.ts) as JSON: its keys (`$gte`,
     * `data.amount`) are not all storable as document keys. Absent: every
     * event the hook subscribes to.
     */
    filterJson: String,
    /** One of the registered target types' shapes (targets/), secret fields sealed; its module checks it on the way in. */
    target: { type: Schema.Types.Mixed, required: true },
    /** Where the target's requests go (targetHostOf), for the breaker per host; absent for provider APIs. */
    targetHost: String,
    /** HTTP targets only. */
    format: { type: String, enum: PAYLOAD_FORMATS },
    template: { type: templateSchema, default: undefined },
    /**
     * Misskey format only: the plain secret its receivers check (X-Misskey-Hook-Secret), sealed; without it
     * the header carries the newest signing secret. Signatures always use the signing secrets.
     */
    misskeySecret: String,
    status: { type: String, enum: HOOK_STATES, default: 'enabled' },
    disabledReason: String,
    disabledAt: Date,
    delivery: { type: deliverySettingsSchema, default: () => ({}) },
    signingSecrets: { type: [signingSecretSchema], default: [] },
    /** Failed attempts in a row, and since when; a success resets both. */
    failureCount: { type: Number, default: 0 },
    failingSince: Date,
    /**
     * The streak (its failingSince) whose passing half the threshold was announced
     * (hookflow.hook.failing), so that a streak is announced once; cleared with the streak.
     */
    failingAnnouncedFor: Date,
    /** A receiver's 429 or 503 asked, with Retry-After, to hear nothing until then: the hook is paced meanwhile. */
    throttledUntil: Date,
    /**
     * How many times the hook was turned back on. Each disabled spell is named
     * by it, so that however many deliveries fail at once, one workflow
     * disables the hook and mails its owner: an id, not a conditional update,
     * which FerretDB does not make atomic under concurrent writers.
     */
    enabledCount: { type: Number, default: 0 },
  },
  { timestamps: true, versionKey: false },
);

// Serves the fan-out query: an owner's enabled hooks subscribed to one of a few keys, in id order.
hookSchema.index({ ownerId: 1, status: 1, events: 1, _id: 1 });
hookSchema.index({ ownerId: 1, createdAt: -1, _id: -1 });

export type Hook = WithIds<InferSchemaType<typeof hookSchema>, { _id: HookId; ownerId: OwnerId; target: StoredTarget }>;

export function hookModel(connection: Connection) {
  return connection.model<Hook>('Hook', hookSchema, 'hooks');
}
