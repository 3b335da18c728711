import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';

export type Theme = 'light' | 'dark';
const STORAGE_KEY = 'latency-atlas.theme';
const media = () => window.matchMedia('(prefers-color-scheme: dark)');

function storedTheme(): Theme | null {
  try {
    const t = localStorage.getItem(STORAGE_KEY);
    return t === 'light' || t === 'dark' ? t : null;
  } catch {
    return null;
  }
}

function subscribeSystem(cb: () => void): () => void {
  const m = media();
  m.addEventListener('change', cb);
  return () => m.removeEventListener('change', cb);
}

/**
 * Light/dark: follows prefers-color-scheme until the operator picks one, which is remembered.
 * The choice lands on <html data-theme>, which the CSS palettes key on.
 */
export function useTheme(): { theme: Theme; toggle: () => void; followsSystem: boolean } {
  const systemDark = useSyncExternalStore(
    subscribeSystem,
    () => media().matches,
    () => false,
  );
  const [chosen, setChosen] = useState<Theme | null>(storedTheme);
  const theme: Theme = chosen ?? (systemDark ? 'dark' : 'light');

  useEffect(() => {
    const root = document.documentElement;
    if (chosen) root.dataset.theme = chosen;
    else delete root.dataset.theme;
    root.style.colorScheme = theme;
  }, [chosen, theme]);

  const toggle = useCallback(() => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    // Back to "system" when the choice matches the system again, so OS changes apply later.
    const follow = next === (media().matches ? 'dark' : 'light');
    try {
      if (follow) localStorage.removeItem(STORAGE_KEY);
      else localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
    setChosen(follow ? null : next);
  }, [theme]);

  return { theme, toggle, followsSystem: chosen === null };
}
