/**
 * An operation that takes both query parameters and a body gets one object from the caller: the names the
 * document lists as query parameters go to the query string, the rest is the body.
 */
export function splitParams(params: object, queryNames: readonly string[]): { query: object; body: object } {
  const query: Record<string, unknown> = {};
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) (queryNames.includes(name) ? query : body)[name] = value;
  return { query, body };
}
