/**
 * Measured-latency figures (issue 9): accuracy against a ground truth with non-distance effects
 * (bench/measured/ground-truth.ts says how it is built), routing speed with the measured model
 * beside the distance model in the same run, the catchment of every city, and model build time.
 */
import { latLngToCell } from 'h3-js';
import { distanceLatencyModel } from '../src/engine/latency-model';
import {
  type CellAggregate,
  combineAggregates,
  createMeasuredModel,
  createPointCellCache,
  type LatencySample,
  type LatencySnapshot,
  MEASURED_CELL_RESOLUTION,
  type MeasuredLatencyModel,
  summarizeSamples,
} from '../src/engine/measured-latency';
import { REGIONS } from '../src/engine/regions';
import { compileRouting } from '../src/engine/select-record';
import type { LatencyModel, Region, ResourceRecordSet } from '../src/engine/types';
import {
  HOUR_MS,
  loadCities,
  mulberry32,
  type Place,
  regionsOf,
  trueRttMs,
  weekOfSamples,
} from './measured/ground-truth';

type Figure = { label: string; value: string };

/** A realistic mid-size deployment: two US, three Europe, three Asia-Pacific, one South America. */
const DEPLOYMENT = regionsOf([
  'us-east-1',
  'us-west-2',
  'eu-west-1',
  'eu-central-1',
  'ap-south-1',
  'ap-southeast-1',
  'ap-northeast-1',
  'sa-east-1',
]);

const FROM = Date.UTC(2026, 10, 23);
const TO = FROM + 168 * HOUR_MS;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

function recordsFor(regions: readonly Region[]): ResourceRecordSet[] {
  return regions.map((r, i) => ({
    Name: 'bench.example.com.',
    Type: 'A',
    SetIdentifier: r.code,
    Region: r.code,
    TTL: 60,
    ResourceRecords: [{ Value: `192.0.2.${i + 1}` }],
  }));
}

/** Samples → hourly aggregates (as the server stores them) → one week, networks pooled. */
function snapshotFromSamples(samples: readonly LatencySample[]): LatencySnapshot {
  const byHour = new Map<number, LatencySample[]>();
  for (const s of samples) {
    const h = Math.floor((s.at - FROM) / HOUR_MS);
    const b = byHour.get(h);
    if (b === undefined) byHour.set(h, [s]);
    else b.push(s);
  }
  const hourly: CellAggregate[] = [];
  for (const [h, rows] of byHour) {
    const from = FROM + h * HOUR_MS;
    hourly.push(...summarizeSamples(rows, { from, to: from + HOUR_MS }).aggregates);
  }
  const aggregates = combineAggregates(hourly, { dropNetwork: true });
  return { resolution: MEASURED_CELL_RESOLUTION, from: FROM, to: TO, aggregates };
}

interface Judged {
  share: number;
  popShare: number;
  regretMedian: number;
  regretP95: number;
  regretMax: number;
}

