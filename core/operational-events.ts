/**
 * Operational events: what Hookflow itself says about hooks (one disabled,
 * enabled, failing, a delivery that gave up), delivered like any other event
 * to the hooks that subscribe to them. Their type names share a prefix that
 * producers may not use, so that a receiver can trust that Hookflow sent them.
 * Free of I/O: the API (to refuse the prefix) and the worker (to emit) share it.
 */

/** A JSON Schema, as core/event-catalogue.ts has it (which imports this file). */
type JsonSchema = Record<string, unknown>;

export const OPERATIONAL_PREFIX = 'hookflow.';

export const OPERATIONAL_EVENT_TYPES = {
  disabled: 'hookflow.hook.disabled',
  enabled: 'hookflow.hook.enabled',
  failing: 'hookflow.hook.failing',
  exhausted: 'hookflow.delivery.exhausted',
} as const;

export type OperationalEventType = (typeof OPERATIONAL_EVENT_TYPES)[keyof typeof OPERATIONAL_EVENT_TYPES];

/** What every operational event is about: a hook, as its resource (so the loop guard can tell which). */
export const OPERATIONAL_RESOURCE_TYPE = 'hook';

/** How many of the hook's latest errors an event quotes, and how long each may be. */
export const LAST_ERRORS = 5;
export const ERROR_CHARS = 300;

export function isOperational(eventType: string): boolean {
  return eventType.startsWith(OPERATIONAL_PREFIX);
}

/** The hook an operational event is about, as its data names it. */
export interface HookSummary {
  id: string;
  name: string;
  ownerId: string;
  targetType: string;
  /** Where its requests go (host and port), when its target names one. */
  targetHost: string | null;
}

export interface LastError {
  at: string;
  error: string;
}

const isoDate = { type: 'string', format: 'date-time' };

const hookSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'name', 'ownerId', 'targetType', 'targetHost'],
  properties: {
    id: { type: 'string', description: 'The hook the event is about' },
    name: { type: 'string' },
    ownerId: { type: 'string' },
    targetType: { type: 'string', description: 'http, slack, email, ...' },
    targetHost: { type: ['string', 'null'], description: 'Host and port its requests go to; null for provider APIs' },
  },
};

const lastErrorsSchema: JsonSchema = {
  type: 'array',
  maxItems: LAST_ERRORS,
  description: `The hook's latest failed attempts, newest first (at most ${LAST_ERRORS})`,
  items: {
    type: 'object',
    required: ['at', 'error'],
    properties: { at: isoDate, error: { type: 'string', maxLength: ERROR_CHARS } },
  },
};

const streakSchema: JsonSchema = {
  type: 'object',
  required: ['failures', 'since'],
  properties: {
    failures: { type: 'integer', description: 'Failed attempts in a row' },
    since: { oneOf: [isoDate, { type: 'null' }] },
  },
};

const thresholdSchema: JsonSchema = {
  type: 'object',
  required: ['failures', 'window'],
  description: "The hook's disableAfter: this many failures in a row, lasting at least the window, disable it",
  properties: { failures: { type: 'integer' }, window: { type: 'string' } },
};

function dataSchema(properties: Record<string, JsonSchema>): JsonSchema {
  return {
    type: 'object',
    required: ['hook', 'reason', 'lastErrors', ...Object.keys(properties)],
    properties: { hook: hookSchema, reason: { type: 'string' }, lastErrors: lastErrorsSchema, ...properties },
  };
}

/** The catalogue's entries for them (core/event-catalogue.ts), with the schema of each one's `data`. */
export const OPERATIONAL_CATALOGUE = [
  {
    name: OPERATIONAL_EVENT_TYPES.disabled,
    description: 'Hookflow switched a hook off (a failure streak past its threshold, a 410), or its owner did.',
    schema: dataSchema({ disabledAt: isoDate, streak: streakSchema }),
    resourceTypes: [OPERATIONAL_RESOURCE_TYPE],
  },
  {
    name: OPERATIONAL_EVENT_TYPES.enabled,
    description: 'A hook was switched back on through the API.',
    schema: dataSchema({ enabledAt: isoDate, resume: { type: 'boolean' } }),
    resourceTypes: [OPERATIONAL_RESOURCE_TYPE],
  },
  {
    name: OPERATIONAL_EVENT_TYPES.failing,
    description: "A hook's failure streak passed half the threshold that disables it; announced once per streak.",
    schema: dataSchema({ streak: streakSchema, threshold: thresholdSchema }),
    resourceTypes: [OPERATIONAL_RESOURCE_TYPE],
  },
  {
    name: OPERATIONAL_EVENT_TYPES.exhausted,
    description: 'A delivery failed for good: its retries ran out, or its answer was final.',
    schema: dataSchema({
      deliveryId: { type: 'string' },
      eventId: { type: 'string' },
      eventType: { type: 'string' },
      attempts: { type: 'integer', description: 'Attempts the delivery made' },
    }),
    resourceTypes: [OPERATIONAL_RESOURCE_TYPE],
  },
];
