import type { JsonSchema, OpenApiDocument } from '../../api/openapi';
import { pascalCase, refName, sdkOperations, type NamedInput, type SdkOperation } from './operations';

// prettier-ignore
const PYTHON_KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

/** `rotateSecret` → `rotate_secret`, a keyword gaining a trailing underscore (`from_`). */
export function snakeCase(name: string): string {
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .toLowerCase();
  return PYTHON_KEYWORDS.has(snake) ? `${snake}_` : snake;
}

function pythonLiteral(value: unknown): string {
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null) return 'None';
  return JSON.stringify(value);
}

/**
 * The type an argument takes: a model or a plain dict where the document names an object component, `str |
 * datetime` for a date-time. Unions are listed once each.
 */
function argumentType(schema: JsonSchema, document: OpenApiDocument): string[] {
  const component = refName(schema);
  if (component) {
    // Components that are unions or recursive values (StorableJsonValue) take any JSON.
    return document.components.schemas[component]?.properties ? [`models.${component}`, 'Mapping[str, Any]'] : ['Any'];
  }
  const options = (schema.oneOf ?? schema.anyOf) as JsonSchema[] | undefined;
  if (options) return options.flatMap((option) => argumentType(option, document));
  if ('const' in schema) return [`Literal[${pythonLiteral(schema.const)}]`];
  if (Array.isArray(schema.enum)) return [`Literal[${schema.enum.map(pythonLiteral).join(', ')}]`];
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string | undefined];
  return types.flatMap((type) => {
    switch (type) {
      case 'string':
        return schema.format === 'date-time' ? ['str', 'datetime'] : ['str'];
      case 'integer':
        return ['int'];
      case 'number':
        return ['float'];
      case 'boolean':
        return ['bool'];
      case 'null':
        return ['None'];
      case 'array':
        return [`Sequence[${pythonType(schema.items as JsonSchema | undefined, document)}]`];
      case 'object':
        return ['Mapping[str, Any]'];
      default:
        return ['Any'];
    }
  });
}

function pythonType(schema: JsonSchema | undefined, document: OpenApiDocument): string {
  if (!schema) return 'Any';
  const members = [...new Set(argumentType(schema, document))];
  if (members.includes('Any')) return 'Any';
  // The models first, a plain dict for any of them last.
  return [
    ...members.filter((member) => member !== 'Mapping[str, Any]'),
    ...members.filter((member) => member === 'Mapping[str, Any]'),
  ].join(' | ');
}

interface Argument {
  python: string;
  api: string;
  type: string;
  required: boolean;
}

function argumentsOf(inputs: NamedInput[], document: OpenApiDocument): Argument[] {
  return inputs.map(({ name, required, schema }) => ({
    python: snakeCase(name),
    api: name,
    type: pythonType(schema, document),
    required,
  }));
}

/** Path parameters in path order, then the query's and the body's arguments by name, required ones first. */
function signature(operation: SdkOperation, query: Argument[], body: Argument[]): string[] {
  const named = [...query, ...body];
  const seen = new Set(operation.pathParameters.map(snakeCase));
  for (const argument of named) {
    if (seen.has(argument.python)) {
      throw new Error(`${operation.resource}.${operation.action}: two arguments are named ${argument.python}`);
    }
    seen.add(argument.python);
  }
  const ordered = [...named.filter((argument) => argument.required), ...named.filter((argument) => !argument.required)];
  const keywords = ordered.map(({ python, type, required }) =>
    required ? `${python}: ${type}` : `${python}: ${type} | NotGiven = NOT_GIVEN`,
  );
  if (operation.idempotent) keywords.push('idempotency_key: str | NotGiven = NOT_GIVEN');
  return [
    'self',
    ...operation.pathParameters.map((name) => `${snakeCase(name)}: str`),
    ...(keywords.length > 0 ? ['*', ...keywords] : []),
  ];
}

const dictOf = (args: Argument[]) =>
  `{${args.map(({ api, python }) => `${JSON.stringify(api)}: ${python}`).join(', ')}}`;

function callExpression(operation: SdkOperation, query: Argument[], body: Argument[]): string {
  const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => `{path_segment(${snakeCase(name)})}`);
  const parts = [JSON.stringify(operation.method), `${path === operation.path ? '' : 'f'}${JSON.stringify(path)}`];
  if (query.length > 0) parts.push(`query=${dictOf(query)}`);
  if (operation.body) parts.push(`body=${dictOf(body)}`);
  if (operation.idempotent) parts.push('takes_idempotency_key=True', 'idempotency_key=idempotency_key');
  return `Call(${parts.join(', ')})`;
}

