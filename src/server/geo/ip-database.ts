import { readFileSync } from 'node:fs';
import { Reader, type Response } from 'mmdb-lib';
import type { GeoPoint } from '../../engine/types';

/** A located address: degrees plus a human label such as `London, GB`. */
export type Located = GeoPoint & { label: string };

/** The flat record shape of the ip-location-db mmdb files. */
interface DbIpCityRecord {
  city?: string;
  country_code?: string;
  state1?: string;
  latitude?: number;
  longitude?: number;
}

export interface IpDatabase {
  /** null when the address is malformed or not in the data. */
  lookup(address: string): Located | null;
  /** Located records held in the cache (for tests and benchmarks). */
  readonly cacheSize: number;
}

export interface IpDatabaseFiles {
  ipv4: string;
  ipv6: string;
}

/** Data records are shared by many ranges; the cap bounds memory on scans of random space. */
const CACHE_LIMIT = 250_000;

/** Degrees rounded to 1e-4 (about 11 m): the data are float32 and city-level anyway. */
function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

function toLocated(rec: DbIpCityRecord | null): Located | null {
  if (!rec || typeof rec.latitude !== 'number' || typeof rec.longitude !== 'number') return null;
  const place = rec.city || rec.state1 || '';
  const country = rec.country_code ?? '';
  const label = place && country ? `${place}, ${country}` : place || country || 'unknown place';
  return { lat: round4(rec.latitude), lon: round4(rec.longitude), label };
}

/**
 * Dotted-quad IPv4 (no leading zeros) as an unsigned 32-bit number, or -1. mmdb-lib does not
 * validate its input, so this is also the gate for garbage.
 */
export function parseDottedQuad(s: string): number {
  let parts = 0;
  let digits = 0;
  let value = 0;
  let out = 0;
  const n = s.length;
  if (n < 7 || n > 15) return -1;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || value > 255) return -1;
      out = out * 256 + value;
      parts++;
      digits = 0;
      value = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && value === 0) return -1;
      value = value * 10 + (c - 48);
      if (++digits > 3) return -1;
    } else {
      return -1;
    }
  }
  return parts === 4 ? out : -1;
}

