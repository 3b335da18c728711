import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Reader, type Response } from 'mmdb-lib';
import type { GeoPoint } from '../../engine/types';
import { IpTree } from './ip-tree';

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
  /** Decoded data records held in the cache (for tests and benchmarks). */
  readonly cacheSize: number;
  /** Walkers over the same files' search trees (the DNS path: bytes in, no decoding). */
  readonly trees: { v4: IpTree; v6: IpTree };
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

/** ip-location-db writes flat records, not MaxMind's nested shape that mmdb-lib types. */
function toLocated(response: Response | null): Located | null {
  const rec = response as DbIpCityRecord | null;
  if (!rec || typeof rec.latitude !== 'number' || typeof rec.longitude !== 'number') return null;
  const place = rec.city || rec.state1 || '';
  const country = rec.country_code ?? '';
  const label = place && country ? `${place}, ${country}` : place || country || 'unknown place';
  return { lat: round4(rec.latitude), lon: round4(rec.longitude), label };
}

/**
 * mmdb-lib decodes a data record once per pointer and keeps it in this cache; DB-IP's ranges
 * share records (one per city), so warm lookups skip decoding. Cleared when full.
 */
function boundedCache() {
  const map = new Map<number, unknown>();
  return {
    get: (key: number) => map.get(key),
    set: (key: number, value: unknown) => {
      if (map.size >= CACHE_LIMIT) map.clear();
      map.set(key, value);
    },
    get size() {
      return map.size;
    },
  };
}

/** `::ffff:81.2.69.160` (or its hex form) → `81.2.69.160`; other addresses unchanged. */
function unmapIpv4(address: string): string {
  const parsed = ipaddr.IPv6.parse(address);
  return parsed.isIPv4MappedAddress() ? parsed.toIPv4Address().toString() : address;
}

/**
 * Open the DB-IP city mmdb files (one per family) into memory with mmdb-lib. Addresses are
 * checked with Node's own parser first (mmdb-lib does not validate its input); IPv4-mapped
 * IPv6 addresses are looked up in the IPv4 file.
 */
export function openIpDatabase(files: IpDatabaseFiles): IpDatabase {
  const cache4 = boundedCache();
  const cache6 = boundedCache();
  const db4 = readFileSync(files.ipv4);
  const db6 = readFileSync(files.ipv6);
  const v4 = new Reader<Response>(db4, { cache: cache4 });
  const v6 = new Reader<Response>(db6, { cache: cache6 });
  if (v4.metadata.ipVersion !== 4 || v6.metadata.ipVersion !== 6) {
    throw new Error('expected an IPv4 and an IPv6 mmdb file');
  }
  const trees = { v4: new IpTree(db4, v4.metadata), v6: new IpTree(db6, v6.metadata) };
  return {
    trees,
    lookup(address: string): Located | null {
      switch (isIP(address)) {
        case 4:
          return toLocated(v4.get(address));
        case 6: {
          const plain =
            address.includes('.') || /^::ffff:/i.test(address) ? unmapIpv4(address) : address;
          return plain === address ? toLocated(v6.get(address)) : toLocated(v4.get(plain));
        }
        default:
          return null;
      }
    },
    get cacheSize() {
      return cache4.size + cache6.size;
    },
  };
}
