import type { Request } from 'express';

/**
 * The route template a request matched (`/v1/hooks/:id`, never the path it
 * named, which holds ids), or `unmatched`. Express sets `req.route` once a
 * route takes the request, and it stays set through the error handler.
 */
export function routeTemplate(req: Request): string {
  const route = req.route as { path?: unknown } | undefined;
  return typeof route?.path === 'string' ? `${req.baseUrl}${route.path}` : 'unmatched';
}
