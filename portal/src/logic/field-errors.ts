/**
 * Puts an API refusal's problems next to the form's fields. A 400 or 422 lists them in `details` as
 * `{path, message}` (path like `target.url` or `events.0`); some 422s say only `path: message; ...` in `message`.
 * Each problem goes to the longest field whose path starts it; the rest are the form's own.
 */
export interface FieldErrors {
  byField: Record<string, string>;
  general: string[];
}

interface Problem {
  path: string;
  message: string;
}

function problemsOf(message: string, details: unknown): Problem[] {
  if (Array.isArray(details)) {
    const listed = details.filter(
      (item): item is Problem =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as Problem).path === 'string' &&
        typeof (item as Problem).message === 'string',
    );
    if (listed.length > 0) return listed;
  }
  return message.split('; ').map((part) => {
    const match = /^([\w.]+): (.+)$/s.exec(part);
    return match ? { path: match[1] as string, message: match[2] as string } : { path: '', message: part };
  });
}

const startsPath = (field: string, path: string) => path === field || path.startsWith(`${field}.`);

export function fieldErrors(error: { message: string; details?: unknown }, fields: string[]): FieldErrors {
  const result: FieldErrors = { byField: {}, general: [] };
  const longestFirst = [...fields].sort((a, b) => b.length - a.length);
  for (const problem of problemsOf(error.message, error.details)) {
    const field = longestFirst.find((candidate) => startsPath(candidate, problem.path));
    if (field === undefined)
      result.general.push(problem.path ? `${problem.path}: ${problem.message}` : problem.message);
    else
      result.byField[field] = result.byField[field] ? `${result.byField[field]}; ${problem.message}` : problem.message;
  }
  return result;
}
