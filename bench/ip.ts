/**
 * IP lookups per second through the server's locator (DB-IP city mmdb via mmdb-lib with a
 * decoded-record cache): 100k pre-generated random public IPv4 addresses, and 100k IPv6
 * addresses inside announced /32s. Cold = first pass (cache filling), warm = median of 5 later passes.
 */
import { isPublicAddress } from '../src/engine/client-subnet';
import { ClientLocator } from '../src/server/dns/client-locator';
import { writeAddress } from '../src/server/dns/responder';
import { openIpDatabase } from '../src/server/geo/ip-database';
import { dbIpFiles } from '../src/server/geo/load-geo';

const COUNT = 100_000;
const WARM_RUNS = 5;

function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function randomPublicV4(n: number): string[] {
  const next = rng(42);
  const out: string[] = [];
  while (out.length < n) {
    const a = next();
    const ip = `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
    if (isPublicAddress(ip)) out.push(ip);
  }
  return out;
}

/** Random addresses under prefixes that are really announced (Google, Cloudflare, DTAG, ...). */
function randomV6(n: number): string[] {
  const next = rng(7);
  const prefixes = [
    '2001:4860',
    '2606:4700',
    '2a00:1450',
    '2003:e0',
    '2400:cb00',
    '2600:1f18',
    '2a02:26f0',
    '240e:ff',
  ];
  const hex = () => (next() & 0xffff).toString(16);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = prefixes[i % prefixes.length] as string;
    const head = p.split(':').length === 2 ? p : `${p}:0`;
    out.push(`${head}:${hex()}:${hex()}:${hex()}:${hex()}:${hex()}:${hex()}`);
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function rate(
  lookup: (ip: string) => unknown,
  ips: string[],
): { perSecond: number; found: number } {
  let found = 0;
  const start = process.hrtime.bigint();
  for (const ip of ips) if (lookup(ip) !== null) found++;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { perSecond: ips.length / seconds, found };
}

const fmt = (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`;

export async function benchIpLookups(): Promise<{ label: string; value: string }[]> {
  const t0 = process.hrtime.bigint();
  const db = openIpDatabase(dbIpFiles());
  const openMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const lookup = (ip: string) => db.lookup(ip);
  const figures: { label: string; value: string }[] = [
    { label: 'open DB-IP v4+v6 mmdb', value: `${openMs.toFixed(0)} ms` },
  ];
  for (const [name, ips] of [
    ['IPv4', randomPublicV4(COUNT)],
    ['IPv6', randomV6(COUNT)],
  ] as const) {
    const cold = rate(lookup, ips);
    const warm = median(Array.from({ length: WARM_RUNS }, () => rate(lookup, ips).perSecond));
    figures.push({
      label: `${name} lookups, ${COUNT / 1000}k random (target >= 500k/s)`,
      value: `warm ${fmt(warm)}, cold ${fmt(cold.perSecond)} (${((cold.found / ips.length) * 100).toFixed(1)}% located)`,
    });
    // The DNS path: address bytes (as an ECS option carries them) → location id, walking the
    // mmdb search tree with no string parsing and no decoding after a record's first visit.
    const family = name === 'IPv4' ? 1 : 2;
    const bytes = new Uint8Array(ips.length * 16);
    const scratch = new Uint8Array(16);
    ips.forEach((ip, i) => {
      writeAddress(ip, scratch);
      bytes.set(scratch, i * 16);
    });
    const locator = new ClientLocator({ ip: lookup as never, ipDatabase: db });
    const walk = (): number => {
      let found = 0;
      const start = process.hrtime.bigint();
      for (let i = 0; i < ips.length; i++) if (locator.locate(family, bytes, i * 16) >= 0) found++;
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      void found;
      return ips.length / seconds;
    };
    const walkCold = walk();
    const walkWarm = median(Array.from({ length: WARM_RUNS }, walk));
    // Same coordinates as the string path, address by address.
    let differ = 0;
    ips.forEach((ip, i) => {
      const a = db.lookup(ip);
      const id = locator.locate(family, bytes, i * 16);
      const same =
        a === null ? id < 0 : id >= 0 && locator.lat[id] === a.lat && locator.lon[id] === a.lon;
      if (!same) differ++;
    });
    figures.push({
      label: `${name} DNS path: bytes → location (target >= 1M/s)`,
      value: `warm ${fmt(walkWarm)}, cold ${fmt(walkCold)}; ×${(walkWarm / warm).toFixed(1)} mmdb-lib warm; ${differ} of ${ips.length} differ from mmdb-lib`,
    });
  }
  return figures;
}
