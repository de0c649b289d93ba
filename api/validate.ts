import type { z } from 'zod';
import { UnprocessableError, ValidationError } from '../core/errors';
import { isBeyondSchema } from '../core/schema-rules';

/** What zod found, in words: a record key's own problem, or each form a union allows, rather than "Invalid input". */
function said(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_key') return issue.issues.map(said).join('; ');
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const forms = issue.errors.map((branch) => branch.map((problem) => said(problem)).join(', '));
    return `matches none of the forms it may take: ${[...new Set(forms)].join(' | ')}`;
  }
  return issue.message;
}

/**
 * Parses a request part against its schema, or refuses it naming every problem: 400 when it breaks the
 * documented shape, 422 when its only problems are rules the document cannot state.
 */
export function parse<S extends z.ZodType>(schema: S, value: unknown, part: 'body' | 'query'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    path: issue.path.join('.') || `(${part})`,
    message: said(issue),
  }));
  const message = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
  if (result.error.issues.every(isBeyondSchema)) throw new UnprocessableError(message, problems);
  throw new ValidationError(message, problems);
}
