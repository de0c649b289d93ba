import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import {
  $all,
  $and,
  $elemMatch,
  $eq,
  $exists,
  $gt,
  $gte,
  $in,
  $lt,
  $lte,
  $ne,
  $nin,
  $nor,
  $not,
  $options,
  $or,
  $size,
  createEqualsOperation,
  createQueryTester,
} from 'sift';
import { z } from 'zod';
import { meteredRegExp, UnsupportedPatternError, withRegExpBudget } from './linear-regexp';
import { BEYOND_SCHEMA } from './schema-rules';

/**
 * Hook filters: a MongoDB-style query over the event as templates see it
 * (`type`, `resourceType`, `resourceId`, `messageId`, `data`, `createdAt`...),
 * such as `{"data.amount": {"$gte": 100}}`, run by sift (the matcher mongoose
 * itself uses) with only the operators listed here: sift refuses any other
 * `$` name, so nothing that runs code (`$where`, `$function`) or has no
 * bounded cost (`$expr`) can be reached, and `$regex` runs on RE2 in linear
 * time. A filter is checked when the hook is saved: its shape against the
 * JSON Schema the OpenAPI document publishes (a 400), then what a schema
 * cannot state, its overall size and its patterns (a 422).
 */

export const FILTER_LIMITS = {
  /** Fields and logical operators in one filter object. */
  keysPerObject: 20,
  /** Filters in one `$and`, `$or` or `$nor`. */
  groupItems: 20,
  /** Values in one `$in`, `$nin` or `$all`. */
  listItems: 100,
  /** Characters of a field path. */
  pathLength: 256,
  /** Characters of a `$regex`. */
  regexLength: 512,
  /** Levels of objects and arrays, the filter's own included. */
  depth: 10,
  /** Field conditions and operators in all. */
  conditions: 100,
  /** Characters of the filter as JSON. */
  jsonLength: 16 * 1024,
};

/**
 * RE2 steps (program instructions times characters, see linear-regexp.ts)
 * one filter may spend on one event: about 10 ms at worst, a hundredth of
 * what an event's schema may spend, since a fan-out runs a filter per hook.
 */
export const FILTER_REGEXP_BUDGET = 1_000_000;

/** `$regex` on RE2, metered: a string matches, anything else does not (as in MongoDB). */
function $regex(pattern: string, ownerQuery: { $options?: string }, options: Parameters<typeof $eq>[2]) {
  const regExp = meteredRegExp(pattern, ownerQuery.$options);
  return createEqualsOperation(
    (value: unknown) => typeof value === 'string' && regExp.test(value),
    ownerQuery,
    options,
  );
}

/**
 * The only operations sift is given: any other `$` name in a filter is an
 * error, not a lookup. On a field's values (`$options` only goes with `$regex`):
 */
const FIELD_OPERATIONS = {
  $eq,
  $ne,
  $gt,
  $gte,
  $lt,
  $lte,
  $in,
  $nin,
  $all,
  $exists,
  $size,
  $regex,
  $options,
  $not,
  $elemMatch,
};
/** Over whole filters. */
const LOGICAL_OPERATIONS = { $and, $or, $nor };
const OPERATIONS = { ...FIELD_OPERATIONS, ...LOGICAL_OPERATIONS };

export const FIELD_OPERATORS = Object.keys(FIELD_OPERATIONS);
export const LOGICAL_OPERATORS = Object.keys(LOGICAL_OPERATIONS);

/** A field path: dotted names, none empty or starting with `$` (event data has no such keys). */
const FIELD_PATH = '^[^$.][^.]*(\\.[^$.][^.]*)*$';

type ComponentName = 'HookFilter' | 'HookFilterCondition' | 'HookFilterOperators' | 'HookFilterValue';
type JsonSchema = Record<string, unknown>;

/** A filter as given: checked by filterProblems. */
export type HookFilter = Record<string, unknown>;

