import { z } from 'zod';
import type {
  HttpMethod,
  JsonSchema,
  OpenApiDocument,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiResponse,
} from '../openapi';
import { HtmlReply } from '../reply';
import type { RouteDefinition } from '../route';

/**
 * `GET /openapi.json` and `GET /docs`, both public. The page is rendered once
 * per document and kept.
 */
export function docsRoutes(getDocument: () => object): RouteDefinition[] {
  const pages = new WeakMap<object, string>();
  const page = (document: object): string => {
    let html = pages.get(document);
    if (html === undefined) {
      html = renderApiReference(document);
      pages.set(document, html);
    }
    return html;
  };
  // Plain definitions rather than defineRoute(): route.ts imports HtmlReply from here, and this keeps the import one-way.
  const routes: RouteDefinition[] = [
    {
      method: 'get',
      path: '/openapi.json',
      operationId: 'documentation.openapi',
      tag: 'Documentation',
      summary: 'The OpenAPI 3.1 document of this API',
      access: 'public',
      success: { status: 200, description: 'The OpenAPI document', schema: z.record(z.string(), z.unknown()) },
      handle: () => Promise.resolve(getDocument()),
    },
    {
      method: 'get',
      path: '/docs',
      operationId: 'documentation.page',
      tag: 'Documentation',
      summary: 'This API reference, as a web page',
      access: 'public',
      success: { status: 200, description: 'An HTML page' },
      handle: () => Promise.resolve(new HtmlReply(page(getDocument()))),
    },
  ];
  return routes;
}

// ---------------------------------------------------------------------------
// Rendering

const METHODS: HttpMethod[] = ['get', 'post', 'patch', 'delete'];

const ACCESS_LABEL: Record<string, string> = {
  public: 'Public',
  admin: 'Admin key',
  tenant: 'Admin key or owner API key',
};

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

