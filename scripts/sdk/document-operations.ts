import type { JsonSchema, OpenApiDocument, OpenApiOperation, OpenApiParameter } from '../../api/openapi';

/** A property of a request body, or a query parameter: what an SDK method takes by name. */
export interface NamedInput {
  name: string;
  required: boolean;
  schema: JsonSchema;
}

/**
 * One operation as an SDK method sees it, read from the document alone: `hooks.rotateSecret` is resource `hooks`,
 * action `rotateSecret`. `answer`/`body`: component names (the document names every body and answer). `page`: for
 * an operation whose query has `cursor` and whose answer has `nextCursor`, the component of the answer's items.
 */
export interface SdkOperation {
  resource: string;
  action: string;
  method: string;
  path: string;
  summary: string;
  pathParameters: string[];
  query: NamedInput[];
  body?: { component: string; fields: NamedInput[] };
  answer?: string;
  page?: { item?: string };
  takesIdempotencyKey: boolean;
}

const REF_PREFIX = '#/components/schemas/';

/** The component a `$ref` names, or undefined for an inline schema. */
export function refName(schema: JsonSchema | undefined): string | undefined {
  const ref = schema?.$ref;
  return typeof ref === 'string' && ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : undefined;
}

function properties(schema: JsonSchema | undefined): Record<string, JsonSchema> {
  return (schema?.properties as Record<string, JsonSchema> | undefined) ?? {};
}

function successStatus(operation: OpenApiOperation): string | undefined {
  return Object.keys(operation.responses)
    .filter((code) => code.startsWith('2'))
    .sort()[0];
}

function success(operation: OpenApiOperation) {
  const status = successStatus(operation);
  return status === undefined ? undefined : operation.responses[status];
}

/**
 * Operations that answer JSON, or nothing (204): the metrics text and the HTML page, whose answers the document
 * gives no JSON for, are for scrapers and people.
 */
function answersJson(operation: OpenApiOperation): boolean {
  return successStatus(operation) === '204' || success(operation)?.content?.['application/json'] !== undefined;
}

function named(parameters: OpenApiParameter[], where: OpenApiParameter['in']): OpenApiParameter[] {
  return parameters.filter((parameter) => parameter.in === where);
}

function describe(document: OpenApiDocument, path: string, method: string, operation: OpenApiOperation): SdkOperation {
  const [resource, action] = operation.operationId.split('.') as [string, string];
  const where = `${operation.operationId} (${method.toUpperCase()} ${path})`;
  const schemas = document.components.schemas;
  const parameters = operation.parameters ?? [];
  const answerSchema = success(operation)?.content?.['application/json']?.schema;
  const answer = refName(answerSchema);
  if (answerSchema && !answer) throw new Error(`${where}: the answer is not a named component`);
  const bodySchema = operation.requestBody?.content['application/json']?.schema;
  const bodyComponent = refName(bodySchema);
  if (bodySchema && !bodyComponent) throw new Error(`${where}: the request body is not a named component`);
  const query = named(parameters, 'query').map(({ name, required, schema }) => ({ name, required, schema }));
  const answerFields = properties(answer === undefined ? undefined : schemas[answer]);
  const paginated = query.some((input) => input.name === 'cursor') && 'nextCursor' in answerFields;
  return {
    resource,
    action,
    method: method.toUpperCase(),
    path,
    summary: operation.summary,
    pathParameters: [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string),
    query,
    body: bodyComponent
      ? {
          component: bodyComponent,
          fields: Object.entries(properties(schemas[bodyComponent])).map(([name, schema]) => ({
            name,
            schema,
            required: ((schemas[bodyComponent]?.required as string[] | undefined) ?? []).includes(name),
          })),
        }
      : undefined,
    answer,
    page: paginated ? { item: refName(answerFields.data?.items as JsonSchema | undefined) } : undefined,
    takesIdempotencyKey: named(parameters, 'header').some(({ name }) => name.toLowerCase() === 'idempotency-key'),
  };
}

/** Every operation an SDK offers, in the document's order. */
export function sdkOperations(document: OpenApiDocument): SdkOperation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([, operation]) => answersJson(operation))
      .map(([method, operation]) => describe(document, path, method, operation)),
  );
}
