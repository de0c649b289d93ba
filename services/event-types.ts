import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { AppError, ConflictError, UnprocessableError } from '../core/errors';
import { EVENT_CATALOGUE, type JsonSchema } from '../core/event-catalogue';
import { isPattern } from '../core/event-patterns';
import { isOperational, OPERATIONAL_PREFIX } from '../core/operational-events';
import { compileEventSchema, UnusableSchemaError } from '../core/event-schema';
import { RegExpBudgetError, withRegExpBudget } from '../core/linear-regexp';
import { bulkWriteInCommands } from '../infra/bulk-writes';
import type { Models } from '../infra/models';
import type { EventType } from '../infra/models/event-type';
import { invalidateAcceptance } from './owners';

const DUPLICATE_KEY = 11000;
/** Enough to fix a payload; a badly wrong one would otherwise give an error per field. */
const MAX_SCHEMA_ERRORS = 20;

export const eventTypeName = z
  .string()
  .max(128)
  .regex(/^[A-Za-z][\w.-]*$/, 'must start with a letter, then letters, digits, _ - or . (a name, not a pattern)');

export const createEventTypeInput = z.strictObject({
  name: eventTypeName,
  description: z.string().max(1000).trim().optional(),
  schema: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('A JSON Schema (draft 2020-12) that the `data` of events of this type must match'),
  resourceTypes: z
    .array(z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'must be a lower-case resource type name'))
    .max(100)
    .optional()
    .describe('The resource types events of this type may be about; absent means any'),
});

type StoredEventType = EventType & { _id: string; createdAt: Date; updatedAt: Date };

function parseSchema(schemaJson: string | null | undefined): JsonSchema | undefined {
  return schemaJson ? (JSON.parse(schemaJson) as JsonSchema) : undefined;
}

function eventTypeView(eventType: StoredEventType) {
  return {
    name: eventType._id,
    description: eventType.description,
    schema: parseSchema(eventType.schemaJson),
    resourceTypes: eventType.resourceTypes?.length ? eventType.resourceTypes : undefined,
    source: eventType.source,
    createdAt: eventType.createdAt,
  };
}

/** Throws an UnprocessableError naming `schema` (and where in it) when it is not one Hookflow can validate with. */
function assertCompiles(schema: JsonSchema): void {
  try {
    compileEventSchema(schema);
  } catch (error) {
    if (!(error instanceof UnusableSchemaError)) throw error;
    throw new UnprocessableError(`${error.field}: ${error.message}`, [{ path: error.field, message: error.message }]);
  }
}

/** Inserts the default catalogue. Types already there, edited or not, are left as they are. */
export async function seedEventCatalogue(models: Models): Promise<void> {
  const now = new Date();
  const upserts = EVENT_CATALOGUE.map((entry) => ({
    filter: { _id: entry.name },
    update: {
      $setOnInsert: {
        description: entry.description,
        ...(entry.schema ? { schemaJson: JSON.stringify(entry.schema) } : {}),
        ...(entry.resourceTypes ? { resourceTypes: [...entry.resourceTypes] } : {}),
        source: 'catalogue',
        createdAt: now,
        updatedAt: now,
      },
    },
    upsert: true,
    // Otherwise every start would bump updatedAt of types that did not change.
    timestamps: false,
  }));
  try {
    const result = await bulkWriteInCommands(
      models.EventType,
      upserts.map((updateOne) => ({ updateOne })),
      { ordered: false },
    );
    if (result.upsertedCount > 0) await invalidateAcceptance(models);
  } catch (error) {
    // Processes starting at once race to insert the same names; the losers get duplicate-key errors, and
    // some servers (FerretDB) then skip the rest of the batch. One by one, a duplicate means that type is in.
    if (!onlyDuplicateKeys(error)) throw error;
    for (const { filter, update, ...options } of upserts) {
      try {
        await models.EventType.updateOne(filter, update, options);
      } catch (oneError) {
        if (!onlyDuplicateKeys(oneError)) throw oneError;
      }
    }
    await invalidateAcceptance(models);
  }
}

function onlyDuplicateKeys(error: unknown): boolean {
  const { code, writeErrors } = error as { code?: number; writeErrors?: { code?: number }[] };
  if (Array.isArray(writeErrors) && writeErrors.length > 0) return writeErrors.every((e) => e.code === DUPLICATE_KEY);
  return code === DUPLICATE_KEY;
}

/** Refuses Hookflow's own prefix (core/operational-events.ts) in a producer's event or event type, at `path`. */
function assertNotReserved(name: string, path: string): void {
  if (!isOperational(name)) return;
  const message = `the ${JSON.stringify(OPERATIONAL_PREFIX)} prefix is reserved for Hookflow's operational events`;
  throw new UnprocessableError(`${path}: ${message}`, [{ path, message }]);
}