/** Escaped text, with `code` spans and **bold** rendered. */
function inline(text: string): string {
  return escapeHtml(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

function paragraphs(text: string | undefined): string {
  if (!text) return '';
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${inline(p.trim())}</p>`)
    .join('');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'section'
  );
}

class Renderer {
  constructor(private readonly doc: OpenApiDocument) {}

  private resolve(schema: JsonSchema, seen: Set<string>): JsonSchema | undefined {
    const ref = schema.$ref;
    if (typeof ref !== 'string') return schema;
    if (seen.has(ref) || !ref.startsWith('#/components/schemas/')) return undefined;
    seen.add(ref);
    const target = this.doc.components?.schemas?.[ref.slice('#/components/schemas/'.length)];
    return target ? this.resolve(target, seen) : undefined;
  }

  typeLabel(schema: unknown): string {
    if (!isRecord(schema) || Object.keys(schema).filter((k) => k !== 'description' && k !== 'default').length === 0) {
      return schema === false ? 'never' : 'any';
    }
    if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop() ?? 'any';
    if ('const' in schema) return JSON.stringify(schema.const);
    if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
    for (const key of ['anyOf', 'oneOf'] as const) {
      const options = schema[key];
      if (Array.isArray(options)) return options.map((option) => this.typeLabel(option)).join(' | ');
    }
    if (Array.isArray(schema.allOf)) return schema.allOf.map((part) => this.typeLabel(part)).join(' & ');
    const types = Array.isArray(schema.type)
      ? schema.type.map(String)
      : [typeof schema.type === 'string' ? schema.type : 'any'];
    return types
      .map((type) => {
        if (type === 'array') {
          const item = this.typeLabel(schema.items);
          return item.includes(' ') ? `(${item})[]` : `${item}[]`;
        }
        if (type === 'object' && !isRecord(schema.properties) && isRecord(schema.additionalProperties)) {
          const value = this.typeLabel(schema.additionalProperties);
          return value.includes(' ') ? `map of (${value})` : `map of ${value}`;
        }
        if (type === 'string' && typeof schema.format === 'string') return `string (${schema.format})`;
        return type;
      })
      .join(' | ');
  }

  private constraints(schema: JsonSchema): string[] {
    const labels: [string, (value: unknown) => string][] = [
      ['minLength', (v) => `length ≥ ${String(v)}`],
      ['maxLength', (v) => `length ≤ ${String(v)}`],
      ['minimum', (v) => `≥ ${String(v)}`],
      ['exclusiveMinimum', (v) => `> ${String(v)}`],
      ['maximum', (v) => `≤ ${String(v)}`],
      ['exclusiveMaximum', (v) => `< ${String(v)}`],
      ['minItems', (v) => `at least ${String(v)} item${v === 1 ? '' : 's'}`],
      ['maxItems', (v) => `at most ${String(v)} item${v === 1 ? '' : 's'}`],
      ['pattern', (v) => `matches ${String(v)}`],
    ];
    // zod bounds every integer to the safe range, and a format already says what its pattern checks.
    const noise = (key: string, value: unknown) =>
      (typeof value === 'number' && Math.abs(value) === Number.MAX_SAFE_INTEGER) ||
      (key === 'pattern' && typeof schema.format === 'string');
    const found = labels
      .filter(([key]) => key in schema && !noise(key, schema[key]))
      .map(([key, label]) => label(schema[key]));
    if (schema.additionalProperties === false && isRecord(schema.properties)) found.push('no other fields');
    return found;
  }

  /**
   * One row per field, nested objects (and arrays of them) flattened as `a.b` and `a[].b`.
   * A reference already followed on the way down is not followed again, so recursive schemas end.
   */
  private fieldRows(schema: JsonSchema | undefined, prefix: string, seen: Set<string>, depth: number): string[] {
    const followed = new Set(seen);
    const resolved = schema && this.resolve(schema, followed);
    if (!resolved || !isRecord(resolved.properties) || depth > 6) return [];
    const required = new Set(Array.isArray(resolved.required) ? resolved.required : []);
    return Object.entries(resolved.properties).flatMap(([name, property]) => {
      if (!isRecord(property)) return [];
      const path = `${prefix}${name}`;
      const target = this.resolve(property, new Set(followed));
      const described = property.description ?? target?.description;
      const notes = target ? this.constraints(target) : [];
      const row =
        `<tr><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(this.typeLabel(property))}</td>` +
        `<td>${required.has(name) ? 'yes' : 'no'}</td>` +
        `<td>${typeof described === 'string' ? inline(described) : ''}` +
        `${notes.length ? `<div class="muted">${escapeHtml(notes.join('; '))}</div>` : ''}</td>` +
        `<td>${'default' in property ? `<code>${escapeHtml(JSON.stringify(property.default))}</code>` : ''}</td></tr>`;
      const items = target && isRecord(target.items) ? target.items : undefined;
      return [
        row,
        ...this.fieldRows(property, `${path}.`, followed, depth + 1),
        ...(items ? this.fieldRows(items, `${path}[].`, followed, depth + 1) : []),
      ];
    });
  }

  private fieldTable(schema: JsonSchema | undefined): string {
    const rows = this.fieldRows(schema, '', new Set(), 0);
    if (rows.length === 0) {
      return `<p>Type: <code>${escapeHtml(this.typeLabel(schema))}</code></p>`;
    }
    return (
      '<table><thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Description</th><th>Default</th></tr></thead>' +
      `<tbody>${rows.join('')}</tbody></table>`
    );
  }

  private parameters(parameters: OpenApiParameter[] | undefined): string {
    if (!parameters?.length) return '';
    const rows = parameters.map((p) => {
      const notes = this.constraints(p.schema);
      const fallback = 'default' in p.schema ? `<code>${escapeHtml(JSON.stringify(p.schema.default))}</code>` : '';
      return (
        `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td>` +
        `<td>${escapeHtml(this.typeLabel(p.schema))}</td><td>${p.required ? 'yes' : 'no'}</td>` +
        `<td>${p.description ? inline(p.description) : ''}` +
        `${notes.length ? `<div class="muted">${escapeHtml(notes.join('; '))}</div>` : ''}</td><td>${fallback}</td></tr>`
      );
    });
    return (
      '<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th>Type</th><th>Required</th>' +
      `<th>Description</th><th>Default</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
    );
  }

  private responses(responses: Record<string, OpenApiResponse>): string {
    const entries = Object.entries(responses);
    const rows = entries.map(([status, response]) => {
      const kind = status.startsWith('2') ? 'ok' : 'error';
      return `<tr><td><span class="status ${kind}">${escapeHtml(status)}</span></td><td>${inline(response.description)}</td></tr>`;
    });
    const bodies = entries
      .filter(([status, response]) => status.startsWith('2') && response.content?.['application/json']?.schema)
      .map(
        ([status, response]) =>
          `<details><summary>${escapeHtml(status)} response fields</summary>` +
          `${this.fieldTable(response.content?.['application/json']?.schema)}</details>`,
      );
    return (
      '<h4>Responses</h4><table><thead><tr><th>Status</th><th>Meaning</th></tr></thead>' +
      `<tbody>${rows.join('')}</tbody></table>${bodies.join('')}`
    );
  }

  private operation(method: HttpMethod, path: string, op: OpenApiOperation): string {
    const access = op['x-hookflow-access'];
    const accessLabel = ACCESS_LABEL[access] ?? (op.security?.length ? 'API key' : 'Public');
    const body = op.requestBody?.content['application/json']?.schema;
    return (
      `<article class="op" id="${escapeHtml(op.operationId)}">` +
      `<h3><span class="method ${method}">${method.toUpperCase()}</span> <code class="path">${escapeHtml(path)}</code></h3>` +
      `<p class="summary">${inline(op.summary)}</p>` +
      `<p><span class="badge ${escapeHtml(access)}">${escapeHtml(accessLabel)}</span> ` +
      `<span class="muted">operationId <code>${escapeHtml(op.operationId)}</code></span></p>` +
      paragraphs(op.description) +
      this.parameters(op.parameters) +
      (body
        ? `<h4>Request body <span class="muted">application/json${op.requestBody?.required ? ', required' : ', optional'}</span></h4>` +
          this.fieldTable(body)
        : '') +
      this.responses(op.responses) +
      '</article>'
    );
  }

  render(): string {
    const { doc } = this;
    const title = doc.info?.title ?? 'API reference';
    const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
      METHODS.flatMap((method) => {
        const op = item[method];
        return op ? [{ method, path, op }] : [];
      }),
    );
    const tagNames = [...(doc.tags ?? []).map((tag) => tag.name), ...operations.flatMap(({ op }) => op.tags ?? [])];
    const tags = [...new Set(tagNames)];
    const untagged = operations.filter(({ op }) => !op.tags?.length);
    const sections = [
      ...tags.map((tag) => ({ tag, ops: operations.filter(({ op }) => op.tags?.includes(tag)) })),
      ...(untagged.length ? [{ tag: 'Other', ops: untagged }] : []),
    ].filter((section) => section.ops.length > 0);
    const ids = new Set<string>();
    const sectionId = (tag: string): string => {
      let id = `tag-${slug(tag)}`;
      for (let n = 2; ids.has(id); n++) id = `tag-${slug(tag)}-${n}`;
      ids.add(id);
      return id;
    };
    const withIds = sections.map((section) => ({ ...section, id: sectionId(section.tag) }));

    const nav = withIds
      .map(
        ({ tag, id, ops }) =>
          `<li><a href="#${escapeHtml(id)}">${escapeHtml(tag)}</a><ul>` +
          ops
            .map(
              ({ method, path, op }) =>
                `<li><a href="#${escapeHtml(op.operationId)}"><span class="method ${method}">${method.toUpperCase()}</span> ` +
                `${escapeHtml(path)}</a></li>`,
            )
            .join('') +
          '</ul></li>',
      )
      .join('');
    const bearer = doc.components?.securitySchemes?.bearerAuth;
    const errorSchema = doc.components?.schemas?.Error;
    const auth =
      '<section id="authentication"><h2>Authentication</h2>' +
      paragraphs(bearer?.description ?? 'Send `Authorization: Bearer <key>`.') +
      '<table><thead><tr><th>Access</th><th>Accepts</th></tr></thead><tbody>' +
      '<tr><td><span class="badge public">Public</span></td><td>No key.</td></tr>' +
      '<tr><td><span class="badge admin">Admin key</span></td><td>The admin key only; an owner API key gets a 403.</td></tr>' +
      '<tr><td><span class="badge tenant">Admin key or owner API key</span></td>' +
      "<td>Either key; an owner key sees and acts on its owner's resources only.</td></tr>" +
      '</tbody></table></section>' +
      (errorSchema
        ? '<section id="errors"><h2>Errors</h2><p>Every error answers with a JSON body of this shape:</p>' +
          this.fieldTable(errorSchema) +
          '</section>'
        : '');
    const body = withIds
      .map(
        ({ tag, id, ops }) =>
          `<section id="${escapeHtml(id)}"><h2>${escapeHtml(tag)}</h2>` +
          ops.map(({ method, path, op }) => this.operation(method, path, op)).join('') +
          '</section>',
      )
      .join('');

    return (
      '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
      '<meta name="viewport" content="width=device-width, initial-scale=1">' +
      `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>` +
      `<header><h1>${escapeHtml(title)} <span class="muted">${escapeHtml(doc.info?.version ?? '')}</span></h1>` +
      `${paragraphs(doc.info?.description)}<p><a href="openapi.json">OpenAPI document (JSON)</a></p></header>` +
      `<div class="layout"><nav><ul><li><a href="#authentication">Authentication</a></li>` +
      `${errorSchema ? '<li><a href="#errors">Errors</a></li>' : ''}${nav}</ul></nav>` +
      `<main>${auth}${body}</main></div></body></html>\n`
    );
  }
}