function judge(
  places: readonly Place[],
  truth: readonly Float64Array[],
  pick: (p: Place) => number,
): Judged {
  let right = 0;
  let pop = 0;
  let popRight = 0;
  const regrets: number[] = [];
  places.forEach((p, i) => {
    const t = truth[i] as Float64Array;
    const best = Math.min(...t);
    const got = t[pick(p)] as number;
    const ok = got === best;
    if (ok) right++;
    pop += p.population;
    if (ok) popRight += p.population;
    regrets.push(got / best);
  });
  regrets.sort((a, b) => a - b);
  return {
    share: right / places.length,
    popShare: popRight / pop,
    regretMedian: percentile(regrets, 0.5),
    regretP95: percentile(regrets, 0.95),
    regretMax: regrets[regrets.length - 1] as number,
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
const describeJudged = (j: Judged): string =>
  `${pct(j.share).padStart(7)} right (${pct(j.popShare)} of people) · regret median ${j.regretMedian.toFixed(3)}, p95 ${j.regretP95.toFixed(3)}, max ${j.regretMax.toFixed(2)}`;

/** Accuracy of the measured model vs the distance model, half of the places measured. */
function accuracy(
  label: string,
  regions: readonly Region[],
  places: readonly Place[],
): { figures: Figure[]; model: MeasuredLatencyModel; snapshot: LatencySnapshot } {
  const random = mulberry32(20261201);
  const measured = places.map(() => random() < 0.5);
  const samples: LatencySample[] = [];
  places.forEach((p, i) => {
    if (measured[i] === true) samples.push(...weekOfSamples(p, regions, FROM, random));
  });
  const snapshot = snapshotFromSamples(samples);
  const model = createMeasuredModel(snapshot);
  const records = recordsFor(regions);
  const byMeasured = compileRouting(records, { model });
  const byDistance = compileRouting(records, { model: distanceLatencyModel });
  const truth = places.map((p) => Float64Array.from(regions, (r) => trueRttMs(p, r)));

  const seen = places.filter((_, i) => measured[i] === true);
  const held = places.filter((_, i) => measured[i] !== true);
  const truthOf = (subset: readonly Place[]) => {
    const index = new Map(places.map((p, i) => [p, i]));
    return subset.map((p) => truth[index.get(p) as number] as Float64Array);
  };
  const figures: Figure[] = [
    {
      label: `${label}: ${places.length.toLocaleString('en-US')} places, ${seen.length.toLocaleString('en-US')} measured, ${samples.length.toLocaleString('en-US')} samples`,
      value: `${snapshot.aggregates.length.toLocaleString('en-US')} cell × region aggregates`,
    },
  ];
  for (const [subset, name] of [
    [places, 'all places'],
    [seen, 'measured places'],
    [held, 'held-out places'],
  ] as const) {
    const t = truthOf(subset);
    const d = judge(subset, t, (p) => byDistance.selectIndex(p.lat, p.lon));
    const m = judge(subset, t, (p) => byMeasured.selectIndex(p.lat, p.lon));
    figures.push({ label: `  ${name}, distance model`, value: describeJudged(d) });
    figures.push({ label: `  ${name}, measured model`, value: describeJudged(m) });
  }
  // Where the learned source answered, on held-out places: the neighbour learning on its own.
  const learned = held.filter((p) =>
    regions.some((r) => model.estimate(p, r).source === 'learned'),
  );
  if (learned.length > 0) {
    const t = truthOf(learned);
    figures.push({
      label: `  held-out with a learned estimate (${learned.length}), distance`,
      value: describeJudged(judge(learned, t, (p) => byDistance.selectIndex(p.lat, p.lon))),
    });
    figures.push({
      label: `  held-out with a learned estimate (${learned.length}), measured`,
      value: describeJudged(judge(learned, t, (p) => byMeasured.selectIndex(p.lat, p.lon))),
    });
  }
  return { figures, model, snapshot };
}

/**
 * Per-network routing: in the 2,000 largest measured places, two client networks each whose
 * paths differ (a per network × region factor of 0.75–1.45 on the place's true RTT, as two ISPs
 * peering differently). The model keeps networks apart (as the server stores them); each
 * network is judged routed by its place (the pooled cell) and by its own measurements.
 */
function networkAccuracy(regions: readonly Region[], places: readonly Place[]): Figure[] {
  const random = mulberry32(20261202);
  const chosen = [...places].sort((a, b) => b.population - a.population).slice(0, 2_000);
  const factor = (net: string, r: Region) => {
    let h = 0x811c9dc5;
    const key = `${net}|${r.code}`;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    return 0.75 + 0.7 * mulberry32(h)();
  };
  const networks: { place: Place; net: string; truth: Float64Array }[] = [];
  const samples: LatencySample[] = [];
  chosen.forEach((p, i) => {
    for (const k of [0, 1]) {
      const net = `10.${(i >> 8) & 255}.${((i & 255) << 1) | k}.0/24`;
      const truth = Float64Array.from(regions, (r) => trueRttMs(p, r) * factor(net, r));
      networks.push({ place: p, net, truth });
      for (const [g, r] of regions.entries()) {
        for (let h = 0; h < 12; h++) {
          const jitter = 1 + 0.08 * (random() - 0.5);
          samples.push({
            lat: p.lat,
            lon: p.lon,
            region: r.code,
            rttMs: (truth[g] as number) * jitter,
            at: FROM + h * HOUR_MS,
            network: net,
          });
        }
      }
    }
  });
  const hourly: CellAggregate[] = [];
  const byHour = new Map<number, LatencySample[]>();
  for (const x of samples) {
    const h = Math.floor((x.at - FROM) / HOUR_MS);
    const b = byHour.get(h);
    if (b === undefined) byHour.set(h, [x]);
    else b.push(x);
  }
  for (const [h, rows] of byHour) {
    const from = FROM + h * HOUR_MS;
    hourly.push(...summarizeSamples(rows, { from, to: from + HOUR_MS }).aggregates);
  }
  const model = createMeasuredModel({
    resolution: MEASURED_CELL_RESOLUTION,
    from: FROM,
    to: TO,
    aggregates: combineAggregates(hourly, {}),
  });
  const records = recordsFor(regions);
  const byPlace = compileRouting(records, { model });
  let placeRight = 0;
  let netRight = 0;
  const placeRegret: number[] = [];
  const netRegret: number[] = [];
  for (const n of networks) {
    const best = Math.min(...n.truth);
    const viaPlace = n.truth[byPlace.selectIndex(n.place.lat, n.place.lon)] as number;
    const own = model.forNetwork?.(n.net);
    const viaNet = own
      ? (n.truth[
          compileRouting(records, { model: own }).selectIndex(n.place.lat, n.place.lon)
        ] as number)
      : viaPlace;
    if (viaPlace === best) placeRight++;
    if (viaNet === best) netRight++;
    placeRegret.push(viaPlace / best);
    netRegret.push(viaNet / best);
  }
  placeRegret.sort((a, b) => a - b);
  netRegret.sort((a, b) => a - b);
  const share = (k: number) => pct(k / networks.length);
  return [
    {
      label: `per network: ${networks.length.toLocaleString('en-US')} networks in ${chosen.length.toLocaleString('en-US')} places (two per place, paths differing)`,
      value: `fastest region routed by place ${share(placeRight)} (p95 regret ${percentile(placeRegret, 0.95).toFixed(3)}), by the network's own ${share(netRight)} (p95 regret ${percentile(netRegret, 0.95).toFixed(3)})`,
    },
  ];
}

/** Decisions per second over a stream of points; the checksum keeps the work observable. */
function rate(select: (lat: number, lon: number) => number, lat: Float64Array, lon: Float64Array) {
  let checksum = 0;
  const t0 = performance.now();
  for (let i = 0; i < lat.length; i++) checksum += select(lat[i] as number, lon[i] as number);
  const ms = performance.now() - t0;
  return { perSecond: lat.length / (ms / 1000), ms, checksum };
}

function routeAllMs(routing: { selectIndex(lat: number, lon: number): number }, places: Place[]) {
  let checksum = 0;
  const t0 = performance.now();
  for (const p of places) checksum += routing.selectIndex(p.lat, p.lon);
  return { ms: performance.now() - t0, checksum };
}

function speed(snapshot: LatencySnapshot, regions: readonly Region[], cities: Place[]): Figure[] {
  const records = recordsFor(regions);
  // As the server would: one point cache for the process, shared by every model.
  const model = createMeasuredModel(snapshot, { cellCache: createPointCellCache() });
  const random = mulberry32(7);
  const n = 1_000_000;
  const nFresh = 200_000;
  // The DNS-like hot path: a stream of clients from a fixed set of 50k places.
  const set = Array.from(
    { length: 50_000 },
    () => cities[Math.floor(random() * cities.length)] as Place,
  );
  const hotLat = new Float64Array(n);
  const hotLon = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = set[Math.floor(random() * set.length)] as Place;
    hotLat[i] = p.lat;
    hotLon[i] = p.lon;
  }
  // Distinct points in warm cells (each within ~500 m of one of the places): no point memo
  // hits, so this is the per-cell ranking itself (a few exact haversines per decision).
  const nearLat = new Float64Array(n);
  const nearLon = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    nearLat[i] = (hotLat[i] as number) + (random() - 0.5) * 0.009;
    nearLon[i] = (hotLon[i] as number) + (random() - 0.5) * 0.009;
  }
  const freshLat = new Float64Array(nFresh);
  const freshLon = new Float64Array(nFresh);
  for (let i = 0; i < nFresh; i++) {
    freshLat[i] = (Math.asin(2 * random() - 1) * 180) / Math.PI;
    freshLon[i] = random() * 360 - 180;
  }
  const measuredRouting = compileRouting(records, { model });
  const distanceRouting = compileRouting(records, { model: distanceLatencyModel });
  const m = (lat: number, lon: number) => measuredRouting.selectIndex(lat, lon);
  const d = (lat: number, lon: number) => distanceRouting.selectIndex(lat, lon);
  const healthy = (i: number) => i % 3 !== 0;
  // Every record health-checked, a third failing: the memoised winner is asked, and when it is
  // down the cell's ranking is walked.
  const checkedRouting = compileRouting(
    records.map((r, i) => ({ ...r, HealthCheckId: `hc-${i}` })),
    { model },
  );
  const mh = (lat: number, lon: number) => checkedRouting.selectIndex(lat, lon, healthy);
  // Its own compiled routing (same model, same point cache), so its million distinct points do
  // not evict the hot set from the hot path's memo.
  const nearRouting = compileRouting(records, { model });
  const nearSelect = (lat: number, lon: number) => nearRouting.selectIndex(lat, lon);

  const freshCold = rate(m, freshLat, freshLon); // every point is new, most cells too
  rate(m, hotLat, hotLon); // warm-up: the 50k places' cells
  rate(mh, hotLat, hotLon);
  const hot: number[] = [];
  const hotHealth: number[] = [];
  const hotDistance: number[] = [];
  const near: number[] = [];
  const nearDistance: number[] = [];
  const fresh: number[] = [];
  const freshDistance: number[] = [];
  for (let r = 0; r < 3; r++) {
    hot.push(rate(m, hotLat, hotLon).perSecond);
    hotHealth.push(rate(mh, hotLat, hotLon).perSecond);
    hotDistance.push(rate(d, hotLat, hotLon).perSecond);
    near.push(rate(nearSelect, nearLat, nearLon).perSecond);
    nearDistance.push(rate(d, nearLat, nearLon).perSecond);
    // Fresh points on a fresh model (new point cache, new cells) each run.
    const fm = createMeasuredModel(snapshot);
    const fr = compileRouting(records, { model: fm });
    fresh.push(rate((a, b) => fr.selectIndex(a, b), freshLat, freshLon).perSecond);
    freshDistance.push(rate(d, freshLat, freshLon).perSecond);
  }

  // The catchment of every city: cold (new model, new caches), warm, and the time slider case
  // (a new model per frame over the same points, one shared point cache).
  const coldModel = createMeasuredModel(snapshot, { cellCache: createPointCellCache() });
  const cold = routeAllMs(compileRouting(records, { model: coldModel }), cities).ms;
  const warmRouting = compileRouting(records, { model: coldModel });
  routeAllMs(warmRouting, cities);
  const warm: number[] = [];
  const warmDistance: number[] = [];
  for (let r = 0; r < 7; r++) {
    warm.push(routeAllMs(warmRouting, cities).ms);
    warmDistance.push(routeAllMs(distanceRouting, cities).ms);
  }
  const shared = createPointCellCache(MEASURED_CELL_RESOLUTION);
  routeAllMs(
    compileRouting(records, { model: createMeasuredModel(snapshot, { cellCache: shared }) }),
    cities,
  );
  const frames: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    const frameModel = createMeasuredModel(snapshot, { cellCache: shared });
    routeAllMs(compileRouting(records, { model: frameModel }), cities);
    frames.push(performance.now() - t0);
  }

  // The floor for never-repeated points: h3-js's latLngToCell alone on the same stream.
  const h3Only = rate(
    (lat, lon) => latLngToCell(lat, lon, MEASURED_CELL_RESOLUTION).length,
    nearLat,
    nearLon,
  ).perSecond;
  const hotRate = median(hot);
  const mps = (x: number) => `${(x / 1e6).toFixed(2)} M/s`;
  return [
    {
      label: `hot path: 1 M decisions over 50k places, ${regions.length} records`,
      value: `${mps(hotRate)} (target ≥ 1 M/s); distance model ${mps(median(hotDistance))}, ratio ${(hotRate / median(hotDistance)).toFixed(2)}`,
    },
    {
      label: '  same, every record health-checked, a third failing',
      value: mps(median(hotHealth)),
    },
    {
      label: '1 M distinct points near those places (warm cells, no repeats)',
      value: `${mps(median(near))}; distance model ${mps(median(nearDistance))}, ratio ${(median(near) / median(nearDistance)).toFixed(2)}; latLngToCell alone ${mps(h3Only)}`,
    },
    {
      label: `${nFresh / 1000}k fresh random points (new cells), fresh model each run`,
      value: `${mps(median(fresh))}; distance model ${mps(median(freshDistance))}, ratio ${(median(fresh) / median(freshDistance)).toFixed(2)}; first run on the bench model ${mps(freshCold.perSecond)}`,
    },
    {
      label: `catchment of all ${cities.length.toLocaleString('en-US')} cities, warm`,
      value: `${median(warm).toFixed(1)} ms median of 7 (target ≤ 50 ms); distance model ${median(warmDistance).toFixed(1)} ms`,
    },
    { label: '  cold (new model, new point cache)', value: `${cold.toFixed(1)} ms` },
    {
      label: '  time-slider frame (build model + route all, shared point cache)',
      value: `${median(frames).toFixed(1)} ms median of 5`,
    },
  ];
}

