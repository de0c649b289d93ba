import { Liquid, Tag, type Context, type LiquidOptions, type TagToken, type TopLevelToken } from 'liquidjs';

/**
 * The one Liquid engine Hookflow renders owners' templates with. It can do no
 * I/O: left to its defaults, liquidjs reads `{% render %}`, `{% include %}`
 * and `{% layout %}` targets from the worker's disk (and through
 * require.resolve, so `{% include 'liquidjs/package.json' %}` reached into
 * node_modules), which delivered the worker's files to a hook's target.
 */

/** The tags that pull in another template; a hook has none to pull in, so they are refused. */
export const FILE_TAGS = ['render', 'include', 'layout'] as const;

/** A template uses one of FILE_TAGS: the owner's mistake to name (a 400), unlike Liquid that does not parse. */
export class FileTagRefusedError extends Error {
  override name = 'FileTagRefusedError';

  constructor(tag: string) {
    super(`the {% ${tag} %} tag is not allowed: templates cannot read other templates or files`);
  }
}

function refusal(tag: string): Error {
  return new FileTagRefusedError(tag);
}

/**
 * Stands in for each FILE_TAGS tag, so that parsing a template using one fails
 * (at creation, naming the tag) wherever it appears, `{% liquid %}` blocks
 * included.
 */
class RefusedTag extends Tag {
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    throw refusal(token.name);
  }

  render(): never {
    throw refusal(this.name);
  }
}

// Unknown variables render empty, as Braze does (templates give defaults with `| default`); unknown filters are errors.
// The limits keep an owner's template from holding or exhausting a worker: `{% for i in (1..1000000000) %}` stops
// with a RenderError instead of taking the process down with it.
// `templates: {}` makes the loader an empty in-memory map instead of the disk, with no require.resolve fallback:
// should a file tag ever get past RefusedTag (a new liquidjs tag, say), it finds nothing.
function boundedLiquid(options: Pick<LiquidOptions, 'outputEscape'> = {}): Liquid {
  const engine = new Liquid({
    strictFilters: true,
    strictVariables: false,
    cache: 500,
    parseLimit: 256 * 1024,
    renderLimit: 1_000,
    memoryLimit: 10_000_000,
    templates: {},
    ...options,
  });
  for (const tag of FILE_TAGS) engine.registerTag(tag, RefusedTag);
  return engine;
}

export const liquid = boundedLiquid();

/** A value as Liquid prints it (nothing for nil, arrays joined), but an object as its JSON, not `[object Object]`. */
function printed(value: unknown): string {
  if (Array.isArray(value)) return value.map(printed).join('');
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    default:
      // Nil prints nothing; JSON has no text for a function or a symbol either, which no event holds.
      return value === null ? '' : (JSON.stringify(value) ?? '');
  }
}

/**
 * Percent-encodes a printed value as a URI component (a space as %20, which a path and a query both read as
 * one), counted against the render's memory limit as liquidjs's own `escape` is.
 */
function encodeForUrl(this: { context: Context }, value: unknown): string {
  const encoded = encodeURIComponent(printed(value));
  this.context.memoryLimit.use(encoded.length);
  return encoded;
}

/**
 * The engine of URL templates: every `{{ }}` output is percent-encoded, so
 * that an event's value can neither end the query or the path (`&`, `#`,
 * `?`, `/`) nor smuggle a character a URL cannot hold; `| raw` last in an
 * output sends it as it is.
 */
export const urlLiquid = boundedLiquid({ outputEscape: encodeForUrl });
