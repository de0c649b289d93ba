/** The portal's pages, by the path after /portal/. */
export type Route = { page: 'hooks' } | { page: 'hook'; hookId: string } | { page: 'events' } | { page: 'unknown' };

export const PORTAL_BASE = '/portal/';

export function routeOf(pathname: string): Route {
  const rest = pathname.startsWith(PORTAL_BASE) ? pathname.slice(PORTAL_BASE.length) : undefined;
  if (rest === undefined) return { page: 'unknown' };
  const parts = rest.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'hooks')) return { page: 'hooks' };
  if (parts.length === 2 && parts[0] === 'hooks') return { page: 'hook', hookId: parts[1] as string };
  if (parts.length === 1 && parts[0] === 'events') return { page: 'events' };
  return { page: 'unknown' };
}

export function pathOf(route: Route): string {
  switch (route.page) {
    case 'hooks':
    case 'unknown':
      return PORTAL_BASE;
    case 'hook':
      return `${PORTAL_BASE}hooks/${encodeURIComponent(route.hookId)}`;
    case 'events':
      return `${PORTAL_BASE}events`;
  }
}
