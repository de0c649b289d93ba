import { render } from 'preact';
import { App } from './app';
import { applyTheme } from './components/theme';
import { takeToken } from './logic/session';
import { takeTheme } from './logic/theme';

const key = takeToken(location.hash, sessionStorage);
// The token leaves the address bar (and so the history and any copy of the link) once it is kept.
if (location.hash.includes('token=')) history.replaceState(history.state, '', location.pathname + location.search);
const theme = takeTheme(location.search, sessionStorage);
applyTheme(theme);

render(<App initialKey={key} theme={theme} />, document.getElementById('app') as HTMLElement);
