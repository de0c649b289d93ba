import type { KeyStore } from './session';

/**
 * The producer's branding, from the portal URL's query: `name` (the title), `logo` (an image URL, HTTPS or this
 * server's), `color` (the accent: `#rgb`, `#rrggbb` or a CSS colour name); and from the portal session's `theme`
 * (the same, the logo as `logoUrl`), which wins over the query where it says something. Kept for the tab, so
 * pages reached from the first keep it; values that do not pass are left out, never applied.
 */
export interface Theme {
  name: string;
  logo?: string;
  color?: string;
  /** Black or white, whichever reads better on `color`. */
  onColor?: string;
}

export const DEFAULT_NAME = 'Webhooks';
const THEME_ITEM = 'hookflow.portal.theme';

const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
const NAMED_COLOR = /^[a-z]{3,20}$/i;

/** What a query or a session names, each value applied over `base` only when it passes. */
function themed(base: Theme, given: { name?: string | null; logo?: string | null; color?: string | null }): Theme {
  const theme: Theme = { ...base };
  const name = given.name?.trim();
  if (name) theme.name = name.slice(0, 60);
  if (typeof given.logo === 'string' && isLogoUrl(given.logo)) theme.logo = given.logo;
  const color = given.color?.trim();
  if (color && (HEX_COLOR.test(color) || NAMED_COLOR.test(color))) {
    theme.color = color;
    theme.onColor = readableOn(color);
  }
  return theme;
}

export function themeFromQuery(search: string, base: Theme = { name: DEFAULT_NAME }): Theme {
  const query = new URLSearchParams(search);
  return themed(base, { name: query.get('name'), logo: query.get('logo'), color: query.get('color') });
}

/** The theme the producer minted the session with (GET /v1/portal-session), over `base`: the session wins. */
export function themeFromSession(
  session: { name?: string; color?: string; logoUrl?: string } | undefined,
  base: Theme,
): Theme {
  return session ? themed(base, { name: session.name, logo: session.logoUrl, color: session.color }) : base;
}

/** HTTPS anywhere, or a path on this server: the page's CSP loads images from nowhere else. */
function isLogoUrl(text: string): boolean {
  if (text.startsWith('/') && !text.startsWith('//')) return true;
  try {
    return new URL(text).protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * WCAG's relative luminance decides: white text on colours darker than the middle (where both contrast the same,
 * 0.179), black on the others. Named colours get white: the ones a brand uses are mostly dark.
 */
export function readableOn(color: string): string {
  if (!HEX_COLOR.test(color)) return '#ffffff';
  const hex = color.length === 4 ? [...color.slice(1)].map((c) => c + c).join('') : color.slice(1);
  const [r, g, b] = [0, 2, 4].map((at) => {
    const channel = parseInt(hex.slice(at, at + 2), 16) / 255;
    return channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.179 ? '#000000' : '#ffffff';
}

export type ThemeStore = Pick<KeyStore, 'getItem' | 'setItem'>;

/** The theme of this URL's query over the one kept for the tab, kept in turn. */
export function takeTheme(search: string, store: ThemeStore): Theme {
  let kept: Theme = { name: DEFAULT_NAME };
  try {
    const parsed = JSON.parse(store.getItem(THEME_ITEM) ?? 'null') as Theme | null;
    if (parsed && typeof parsed.name === 'string') kept = parsed;
  } catch {
    // A kept theme that does not parse is dropped.
  }
  return keepTheme(themeFromQuery(search, kept), store);
}

export function keepTheme(theme: Theme, store: ThemeStore): Theme {
  store.setItem(THEME_ITEM, JSON.stringify(theme));
  return theme;
}