/** A self-contained HTML page (inline CSS, no scripts) describing an OpenAPI document built by buildOpenApiDocument. */
export function renderApiReference(document: object): string {
  return new Renderer(document as OpenApiDocument).render();
}

const STYLE = `
:root{color-scheme:light dark;--fg:#1d232b;--bg:#fff;--muted:#5f6b7a;--line:#d8dee6;--code:#f2f4f7}
@media (prefers-color-scheme:dark){:root{--fg:#e3e7ec;--bg:#14181d;--muted:#98a3b1;--line:#2d343d;--code:#20262e}}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:1.5rem 2rem;border-bottom:1px solid var(--line)}
h1{margin:0 0 .5rem}
.layout{display:flex;align-items:flex-start}
nav{position:sticky;top:0;max-height:100vh;overflow:auto;width:20rem;flex:none;padding:1rem;border-right:1px solid var(--line);font-size:13px}
nav ul{list-style:none;margin:0;padding-left:.75rem}
nav>ul{padding:0}
nav a{color:inherit;text-decoration:none}
nav a:hover{text-decoration:underline}
main{flex:1;min-width:0;padding:1rem 2rem 4rem}
section>h2{border-bottom:2px solid var(--line);padding-bottom:.25rem;margin-top:2rem}
.op{border:1px solid var(--line);border-radius:8px;padding:.5rem 1rem 1rem;margin:1rem 0}
.op h3{font-size:1.05rem;margin:.5rem 0}
.summary{font-weight:600;margin:.25rem 0}
h4{margin:1rem 0 .25rem;font-size:.95rem}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;background:var(--code);padding:0 .25em;border-radius:3px;overflow-wrap:anywhere}
.path{font-size:1em}
.method{display:inline-block;min-width:3.8em;text-align:center;font:700 11px/1.7 ui-monospace,monospace;border-radius:4px;color:#fff;padding:0 .3em}
.method.get{background:#1f7a4d}.method.post{background:#1f5fae}.method.patch{background:#a06100}.method.delete{background:#b42318}
.badge{display:inline-block;font-size:12px;border-radius:999px;padding:0 .6em;border:1px solid var(--line)}
.badge.public{background:#e6f4ea;color:#1f5133}.badge.admin{background:#fdecea;color:#8a1c12}.badge.tenant{background:#e8f0fe;color:#1a3f7a}
.status{font:700 12px ui-monospace,monospace}.status.ok{color:#1f7a4d}.status.error{color:#b42318}
.muted{color:var(--muted);font-size:.85em;font-weight:400}
table{border-collapse:collapse;width:100%;margin:.25rem 0;font-size:13px}
th,td{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:var(--code)}
details{margin:.5rem 0}summary{cursor:pointer;font-size:13px}
@media (max-width:800px){.layout{display:block}nav{position:static;width:auto;max-height:none;border-right:0;border-bottom:1px solid var(--line)}}
`
  .replace(/\n/g, '')
  .trim();