/** The filter's rules in JSON Schema, written once: Ajv checks requests with them and the document publishes them. */
function filterSchemas(ref: (name: ComponentName) => string): Record<ComponentName, JsonSchema> {
  const to = (name: ComponentName) => ({ $ref: ref(name) });
  const group = { type: 'array', minItems: 1, maxItems: FILTER_LIMITS.groupItems, items: to('HookFilter') };
  const list = (items: JsonSchema) => ({ type: 'array', maxItems: FILTER_LIMITS.listItems, items });
  const bound = { type: ['string', 'number'] };
  return {
    HookFilter: {
      type: 'object',
      description:
        'A MongoDB-style query over the event (type, resourceType, resourceId, messageId, data, createdAt), ' +
        'e.g. {"data.amount": {"$gte": 100}}: field paths, or $and, $or, $nor of filters',
      maxProperties: FILTER_LIMITS.keysPerObject,
      propertyNames: {
        anyOf: [{ enum: LOGICAL_OPERATORS }, { pattern: FIELD_PATH, maxLength: FILTER_LIMITS.pathLength }],
      },
      properties: Object.fromEntries(LOGICAL_OPERATORS.map((operator) => [operator, group])),
      additionalProperties: to('HookFilterCondition'),
    },
    HookFilterCondition: {
      description: 'A value the field must equal, or operators on it',
      anyOf: [to('HookFilterOperators'), to('HookFilterValue')],
    },
    HookFilterOperators: {
      type: 'object',
      minProperties: 1,
      propertyNames: { enum: FIELD_OPERATORS },
      properties: {
        $eq: to('HookFilterValue'),
        $ne: to('HookFilterValue'),
        $gt: bound,
        $gte: bound,
        $lt: bound,
        $lte: bound,
        $in: list(to('HookFilterValue')),
        $nin: list(to('HookFilterValue')),
        $all: list({ type: ['string', 'number', 'boolean', 'null'] }),
        $exists: { type: 'boolean' },
        $size: { type: 'integer', minimum: 0 },
        $regex: { type: 'string', maxLength: FILTER_LIMITS.regexLength, description: 'RE2 syntax, linear time' },
        $options: { type: 'string', pattern: '^[ims]*$', maxLength: 3 },
        $not: to('HookFilterOperators'),
        $elemMatch: { anyOf: [to('HookFilterOperators'), to('HookFilter')] },
      },
      dependentRequired: { $options: ['$regex'] },
    },
    HookFilterValue: {
      description: 'A literal: anything but an object with a key starting with "$"',
      anyOf: [
        { type: ['string', 'number', 'boolean', 'null', 'array'] },
        { type: 'object', propertyNames: { pattern: '^[^$]' } },
      ],
    },
  };
}

/** The filter's schemas as components of the OpenAPI document. */
export const HOOK_FILTER_COMPONENTS = Object.entries(filterSchemas((name) => `#/components/schemas/${name}`)).map(
  ([name, schema]) => ({ name, schema }),
);

// Not inlined, so that each finding's schemaPath names the component it comes from (see shapeProblem); the root
// is inlined whatever the option, as `#/...`.
const validateShape = new Ajv2020({ allErrors: true, strict: false, inlineRefs: false }).compile({
  $defs: filterSchemas((name) => `#/$defs/${name}`),
  $ref: '#/$defs/HookFilter',
});

export interface FilterProblem {
  path: string[];
  message: string;
  /** A rule the document cannot state (a 422), rather than one of its shape (a 400). */
  beyondSchema: boolean;
}

const pathOf = (instancePath: string) =>
  instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));

const isObject = (value: unknown): value is HookFilter =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An object that has both operators and other keys, which is neither operators nor a value to equal. */
function mixesOperators(value: unknown): boolean {
  if (!isObject(value)) return false;
  const keys = Object.keys(value);
  return keys.some((key) => key.startsWith('$')) && keys.some((key) => !key.startsWith('$'));
}

/** A finding about a key of a filter object: the document's root (inlined, `#/...`) or a nested one. */
const FILTER_KEYS = /^#(\/\$defs\/HookFilter)?\/propertyNames\//;

