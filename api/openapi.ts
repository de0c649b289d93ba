import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { Access, RouteDefinition } from './route';
import { errorSchema } from './routes/schemas';
import { HOOK_FILTER_COMPONENTS } from '../core/hook-filter';
import { STORABLE_VALUE_COMPONENT } from '../core/storable-json';
import type { Webhooks } from './operational-webhooks';

/** A JSON Schema (draft 2020-12), as OpenAPI 3.1 embeds it. */
export type JsonSchema = Record<string, unknown>;

export type HttpMethod = RouteDefinition['method'];

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiMediaType {
  schema?: JsonSchema;
}

export interface OpenApiResponse {
  description: string;
  headers?: Record<string, { description: string; required: boolean; schema: JsonSchema }>;
  content?: Record<string, OpenApiMediaType>;
}

export interface OpenApiOperation {
  operationId: string;
  tags: string[];
  summary: string;
  description: string;
  parameters?: OpenApiParameter[];
  requestBody?: { required: boolean; content: Record<string, OpenApiMediaType> };
  responses: Record<string, OpenApiResponse>;
  security?: Record<string, string[]>[];
  /** Which key the operation accepts; the description says the same in words. */
  'x-hookflow-access': Access;
}

export type OpenApiPathItem = Partial<Record<HttpMethod, OpenApiOperation>>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: OpenApiInfo;
  tags: { name: string }[];
  paths: Record<string, OpenApiPathItem>;
  /** What the server itself sends (Hookflow's operational events: api/operational-webhooks.ts). */
  webhooks?: Webhooks['webhooks'];
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, { type: 'http'; scheme: 'bearer'; description: string }>;
  };
}

export const SECURITY_SCHEME = 'bearerAuth';
export const ERROR_SCHEMA_REF = '#/components/schemas/Error';

/** What each access level accepts, in words: for operation descriptions and the docs page. */
export const ACCESS_TEXT: Record<Access, string> = {
  public: 'Access: public; no key needed.',
  admin: 'Access: admin key only. An owner API key is refused with 403.',
  tenant:
    "Access: the admin key or an owner API key. With an owner key, the call sees and acts on that owner's resources only.",
};

const SECURITY_DESCRIPTION =
  'Send `Authorization: Bearer <key>`. Hookflow knows two kinds of key. The **admin key** (from the server configuration) ' +
  'passes on every route and acts for any owner. An **owner API key** (issued by `POST /v1/owners` or ' +
  '`POST /v1/owners/{id}/keys`) passes on tenant routes only and is scoped to its owner. ' +
  'Each operation says which it accepts in its description and in `x-hookflow-access`: ' +
  '`admin` (admin key only), `tenant` (either key) or `public` (no key).';

// ---------------------------------------------------------------------------
// JSON Schema plumbing

const SUBSCHEMA_KEYS = new Set([
  'items',
  'additionalProperties',
  'unevaluatedProperties',
  'unevaluatedItems',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'contentSchema',
  'allOf',
  'anyOf',
  'oneOf',
  'prefixItems',
]);
const SUBSCHEMA_MAP_KEYS = new Set(['properties', 'patternProperties', 'dependentSchemas', '$defs']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Copies a schema, dropping `$schema` and passing every `$ref` through `ref`.
 * Walks subschemas only, so that values such as `default` or `const` are never touched.
 */
function rewriteSchema(schema: JsonSchema, ref: (target: string) => string): JsonSchema {
  const sub = (value: unknown): unknown => (isRecord(value) ? rewriteSchema(value, ref) : value);
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema') continue;
    if (key === '$ref' && typeof value === 'string') out[key] = ref(value);
    else if (SUBSCHEMA_KEYS.has(key)) out[key] = Array.isArray(value) ? value.map(sub) : sub(value);
    else if (SUBSCHEMA_MAP_KEYS.has(key) && isRecord(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, item]) => [name, sub(item)]));
    } else out[key] = value;
  }
  return out;
}

