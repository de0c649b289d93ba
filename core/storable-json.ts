import { z } from 'zod';

/**
 * How deep free-form JSON (an event's `data`) may nest: 32 levels of objects
 * and arrays. Real payloads nest a handful; MongoDB refuses documents deeper
 * than 100 levels, and what Hookflow stores around `data` (the event, the
 * records) takes a few of those. Deeper input overflowed the stack of
 * mongoose's document cloning (10,000 levels) or was refused by the store
 * (1,000 levels), both as a 500.
 */
export const MAX_JSON_DEPTH = 32;

/** Enough to fix a payload without an answer the size of the payload. */
const MAX_PROBLEMS = 20;

const LONE_SURROGATE = 'must not hold a lone surrogate (\\ud800-\\udfff without its pair): it is not valid Unicode';

/** ES2024's String.prototype.isWellFormed, which Node 20 has and lib ES2023 does not declare. */
const isWellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed();

/**
 * Keys the store cannot keep as given. MongoDB 7 and FerretDB disagree on
 * `$`-prefixed and dotted field names, BSON cannot hold a NUL in a key, and
 * JavaScript turns a `__proto__` key into a prototype, losing it. Refusing
 * them is the one answer that is the same on every store.
 */
function keyProblem(key: string): string | undefined {
  if (key.startsWith('$')) return 'must not start with "$"';
  if (key.includes('.')) return 'must not contain "."';
  if (key.includes('\0')) return 'must not contain a NUL character';
  if (key === '__proto__') return 'must not be "__proto__"';
  if (!isWellFormed(key)) return LONE_SURROGATE;
  return undefined;
}

/**
 * Values JSON can carry that the store cannot give back: 1e400 parses as
 * Infinity (FerretDB refuses it, and JSON would answer null), and a lone
 * surrogate (`"\ud83d"`) is stored as U+FFFD, so that the same event posted
 * again would no longer match what was stored.
 */
function valueProblem(value: unknown): string | undefined {
  if (typeof value === 'number' && !Number.isFinite(value)) return 'must be a finite number (this one is out of range)';
  if (typeof value === 'string' && !isWellFormed(value)) return LONE_SURROGATE;
  return undefined;
}

interface Problem {
  path: (string | number)[];
  message: string;
}

/**
 * Walks the value with a stack of its own, not by recursion, so that even a
 * body nested 10,000 levels deep is judged without overflowing the call
 * stack; it never goes below the depth limit.
 */
export function storageProblems(value: unknown): Problem[] {
  const problems: Problem[] = [];
  const pending: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (pending.length > 0 && problems.length < MAX_PROBLEMS) {
    const { value: current, path } = pending.pop() as (typeof pending)[number];
    const problem = valueProblem(current);
    if (problem) problems.push({ path, message: problem });
    if (typeof current !== 'object' || current === null) continue;
    if (path.length >= MAX_JSON_DEPTH) {
      problems.push({ path, message: `nests deeper than ${MAX_JSON_DEPTH} levels of objects and arrays` });
      continue;
    }
    const entries: [string | number, unknown][] = Array.isArray(current)
      ? current.map((item, index) => [index, item])
      : Object.entries(current);
    for (const [key, child] of entries) {
      const problem = typeof key === 'string' ? keyProblem(key) : undefined;
      if (problem) problems.push({ path, message: `key ${JSON.stringify(key)} ${problem}` });
      else pending.push({ value: child, path: [...path, key] });
    }
  }
  return problems.slice(0, MAX_PROBLEMS);
}

/**
 * The key rule of storableObject() in JSON Schema, for the OpenAPI document:
 * not starting with `$`, not `__proto__`, no `.` or NUL.
 */
const STORABLE_KEY = { pattern: '^(?!\\$)(?!__proto__$)[^.\\u0000]*$' };

/**
 * Any JSON value whose objects follow the key rule at every depth, as the
 * document names it (components.schemas): the rule holds all the way down,
 * so a client generated from the document sends no key the API refuses.
 */
export const STORABLE_VALUE_COMPONENT = {
  name: 'StorableJsonValue',
  schema: {
    anyOf: [
      { type: ['string', 'number', 'boolean', 'null'] },
      { type: 'array', items: { $ref: '#/components/schemas/StorableJsonValue' } },
      {
        type: 'object',
        propertyNames: STORABLE_KEY,
        additionalProperties: { $ref: '#/components/schemas/StorableJsonValue' },
      },
    ],
  },
} as const;

/**
 * A free-form JSON object that Hookflow stores and gives back as it is: at
 * most MAX_JSON_DEPTH levels deep, no key that starts with `$`, holds a `.` or
 * a NUL, or is `__proto__`, finite numbers, valid Unicode. It is checked
 * before zod copies the object, which would drop a `__proto__` key without a word.
 */
export const storableObject = () =>
  z.preprocess(
    (value, ctx) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
      for (const { path, message } of storageProblems(value)) ctx.addIssue({ code: 'custom', path, message });
      return value;
    },
    z
      .record(z.string(), z.unknown())
      .describe(
        `Any JSON object, at most ${MAX_JSON_DEPTH} levels deep; no key may start with "$", contain "." or a NUL, ` +
          'or be "__proto__"; numbers within the range of a double; strings of valid Unicode',
      )
      .meta({
        propertyNames: STORABLE_KEY,
        additionalProperties: { $ref: `#/components/schemas/${STORABLE_VALUE_COMPONENT.name}` },
      }),
  );