/** Ajv's findings in words: what is wrong with a key first (a mix, an operator not allowed, a field path), then the deepest finding. */
function shapeProblem(filter: HookFilter, errors: ErrorObject[]): FilterProblem {
  const refusal = (path: string[], message: string) => ({ path, message, beyondSchema: false });
  const named = errors.filter((error) => error.propertyName !== undefined);
  // Where a field's condition goes (a filter object may hold $and beside fields).
  const mixed = named.find(
    (error) =>
      !FILTER_KEYS.test(error.schemaPath) &&
      mixesOperators(pathOf(error.instancePath).reduce<unknown>((node, step) => (node as HookFilter)[step], filter)),
  );
  if (mixed) {
    return refusal(
      pathOf(mixed.instancePath),
      'mixes operators with other keys: give operators ($gt, $in, ...) or a value to equal, not both',
    );
  }
  const unknown = named.find((error) => error.keyword === 'enum' && error.propertyName?.startsWith('$'));
  if (unknown?.propertyName) {
    const allowed = [...FIELD_OPERATORS, ...LOGICAL_OPERATORS].join(', ');
    return refusal(
      [...pathOf(unknown.instancePath), unknown.propertyName],
      `operator ${unknown.propertyName} is not allowed here (filters may use ${allowed})`,
    );
  }
  const field = named.find((error) => FILTER_KEYS.test(error.schemaPath));
  if (field?.propertyName !== undefined) {
    return refusal(
      [...pathOf(field.instancePath), field.propertyName],
      `is not a field path: dotted names, none empty or starting with "$", at most ${FILTER_LIMITS.pathLength} characters`,
    );
  }
  const telling = errors.filter(
    (error) => error.propertyName === undefined && !['anyOf', 'propertyNames', '$ref'].includes(error.keyword),
  );
  const [deepest] = [...(telling.length ? telling : errors)].sort(
    (a, b) => b.instancePath.length - a.instancePath.length,
  );
  return refusal(pathOf(deepest?.instancePath ?? ''), deepest?.message ?? 'is not a filter');
}

/** Levels of objects and arrays in a JSON value, counted without recursion. */
function depthOf(value: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop() as [unknown, number];
    if (typeof current !== 'object' || current === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > FILTER_LIMITS.depth) return deepest;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return deepest;
}

const isLogical = (key: string) => LOGICAL_OPERATORS.includes(key);

/**
 * Every field condition and operator of a filter of valid shape, with where it is: an object of
 * operators, and what `$not` and `$elemMatch` hold, are looked into; literal values are not.
 */
function* partsOf(node: HookFilter, at: string[] = []): Generator<{ at: string[]; key: string }> {
  for (const [key, value] of Object.entries(node)) {
    yield { at, key };
    const path = [...at, key];
    if (isLogical(key) && Array.isArray(value)) {
      for (const [index, item] of value.entries()) yield* partsOf(item as HookFilter, [...path, String(index)]);
    } else if (
      isObject(value) &&
      (key === '$not' || key === '$elemMatch' || Object.keys(value).some((name) => name.startsWith('$')))
    ) {
      yield* partsOf(value, path);
    }
  }
}

/** What a schema cannot state: the filter's size and depth, and patterns RE2 cannot run. */
function costProblems(filter: HookFilter): FilterProblem[] {
  const problem = (message: string, path: string[] = []) => [{ path, message, beyondSchema: true }];
  const json = JSON.stringify(filter);
  if (json.length > FILTER_LIMITS.jsonLength) {
    return problem(`is ${json.length} characters of JSON; a filter may have ${FILTER_LIMITS.jsonLength}`);
  }
  if (depthOf(filter) > FILTER_LIMITS.depth) {
    return problem(`nests deeper than ${FILTER_LIMITS.depth} levels of objects and arrays`);
  }
  const parts = [...partsOf(filter)];
  if (parts.length > FILTER_LIMITS.conditions) {
    return problem(`has ${parts.length} conditions and operators; a filter may have ${FILTER_LIMITS.conditions}`);
  }
  const patterns = parts.flatMap(({ at, key }) => {
    if (key !== '$regex') return [];
    const owner = at.reduce<unknown>((node, step) => (node as Record<string, unknown>)[step], filter) as {
      $regex: string;
      $options?: string;
    };
    try {
      meteredRegExp(owner.$regex, owner.$options);
      return [];
    } catch (error) {
      if (!(error instanceof UnsupportedPatternError)) throw error;
      return problem(error.message, [...at, key]);
    }
  });
  if (patterns.length > 0) return patterns;
  try {
    createQueryTester(filter, { operations: OPERATIONS });
    return [];
  } catch (error) {
    // The schema should leave nothing that sift refuses; should it, the filter is refused now rather than
    // stored to match nothing.
    return problem(`cannot be compiled: ${(error as Error).message}`);
  }
}

