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

function compile(pattern: string): RE2JS {
  // JSON Schema patterns are ECMA-262 regular expressions: one JavaScript would refuse is refused here too.
  // Building a RegExp only parses it; it never runs here, so it cannot backtrack.
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    throw new UnsupportedPatternError(pattern, (error as Error).message);
  }
  try {
    return RE2JS.compile(RE2JS.translateRegExp(pattern));
  } catch (error) {
    throw new UnsupportedPatternError(pattern, (error as Error).message);
  }
}

/** Ajv calls it as `regExp(pattern, "u")` and keeps what it returns as `{test}` (its toString() is the cache key). */
export const linearRegExp: RegExpEngine = Object.assign((pattern: string) => compile(pattern), {
  // Only read by Ajv's standalone code generation, which Hookflow does not use.
  code: 'require("re2js").RE2JS.compile',
});
