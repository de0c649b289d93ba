import { z } from 'zod';
import { OWNER_DATA_PARTS } from '../../shared/owner-data';
import { TARGET_TYPES } from '../../targets/catalogue';
import { ownerEmail } from '../../services/owners';
import { RETRY_ON } from '../../core/delivery-settings';
import { ORDERINGS } from '../../core/ordering';

/**
 * The shapes the API answers with, for the OpenAPI document. Requests are
 * described by the domain's input schemas, which also validate them.
 */
export const apiKeySchema = z.object({
  id: z.string(),
  hint: z.string().describe('The last characters of the key'),
  createdAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().optional(),
});

export const portalSessionSchema = z.object({
  id: z.string(),
  ownerId: z.string(),
  readOnly: z.boolean(),
  expiresAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().optional(),
  theme: z
    .object({ name: z.string().optional(), color: z.string().optional(), logoUrl: z.string().optional() })
    .optional()
    .describe('The branding the producer gave the session'),
  createdAt: z.iso.datetime(),
});

export const ownerSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  email: ownerEmail,
  deletion: z
    .object({
      requestedAt: z.iso.datetime(),
      removed: z
        .partialRecord(z.enum(OWNER_DATA_PARTS), z.number().int())
        .describe('Records removed so far, per kind: hooks first, keys last'),
    })
    .optional()
    .describe('Present once the owner is being deleted'),
  createdAt: z.iso.datetime(),
});

export const ownerSchema = ownerSummarySchema.extend({ apiKeys: z.array(apiKeySchema) });

export const errorSchema = z.object({
  error: z.object({
    code: z.string().describe('Stable, for programs: validation_failed, unauthorized, not_found, conflict, ...'),
    message: z.string().describe('For people: names the field or id at fault'),
    details: z.unknown().optional(),
    requestId: z.string().optional(),
  }),
});

const headerValueSchema = z.union([
  z.string(),
  z.object({ secret: z.literal(true) }).describe('A secret header: stored encrypted, never shown'),
]);

