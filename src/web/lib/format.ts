/** Number and time formats shared by the review views (English, compact, stable in tests). */

/** A 0–1 share as a short percentage: "62%", "4.5%", "<0.1%", "0%". */
export function formatPercent(share: number): string {
  if (share <= 0) return '0%';
  const pct = share * 100;
  if (pct < 0.1) return '<0.1%';
  if (pct < 10) return `${pct.toFixed(1)}%`;
  return `${Math.round(pct)}%`;
}

/** People: "950", "12.3 k", "4.5 M", "1.20 B". */
export function formatPopulation(n: number): string {
  if (n < 1_000) return String(Math.round(n));
  if (n < 1_000_000) return `${(n / 1_000).toFixed(n < 10_000 ? 1 : 0)} k`;
  if (n < 1_000_000_000) return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 1 : 0)} M`;
  return `${(n / 1_000_000_000).toFixed(2)} B`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en');
}

/** "just now", "5 min ago", "3 h ago", "2 d ago", else the date; `now` in ms. */
export function formatAge(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  if (s < 30 * 86_400) return `${Math.round(s / 86_400)} d ago`;
  return iso.slice(0, 10);
}

/** "2026-11-30 05:44 UTC" */
export function formatTimestamp(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
