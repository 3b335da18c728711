import { DEFAULT_RESOLVER } from '../../engine/client-location';
import type { IpTree } from '../geo/ip-tree';
import type { ServerGeo } from '../geo/load-geo';

/**
 * Client address bytes → a small location id, for the DNS path. Location 0 is the default
 * resolver (us-east-1, as Route 53 and TestDNSAnswer use when nothing better is known); ids
 * from 1 are the IP data's records, each located once through the same IP database and the
 * same rounding as TestDNSAnswer, so DNS and the preview always see the same coordinates.
 */
export class ClientLocator {
  /** Degrees, by location id. */
  lat: Float64Array;
  lon: Float64Array;
  private count = 1;
  private readonly ids4 = new Map<number, number>();
  private readonly ids6 = new Map<number, number>();
  readonly tree4: IpTree;
  readonly tree6: IpTree;
  /** Set by locate: the tree walked and the prefix length of the network found. */
  tree: IpTree;
  depth = 0;
  /** Set by locate: the record the walk ended on (a leaf's identity inside `tree`). */
  leaf = 0;

  constructor(private readonly geo: Pick<ServerGeo, 'ip' | 'ipDatabase'>) {
    this.tree4 = geo.ipDatabase.trees.v4;
    this.tree6 = geo.ipDatabase.trees.v6;
    this.tree = this.tree4;
    this.lat = new Float64Array(1024);
    this.lon = new Float64Array(1024);
    this.lat[0] = DEFAULT_RESOLVER.lat;
    this.lon[0] = DEFAULT_RESOLVER.lon;
  }

  /** Number of location ids handed out (for tests and the benchmark). */
  get size(): number {
    return this.count;
  }

  /**
   * Locate the 4 (family 1) or 16 (family 2) address bytes at `offset`; -1 when the IP data has
   * no location for them. Sets tree, depth and leaf.
   */
  locate(family: number, bytes: Uint8Array, offset: number): number {
    const tree = family === 1 ? this.tree4 : this.tree6;
    this.tree = tree;
    const record = tree.walk(bytes, offset);
    this.depth = tree.depth;
    this.leaf = record;
    return this.idForRecord(family, record, bytes, offset, tree.depth);
  }

  /**
   * The location id of a leaf record of `family`'s tree (-1: no data). `bytes`/`offset` give an
   * address inside the leaf's network (needed the first time a record is met).
   */
  idForRecord(
    family: number,
    record: number,
    bytes: Uint8Array,
    offset: number,
    depth: number,
  ): number {
    const tree = family === 1 ? this.tree4 : this.tree6;
    if (record <= tree.nodeCount) return -1;
    const ids = family === 1 ? this.ids4 : this.ids6;
    const known = ids.get(record);
    if (known !== undefined) return known;
    const located = this.geo.ip(formatAddress(family, bytes, offset, depth));
    const id = located === null ? -1 : this.add(located.lat, located.lon);
    ids.set(record, id);
    return id;
  }

  private add(lat: number, lon: number): number {
    if (this.count === this.lat.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.lat = grow(this.lat);
      this.lon = grow(this.lon);
    }
    const id = this.count++;
    this.lat[id] = lat;
    this.lon[id] = lon;
    return id;
  }
}

/** The first address of the `depth`-bit network containing the address bytes, as text. */
export function formatAddress(
  family: number,
  bytes: Uint8Array,
  offset: number,
  depth: number,
): string {
  const n = family === 1 ? 4 : 16;
  const copy = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const bitsHere = Math.max(0, Math.min(8, depth - i * 8));
    const mask = bitsHere === 0 ? 0 : (0xff << (8 - bitsHere)) & 0xff;
    copy[i] = (bytes[offset + i] as number) & mask;
  }
  if (n === 4) return `${copy[0]}.${copy[1]}.${copy[2]}.${copy[3]}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) {
    groups.push((((copy[i] as number) << 8) | (copy[i + 1] as number)).toString(16));
  }
  return groups.join(':');
}
