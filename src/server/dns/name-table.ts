/**
 * Lookup of lower-case wire names by hash without building strings: the query path hashes each
 * suffix of the question name once (right to left) and probes tables of stored names with it.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 16777619;

/** Hash of the root name. */
export const ROOT_HASH = FNV_OFFSET;

/** Hash of label (length byte + bytes at buf[start..]) prepended to a name whose hash is `rest`. */
export function labelHash(rest: number, buf: Uint8Array, start: number): number {
  const len = buf[start] as number;
  let h = Math.imul(rest ^ len, FNV_PRIME);
  for (let i = start + 1; i <= start + len; i++) h = Math.imul(h ^ (buf[i] as number), FNV_PRIME);
  return h >>> 0;
}

/** Hash of a whole lower-case wire name starting at `start` (ends at its zero byte). */
export function wireNameHash(buf: Uint8Array, start = 0): number {
  const offsets: number[] = [];
  let i = start;
  while ((buf[i] as number) !== 0) {
    offsets.push(i);
    i += (buf[i] as number) + 1;
  }
  let h = ROOT_HASH;
  for (let k = offsets.length - 1; k >= 0; k--) h = labelHash(h, buf, offsets[k] as number);
  return h;
}

/** True when the lower-case wire name `a` equals the (already lower-case) bytes at buf[start..]. */
function sameName(a: Uint8Array, buf: Uint8Array, start: number): boolean {
  const n = a.length;
  if (start + n > buf.length) return false;
  for (let i = 0; i < n; i++) if (a[i] !== buf[start + i]) return false;
  return true;
}

export class NameTable<T extends { wire: Uint8Array }> {
  private readonly map = new Map<number, T | T[]>();
  size = 0;

  set(value: T): void {
    const h = wireNameHash(value.wire);
    const have = this.map.get(h);
    this.size++;
    if (have === undefined) {
      this.map.set(h, value);
    } else if (Array.isArray(have)) {
      const i = have.findIndex((v) => sameName(v.wire, value.wire, 0));
      if (i >= 0) {
        have[i] = value;
        this.size--;
      } else have.push(value);
    } else if (sameName(have.wire, value.wire, 0)) {
      this.map.set(h, value);
      this.size--;
    } else {
      this.map.set(h, [have, value]);
    }
  }

  /** The entry whose name is the wire name at buf[start..] with hash `hash`, or undefined. */
  get(hash: number, buf: Uint8Array, start: number): T | undefined {
    const have = this.map.get(hash);
    if (have === undefined) return undefined;
    if (!Array.isArray(have)) return sameName(have.wire, buf, start) ? have : undefined;
    for (const v of have) if (sameName(v.wire, buf, start)) return v;
    return undefined;
  }

  delete(wire: Uint8Array): void {
    const h = wireNameHash(wire);
    const have = this.map.get(h);
    if (have === undefined) return;
    if (!Array.isArray(have)) {
      if (sameName(have.wire, wire, 0)) {
        this.map.delete(h);
        this.size--;
      }
      return;
    }
    const rest = have.filter((v) => !sameName(v.wire, wire, 0));
    this.size -= have.length - rest.length;
    if (rest.length === 0) this.map.delete(h);
    else this.map.set(h, rest.length === 1 ? (rest[0] as T) : rest);
  }

  values(): T[] {
    const out: T[] = [];
    for (const v of this.map.values()) {
      if (Array.isArray(v)) out.push(...v);
      else out.push(v);
    }
    return out;
  }
}