export async function createEventType(models: Models, input: z.infer<typeof createEventTypeInput>) {
  assertNotReserved(input.name, 'name');
  if (input.schema) assertCompiles(input.schema);
  try {
    const created = await models.EventType.create({
      _id: input.name,
      description: input.description ?? '',
      schemaJson: input.schema ? JSON.stringify(input.schema) : undefined,
      resourceTypes: input.resourceTypes?.length ? input.resourceTypes : undefined,
      source: 'custom',
    });
    await invalidateAcceptance(models);
    return eventTypeView(created.toObject());
  } catch (error) {
    if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    // A registration that crashed before invalidating is repaired by its retry.
    await invalidateAcceptance(models);
    throw new ConflictError(`Event type ${JSON.stringify(input.name)} already exists`);
  }
}

export async function listEventTypes(models: Models) {
  const eventTypes = await models.EventType.find().sort({ _id: 1 }).lean();
  return eventTypes.map(eventTypeView);
}

/**
 * Every subscription must be a pattern or a catalogued name, so that a typo does not silently receive nothing;
 * with `resourceTypes`, each named event must be one that some of them have, and each of them must have some of
 * the named events (when every subscription is a name), as the catalogue lists them: Creads' organizations are
 * only ever updated, so a hook for created organizations would wait in vain.
 */
export async function assertSubscribable(
  models: Models,
  subscriptions: string[],
  resourceTypes: string[] = [],
): Promise<void> {
  const names = [...new Set(subscriptions.filter((subscription) => !isPattern(subscription)))];
  if (names.length === 0) return;
  const known = await models.EventType.find({ _id: { $in: names } }, { _id: 1, resourceTypes: 1 }).lean();
  const knownNames = new Set(known.map((eventType) => eventType._id));
  const unknown = names.filter((name) => !knownNames.has(name));
  if (unknown.length > 0) {
    const quoted = unknown.map((name) => JSON.stringify(name)).join(', ');
    const message =
      unknown.length === 1
        ? `events: unknown event type ${quoted}; register it with POST /v1/event-types or use a pattern`
        : `events: unknown event types ${quoted}; register them with POST /v1/event-types or use patterns`;
    throw new UnprocessableError(
      message,
      unknown.map((name) => ({ path: `events.${subscriptions.indexOf(name)}`, message: 'unknown event type' })),
    );
  }
  if (resourceTypes.length === 0) return;
  assertResourceTypesFit(subscriptions, resourceTypes, known);
}

