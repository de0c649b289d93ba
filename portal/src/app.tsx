import { useEffect, useMemo, useState } from 'preact/hooks';
import { createApi } from './client/api';
import { PortalContext, type Portal } from './components/context';
import { Link } from './components/link';
import { useTheme } from './components/theme';
import { EventsPage } from './pages/events-page';
import { HookPage } from './pages/hook-page';
import { HooksPage } from './pages/hooks-page';
import { SignIn } from './pages/sign-in';
import { forgetToken, keepToken } from './logic/session';
import { pathOf, routeOf, type Route } from './logic/routes';
import { searchWithout } from './logic/delivery-filters';
import type { Theme } from './logic/theme';

export function App({ initialKey, theme: initialTheme }: { initialKey: string | undefined; theme: Theme }) {
  const [key, setKey] = useState(initialKey);
  const [route, setRoute] = useState<Route>(() => routeOf(location.pathname));
  useEffect(() => {
    const onPop = () => setRoute(routeOf(location.pathname));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const portal = useMemo<Portal | undefined>(
    () =>
      key === undefined
        ? undefined
        : {
            api: createApi(key),
            navigate(to) {
              // The theme's query goes along; a hook page's delivery filters stay with that page.
              history.pushState(null, '', pathOf(to) + searchWithout(location.search));
              setRoute(to);
              scrollTo(0, 0);
            },
          },
    [key],
  );
  const theme = useTheme(initialTheme, portal?.api, key);

  return (
    <>
      <header class="bar">
        {theme.logo && <img class="logo" src={theme.logo} alt="" />}
        <span class="brand">{theme.name}</span>
        {portal && (
          <PortalContext.Provider value={portal}>
            <nav aria-label="Portal">
              <Link to={{ page: 'hooks' }}>Hooks</Link>
              <Link to={{ page: 'events' }}>Events</Link>
            </nav>
            <button
              type="button"
              class="quiet"
              onClick={() => {
                forgetToken(sessionStorage);
                setKey(undefined);
              }}
            >
              Sign out
            </button>
          </PortalContext.Provider>
        )}
      </header>
      <main>
        {portal ? (
          <PortalContext.Provider value={portal}>
            <Page route={route} />
          </PortalContext.Provider>
        ) : (
          <SignIn
            onKey={(given) => {
              keepToken(given, sessionStorage);
              setKey(given);
            }}
          />
        )}
      </main>
    </>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'hooks':
      return <HooksPage />;
    case 'hook':
      return <HookPage key={route.hookId} hookId={route.hookId} />;
    case 'events':
      return <EventsPage />;
    case 'unknown':
      return (
        <section>
          <h1>Page not found</h1>
          <p>
            <Link to={{ page: 'hooks' }}>Back to the hooks</Link>
          </p>
        </section>
      );
  }
}