/** Component names must match `^[a-zA-Z0-9._-]+$`. */
function componentName(name: string): string {
  return name.replace(/[^\w.-]/g, '_') || 'Schema';
}

/**
 * Turns zod schemas into JSON Schemas that can live inside the document. Shared
 * or recursive parts, which zod puts in a local `$defs` (and a root that refers
 * to itself, `$ref: "#"`), are moved to `components.schemas`, since a `#/$defs/...`
 * reference would otherwise resolve against the OpenAPI document's root.
 */
class SchemaConverter {
  constructor(private readonly components: Record<string, JsonSchema>) {}

  convert(schema: z.ZodType, io: 'input' | 'output', hint: string): JsonSchema {
    const raw = z.toJSONSchema(schema, {
      io,
      target: 'draft-2020-12',
      unrepresentable: 'any',
      override: markDiscriminator,
    }) as JsonSchema;
    const { $defs, ...root } = raw;
    const defs = isRecord($defs)
      ? Object.entries($defs).filter((entry): entry is [string, JsonSchema] => isRecord(entry[1]))
      : [];
    const selfReferent = JSON.stringify(root).includes('"$ref":"#"');
    if (defs.length === 0 && !selfReferent) return rewriteSchema(root, (target) => target);

    // Every definition (and a self-referring root, under the key '#') gets a component name.
    const hoisted: [string, JsonSchema][] = [...defs];
    if (selfReferent) hoisted.push(['#', root]);
    // zod numbers its unnamed definitions `__schema0`, ...: those take the name of where they were found.
    const bases = new Map(
      hoisted.map(([name]) => [
        name,
        componentName(name === '#' ? hint : /^__schema\d+$/.test(name) ? `${hint}${name.slice(1)}` : name),
      ]),
    );
    // Candidates for a name, tried in turn: `Colour`, then `Colour_output` (the input and output sides of one
    // schema may differ), then `Colour_output_2`, ...
    const attempt = new Map(hoisted.map(([name]) => [name, 0]));
    const nameOf = (name: string): string => {
      const base = bases.get(name) as string;
      const n = attempt.get(name) as number;
      return n === 0 ? base : n === 1 ? `${base}_${io}` : `${base}_${io}_${n}`;
    };
    const ref = (target: string): string => {
      if (target === '#') return `#/components/schemas/${nameOf('#')}`;
      const match = /^#\/\$defs\/([^/]+)(.*)$/.exec(target);
      const name = match?.[1];
      return name === undefined || !bases.has(name)
        ? target
        : `#/components/schemas/${nameOf(name)}${match?.[2] ?? ''}`;
    };
    // A name taken by a different schema (already in the components, or in this same batch) moves on to
    // its next candidate, and the references are redone; the same schema under the same name is shared.
    for (;;) {
      const rewritten = hoisted.map(([name, def]) => ({ name, component: nameOf(name), def: rewriteSchema(def, ref) }));
      const clash = rewritten.find(({ component, def }, i) => {
        const existing = this.components[component];
        const twin = rewritten.findIndex((other) => other.component === component) !== i;
        return twin || (existing !== undefined && !isDeepStrictEqual(existing, def));
      });
      if (clash) {
        attempt.set(clash.name, (attempt.get(clash.name) as number) + 1);
        continue;
      }
      for (const { component, def } of rewritten) this.components[component] = def;
      return selfReferent ? { $ref: ref('#') } : rewriteSchema(root, ref);
    }
  }

  /**
   * The schema as a named component, and a reference to it: generated clients name their types after the
   * components, and an inline body or answer would come out as `InlineObject12`. A schema named with
   * `.meta({ id })` keeps its own name; any other takes `name`.
   */
  component(schema: z.ZodType, io: 'input' | 'output', name: string): JsonSchema {
    const converted = this.convert(schema, io, name);
    if (typeof converted.$ref === 'string') return converted;
    const existing = this.components[name];
    if (existing !== undefined && !isDeepStrictEqual(existing, converted)) {
      throw new Error(`Two different schemas are both named ${name}`);
    }
    this.components[name] = converted;
    return { $ref: `#/components/schemas/${name}` };
  }

