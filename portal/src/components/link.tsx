import type { ComponentChildren } from 'preact';
import { pathOf, type Route } from '../logic/routes';
import { usePortal } from './context';

/** A real link (it opens in a new tab too) that moves within the page on a plain click. */
export function Link({ to, children }: { to: Route; children: ComponentChildren }) {
  const { navigate } = usePortal();
  return (
    <a
      href={pathOf(to)}
      onClick={(event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}