/** Synthetic snapshots of `cells` measured cells (the most populous distinct cells) × regions. */
function buildTimes(cities: Place[], regions: readonly Region[]): Figure[] {
  const byPop = [...cities].sort((a, b) => b.population - a.population);
  const out: Figure[] = [];
  for (const cells of [1_000, 10_000]) {
    const seen = new Set<string>();
    const aggregates: CellAggregate[] = [];
    for (const p of byPop) {
      if (seen.size >= cells) break;
      const cell = latLngToCell(p.lat, p.lon, MEASURED_CELL_RESOLUTION);
      if (seen.has(cell)) continue;
      seen.add(cell);
      for (const r of regions) {
        const t = Math.round(trueRttMs(p, r) * 10) / 10;
        aggregates.push({
          cell,
          region: r.code,
          samples: 24,
          medianMs: t,
          p25Ms: t - 1,
          p75Ms: t + 2,
        });
      }
    }
    const snapshot: LatencySnapshot = {
      resolution: MEASURED_CELL_RESOLUTION,
      from: FROM,
      to: TO,
      aggregates,
    };
    const times: number[] = [];
    let model: LatencyModel = distanceLatencyModel;
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      model = createMeasuredModel(snapshot);
      times.push(performance.now() - t0);
    }
    // First use of a cell: learn it (neighbour loop) over 20k distinct new cells.
    const probe = byPop.slice(0, 40_000);
    const t0 = performance.now();
    const cellsSeen = new Set<string>();
    let sum = 0;
    for (const p of probe) {
      sum += model.estimate(p, regions[0] as Region).rttMs;
      cellsSeen.add(latLngToCell(p.lat, p.lon, MEASURED_CELL_RESOLUTION));
    }
    const learnMs = performance.now() - t0;
    out.push({
      label: `model build, ${cells.toLocaleString('en-US')} measured cells × ${regions.length} regions`,
      value: `${median(times).toFixed(0)} ms median of 3; first use ${((learnMs * 1000) / cellsSeen.size).toFixed(1)} µs a new cell (${cellsSeen.size.toLocaleString('en-US')} cells, checksum ${sum > 0 ? 'ok' : '0'})`,
    });
  }
  return out;
}

/** MEASURED_PART=accuracy|speed runs one half (the whole suite takes about two minutes). */
export async function benchMeasured(): Promise<Figure[]> {
  const part = process.env.MEASURED_PART;
  const cities = loadCities();
  const places = cities.filter((c) => c.population >= 50_000);
  const eight = accuracy(`${DEPLOYMENT.length} regions`, DEPLOYMENT, places);
  const figures = part === 'speed' ? [] : [...eight.figures];
  if (part !== 'speed') {
    figures.push(...accuracy(`${REGIONS.length} regions`, REGIONS, places).figures);
    figures.push(...networkAccuracy(DEPLOYMENT, places));
  }
  if (part !== 'accuracy') {
    figures.push(...speed(eight.snapshot, DEPLOYMENT, cities), ...buildTimes(cities, DEPLOYMENT));
  }
  return figures;
}