  /** Follows a `#/components/schemas/...` reference, for the few places that need the schema itself. */
  resolve(schema: JsonSchema): JsonSchema {
    const seen = new Set<string>();
    let current = schema;
    while (
      typeof current.$ref === 'string' &&
      current.$ref.startsWith('#/components/schemas/') &&
      !seen.has(current.$ref)
    ) {
      seen.add(current.$ref);
      const target = this.components[current.$ref.slice('#/components/schemas/'.length)];
      if (!target) break;
      current = target;
    }
    return current;
  }
}

// ---------------------------------------------------------------------------
// Discriminated unions

const DISCRIMINATOR_MARK = 'x-hookflow-discriminator';

/** Notes the field a z.discriminatedUnion() switches on, for addDiscriminators() to turn into OpenAPI's own. */
function markDiscriminator(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  const def = (ctx.zodSchema as { _zod: { def: { type: string; discriminator?: unknown } } })._zod.def;
  if (def.type === 'union' && typeof def.discriminator === 'string')
    ctx.jsonSchema[DISCRIMINATOR_MARK] = def.discriminator;
}

/**
 * Gives every discriminated union an OpenAPI `discriminator` with the mapping from each value of its
 * field to the named schema of that branch, so that generated clients pick the branch by the field.
 */
function addDiscriminators(node: unknown, components: Record<string, JsonSchema>, at = '#'): void {
  if (Array.isArray(node)) node.forEach((item, i) => addDiscriminators(item, components, `${at}/${i}`));
  if (!isRecord(node)) return;
  const propertyName = node[DISCRIMINATOR_MARK];
  if (typeof propertyName === 'string' && Array.isArray(node.oneOf)) {
    delete node[DISCRIMINATOR_MARK];
    const mapping: Record<string, string> = {};
    for (const branch of node.oneOf as JsonSchema[]) {
      const ref = typeof branch.$ref === 'string' ? branch.$ref : undefined;
      const target = ref?.startsWith('#/components/schemas/') ? components[ref.slice(21)] : undefined;
      const properties = target?.properties;
      const value =
        isRecord(properties) && isRecord(properties[propertyName]) ? properties[propertyName].const : undefined;
      if (!ref || typeof value !== 'string') {
        throw new Error(
          `${at}: each branch of a discriminated union needs a name (.meta({ id })) and a literal ${propertyName}`,
        );
      }
      mapping[value] = ref;
    }
    node.discriminator = { propertyName, mapping };
  }
  for (const [key, value] of Object.entries(node)) addDiscriminators(value, components, `${at}/${key}`);
}

// ---------------------------------------------------------------------------
// Operations

const PARAM = /[:*]([A-Za-z_$][\w$]*)/g;

/** `/v1/hooks/:id` → `/v1/hooks/{id}` (Express 5 wildcards `*name` too). */
export function openApiPath(path: string): string {
  return path.replace(PARAM, '{$1}');
}

export function pathParameterNames(path: string): string[] {
  return [...path.matchAll(PARAM)].map((match) => match[1] as string);
}

/** `hooks.rotateSecret`: a resource and an action, each a camelCase word (see RouteDefinition.operationId). */
const OPERATION_ID = /^[a-z][A-Za-z0-9]*\.[a-z][A-Za-z0-9]*$/;

