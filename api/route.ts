import type { Request, Router } from 'express';
import { z } from 'zod';
import type { Caller } from '../core/caller';
import { AppError } from '../core/errors';
import { HtmlReply, Reply, TextReply } from './reply';
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
  /**
   * `resource.action` in camelCase (`hooks.rotateSecret`): the SDKs' `client.hooks.rotateSecret(...)`, and the
   * names of the operation's body and answer schemas (`HooksRotateSecretRequest`, `...Response`) when they have none.
   */
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  access: Access;
  body?: B;
  query?: Q;
  /** The answer; `also`: other successes with the same body (200 for a request an Idempotency-Key found). */
  success: { status: number; description: string; schema?: Schema; also?: { status: number; description: string }[] };
  /** Takes an `Idempotency-Key` header of this shape. */
  idempotencyKey?: { schema: Schema; description: string };
  /**
   * Refusals particular to this route, by status, in words (`409: 'An event type by that name exists'`); the
   * ones every route shares (400, 401, 403, 404 on a path id, 413, 415, 503, ...) are documented for it.
   */
  errors?: Partial<Record<RouteErrorStatus, string>>;
  handle(input: {
    body: Out<B>;
    query: Out<Q>;
    params: Record<string, string>;
    caller: Caller;
    req: Request;
  }): Promise<unknown>;
}

/** Statuses a route may declare for itself. */
export type RouteErrorStatus = 404 | 409 | 422 | 504;

/** Keeps the body and query types of a definition, for its handler. */
export function defineRoute<B extends Schema | undefined = undefined, Q extends Schema | undefined = undefined>(
  definition: RouteDefinition<B, Q>,
): RouteDefinition {
  return definition;
}

export type Authenticate = (req: Request, access: Exclude<Access, 'public'>) => Promise<Caller>;

const ANONYMOUS: Caller = { kind: 'anonymous' };

function hasContent(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** Routes without query parameters take none: an unknown one is refused, as unknown body fields are. */
const NO_QUERY = z.strictObject({});

/** The route's query schema, refusing parameters it does not name. */
function strictQuery(route: RouteDefinition): Schema {
  if (!route.query) return NO_QUERY;
  if (!(route.query instanceof z.ZodObject)) {
    throw new Error(`${route.method.toUpperCase()} ${route.path}: the query schema must be a z.object()`);
  }
  return route.query.strict();
}

/**
 * Refuses an answer that does not match the schema its route publishes, as
 * JSON would carry it (dates as strings): turned on in tests
 * (HOOKFLOW_CHECK_RESPONSES), so that views and documented schemas cannot drift.
 */
function checkAnswer(route: RouteDefinition, body: unknown): void {
  const schema = route.success.schema;
  if (!schema) return;
  const checked = schema.safeParse(JSON.parse(JSON.stringify(body)));
  if (checked.success) return;
  const problems = checked.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
  throw new Error(
    `${route.method.toUpperCase()} ${route.path} answered what its published schema does not allow: ${problems.join('; ')}`,
  );
}

export function mountRoutes(
  router: Router,
  routes: RouteDefinition[],
  authenticate: Authenticate,
  options: { checkResponses: boolean } = { checkResponses: false },
): void {
  for (const route of routes) {
    const query = strictQuery(route);
    router[route.method](route.path, async (req, res) => {
      // Authentication comes before validation: a stranger learns nothing about the shape we expect.
      const caller = route.access === 'public' ? ANONYMOUS : await authenticate(req, route.access);
      // A body that is not JSON is left alone by the JSON parser; an empty one stands for `{}`.
      if (route.body && hasContent(req) && !req.is('application/json')) {
        throw new AppError(415, 'unsupported_media_type', 'Send the request body as application/json');
      }
      const parsedQuery: unknown = parse(query, req.query, 'query');
      const result = await route.handle({
        body: route.body ? parse(route.body, req.body ?? {}, 'body') : undefined,
        query: route.query ? parsedQuery : undefined,
        params: req.params as Record<string, string>,
        caller,
        req,
      });
      if (result instanceof HtmlReply) {
        res.status(route.success.status).type('html').send(result.html);
        return;
      }
      if (result instanceof TextReply) {
        res.status(route.success.status).type(result.contentType).send(result.text);
        return;
      }
      const body = result instanceof Reply ? result.body : result;
      if (options.checkResponses && route.success.status !== 204) checkAnswer(route, body);
      if (result instanceof Reply) res.status(result.status).json(body);
      else if (route.success.status === 204) res.status(204).end();
      else res.status(route.success.status).json(body);
    });
  }
  mountMethodNotAllowed(router, routes);
}

/** Other methods on a known path answer 405 with `Allow` (RFC 9110); OPTIONS answers with `Allow` alone. */
function mountMethodNotAllowed(router: Router, routes: RouteDefinition[]): void {
  const methods = new Map<string, string[]>();
  for (const route of routes) methods.set(route.path, [...(methods.get(route.path) ?? []), route.method.toUpperCase()]);
  for (const [path, declared] of methods) {
    const allow = [...declared, ...(declared.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', ');
    router.all(path, (req, res) => {
      res.setHeader('Allow', allow);
      if (req.method === 'OPTIONS') {
        res.status(204).end();
        return;
      }
      throw new AppError(
        405,
        'method_not_allowed',
        `${req.method} is not allowed on ${path}; use ${declared.join(', ')}`,
        {
          allow: allow.split(', '),
        },
      );
    });
  }
}