export const hookSchema = z.object({
  id: z.string(),
  ownerId: z.string(),
  name: z.string(),
  events: z.array(z.string()),
  resourceTypes: z.array(z.string()).optional(),
  filter: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Only the events this MongoDB-style query matches (see HookFilter)'),
  target: z.union([
    z.object({
      type: z.literal('http'),
      url: z.string(),
      method: z.string(),
      headers: z.record(z.string(), headerValueSchema),
    }),
    z
      .object({ type: z.enum(TARGET_TYPES) })
      .catchall(z.unknown())
      .describe('Any other target type, as given; its secret fields show as {"secret": true}'),
  ]),
  format: z.string().optional().describe('HTTP targets only'),
  template: z
    .object({
      contentType: z.string(),
      body: z.string().optional(),
      fields: z.record(z.string(), z.string()).optional(),
    })
    .optional()
    .describe('With format `template`: how the body is rendered'),
  warnings: z.array(z.string()).optional().describe('Things to fix about this hook that do not stop it'),
  status: z.enum(['enabled', 'disabled']),
  parking: z.boolean().describe('While disabled: whether the events that arrive are kept, paused, for the hook'),
  disabledReason: z.string().optional(),
  disabledAt: z.iso.datetime().optional(),
  hostPausedUntil: z.iso
    .datetime()
    .optional()
    .describe("Set while the breaker holds sends to the target's host, after too many failures there from all hooks"),
  delivery: z.object({
    timeout: z.string(),
    retrySchedule: z.array(z.string()),
    retryOn: z.enum(RETRY_ON),
    disableAfter: z.object({ failures: z.number(), window: z.string() }),
    rateLimit: z
      .object({ perSecond: z.number() })
      .nullable()
      .describe("At most this many requests a second to the hook's receiver; null: no limit"),
    maxInFlight: z.number().nullable().describe('At most this many requests open at once; null: no bound'),
    ordering: z
      .enum(ORDERINGS)
      .nullable()
      .describe("`fifo`: each orderingKey's deliveries one at a time, in the order their events were accepted"),
  }),
  throttledUntil: z.iso
    .datetime()
    .optional()
    .describe("The receiver's 429 or 503 asked, with Retry-After, to hear nothing until then: deliveries wait"),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const enabledHookSchema = hookSchema.extend({
  parked: z
    .object({
      resuming: z.number().int().describe('Deliveries kept while the hook was off that now go, oldest first'),
      cancelled: z.number().int().describe('Deliveries kept while the hook was off, cancelled (`resume: false`)'),
    })
    .describe('What became of the deliveries the hook kept while it was off'),
});

export const attemptSchema = z.object({
  startedAt: z.iso.datetime(),
  durationMs: z.number(),
  statusCode: z.number().optional(),
  errorKind: z.string().optional(),
  errorMessage: z.string().optional(),
});

const attemptDetailSchema = attemptSchema.extend({
  responseHeaders: z
    .record(z.string(), z.string())
    .optional()
    .describe("The answer's headers: at most 50, each value cut at 1 KiB"),
  responseBody: z.string().optional().describe('At most 4 KiB'),
});

export const deliverySummarySchema = z.object({
  id: z.string(),
  eventId: z.string(),
  eventType: z.string().optional().describe("The event's type; deliveries recorded before it was kept have none"),
  hookId: z.string(),
  status: z.enum(['pending', 'succeeded', 'retrying', 'failed', 'paused', 'cancelled']),
  replayId: z.string().optional().describe('The replay that made this delivery'),
  replayOf: z.string().optional().describe('The delivery this one does again'),
  supersededBy: z.string().optional().describe("A replay's delivery that does this one again"),
  nextAttemptAt: z.iso.datetime().optional(),
  failureReason: z.string().optional(),
  attempts: z.number(),
  lastAttempt: attemptSchema.optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const deliverySchema = deliverySummarySchema.extend({
  ownerId: z.string(),
  attempts: z.array(attemptDetailSchema),
});

export const replaySchema = z.object({
  id: z.string(),
  kind: z.enum(['delivery', 'event', 'recovery']),
  status: z.enum(['running', 'completed', 'cancelled']),
  deliveryId: z.string().optional(),
  eventId: z.string().optional(),
  hookId: z.string().optional(),
  hookIds: z.array(z.string()).optional(),
  since: z.iso.datetime().optional(),
  until: z.iso.datetime().optional(),
  statuses: z.array(z.string()).optional(),
  ratePerSecond: z.number(),
  total: z.number().describe('Deliveries it set out to make'),
  done: z.number().describe('Deliveries made so far (new records, linked by replayId)'),
  succeeded: z.number(),
  failed: z.number(),
  retrying: z.number(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().optional(),
});

export const replayScheduleSchema = z.object({
  id: z.string(),
  ownerId: z.string(),
  hookId: z.string().optional(),
  cron: z.string().optional(),
  every: z.string().optional(),
  window: z.string(),
  statuses: z.array(z.string()),
  ratePerSecond: z.number(),
  paused: z.boolean(),
  createdAt: z.iso.datetime(),
});

export const eventSchema = z.object({
  id: z.string(),
  type: z.string(),
  ownerId: z.string(),
  resourceType: z.string().optional(),
  resourceId: z.string().optional(),
  orderingKey: z.string().optional(),
  messageId: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.iso.datetime(),
});

export const testOutcomeSchema = z.object({
  outcome: z.enum(['succeeded', 'retryable', 'permanent']),
  attempt: attemptDetailSchema,
  messages: z.array(z.string()).optional().describe("What the provider's validation endpoint said (GA4)"),
});

/** A page of a list: pass `nextCursor` back as `cursor` for the next one. A page of `Hook`s is a `HookPage`. */
export function pageOf<T extends z.ZodType>(item: T) {
  const page = z.object({ data: z.array(item), nextCursor: z.string().optional() });
  const itemName = z.globalRegistry.get(item)?.id;
  return itemName ? page.meta({ id: `${itemName}Page` }) : page;
}

export const eventTypeSchema = z.object({
  name: z.string(),
  description: z.string(),
  schema: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('The JSON Schema (draft 2020-12) that the `data` of events must match; absent means any data'),
  resourceTypes: z
    .array(z.string())
    .optional()
    .describe('The resource types events of this type may be about; absent means any'),
  source: z
    .enum(['catalogue', 'custom'])
    .describe('`catalogue`: shipped with Hookflow; `custom`: registered by the API'),
  createdAt: z.iso.datetime(),
});

export const eventTypeListSchema = z.object({ data: z.array(eventTypeSchema) });

/**
 * The names of the shapes answers share, as the OpenAPI document's components: generated clients name their
 * types after them (`Hook`, `DeliverySummary`, ...). A shape extended for one answer is that answer's own.
 */
for (const [schema, id] of [
  [apiKeySchema, 'ApiKey'],
  [portalSessionSchema, 'PortalSession'],
  [ownerSummarySchema, 'OwnerSummary'],
  [ownerSchema, 'Owner'],
  [hookSchema, 'Hook'],
  [attemptSchema, 'Attempt'],
  [attemptDetailSchema, 'AttemptDetail'],
  [deliverySummarySchema, 'DeliverySummary'],
  [deliverySchema, 'Delivery'],
  [replaySchema, 'Replay'],
  [replayScheduleSchema, 'ReplaySchedule'],
  [eventSchema, 'Event'],
  [testOutcomeSchema, 'TestOutcome'],
  [eventTypeSchema, 'EventType'],
] as const) {
  z.globalRegistry.add(schema, { id });
}
