import { useSyncExternalStore } from 'react';
import type { MapTheme } from '../lib/layers';

/**
 * The page's theme as the map should draw it: `<html data-theme>` when the app sets it,
 * otherwise the system's prefers-color-scheme.
 */
function readTheme(): MapTheme {
  const t = document.documentElement.dataset.theme;
  if (t === 'dark' || t === 'light') return t;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function subscribe(onChange: () => void): () => void {
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  media.addEventListener('change', onChange);
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => {
    media.removeEventListener('change', onChange);
    observer.disconnect();
  };
}

export function useMapTheme(): MapTheme {
  return useSyncExternalStore(subscribe, readTheme, () => 'light');
}
