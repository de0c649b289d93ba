import Ajv2020 from 'ajv/dist/2020';
import { z } from 'zod';

/**
 * Rules that the JSON Schema of a request cannot state (the OpenAPI document is generated from the zod
 * schemas, and a `.refine()` is invisible there), and rules that zod cannot state but JSON Schema can.
 */

/** Params of a zod issue for a rule JSON Schema cannot state (a template that must parse): the API answers 422. */
export const BEYOND_SCHEMA = { beyondSchema: true } as const;

export function isBeyondSchema(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'custom' && (issue.params as { beyondSchema?: unknown } | undefined)?.beyondSchema === true;
}

export interface ObjectRule {
  /** The rule in JSON Schema (draft 2020-12), e.g. `{if: {required: ['a']}, then: {required: ['b']}}`. */
  schema: Record<string, unknown>;
  /** What a refused request is told. */
  message: string;
  path: string[];
}

const ajv = new Ajv2020({ strict: false, logger: false });

/**
 * Adds rules across an object's fields, each written once in JSON Schema: Ajv checks them on the parsed
 * value, and the document publishes them as the object's `allOf`.
 */
export function withRules<T extends z.ZodType>(schema: T, rules: ObjectRule[]): T {
  const checks = rules.map((rule) => ({ ...rule, holds: ajv.compile(rule.schema) }));
  return schema
    .superRefine((value, ctx) => {
      for (const { holds, message, path } of checks) {
        if (!holds(value)) ctx.addIssue({ code: 'custom', message, path });
      }
    })
    .meta({ allOf: rules.map((rule) => rule.schema) });
}

/** At most `max` keys in a record, checked and published (`maxProperties`). */
export function maxEntries<T extends z.ZodType<Record<string, unknown>>>(schema: T, max: number, what: string): T {
  return schema
    .refine((record) => Object.keys(record).length <= max, `at most ${max} ${what}`)
    .meta({ maxProperties: max });
}

/**
 * Something besides whitespace: the characters String.prototype.trim() removes, spelled out, since `\s`
 * means other sets in other regular expression engines (Python's, which generates the fuzz's requests).
 */
export const NOT_BLANK = /[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/** A name or a reason a person writes: not blank, at most `max` characters, trimmed. */
export const label = (max: number) => z.string().max(max).regex(NOT_BLANK, 'must not be blank').trim();

/** A pattern that matches `word` in any letter case, for JSON Schema patterns, which take no flags. */
export function anyCase(word: string): string {
  return word.replace(/[a-z]/gi, (letter) => `[${letter.toUpperCase()}${letter.toLowerCase()}]`);
}
