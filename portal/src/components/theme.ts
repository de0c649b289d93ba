import type { Theme } from '../logic/theme';

/** Sets the accent through CSS variables (CSSOM, which the page's CSP allows, unlike inline styles). */
export function applyTheme(theme: Theme): void {
  const root = document.documentElement.style;
  if (theme.color) root.setProperty('--accent', theme.color);
  if (theme.onColor) root.setProperty('--on-accent', theme.onColor);
  document.title = theme.name;
}
