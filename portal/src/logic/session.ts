/**
 * The portal's key: a session token (`hfp_...`) the producer put in the URL's fragment, or an owner API key
 * (`hfk_...`) signed in with. Kept in sessionStorage, so it lives as long as the tab and reaches no other tab.
 */
const TOKEN_ITEM = 'hookflow.portal.token';

/** Only what a Hookflow key looks like is kept, so a mangled link reads as signed out, not as a broken key. */
const KEY_PATTERN = /^hf[pk]_[A-Za-z0-9_-]{16,200}$/;

export function isPortalKey(text: string): boolean {
  return KEY_PATTERN.test(text);
}

/** A portal session's token, which has a session (and maybe a theme) to read; an owner key has none. */
export const isSessionToken = (key: string) => key.startsWith('hfp_') && isPortalKey(key);

/** `#token=hfp_...` → the token; anything else → undefined. */
export function tokenFromHash(hash: string): string | undefined {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token !== null && isPortalKey(token) ? token : undefined;
}

/** sessionStorage, or any store like it (the tests give a Map's). */
export interface KeyStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The key from the fragment (kept, replacing any older one), else the one kept earlier in this tab. */
export function takeToken(hash: string, store: KeyStore): string | undefined {
  const fromHash = tokenFromHash(hash);
  if (fromHash) {
    store.setItem(TOKEN_ITEM, fromHash);
    return fromHash;
  }
  const kept = store.getItem(TOKEN_ITEM);
  return kept !== null && isPortalKey(kept) ? kept : undefined;
}

export function keepToken(token: string, store: KeyStore): void {
  store.setItem(TOKEN_ITEM, token);
}

export function forgetToken(store: KeyStore): void {
  store.removeItem(TOKEN_ITEM);
}
