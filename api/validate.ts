import type { z } from 'zod';
import { ValidationError } from '../domain/errors';

/** Parses a request part against its schema, or answers 400 naming every problem. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    path: issue.path.join('.') || '(body)',
    message: issue.message,
  }));
  throw new ValidationError(problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
}