/** A docstring's text: the summary, and the route it calls. */
function docstring(operation: SdkOperation): string {
  const text = `${operation.summary} (${operation.method} ${operation.path}).`
    .replace(/\\/g, '\\\\')
    .replace(/"""/g, '\\"""');
  return `"""${text}"""`;
}

function method(operation: SdkOperation, document: OpenApiDocument, flavour: 'sync' | 'async'): string {
  const query = argumentsOf(operation.query, document);
  const body = argumentsOf(operation.bodyFields, document);
  const answer = operation.answer ? `models.${operation.answer}` : undefined;
  const call = callExpression(operation, query, body);
  const name = snakeCase(operation.action);
  const parameters = signature(operation, query, body)
    .map((parameter) => `        ${parameter},`)
    .join('\n');
  if (operation.paginated) {
    const paginator = flavour === 'sync' ? 'SyncPaginator' : 'AsyncPaginator';
    const item = operation.pageItem ? `models.${operation.pageItem}` : 'Any';
    return [
      `    def ${name}(\n${parameters}\n    ) -> ${paginator}[${answer}, ${item}]:`,
      `        ${docstring(operation)}`,
      `        return ${paginator}(\n            self._transport,\n            ${call},\n            ${answer},\n        )`,
    ].join('\n');
  }
  const [define, wait] = flavour === 'sync' ? ['def', ''] : ['async def', 'await '];
  return [
    `    ${define} ${name}(\n${parameters}\n    ) -> ${answer ?? 'None'}:`,
    `        ${docstring(operation)}`,
    `        return ${wait}self._transport.request(\n            ${call},\n            ${answer ?? 'None'},\n        )`,
  ].join('\n');
}

function resourceClass(
  resource: string,
  operations: SdkOperation[],
  document: OpenApiDocument,
  flavour: 'sync' | 'async',
) {
  const name = `${flavour === 'sync' ? '' : 'Async'}${pascalCase(resource)}`;
  const base = flavour === 'sync' ? 'SyncResource' : 'AsyncResource';
  const methods = operations.map((operation) => method(operation, document, flavour)).join('\n\n');
  return { name, text: `class ${name}(${base}):\n    """\`client.${snakeCase(resource)}\`."""\n\n${methods}\n` };
}

function clientBase(classes: { resource: string; name: string }[], flavour: 'sync' | 'async'): string {
  const [name, transport] =
    flavour === 'sync' ? ['SyncResources', 'SyncTransport'] : ['AsyncResources', 'AsyncTransport'];
  const attributes = classes.map(
    ({ resource, name: className }) => `        self.${snakeCase(resource)} = ${className}(transport)`,
  );
  return [
    `class ${name}:`,
    '    """One attribute per resource of the API."""',
    '',
    `    def __init__(self, transport: ${transport}) -> None:`,
    ...attributes,
    '',
  ].join('\n');
}

const HEADER = `# Generated by \`npm run sdk:generate\` (scripts/sdk/python-resources.ts) from the OpenAPI document; do not edit.
"""One class per resource, one method per operation (operationId \`hooks.rotateSecret\`: \`client.hooks.rotate_secret\`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from .._call import NOT_GIVEN, Call, NotGiven, path_segment
from .._pagination import AsyncPaginator, SyncPaginator
from .._resource import AsyncResource, SyncResource
from .._transport import AsyncTransport, SyncTransport
from . import models
`;

/** hookflow/_generated/resources.py: the sync and the async resource classes and the clients' bases. */
export function pythonResources(document: OpenApiDocument): string {
  const byResource = new Map<string, SdkOperation[]>();
  for (const operation of sdkOperations(document)) {
    byResource.set(operation.resource, [...(byResource.get(operation.resource) ?? []), operation]);
  }
  const sections = (['sync', 'async'] as const).flatMap((flavour) => {
    const classes = [...byResource].map(([resource, operations]) => ({
      resource,
      ...resourceClass(resource, operations, document, flavour),
    }));
    return [...classes.map(({ text }) => text), clientBase(classes, flavour)];
  });
  return `${HEADER}\n\n${sections.join('\n\n')}`;
}
