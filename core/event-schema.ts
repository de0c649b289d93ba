import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { formatNames } from 'ajv-formats/dist/formats';
import type { JsonSchema } from './event-catalogue';
import { linearRegExp, UnsupportedPatternError } from './linear-regexp';

/**
 * Event-type schemas run on the API's event loop for every event of their
 * type, so what one may cost is bounded at registration:
 * - at most MAX_SCHEMA_BYTES of JSON, counted with each `$ref` replaced by the
 *   schema it points to: Ajv evaluates a referenced schema once per reference,
 *   so a 2 KiB schema of ten `$ref`s to ten `$ref`s, nine levels down, made
 *   10⁹ evaluations (3.7 s) per event, and a few levels more, hours;
 * - at most MAX_SCHEMA_DEPTH levels of nesting;
 * - `$ref`s only within the schema (`#/...`), without recursion (a recursive
 *   schema with two references multiplies by two at each level of the data);
 * - patterns run on RE2, in linear time (linear-regexp.ts);
 * - formats are ajv-formats' but `url`, a non-standard one whose check is
 *   quadratic: 44 KB of a crafted value took 0.3 s, 256 KiB would take about
 *   10 s (`uri` is the standard one, and linear).
 * 64 KiB holds hundreds of properties (the catalogue's largest is under 1 KiB);
 * 32 levels are 15 levels of nested objects, `properties` and a name each.
 */
export const MAX_SCHEMA_BYTES = 64 * 1024;
export const MAX_SCHEMA_DEPTH = 32;

/** A schema past those bounds, or that Ajv cannot compile; `path` is the JSON pointer of the culprit inside it. */
export class UnusableSchemaError extends Error {
  override name = 'UnusableSchemaError';

  constructor(
    message: string,
    readonly path = '',
  ) {
    super(message);
  }

  /** Where, as validation errors name fields: `schema`, `schema.$defs.a.$ref`. */
  get field(): string {
    return `schema${this.path.replace(/\//g, '.')}`;
  }
}

const FORMATS = formatNames.filter((name) => name !== 'url');

/** Keywords whose values are data, not schemas: a `$ref` key inside them is no reference. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const isObject = (value: Json): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Walked without recursion: the depth is not known to be small until this has looked. */
function assertShallow(schema: Json): void {
  const stack: [Json, number][] = [[schema, 1]];
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const [value, depth] = entry;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_SCHEMA_DEPTH) {
      throw new UnusableSchemaError(`nested deeper than ${MAX_SCHEMA_DEPTH} levels, the most a schema may have`);
    }
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
}

const jsonLength = (value: Json) => JSON.stringify(value).length;

/** The schema's JSON length with each `$ref` replaced by its target; refuses refs out of the schema and cycles. */
function expandedLength(root: Json): number {
  const lengths = new Map<Json, number>();
  const expanding = new Set<Json>();

  function resolve(ref: string, at: string): Json | undefined {
    if (ref !== '#' && !ref.startsWith('#/')) {
      throw new UnusableSchemaError(
        `$ref ${JSON.stringify(ref)}: only JSON-pointer references within the schema (#/...) are supported`,
        at,
      );
    }
    let segments: string[];
    try {
      segments = ref === '#' ? [] : decodeURIComponent(ref.slice(2)).split('/');
    } catch {
      throw new UnusableSchemaError(`$ref ${JSON.stringify(ref)}: not a valid URI fragment`, at);
    }
    let target: Json | undefined = root;
    for (const segment of segments) {
      const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
      target = typeof target === 'object' && target !== null ? (target as Record<string, Json>)[key] : undefined;
    }
    return target; // An unresolvable ref is left to Ajv, which names it.
  }

  function measure(value: Json, at: string): number {
    if (typeof value !== 'object' || value === null) return jsonLength(value);
    const known = lengths.get(value);
    if (known !== undefined) return known;
    if (expanding.has(value)) {
      throw new UnusableSchemaError('a $ref leads back to where it is: recursive schemas are not supported', at);
    }
    expanding.add(value);
    let length = 2;
    for (const [key, child] of Object.entries(value)) {
      length += jsonLength(key) + 2;
      length += DATA_KEYWORDS.has(key) && !Array.isArray(value) ? jsonLength(child) : measure(child, `${at}/${key}`);
    }
    if (isObject(value)) {
      if (typeof value.$id === 'string' && value !== root) {
        throw new UnusableSchemaError('$id only at the top of the schema', at);
      }
      if (typeof value.$dynamicRef === 'string') throw new UnusableSchemaError('$dynamicRef is not supported', at);
      if (typeof value.$ref === 'string') {
        const target = resolve(value.$ref, `${at}/$ref`);
        if (target !== undefined) length += measure(target, `${at}/$ref`);
      }
    }
    if (length > MAX_SCHEMA_BYTES) {
      throw new UnusableSchemaError(
        `larger than ${MAX_SCHEMA_BYTES} bytes (64 KiB) of JSON, counting each $ref as the schema it points to`,
        at,
      );
    }
    expanding.delete(value);
    lengths.set(value, length);
    return length;
  }

  return measure(root, '');
}

/**
 * Checks the bounds above, then compiles. A fresh Ajv per schema: schemas are
 * independent of one another, and one that declares an `$id` can be compiled
 * again after an edit without Ajv refusing a second schema under the same id.
 */
export function compileEventSchema(schema: JsonSchema): ValidateFunction {
  assertShallow(schema as Json);
  const bytes = Buffer.byteLength(JSON.stringify(schema));
  if (bytes > MAX_SCHEMA_BYTES) {
    throw new UnusableSchemaError(`${bytes} bytes of JSON; a schema may have at most ${MAX_SCHEMA_BYTES} (64 KiB)`);
  }
  expandedLength(schema as Json);
  // allowMatchingProperties: otherwise Ajv checks `properties` names against `patternProperties` with
  // JavaScript's own RegExp while compiling, which a crafted name and pattern turn into the same freeze.
  const ajv = new Ajv2020({
    allErrors: true,
    logger: false,
    allowMatchingProperties: true,
    code: { regExp: linearRegExp },
  });
  addFormats(ajv, { formats: FORMATS, keywords: true });
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    if (error instanceof UnsupportedPatternError) throw new UnusableSchemaError(error.message);
    throw new UnusableSchemaError(`not a usable JSON Schema (draft 2020-12): ${(error as Error).message}`);
  }
  // An `$async` schema's validator returns a promise: truthy, so every event passed, and rejected for an invalid
  // one with nobody awaiting it, which ended the API process (an unhandled rejection).
  if ('$async' in validate && validate.$async)
    throw new UnusableSchemaError('$async is not supported: events are checked as they arrive');
  return validate;
}
