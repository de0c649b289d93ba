import type { Request, Router } from 'express';
import type { z } from 'zod';
import type { Caller } from '../domain/caller';
import { Reply } from './reply';
import { HtmlReply } from './routes/docs';
import { parse } from './validate';

/** `public`: anyone. `admin`: the producer's key only. `tenant`: the admin key or an owner's key. */
export type Access = 'public' | 'admin' | 'tenant';

type Schema = z.ZodType;
type Out<S> = S extends Schema ? z.output<S> : undefined;

/**
 * One route, declared once: Express serves it, and the OpenAPI document is
 * generated from the same schemas that validate its requests.
 */
export interface RouteDefinition<
  B extends Schema | undefined = Schema | undefined,
  Q extends Schema | undefined = Schema | undefined,
> {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** Express-style path, e.g. `/v1/hooks/:id`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  access: Access;
  body?: B;
  query?: Q;
  success: { status: number; description: string; schema?: Schema };
  handle(input: {
    body: Out<B>;
    query: Out<Q>;
    params: Record<string, string>;
    caller: Caller;
    req: Request;
  }): Promise<unknown>;
}

/** Keeps the body and query types of a definition, for its handler. */
export function defineRoute<B extends Schema | undefined = undefined, Q extends Schema | undefined = undefined>(
  definition: RouteDefinition<B, Q>,
): RouteDefinition {
  return definition;
}

export type Authenticate = (req: Request, access: Exclude<Access, 'public'>) => Promise<Caller>;

const ANONYMOUS: Caller = { kind: 'anonymous' };

export function mountRoutes(router: Router, routes: RouteDefinition[], authenticate: Authenticate): void {
  for (const route of routes) {
    router[route.method](route.path, async (req, res) => {
      // Authentication comes before validation: a stranger learns nothing about the shape we expect.
      const caller = route.access === 'public' ? ANONYMOUS : await authenticate(req, route.access);
      const result = await route.handle({
        body: route.body ? parse(route.body, req.body ?? {}) : undefined,
        query: route.query ? parse(route.query, req.query) : undefined,
        params: req.params as Record<string, string>,
        caller,
        req,
      });
      if (result instanceof Reply) res.status(result.status).json(result.body);
      else if (result instanceof HtmlReply) res.status(route.success.status).type('html').send(result.html);
      else if (route.success.status === 204) res.status(204).end();
      else res.status(route.success.status).json(result);
    });
  }
}
