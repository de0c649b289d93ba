import { Tokenizer, TypeGuards } from 'liquidjs';
import { urlLiquid } from './liquid-engine';
import { checkTemplate, RenderError, renderText } from './payloads';

/**
 * Liquid in an HTTP hook's URL and header values, as Braze webhooks allow, so
 * that a GET carries the event in its query. The scheme, host and port stay
 * literal: only what follows the first `/`, `?` or `#` may hold Liquid, so
 * that the host the address guard checks at creation is the host every
 * delivery goes to, whatever an event holds (the guard checks the rendered
 * URL again at each send, and the address once resolved). Values printed
 * into the URL are percent-encoded (urlLiquid).
 */

/** Where Liquid starts: text without either is sent as it is, without a render. */
const LIQUID_MARKUP = /\{[{%]/;

/** The scheme and authority (kept literal), and the rest of the URL. */
const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*)([\s\S]*)$/;

/** Longer rendered URLs and header values fail their delivery: receivers and proxies refuse them anyway. */
const MAX_RENDERED_LENGTH = 8 * 1024;

/** What may go on the wire in a URL: printable ASCII, no space (a value's own are percent-encoded). */
const URL_TEXT = /^[!-~]*$/;

/** What a header value may hold on the wire (RFC 9110 field-vchar, SP and HTAB; obs-text as undici allows). */
const HEADER_TEXT = /^[\t\x20-\x7e\x80-\xff]*$/;

function urlParts(source: string): { origin: string; rest: string } | undefined {
  const match = URL_PARTS.exec(source);
  return match ? { origin: match[1] as string, rest: match[2] as string } : undefined;
}

/** The text of a template outside its Liquid tags and outputs, as it will be sent. */
function literalText(source: string): string {
  if (!LIQUID_MARKUP.test(source)) return source;
  return new Tokenizer(source)
    .readTopLevelTokens()
    .filter(TypeGuards.isHTMLToken)
    .map((token) => token.getContent())
    .join('');
}

/** Why a URL template cannot be sent, or undefined: Liquid in the host, Liquid that does not parse, a bare space. */
export function urlTemplateProblem(source: string): { message: string; fileTag: boolean } | undefined {
  const parts = urlParts(source);
  if (!parts) return undefined;
  if (LIQUID_MARKUP.test(parts.origin)) {
    return {
      message: 'the scheme, host and port must be literal: Liquid may only follow the first /, ? or #',
      fileTag: false,
    };
  }
  const problem = LIQUID_MARKUP.test(parts.rest) ? checkTemplate(parts.rest) : undefined;
  if (problem) return { message: `not a valid Liquid template: ${problem.message}`, fileTag: problem.fileTag };
  if (!URL_TEXT.test(literalText(parts.rest))) {
    return {
      message: 'outside Liquid tags, spaces and characters other than ASCII must be percent-encoded',
      fileTag: false,
    };
  }
  return undefined;
}

/**
 * The URL for one send: the literal scheme and host, then the rest rendered
 * with each printed value percent-encoded. A RenderError when it will never
 * render to a URL (a failing filter, a `| raw` value a URL cannot hold).
 */
export function renderUrl(source: string, scope: object): string {
  const parts = urlParts(source);
  if (!parts || !LIQUID_MARKUP.test(parts.rest)) return source;
  const url = parts.origin + renderText(parts.rest, scope, 'The URL template', urlLiquid);
  if (url.length > MAX_RENDERED_LENGTH) {
    throw new RenderError(`The URL rendered to ${url.length} characters, more than ${MAX_RENDERED_LENGTH}`);
  }
  if (!URL_TEXT.test(url) || !URL.canParse(url)) {
    throw new RenderError(`The URL rendered to something that is not a URL: ${url.slice(0, 200)}`);
  }
  return url;
}

/** A header value for one send; a RenderError when it renders to what no header may hold. */
export function renderHeaderValue(name: string, source: string, scope: object): string {
  if (!LIQUID_MARKUP.test(source)) return source;
  const value = renderText(source, scope, `The template of header ${name}`);
  if (value.length > MAX_RENDERED_LENGTH) {
    throw new RenderError(`Header ${name} rendered to ${value.length} characters, more than ${MAX_RENDERED_LENGTH}`);
  }
  if (!HEADER_TEXT.test(value)) {
    throw new RenderError(`Header ${name} rendered to a line break or a character a header cannot hold`);
  }
  return value;
}