export function isDottedQuad(s: string): boolean {
  return parseDottedQuad(s) >= 0;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * IPv6 text (RFC 4291 forms: `::` once, 1–4 hex digits per group, optional dotted-quad tail)
 * as eight 16-bit groups, or null. No zone ids: an address with `%` is not a location.
 */
export function parseIpv6Groups(s: string): number[] | null {
  if (s.length < 2 || s.length > 45) return null;
  const head: number[] = [];
  const tail: number[] = [];
  let groups = head;
  let seenGap = false;
  let i = 0;
  const n = s.length;
  if (s.charCodeAt(0) === 58) {
    if (s.charCodeAt(1) !== 58) return null;
    seenGap = true;
    groups = tail;
    i = 2;
    if (i === n) return [0, 0, 0, 0, 0, 0, 0, 0];
  }
  while (i < n) {
    // A dotted-quad tail takes the last two groups.
    let j = i;
    while (j < n && s.charCodeAt(j) !== 58 && s.charCodeAt(j) !== 46) j++;
    if (j < n && s.charCodeAt(j) === 46) {
      const v4 = parseDottedQuad(s.slice(i));
      if (v4 < 0) return null;
      groups.push(v4 >>> 16, v4 & 0xffff);
      i = n;
      break;
    }
    const len = j - i;
    if (len < 1 || len > 4) return null;
    let value = 0;
    for (let k = i; k < j; k++) {
      const h = hexValue(s.charCodeAt(k));
      if (h < 0) return null;
      value = value * 16 + h;
    }
    groups.push(value);
    i = j;
    if (i === n) break;
    // at a ':'
    if (i + 1 < n && s.charCodeAt(i + 1) === 58) {
      if (seenGap) return null;
      seenGap = true;
      groups = tail;
      i += 2;
      continue;
    }
    i++;
    if (i === n) return null; // trailing single ':'
  }
  const total = head.length + tail.length;
  if (seenGap ? total > 7 : total !== 8) return null;
  const out = head.slice();
  for (let k = total; k < 8; k++) out.push(0);
  for (const g of tail) out.push(g);
  return out;
}

/**
 * A walker over an mmdb search tree held in memory: returns the data pointer for an address
 * given as bits (most significant first), 0 when the address is not in the data. mmdb-lib's own
 * lookup re-parses the address and reads one bit at a time through closures; this loop is the
 * whole hot path of an IP lookup.
 */
function treeWalker(db: Buffer, nodeCount: number, recordSize: number) {
  if (recordSize !== 24 && recordSize !== 28 && recordSize !== 32) {
    throw new Error(`unsupported mmdb record size ${recordSize}`);
  }
  const nodeBytes = recordSize / 4;
  const child = (node: number, bit: number): number => {
    const o = node * nodeBytes;
    if (recordSize === 28) {
      return bit
        ? (((db[o + 3] as number) & 0x0f) << 24) |
            ((db[o + 4] as number) << 16) |
            ((db[o + 5] as number) << 8) |
            (db[o + 6] as number)
        : (((db[o + 3] as number) & 0xf0) << 20) |
            ((db[o] as number) << 16) |
            ((db[o + 1] as number) << 8) |
            (db[o + 2] as number);
    }
    if (recordSize === 24) {
      const b = bit ? o + 3 : o;
      return ((db[b] as number) << 16) | ((db[b + 1] as number) << 8) | (db[b + 2] as number);
    }
    return db.readUInt32BE(bit ? o + 4 : o);
  };
  const walkBits = (node: number, value: number, from: number, to: number): number => {
    let n = node;
    for (let i = from; i >= to && n < nodeCount; i--) n = child(n, (value >>> i) & 1);
    return n;
  };
  // The node reached after the first 16 bits from the root, for every 16-bit prefix: one
  // array read instead of 16 dependent ones (64k entries, built in a few ms).
  const root16 = new Int32Array(65536);
  for (let prefix = 0; prefix < 65536; prefix++) root16[prefix] = walkBits(0, prefix, 15, 0);
  return {
    /** Walk 32 bits of `value` (an IPv4 address, or one 32-bit word of an IPv6 one) from `node`. */
    walk32(node: number, value: number): number {
      if (node === 0) {
        const n = root16[value >>> 16] as number;
        return n < nodeCount ? walkBits(n, value, 15, 0) : n;
      }
      return walkBits(node, value, 31, 0);
    },
    nodeCount,
  };
}

function boundedMap<K, V>(): Map<K, V> & { put(k: K, v: V): void } {
  const map = new Map<K, V>() as Map<K, V> & { put(k: K, v: V): void };
  map.put = (k, v) => {
    if (map.size >= CACHE_LIMIT) map.clear();
    map.set(k, v);
  };
  return map;
}

/**
 * Open the DB-IP city mmdb files (one per family) into memory. IPv4-mapped IPv6 addresses
 * (`::ffff:81.2.69.160`) are looked up in the IPv4 file. Each data record is decoded once
 * (by mmdb-lib) and its Located kept by data pointer.
 */
export function openIpDatabase(files: IpDatabaseFiles): IpDatabase {
  const buf4 = readFileSync(files.ipv4);
  const buf6 = readFileSync(files.ipv6);
  const v4 = new Reader<Response>(buf4);
  const v6 = new Reader<Response>(buf6);
  const tree4 = treeWalker(buf4, v4.metadata.nodeCount, v4.metadata.recordSize);
  const tree6 = treeWalker(buf6, v6.metadata.nodeCount, v6.metadata.recordSize);
  if (v4.metadata.ipVersion !== 4 || v6.metadata.ipVersion !== 6) {
    throw new Error('expected an IPv4 and an IPv6 mmdb file');
  }
  const cache4 = boundedMap<number, Located | null>();
  const cache6 = boundedMap<number, Located | null>();

  function resolve(
    pointer: number,
    nodeCount: number,
    cache: ReturnType<typeof boundedMap<number, Located | null>>,
    reader: Reader<Response>,
    address: string,
  ): Located | null {
    if (pointer <= nodeCount) return null;
    const hit = cache.get(pointer);
    if (hit !== undefined) return hit;
    // Decode through mmdb-lib's public API (same record, found by its own walk).
    const located = toLocated(reader.get(address) as DbIpCityRecord | null);
    cache.put(pointer, located);
    return located;
  }

  function lookupV4(value: number, address: string): Located | null {
    const pointer = tree4.walk32(0, value);
    return resolve(pointer, tree4.nodeCount, cache4, v4, address);
  }

  return {
    lookup(address: string): Located | null {
      const value = parseDottedQuad(address);
      if (value >= 0) return lookupV4(value, address);
      if (!address.includes(':')) return null;
      const p = parseIpv6Groups(address);
      if (!p) return null;
      // ::ffff:a.b.c.d — IPv4-mapped: the IPv4 file has it.
      if (p[0] === 0 && p[1] === 0 && p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0xffff) {
        const value = (((p[6] as number) << 16) | (p[7] as number)) >>> 0;
        return lookupV4(
          value,
          `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`,
        );
      }
      let node = 0;
      for (let w = 0; w < 4 && node < tree6.nodeCount; w++) {
        node = tree6.walk32(node, (((p[2 * w] as number) << 16) | (p[2 * w + 1] as number)) >>> 0);
      }
      return resolve(node, tree6.nodeCount, cache6, v6, p.map((g) => g.toString(16)).join(':'));
    },
    get cacheSize() {
      return cache4.size + cache6.size;
    },
  };
}
