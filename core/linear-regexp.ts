import type { RegExpEngine } from 'ajv/dist/types';
import { RE2JS } from 're2js';

/**
 * Ajv's regular expression engine for event-type schemas (`pattern`,
 * `patternProperties`): RE2 (re2js, pure JavaScript), whose matching time
 * grows linearly with the input. With JavaScript's backtracking RegExp,
 * `"pattern": "^(a+)+$"` and a 30-character value held the API's event loop
 * for 18 s and more; RE2 decides the same in about a millisecond, and a
 * 256 KiB value in about 5 ms.
 *
 * Patterns are read as JavaScript writes them (`\uXXXX`, `(?<name>...)`,
 * translated by re2js); what RE2 cannot run in linear time (lookarounds,
 * backreferences) is refused with an UnsupportedPatternError naming the
 * pattern.
 */
export class UnsupportedPatternError extends Error {
  override name = 'UnsupportedPatternError';

  constructor(
    readonly pattern: string,
    reason: string,
  ) {
    super(`pattern ${JSON.stringify(pattern)} cannot run in linear time (RE2): ${reason}`);
  }
}

/**
 * RE2 work one event's validation may do, in program instructions times
 * characters matched. RE2 is linear in the input, but by a factor of its
 * program's size when its DFA gives up and it simulates the NFA instead:
 * `"[ab]{999}"` thirty times over (a 270-byte schema, 29,972 instructions)
 * took 18.7 s on 256 KiB of data, and `"[ab]*a[ab]{999}"` (1,001) 2.6 s, 2.4
 * to 10 ns per instruction and character. The budget caps that at about
 * 0.2 s per event whatever the patterns; everyday patterns (tens of
 * instructions) on everyday values (tens of characters) use a ten-thousandth
 * of it.
 */
export const REGEXP_BUDGET = 20_000_000;

/** An event whose values would cost the schema's patterns more than REGEXP_BUDGET. */
export class RegExpBudgetError extends Error {
  override name = 'RegExpBudgetError';

  constructor() {
    super(`matching the schema's patterns against this data would take more than ${REGEXP_BUDGET} RE2 steps`);
  }
}

let remaining = Infinity;

/**
 * Runs `validate` (synchronous, as Ajv's validators and hook filters are) with `budget` RE2 steps for every
 * pattern it tests.
 */
export function withRegExpBudget<T>(validate: () => T, budget = REGEXP_BUDGET): T {
  remaining = budget;
  try {
    return validate();
  } finally {
    remaining = Infinity;
  }
}

/** re2js declares the compiled program (`RE2.prog`) as `any`; its size is what matching costs. */
function programSize(compiled: RE2JS): number {
  return (compiled.re2() as unknown as { prog: { numInst(): number } }).prog.numInst();
}

/** The flags of a JavaScript or MongoDB regular expression that RE2 has too; `u` is how RE2 reads any pattern. */
const FLAGS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL, u: 0 };

function compile(pattern: string, flags: string): RE2JS {
  // JSON Schema patterns are ECMA-262 regular expressions: one JavaScript would refuse is refused here too.
  // Building a RegExp only parses it; it never runs here, so it cannot backtrack.
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    throw new UnsupportedPatternError(pattern, (error as Error).message);
  }
  try {
    const bits = [...flags].reduce((all, flag) => all | (FLAGS[flag] ?? 0), 0);
    return RE2JS.compile(RE2JS.translateRegExp(pattern), bits);
  } catch (error) {
    throw new UnsupportedPatternError(pattern, (error as Error).message);
  }
}

/**
 * A pattern compiled for RE2 (flags among `i`, `m`, `s`, `u`), whose test() spends the budget of the
 * enclosing withRegExpBudget(); outside one, it is unmetered.
 */
export function meteredRegExp(pattern: string, flags = '') {
  const unknown = [...flags].find((flag) => !(flag in FLAGS));
  if (unknown) throw new UnsupportedPatternError(pattern, `flag "${unknown}" is not one RE2 has (i, m, s)`);
  const compiled = compile(pattern, flags);
  const size = programSize(compiled);
  return {
    test(text: string): boolean {
      remaining -= size * text.length;
      if (remaining < 0) throw new RegExpBudgetError();
      return compiled.test(text);
    },
    toString: () => compiled.toString(),
  };
}

/** Ajv calls it as `regExp(pattern, "u")`, keeps what it returns by its toString(), and calls its test(). */
export const linearRegExp: RegExpEngine = Object.assign(meteredRegExp, {
  // Only read by Ajv's standalone code generation, which Hookflow does not use.
  code: 'require("re2js").RE2JS.compile',
});