/** See assertSubscribable: each named event for some of the resource types, and each resource type for some event. */
function assertResourceTypesFit(
  subscriptions: string[],
  resourceTypes: string[],
  known: { _id: string; resourceTypes?: string[] | null }[],
): void {
  const about = (eventType: (typeof known)[number], resourceType: string) =>
    !eventType.resourceTypes?.length || eventType.resourceTypes.includes(resourceType);
  // Only types with a list fail either rule, so the list is there to name.
  const onlyTo = (eventType: (typeof known)[number]) =>
    `"${eventType._id}" happens only to ${eventType.resourceTypes?.join(', ')}`;
  const eventsWithout = known
    .filter((eventType) => !resourceTypes.some((resourceType) => about(eventType, resourceType)))
    .map((eventType) => ({
      path: `events.${subscriptions.indexOf(eventType._id)}`,
      message: `not an event of ${resourceTypes.map((type) => JSON.stringify(type)).join(', ')}: ${onlyTo(eventType)}`,
    }));
  // The second rule only when the first found nothing: an event of none of the types already says it all.
  const typesWithout =
    eventsWithout.length > 0 || subscriptions.some(isPattern)
      ? []
      : resourceTypes
          .filter((resourceType) => !known.some((eventType) => about(eventType, resourceType)))
          .map((resourceType) => ({
            path: `resourceTypes.${resourceTypes.indexOf(resourceType)}`,
            message: `none of the subscribed events happens to "${resourceType}": ${known.map(onlyTo).join('; ')}`,
          }));
  const problems = [...eventsWithout, ...typesWithout];
  if (problems.length === 0) return;
  throw new UnprocessableError(problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
}

interface CachedValidator {
  updatedAt: number;
  schemaJson: string;
  validate: ValidateFunction;
}

/**
 * Compiled validators by event type name, for the one version of the type
 * they were compiled from (its updatedAt and schema text), so that accepting
 * events does not compile a schema each time.
 */
const validators = new Map<string, CachedValidator>();

function validatorFor(name: string, updatedAt: Date | undefined, schemaJson: string): ValidateFunction {
  const version = updatedAt?.getTime() ?? 0;
  const cached = validators.get(name);
  if (cached && cached.updatedAt === version && cached.schemaJson === schemaJson) return cached.validate;
  const validate = compileEventSchema(JSON.parse(schemaJson) as JsonSchema);
  validators.set(name, { updatedAt: version, schemaJson, validate });
  return validate;
}

/**
 * A schema stored before the bounds of event-schema.ts (or edited in the
 * database past them) is not run: its events are refused, saying why.
 */
function storedValidator(name: string, updatedAt: Date | undefined, schemaJson: string): ValidateFunction {
  try {
    return validatorFor(name, updatedAt, schemaJson);
  } catch (error) {
    if (!(error instanceof UnusableSchemaError)) throw error;
    const message = `the schema of event type ${JSON.stringify(name)} cannot be used (${error.message}): its events are refused until an operator replaces it`;
    throw new AppError(422, 'schema_unusable', message, [{ path: error.field, message: error.message }]);
  }
}

function matches(validate: ValidateFunction, event: { type: string; data: unknown }): boolean {
  try {
    return withRegExpBudget(() => validate(event.data));
  } catch (error) {
    if (!(error instanceof RegExpBudgetError)) throw error;
    const message = `data: too large for the patterns of the schema of event type ${JSON.stringify(event.type)}: ${error.message}`;
    throw new AppError(422, 'schema_too_costly', message, [{ path: 'data', message: error.message }]);
  }
}

/** `/user/0/id` → `data.user.0.id`, the dotted paths validation errors use elsewhere. */
function dataPath(error: ErrorObject): string {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  return ['data', ...segments].join('.');
}

type ReadEventType = (name: string) => Promise<StoredEventType | null>;

/**
 * The event types an API process has read, per owner and acceptanceVersion:
 * a version bump (invalidateAcceptance) makes the next post of each owner
 * read its types again, in every process. Unknown types are cached too, so
 * that a producer sending a typo costs no read. At most `max` (owner,
 * version, type) entries are kept, the least recently used dropped first: a
 * producer posting made-up types evicts entries rather than growing the process.
 */
export class EventTypeCache {
  /** `type` is null for a name that is not catalogued. */
  private readonly types: LRUCache<string, { type: StoredEventType | null }>;

  constructor(max = 100_000) {
    this.types = new LRUCache({ max });
  }

  reader(models: Models, ownerId: string, version: number): ReadEventType {
    return async (name) => {
      const key = JSON.stringify([ownerId, version, name]);
      const cached = this.types.get(key);
      if (cached) return cached.type;
      const type = await models.EventType.findById(name).lean<StoredEventType>();
      this.types.set(key, { type });
      return type;
    };
  }
}

/**
 * Checks an incoming event against its type: the type must be catalogued,
 * its resource type one the type allows, and its data must match the type's
 * schema (422 otherwise, with Ajv's findings). `readType` reads the type
 * (EventTypeCache's reader on the API's hot path).
 */
export async function assertEventAccepted(
  models: Models,
  event: { type: string; data: unknown; resourceType?: string },
  readType: ReadEventType = (name) => models.EventType.findById(name).lean<StoredEventType>(),
): Promise<void> {
  assertNotReserved(event.type, 'type');
  const eventType = await readType(event.type);
  if (!eventType) {
    const message = `type: unknown event type ${JSON.stringify(event.type)}; register it with POST /v1/event-types`;
    throw new UnprocessableError(message, [{ path: 'type', message: 'unknown event type' }]);
  }

  const allowed = eventType.resourceTypes;
  if (event.resourceType !== undefined && allowed?.length && !allowed.includes(event.resourceType)) {
    const message = `resourceType: ${JSON.stringify(event.resourceType)} is not one of the resource types of ${JSON.stringify(event.type)} (${allowed.join(', ')})`;
    throw new UnprocessableError(message, [{ path: 'resourceType', message: `must be one of ${allowed.join(', ')}` }]);
  }

  if (!eventType.schemaJson) return;
  const validate = storedValidator(eventType._id, eventType.updatedAt, eventType.schemaJson);
  if (matches(validate, event)) return;
  const problems = (validate.errors ?? [])
    .slice(0, MAX_SCHEMA_ERRORS)
    .map((error) => ({ path: dataPath(error), message: error.message ?? 'is invalid' }));
  throw new AppError(
    422,
    'schema_mismatch',
    `data does not match the schema of event type ${JSON.stringify(event.type)}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    problems,
  );
}
