import { Liquid, Tag, type TagToken, type TopLevelToken } from 'liquidjs';

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
export const liquid = new Liquid({
  strictFilters: true,
  strictVariables: false,
  cache: 500,
  parseLimit: 256 * 1024,
  renderLimit: 1_000,
  memoryLimit: 10_000_000,
  templates: {},
});

for (const tag of FILE_TAGS) liquid.registerTag(tag, RefusedTag);