/** `hooks.rotateSecret` → `HooksRotateSecret`: the stem of the operation's schema names. */
export function schemaStemOf(operationId: string): string {
  return operationId
    .split('.')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

function errorResponse(description: string): OpenApiResponse {
  return { description, content: { 'application/json': { schema: { $ref: ERROR_SCHEMA_REF } } } };
}

/** Sent with every 503: how many seconds to wait before trying again. */
const RETRY_AFTER = {
  description: 'Seconds to wait before retrying',
  required: true,
  schema: { type: 'integer', minimum: 0 },
};

/**
 * Every refusal the route can answer: the ones all routes share (a malformed request, a key, a path id,
 * the body's size and type, an outage), then the route's own (`errors`), in status order.
 */
function errorResponses(route: RouteDefinition, hasPathParams: boolean): Record<string, OpenApiResponse> {
  const responses: Record<string, OpenApiResponse> = {};
  const parts = [route.body && 'request body', 'query string', hasPathParams && 'path'].filter(Boolean).join(', ');
  const json = route.body ? '; `invalid_json` when the body is not JSON' : '';
  responses['400'] = errorResponse(
    `The ${parts} does not match this document: a field or parameter that is missing, malformed or unknown (\`validation_failed\`, naming each problem${json})`,
  );
  if (route.access !== 'public') {
    responses['401'] = errorResponse('Missing, unknown or revoked API key (`unauthorized`)');
  }
  if (route.access === 'admin') {
    responses['403'] = errorResponse('An owner API key was sent; this route needs the admin key (`forbidden`)');
  }
  if (hasPathParams || route.errors?.[404]) {
    const scope = route.access === 'tenant' ? ", or it belongs to another owner than the key's" : '';
    const pathText = hasPathParams ? `Nothing with that id${scope}` : '';
    const text = [pathText, route.errors?.[404]].filter(Boolean).join('; ');
    responses['404'] = errorResponse(`${text} (\`not_found\`)`);
  }
  if (route.errors?.[409]) responses['409'] = errorResponse(`${route.errors[409]} (\`conflict\`)`);
  if (route.body) {
    responses['413'] = errorResponse('The request body is larger than the server allows (`payload_too_large`)');
    responses['415'] = errorResponse(
      'The request body is not `application/json`, or its Content-Encoding is not one the server reads (`unsupported_media_type`)',
    );
  }
  if (route.errors?.[422]) responses['422'] = errorResponse(route.errors[422]);
  responses['500'] = errorResponse('Unexpected error; it has been logged (`internal`)');
  if (route.access !== 'public') {
    responses['503'] = {
      ...errorResponse('The store or Temporal is unreachable; nothing was written; retry after `Retry-After` seconds'),
      headers: { 'Retry-After': RETRY_AFTER },
    };
  }
  if (route.errors?.[504]) responses['504'] = errorResponse(route.errors[504]);
  return responses;
}

/** A body schema that accepts `{}` may be left out: the server then validates `{}`. */
function bodyRequired(schema: z.ZodType): boolean {
  try {
    return !schema.safeParse({}).success;
  } catch {
    return true; // Asynchronous refinements cannot be tried synchronously.
  }
}

function queryParameters(route: RouteDefinition, converter: SchemaConverter): OpenApiParameter[] {
  if (!route.query) return [];
  const schema = converter.resolve(converter.convert(route.query, 'input', `${schemaStemOf(route.operationId)}Query`));
  if (!isRecord(schema.properties)) {
    throw new Error(`${route.method.toUpperCase()} ${route.path}: the query schema must be a z.object()`);
  }
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  return Object.entries(schema.properties).map(([name, property]) => {
    const { description, ...rest } = isRecord(property) ? property : {};
    return {
      name,
      in: 'query',
      required: required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

function operation(route: RouteDefinition, converter: SchemaConverter): OpenApiOperation {
  const { operationId } = route;
  const stem = schemaStemOf(operationId);
  const pathParams = pathParameterNames(route.path);
  const parameters: OpenApiParameter[] = [
    ...pathParams.map((name): OpenApiParameter => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...queryParameters(route, converter),
    ...(route.idempotencyKey
      ? [
          {
            name: 'Idempotency-Key',
            in: 'header' as const,
            required: false,
            description: route.idempotencyKey.description,
            schema: converter.convert(route.idempotencyKey.schema, 'input', `${stem}IdempotencyKey`),
          },
        ]
      : []),
  ];
  const { status, description, schema, also } = route.success;
  const content = (): Pick<OpenApiResponse, 'content'> =>
    status === 204 || !schema
      ? {}
      : { content: { 'application/json': { schema: converter.component(schema, 'output', `${stem}Response`) } } };
  const successes: Record<string, OpenApiResponse> = { [String(status)]: { description, ...content() } };
  for (const other of also ?? []) successes[String(other.status)] = { description: other.description, ...content() };
  return {
    operationId,
    tags: [route.tag],
    summary: route.summary,
    description: [route.description, ACCESS_TEXT[route.access]].filter(Boolean).join('\n\n'),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: bodyRequired(route.body),
            content: { 'application/json': { schema: converter.component(route.body, 'input', `${stem}Request`) } },
          },
        }
      : {}),
    responses: { ...successes, ...errorResponses(route, pathParams.length > 0) },
    ...(route.access === 'public' ? {} : { security: [{ [SECURITY_SCHEME]: [] }] }),
    'x-hookflow-access': route.access,
  };
}

/** Components written as JSON Schema rather than derived from zod: free-form JSON (event data), hook filters. */
const HAND_WRITTEN_COMPONENTS: readonly { name: string; schema: JsonSchema }[] = [
  STORABLE_VALUE_COMPONENT,
  ...HOOK_FILTER_COMPONENTS,
];

/** The hand-written components that some schema refers to, and those they refer to in turn. */
function withHandWritten(schemas: Record<string, JsonSchema>, paths: unknown): Record<string, JsonSchema> {
  const added: Record<string, JsonSchema> = {};
  for (let grew = true; grew;) {
    grew = false;
    const text = JSON.stringify([schemas, paths, added]);
    for (const { name, schema } of HAND_WRITTEN_COMPONENTS) {
      if (added[name] || !text.includes(`"#/components/schemas/${name}"`)) continue;
      added[name] = schema;
      grew = true;
    }
  }
  return { ...schemas, ...added };
}

/**
 * The OpenAPI 3.1 document of the given routes: the same zod schemas that
 * validate requests describe them (input side, so fields with defaults are
 * optional) and their answers (output side); `webhooks`, what the server sends.
 */
export function buildOpenApiDocument(
  routes: RouteDefinition[],
  info: OpenApiInfo,
  webhooks?: Webhooks,
): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = {};
  const converter = new SchemaConverter(schemas);
  schemas.Error = converter.convert(errorSchema, 'output', 'Error');

  const paths: Record<string, OpenApiPathItem> = {};
  const tags: string[] = [];
  const operationIds = new Set<string>();
  for (const route of routes) {
    const path = openApiPath(route.path);
    const item = (paths[path] ??= {});
    if (item[route.method]) throw new Error(`${route.method.toUpperCase()} ${route.path} is declared twice`);
    if (!OPERATION_ID.test(route.operationId) || operationIds.has(route.operationId)) {
      throw new Error(
        `${route.method.toUpperCase()} ${route.path}: operationId '${route.operationId}' must be a unique resource.action`,
      );
    }
    operationIds.add(route.operationId);
    item[route.method] = operation(route, converter);
    if (!tags.includes(route.tag)) tags.push(route.tag);
  }

  addDiscriminators(paths, schemas);
  addDiscriminators(schemas, schemas);
  return {
    openapi: '3.1.0',
    info,
    tags: tags.map((name) => ({ name })),
    paths,
    ...(webhooks ? { webhooks: webhooks.webhooks } : {}),
    components: {
      schemas: { ...withHandWritten(schemas, paths), ...webhooks?.components },
      securitySchemes: { [SECURITY_SCHEME]: { type: 'http', scheme: 'bearer', description: SECURITY_DESCRIPTION } },
    },
  };
}
