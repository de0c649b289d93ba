import type {
  JsonSchema,
  OpenApiDocument,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiResponse,
} from '../../api/openapi';

/** A field of a request body, or a query parameter: what an SDK method takes by name. */
export interface NamedInput {
  name: string;
  required: boolean;
  schema: JsonSchema;
}

/** What an SDK needs to know of one operation, read from the OpenAPI document alone. */
export interface SdkOperation {
  operationId: string;
  /** `hooks` of `hooks.rotateSecret`: the client's namespace. */
  resource: string;
  /** `rotateSecret` of `hooks.rotateSecret`: the namespace's method. */
  action: string;
  method: string;
  path: string;
  /** The path's `{name}`s, in path order: the method's positional arguments. */
  pathParameters: string[];
  query: OpenApiParameter[];
  /** The request body's component name, if it takes one. */
  body?: string;
  /** The request body's fields, for SDKs that take them one by one (Python's keyword arguments). */
  bodyFields: NamedInput[];
  /** Whether the caller must give something: a required query parameter or body field. */
  paramsRequired: boolean;
  /** The success answer's component name; undefined for an answer without content (204). */
  answer?: string;
  /** A list answering `{data, nextCursor}` to a `cursor` query parameter. */
  paginated: boolean;
  /** A list's items' component name, when they have one. */
  pageItem?: string;
  /** Whether it takes an `Idempotency-Key` header. */
  idempotent: boolean;
  summary: string;
  description: string;
}

const JSON_TYPE = 'application/json';
const COMPONENT_REF = /^#\/components\/schemas\/([A-Za-z0-9_]+)$/;
const IDEMPOTENCY_KEY = 'idempotency-key';

/** `replaySchedules` → `ReplaySchedules`: a resource's or an action's name as the generators' class names start. */
export function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** The component a `$ref` names, or undefined for an inline schema. */
export function refName(schema: JsonSchema | undefined): string | undefined {
  return typeof schema?.$ref === 'string' ? COMPONENT_REF.exec(schema.$ref)?.[1] : undefined;
}

function componentName(schema: JsonSchema | undefined, where: string): string {
  const name = refName(schema);
  if (!name) throw new Error(`${where}: not a named component (api/openapi.ts names every body and answer)`);
  return name;
}

function successOf(operation: OpenApiOperation): [status: string, response: OpenApiResponse] {
  const status = Object.keys(operation.responses)
    .filter((code) => code.startsWith('2'))
    .sort()[0];
  if (status === undefined) throw new Error(`${operation.operationId}: no success answer`);
  return [status, operation.responses[status]!];
}

/**
 * Whether an SDK has a method for the operation: its success answer is JSON, or a 204 (no content). The others
 * answer text the document gives no schema for (Prometheus metrics, the docs page): they are for other programs.
 */
export function answersJsonOrNothing(operation: OpenApiOperation): boolean {
  const [status, response] = successOf(operation);
  return status === '204' || response.content?.[JSON_TYPE] !== undefined;
}

function hasRequiredFields(schema: JsonSchema | undefined): boolean {
  if (schema === undefined) return false;
  const required = schema.required;
  // A union (oneOf, anyOf) has required fields in every branch.
  return (Array.isArray(required) && required.length > 0) || 'oneOf' in schema || 'anyOf' in schema;
}

function sdkOperation(document: OpenApiDocument, method: string, path: string, operation: OpenApiOperation) {
  const { operationId } = operation;
  const [resource, action, ...rest] = operationId.split('.');
  if (!resource || !action || rest.length > 0) throw new Error(`${operationId}: not resource.action`);
  const parameters = operation.parameters ?? [];
  const unknown = parameters.filter((p) => p.in === 'header' && p.name.toLowerCase() !== IDEMPOTENCY_KEY);
  if (unknown.length > 0) throw new Error(`${operationId}: header parameters SDKs do not send: ${unknown[0]!.name}`);
  const query = parameters.filter((p) => p.in === 'query');
  const bodySchema = operation.requestBody?.content[JSON_TYPE]?.schema;
  const body = bodySchema && componentName(bodySchema, `${operationId}'s body`);
  const bodyComponent = body === undefined ? undefined : document.components.schemas[body];
  const answerSchema = successOf(operation)[1].content?.[JSON_TYPE]?.schema;
  const answer = answerSchema && componentName(answerSchema, `${operationId}'s answer`);
  const answerProperties = (answer && document.components.schemas[answer]?.properties) as JsonSchema | undefined;
  const paginated = query.some((p) => p.name === 'cursor') && answerProperties?.nextCursor !== undefined;
  if (paginated && (body !== undefined || answerProperties?.data === undefined)) {
    throw new Error(`${operationId}: a list answers {data, nextCursor} and takes no body`);
  }
  const requiredFields = (bodyComponent?.required as string[] | undefined) ?? [];
  const bodyFields = Object.entries((bodyComponent?.properties ?? {}) as Record<string, JsonSchema>).map(
    ([name, schema]): NamedInput => ({ name, schema, required: requiredFields.includes(name) }),
  );
  const clash = query.find((p) => bodyFields.some((field) => field.name === p.name));
  if (clash) throw new Error(`${operationId}: ${clash.name} is both a query parameter and a body field`);
  return {
    operationId,
    resource,
    action,
    method: method.toUpperCase(),
    path,
    pathParameters: [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!),
    query,
    body,
    bodyFields,
    paramsRequired: query.some((p) => p.required) || hasRequiredFields(bodyComponent),
    answer,
    paginated,
    pageItem: paginated ? refName((answerProperties?.data as JsonSchema | undefined)?.items as JsonSchema) : undefined,
    idempotent: parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === IDEMPOTENCY_KEY),
    summary: operation.summary,
    description: operation.description,
  } satisfies SdkOperation;
}

/** Every operation an SDK has a method for, in the document's order. */
export function sdkOperations(document: OpenApiDocument): SdkOperation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([, operation]) => answersJsonOrNothing(operation))
      .map(([method, operation]) => sdkOperation(document, method, path, operation)),
  );
}
