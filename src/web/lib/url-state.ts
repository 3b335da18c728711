import { useMemo, useSyncExternalStore } from 'react';

/**
 * The URL is the app's navigation state (zone, name, type, tab, preview query), so a copied link
 * restores the view and the back button walks it. Components read it with useSearchParams and
 * change it with navigate; both stay in step through one tiny store over history.
 */

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

function getSearch(): string {
  return window.location.search;
}

/** Current query string as URLSearchParams; a new object only when the URL changed. */
export function useSearchParams(): URLSearchParams {
  const search = useSyncExternalStore(subscribe, getSearch, () => '');
  return useMemo(() => new URLSearchParams(search), [search]);
}

export interface NavigateOptions {
  /** Replace the current history entry (typing, defaults) instead of adding one (choices). */
  replace?: boolean;
}

/** Edit the query string; pushes a history entry unless `replace`. No-op when nothing changed. */
export function navigate(
  update: (params: URLSearchParams) => void,
  opts: NavigateOptions = {},
): void {
  const params = new URLSearchParams(window.location.search);
  update(params);
  const next = params.toString();
  if (`?${next}` === window.location.search || (next === '' && window.location.search === ''))
    return;
  const url = `${window.location.pathname}${next ? `?${next}` : ''}${window.location.hash}`;
  if (opts.replace) window.history.replaceState(window.history.state, '', url);
  else window.history.pushState(null, '', url);
  for (const l of listeners) l();
}
