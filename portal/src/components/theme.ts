import { useEffect, useState } from 'preact/hooks';
import { answer, type Api } from '../client/api';
import { isSessionToken } from '../logic/session';
import { keepTheme, themeFromSession, type Theme } from '../logic/theme';

/** Sets the accent through CSS variables (CSSOM, which the page's CSP allows, unlike inline styles). */
export function applyTheme(theme: Theme): void {
  const root = document.documentElement.style;
  if (theme.color) root.setProperty('--accent', theme.color);
  if (theme.onColor) root.setProperty('--on-accent', theme.onColor);
  document.title = theme.name;
}

/**
 * The theme in force: the query's (or the tab's), then, for a portal session, the one the producer minted it
 * with, read once the key is known. Without one (an owner key, a session without a theme, a failed read) the
 * query's stays.
 */
export function useTheme(initial: Theme, api: Api | undefined, key: string | undefined): Theme {
  const [theme, setTheme] = useState(initial);
  useEffect(() => {
    if (!api || !key || !isSessionToken(key)) return;
    answer(api.GET('/v1/portal-session')).then(
      (session) => {
        const next = keepTheme(themeFromSession(session.theme, initial), sessionStorage);
        applyTheme(next);
        setTheme(next);
      },
      // The pages say what is wrong with the key; the theme just stays as the query gave it.
      () => undefined,
    );
  }, [api, key, initial]);
  return theme;
}
