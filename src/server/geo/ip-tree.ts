/**
 * A walker over an mmdb file's search tree, for the DNS hot path: address bytes in, the data
 * record's offset and the network's prefix length out, with no string parsing and no decoding.
 * The first visit of a data record is located through the IP database (mmdb-lib) and kept as a
 * small integer id, so every later address in any network sharing that record costs one walk
 * and one Map lookup. The path of the walk is kept so that a caller can look at sibling
 * networks (to report the widest prefix an answer holds for).
 */

export interface IpTreeMetadata {
  nodeCount: number;
  recordSize: number;
  ipVersion: number;
}

export class IpTree {
  readonly bits: 32 | 128;
  readonly nodeCount: number;
  private readonly db: Buffer;
  private readonly nodeBytes: number;
  private readonly recordSize: number;
  /** Node numbers visited by the last walk, one per level. */
  readonly pathNodes: Int32Array;
  /** Prefix length of the network the last walk ended in. */
  depth = 0;

  constructor(db: Buffer, meta: IpTreeMetadata) {
    if (meta.recordSize !== 24 && meta.recordSize !== 28 && meta.recordSize !== 32) {
      throw new Error(`mmdb record size ${meta.recordSize} is not supported`);
    }
    this.db = db;
    this.nodeCount = meta.nodeCount;
    this.recordSize = meta.recordSize;
    this.nodeBytes = meta.recordSize / 4;
    this.bits = meta.ipVersion === 4 ? 32 : 128;
    this.pathNodes = new Int32Array(129);
  }

  /** Record `side` (0 left, 1 right) of node `node`. */
  record(node: number, side: number): number {
    const db = this.db;
    const o = node * this.nodeBytes;
    switch (this.recordSize) {
      case 24:
        return side === 0
          ? ((db[o] as number) << 16) | ((db[o + 1] as number) << 8) | (db[o + 2] as number)
          : ((db[o + 3] as number) << 16) | ((db[o + 4] as number) << 8) | (db[o + 5] as number);
      case 28:
        return side === 0
          ? (((db[o + 3] as number) & 0xf0) << 20) |
              ((db[o] as number) << 16) |
              ((db[o + 1] as number) << 8) |
              (db[o + 2] as number)
          : (((db[o + 3] as number) & 0x0f) << 24) |
              ((db[o + 4] as number) << 16) |
              ((db[o + 5] as number) << 8) |
              (db[o + 6] as number);
      default:
        return db.readUInt32BE(o + side * 4);
    }
  }

  /**
   * Walk the address in `bytes` (4 or 16 bytes from `offset`, network order). Returns the record
   * the walk ends on: > nodeCount is a data record, === nodeCount is "no data". Sets `depth`
   * and `pathNodes[0..depth-1]`.
   */
  walk(bytes: Uint8Array, offset: number): number {
    const nodeCount = this.nodeCount;
    const bits = this.bits;
    const path = this.pathNodes;
    let node = 0;
    let depth = 0;
    while (depth < bits && node < nodeCount) {
      path[depth] = node;
      const bit = ((bytes[offset + (depth >> 3)] as number) >> (7 - (depth & 7))) & 1;
      node = this.record(node, bit);
      depth++;
    }
    this.depth = depth;
    return node;
  }

  /** The record beside the one the last walk took at `level` (0 = root). */
  siblingAt(bytes: Uint8Array, offset: number, level: number): number {
    const bit = ((bytes[offset + (level >> 3)] as number) >> (7 - (level & 7))) & 1;
    return this.record(this.pathNodes[level] as number, bit ^ 1);
  }
}