/** Everything wrong with a filter, shape first: a filter of the wrong shape is not looked at further. */
export function filterProblems(filter: HookFilter): FilterProblem[] {
  if (!validateShape(filter)) return [shapeProblem(filter, validateShape.errors ?? [])];
  return costProblems(filter);
}

/** A filter as requests give it; the document refers to the HookFilter component for its rules. */
export const hookFilterInput = z
  .custom<HookFilter>(
    (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
    'must be an object: a MongoDB-style query over the event',
  )
  .superRefine((filter, ctx) => {
    for (const { path, message, beyondSchema } of filterProblems(filter)) {
      ctx.addIssue({ code: 'custom', path, message, ...(beyondSchema ? { params: BEYOND_SCHEMA } : {}) });
    }
  })
  .meta({ $ref: '#/components/schemas/HookFilter' });

/** The event as a filter sees it: what templates see. */
export interface FilterSubject {
  id: string;
  type: string;
  ownerId: string;
  resourceType?: string;
  resourceId?: string;
  orderingKey?: string;
  messageId?: string;
  data: unknown;
  createdAt: Date;
}

/** What filters run on: the date as templates show it, fields the event does not have left out (not undefined). */
function filterView(subject: FilterSubject): Record<string, unknown> {
  const { id, type, ownerId, resourceType, resourceId, orderingKey, messageId, data, createdAt } = subject;
  const view = {
    ...{ id, type, ownerId, resourceType, resourceId, orderingKey, messageId, data },
    createdAt: createdAt.toISOString(),
  };
  return Object.fromEntries(Object.entries(view).filter(([, value]) => value !== undefined));
}

type CompiledFilter = (view: Record<string, unknown>) => boolean;

/**
 * A stored filter, compiled. Whatever goes wrong matches nothing rather than
 * failing the fan-out: a filter that no longer compiles (stored before a
 * rule changed), patterns that would cost more than FILTER_REGEXP_BUDGET on
 * this event's values, an event whose data the operators trip on.
 */
function compileHookFilter(filterJson: string): CompiledFilter {
  let test: (item: unknown) => boolean;
  try {
    test = createQueryTester(JSON.parse(filterJson) as HookFilter, { operations: OPERATIONS });
  } catch {
    return () => false;
  }
  return (view) => {
    try {
      return withRegExpBudget(() => test(view), FILTER_REGEXP_BUDGET);
    } catch {
      return false;
    }
  };
}

export type FilterMatcher = (hook: { filterJson?: string | null }, event: FilterSubject) => boolean;

/**
 * Which hooks take an event, for one activity call: each distinct filter is
 * compiled once and each event viewed once, and a hook without a filter
 * takes every event it subscribes to without a look at the event.
 */
export function filterMatcher(): FilterMatcher {
  const compiled = new Map<string, CompiledFilter>();
  const views = new WeakMap<FilterSubject, Record<string, unknown>>();
  return (hook, event) => {
    if (!hook.filterJson) return true;
    let test = compiled.get(hook.filterJson);
    if (!test) {
      test = compileHookFilter(hook.filterJson);
      compiled.set(hook.filterJson, test);
    }
    let view = views.get(event);
    if (!view) {
      view = filterView(event);
      views.set(event, view);
    }
    return test(view);
  };
}
