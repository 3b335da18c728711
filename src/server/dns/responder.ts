import { isIPv4 } from 'node:net';
import ipaddr from 'ipaddr.js';
import { clientNetwork } from '../../engine/client-subnet';
import { compileRouting } from '../../engine/select-record';
import type { ClientLocator } from './client-locator';
import { labelHash, type NameTable, ROOT_HASH } from './name-table';
import type { LatencyWire, WireAnswer, WireNode, WireZone } from './tables';

/**
 * The DNS wire path: one request message in, one response message out, written into a buffer
 * the caller owns. Hand-written for speed (RFC 1035 header and question, RFC 6891 OPT, RFC 7871
 * client subnet); it reads the compiled tables and never touches storage.
 */

export const RCODE = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  BADVERS: 16,
} as const;

/** The UDP payload size this server advertises and sends at most (DNS Flag Day 2020). */
export const MAX_UDP_PAYLOAD = 1232;
const TYPE_OPT = 41;
const TYPE_SOA = 6;
const TYPE_NS = 2;
const TYPE_DS = 43;
const TYPE_ANY = 255;
const TYPE_HINFO = 13;
const OPTION_ECS = 8;

/** Counters for /api/dns and the benchmark. */
export interface ResponderStats {
  queries: number;
  responses: number;
  dropped: number;
  formerr: number;
  refused: number;
  nxdomain: number;
  truncated: number;
}

export interface ZoneSource {
  /** Compiled zones by lower-case wire apex. */
  readonly apexes: NameTable<WireZone>;
}

export class DnsResponder {
  readonly stats: ResponderStats = {
    queries: 0,
    responses: 0,
    dropped: 0,
    formerr: 0,
    refused: 0,
    nxdomain: 0,
    truncated: 0,
  };
  /** Lower-cased copy of the question name. */
  private readonly qname = new Uint8Array(256);
  private readonly labelOffsets = new Int32Array(128);
  private readonly suffixHashes = new Uint32Array(129);
  /** Client address bytes (ECS address zero-padded, or the source address). */
  private readonly client = new Uint8Array(16);
  private readonly sibling = new Uint8Array(16);

  // Per-request state, reset by parse().
  private qEnd = 0;
  private qtype = 0;
  private qclass = 0;
  private labels = 0;
  private hasOpt = false;
  private udpSize = 512;
  private ednsVersion = 0;
  private doBit = 0;
  private ecsPresent = false;
  private ecsFamily = 0;
  private ecsSource = 0;
  private ecsStart = 0;
  private ecsAddrLen = 0;
  private scope = 0;
  // The client's source address for this request: text (answer) or bytes (answerBytes).
  private srcText: string | null = null;
  private srcFamily = 0;
  private srcBytes: Uint8Array = this.client;
  private srcOffset = 0;

  constructor(
    private readonly zones: ZoneSource,
    private readonly locator: ClientLocator,
  ) {}

  /**
   * Answer `req` (a whole DNS message) into `out`; returns the response length, 0 to send
   * nothing (too short to answer, or a response rather than a query). `source` is the client's
   * address (text, as dgram/net give it); `maxSize` 0 means UDP rules (512 or the EDNS size).
   */
  answer(req: Buffer, out: Buffer, source: string, tcp: boolean): number {
    this.srcText = source;
    return this.respond(req, out, tcp);
  }

  /**
   * `answer` with the source address as bytes: `srcFamily` 1 (IPv4, 4 bytes) or 2 (IPv6, 16
   * bytes) at `src[srcOffset..]`, 0 when unknown. Saves formatting and parsing address text.
   */
  answerBytes(
    req: Buffer,
    out: Buffer,
    srcFamily: number,
    src: Uint8Array,
    srcOffset: number,
    tcp: boolean,
  ): number {
    this.srcText = null;
    this.srcFamily = srcFamily;
    this.srcBytes = src;
    this.srcOffset = srcOffset;
    return this.respond(req, out, tcp);
  }

  /** The source address's bytes into out (16 bytes, zero-padded); returns 1, 2 or 0. */
  private writeSource(out: Uint8Array): number {
    if (this.srcText !== null) return writeAddress(this.srcText, out);
    out.fill(0);
    const family = this.srcFamily;
    const n = family === 1 ? 4 : family === 2 ? 16 : 0;
    if (n === 0 || this.srcOffset + n > this.srcBytes.length) return 0;
    copyBytes(this.srcBytes, this.srcOffset, this.srcOffset + n, out, 0);
    return family;
  }

  private respond(req: Buffer, out: Buffer, tcp: boolean): number {
    this.stats.queries++;
    const len = req.length;
    if (len < 12 || (req[2] as number) & 0x80) {
      this.stats.dropped++;
      return 0;
    }
    const opcode = ((req[2] as number) >> 3) & 0x0f;
    const rcode = this.parse(req, len);
    const limit = tcp
      ? 65535
      : this.hasOpt
        ? Math.max(512, Math.min(this.udpSize, MAX_UDP_PAYLOAD))
        : 512;
    if (rcode !== RCODE.NOERROR) {
      if (rcode === RCODE.FORMERR) this.stats.formerr++;
      return this.finish(req, out, rcode, this.qEnd);
    }
    if (opcode !== 0) return this.finish(req, out, RCODE.NOTIMP, this.qEnd);
    this.stats.responses++;
    return this.lookup(req, out, limit);
  }

  /** Parse header, question and OPT; returns NOERROR, FORMERR or BADVERS. Sets qEnd. */
  private parse(req: Buffer, len: number): number {
    this.qEnd = 12;
    this.hasOpt = false;
    this.udpSize = 512;
    this.ednsVersion = 0;
    this.doBit = 0;
    this.ecsPresent = false;
    this.scope = 0;
    const qd = req.readUInt16BE(4);
    const an = req.readUInt16BE(6);
    const ns = req.readUInt16BE(8);
    const ar = req.readUInt16BE(10);
    if (qd !== 1) return RCODE.FORMERR;
    // Question name: plain labels only (a query has nothing to point back to).
    let p = 12;
    let labels = 0;
    let nameLen = 0;
    const qname = this.qname;
    for (;;) {
      if (p >= len) return RCODE.FORMERR;
      const l = req[p] as number;
      if (l === 0) {
        qname[nameLen] = 0;
        p++;
        break;
      }
      if (l > 63) return RCODE.FORMERR;
      if (p + l + 1 > len || nameLen + l + 2 > 255) return RCODE.FORMERR;
      this.labelOffsets[labels++] = nameLen;
      qname[nameLen++] = l;
      for (let i = 1; i <= l; i++) {
        const c = req[p + i] as number;
        qname[nameLen++] = c >= 65 && c <= 90 ? c + 32 : c;
      }
      p += l + 1;
    }
    if (p + 4 > len) return RCODE.FORMERR;
    this.labels = labels;
    this.qtype = req.readUInt16BE(p);
    this.qclass = req.readUInt16BE(p + 2);
    p += 4;
    this.qEnd = p;
    // Answer and authority sections of a query are skipped (but must be well formed).
    for (let i = 0; i < an + ns; i++) {
      p = skipRecord(req, p, len);
      if (p < 0) return RCODE.FORMERR;
    }
    for (let i = 0; i < ar; i++) {
      const start = p;
      p = skipName(req, p, len);
      if (p < 0 || p + 10 > len) return RCODE.FORMERR;
      const type = req.readUInt16BE(p);
      const rdlen = req.readUInt16BE(p + 8);
      const rdata = p + 10;
      if (rdata + rdlen > len) return RCODE.FORMERR;
      if (type === TYPE_OPT) {
        if (this.hasOpt) return RCODE.FORMERR; // RFC 6891 §6.1.1: more than one OPT
        if (p !== start + 1) return RCODE.FORMERR; // its owner must be the root
        this.hasOpt = true;
        this.udpSize = Math.max(512, req.readUInt16BE(p + 2));
        this.ednsVersion = req[p + 5] as number;
        this.doBit = ((req[p + 6] as number) >> 7) & 1;
        const bad = this.parseOptions(req, rdata, rdata + rdlen);
        if (bad !== RCODE.NOERROR) return bad;
      }
      p = rdata + rdlen;
    }
    if (this.hasOpt && this.ednsVersion > 0) return RCODE.BADVERS;
    return RCODE.NOERROR;
  }

  private parseOptions(req: Buffer, p: number, end: number): number {
    while (p < end) {
      if (p + 4 > end) return RCODE.FORMERR;
      const code = req.readUInt16BE(p);
      const olen = req.readUInt16BE(p + 2);
      const data = p + 4;
      if (data + olen > end) return RCODE.FORMERR;
      if (code === OPTION_ECS) {
        if (this.ecsPresent) return RCODE.FORMERR;
        if (olen < 4) return RCODE.FORMERR;
        const family = req.readUInt16BE(data);
        const source = req[data + 2] as number;
        const scope = req[data + 3] as number;
        const maxBits = family === 1 ? 32 : family === 2 ? 128 : -1;
        if (maxBits < 0 || source > maxBits || scope !== 0) return RCODE.FORMERR;
        const addrLen = olen - 4;
        if (addrLen !== (source + 7) >> 3) return RCODE.FORMERR;
        // Bits beyond SOURCE PREFIX-LENGTH must be zero (RFC 7871 §6).
        if (addrLen > 0 && (source & 7) !== 0) {
          const last = req[data + 4 + addrLen - 1] as number;
          if ((last & (0xff >> (source & 7))) !== 0) return RCODE.FORMERR;
        }
        this.ecsPresent = true;
        this.ecsFamily = family;
        this.ecsSource = source;
        this.ecsStart = data + 4;
        this.ecsAddrLen = addrLen;
      }
      p = data + olen;
    }
    return RCODE.NOERROR;
  }

  private lookup(req: Buffer, out: Buffer, limit: number): number {
    const qEnd = this.qEnd;
    if (this.qclass !== 1 && this.qclass !== 255) {
      this.stats.refused++;
      return this.finish(req, out, RCODE.REFUSED, qEnd);
    }
    const qtype = this.qtype;
    if (qtype === TYPE_OPT || (qtype >= 128 && qtype <= 250)) {
      return this.finish(req, out, qtype === TYPE_OPT ? RCODE.FORMERR : RCODE.NOTIMP, qEnd);
    }
    if (qtype === 251 || qtype === 252) {
      // IXFR/AXFR: zone transfers are not offered.
      this.stats.refused++;
      return this.finish(req, out, RCODE.REFUSED, qEnd);
    }
    // Suffix hashes, right to left: suffixHashes[i] is the hash of the name from label i.
    const qname = this.qname;
    const offs = this.labelOffsets;
    const hashes = this.suffixHashes;
    const labels = this.labels;
    hashes[labels] = ROOT_HASH;
    for (let i = labels - 1; i >= 0; i--) {
      hashes[i] = labelHash(hashes[i + 1] as number, qname, offs[i] as number);
    }
    // The zone: the longest apex that is a suffix of the name.
    let zone: WireZone | undefined;
    let apexIndex = -1;
    for (let i = 0; i <= labels; i++) {
      const start = i === labels ? this.rootOffset() : (offs[i] as number);
      zone = this.zones.apexes.get(hashes[i] as number, qname, start);
      if (zone !== undefined) {
        apexIndex = i;
        break;
      }
    }
    if (zone === undefined) {
      this.stats.refused++;
      return this.finish(req, out, RCODE.REFUSED, qEnd);
    }
    const names = zone.names;
    let node: WireNode | undefined = names.get(
      hashes[apexIndex] as number,
      qname,
      this.offsetOf(apexIndex),
    );
    let wildcardUsed = false;
    for (let j = apexIndex - 1; j >= 0; j--) {
      const next = names.get(hashes[j] as number, qname, offs[j] as number);
      if (next === undefined) {
        // `node` is the closest encloser: its wildcard answers, or the name does not exist.
        const wild = node?.wildcard ?? null;
        if (wild === null) return this.negative(req, out, zone, apexIndex, RCODE.NXDOMAIN, limit);
        node = wild;
        wildcardUsed = true;
        break;
      }
      if (next.delegation !== null && !(j === 0 && qtype === TYPE_DS)) {
        return this.referral(req, out, next, offs[j] as number, limit);
      }
      node = next;
    }
    if (node === undefined) return this.negative(req, out, zone, apexIndex, RCODE.NXDOMAIN, limit);
    let answer: WireAnswer | null;
    if (qtype === TYPE_ANY) return this.anyAnswer(req, out, limit);
    if (qtype === TYPE_DS && node.delegation !== null && !wildcardUsed) answer = node.ds;
    else answer = node.answers.get(qtype) ?? node.other;
    if (answer === null) return this.negative(req, out, zone, apexIndex, RCODE.NOERROR, limit);
    let scope = 0;
    let guard = 0;
    while (answer.kind === 1 && guard++ < 8) {
      const chosen = this.choose(req, answer);
      answer = answer.options[chosen & 0xff] as WireAnswer;
      scope = Math.max(scope, chosen >> 8);
    }
    if (answer.kind !== 0 || answer.count === 0) {
      return this.negative(req, out, zone, apexIndex, RCODE.NOERROR, limit);
    }
    this.scope = scope;
    let p = this.writeHeaderAndQuestion(req, out, RCODE.NOERROR, true, qEnd);
    const rrsStart = p;
    if (p + answer.rrs.length > limit) {
      return this.close(req, out, limit + 1, 0, 0, 0, rrsStart, limit);
    }
    copyBytes(answer.rrs, 0, answer.rrs.length, out, p);
    p += answer.rrs.length;
    return this.close(req, out, p, answer.count, 0, 0, rrsStart, limit);
  }

  /** Offset in qname of label i (labels = the root byte). */
  private offsetOf(i: number): number {
    return i === this.labels ? this.rootOffset() : (this.labelOffsets[i] as number);
  }

  private rootOffset(): number {
    if (this.labels === 0) return 0;
    const last = this.labelOffsets[this.labels - 1] as number;
    return last + (this.qname[last] as number) + 1;
  }

  /**
   * Choose an option of a latency table for the client: ECS address when given (SOURCE > 0),
   * else the source address (writeSource). Returns option index | ECS scope << 8.
   */
  private choose(req: Buffer, table: LatencyWire): number {
    const client = this.client;
    for (let i = 0; i < 16; i++) client[i] = 0;
    let family: number;
    if (this.ecsPresent && this.ecsSource > 0) {
      family = this.ecsFamily;
      copyBytes(req, this.ecsStart, this.ecsStart + this.ecsAddrLen, client, 0);
      // An IPv4-mapped subnet (::ffff:a.b.c.d/96+) is an IPv4 subnet: look it up as one and
      // report its scope in the query's IPv6 terms.
      if (family === 2 && this.ecsSource >= 96 && isV4Mapped(client)) {
        for (let i = 0; i < 4; i++) client[i] = client[12 + i] as number;
        for (let i = 4; i < 16; i++) client[i] = 0;
        const packed = this.chooseFor(table, 1);
        return (packed & 0xff) | (Math.min(128, (packed >> 8) + 96) << 8);
      }
    } else {
      family = this.writeSource(client);
      if (family === 0) return this.decide(table, 0);
    }
    return this.chooseFor(table, family);
  }

  /** choose() once `client` holds the address bytes of `family` (1 or 2). */
  private chooseFor(table: LatencyWire, family: number): number {
    if (table.forNetwork !== null) {
      const byNetwork = this.chooseByNetwork(table, family);
      if (byNetwork >= 0) return byNetwork;
    }
    const loc = this.locator;
    const client = this.client;
    let id = loc.locate(family, client, 0);
    const depth = loc.depth;
    const tree = loc.tree;
    if (id < 0 && this.ecsPresent && this.ecsSource > 0) {
      // No location for the subnet: the resolver's own address stands for the user.
      const f = this.writeSource(this.sibling);
      const rid = f === 0 ? -1 : loc.locate(f, this.sibling, 0);
      const option = this.decide(table, Math.max(rid, 0));
      return option | (depth << 8);
    }
    if (id < 0) id = 0;
    if (!(this.ecsPresent && this.ecsSource > 0)) return this.decide(table, id);
    // Memo by leaf: the walk's last node and side identify the network.
    const lastNode = depth > 0 ? (tree.pathNodes[depth - 1] as number) : 0;
    const bit =
      depth > 0 ? ((client[(depth - 1) >> 3] as number) >> (7 - ((depth - 1) & 7))) & 1 : 0;
    const key = (family === 1 ? 0 : 1 << 30) + lastNode * 2 + bit;
    const hit = table.memo.get(key);
    if (hit !== undefined) return hit;
    const option = this.decide(table, id);
    // Widen the scope while the sibling network is a leaf whose location gets the same answer.
    let scope = depth;
    for (let level = depth - 1; level >= 0; level--) {
      const s = tree.siblingAt(client, 0, level);
      if (s < tree.nodeCount) break;
      const sib = this.sibling;
      sib.set(client);
      sib[level >> 3] = (sib[level >> 3] as number) ^ (0x80 >> (level & 7));
      const sid = loc.idForRecord(family, s, sib, 0, level + 1);
      if (sid < 0 || this.decide(table, sid) !== option) break;
      scope = level;
    }
    const packed = option | (scope << 8);
    if (table.memo.size >= 1_000_000) table.memo.clear();
    table.memo.set(key, packed);
    return packed;
  }

  /**
   * A client whose /24 (IPv4) or /48 (IPv6) has measurements of its own routes by them, as
   * testdnsanswer does (modelForClient): option | scope << 8 (the scope is the network), or -1
   * when the subnet is shorter than the network or the network has no measurements.
   */
  private chooseByNetwork(table: LatencyWire, family: number): number {
    const c = this.client;
    const ecs = this.ecsPresent && this.ecsSource > 0;
    // The query's source bits in this family's terms (an IPv4-mapped subnet counts from 96).
    const bits = ecs
      ? family === 1 && this.ecsFamily === 2
        ? this.ecsSource - 96
        : this.ecsSource
      : family === 1
        ? 32
        : 128;
    const need = family === 1 ? 24 : 48;
    if (bits < need) return -1;
    const key =
      family === 1
        ? (c[0] as number) * 65536 + (c[1] as number) * 256 + (c[2] as number)
        : 2 ** 49 +
          (((c[0] as number) * 256 + (c[1] as number)) * 65536 +
            (c[2] as number) * 256 +
            (c[3] as number)) *
            65536 +
          (c[4] as number) * 256 +
          (c[5] as number);
    let option = table.networkMemo.get(key);
    if (option === undefined) {
      option = -1;
      const text =
        family === 1
          ? `${c[0]}.${c[1]}.${c[2]}.0`
          : `${hex16(c, 0)}:${hex16(c, 2)}:${hex16(c, 4)}::`;
      const network = clientNetwork(text, need);
      const model = network === null ? null : (table.forNetwork?.(network) ?? null);
      if (model !== null) {
        const i = compileRouting(table.routing.records, { model }).selectIndex(
          0,
          0,
          table.healthyAt,
        );
        option = Math.max(i, 0);
      }
      if (table.networkMemo.size >= 1_000_000) table.networkMemo.clear();
      table.networkMemo.set(key, option);
    }
    return option < 0 ? -1 : option | ((ecs ? need : 0) << 8);
  }

  /** Option index for a location id (cached per location). */
  private decide(table: LatencyWire, id: number): number {
    let cache = table.byLocation;
    if (cache === null || cache.length <= id) {
      const grown = new Int16Array(Math.max(1024, this.locator.size * 2, id + 1)).fill(-1);
      if (cache !== null) grown.set(cache);
      cache = grown;
      table.byLocation = cache;
    }
    const have = cache[id] as number;
    if (have >= 0) return have;
    const i = table.routing.selectIndex(
      this.locator.lat[id] as number,
      this.locator.lon[id] as number,
      table.healthyAt,
    );
    const option = Math.max(i, 0);
    cache[id] = option;
    return option;
  }

  /** RFC 8482: ANY gets one synthesized HINFO record instead of everything. */
  private anyAnswer(req: Buffer, out: Buffer, limit: number): number {
    let p = this.writeHeaderAndQuestion(req, out, RCODE.NOERROR, true, this.qEnd);
    const start = p;
    out[p++] = 0xc0;
    out[p++] = 0x0c;
    out.writeUInt16BE(TYPE_HINFO, p);
    out.writeUInt16BE(1, p + 2);
    out.writeUInt32BE(3600, p + 4);
    const cpu = 'RFC8482';
    out.writeUInt16BE(cpu.length + 2, p + 8);
    p += 10;
    out[p++] = cpu.length;
    p += out.write(cpu, p, 'latin1');
    out[p++] = 0;
    return this.close(req, out, p, 1, 0, 0, start, limit);
  }

  /** NXDOMAIN or NODATA: the zone's SOA in the authority section with the negative TTL. */
  private negative(
    req: Buffer,
    out: Buffer,
    zone: WireZone,
    apexIndex: number,
    rcode: number,
    limit: number,
  ): number {
    if (rcode === RCODE.NXDOMAIN) this.stats.nxdomain++;
    this.scope = 0;
    let p = this.writeHeaderAndQuestion(req, out, rcode, true, this.qEnd);
    const start = p;
    const ptr = 12 + this.offsetOf(apexIndex);
    if (apexIndex === this.labels) {
      out[p++] = 0; // the root zone apex
    } else {
      out[p++] = 0xc0 | (ptr >> 8);
      out[p++] = ptr & 0xff;
    }
    out.writeUInt16BE(TYPE_SOA, p);
    out.writeUInt16BE(1, p + 2);
    out.writeUInt32BE(zone.negativeTtl >>> 0, p + 4);
    out.writeUInt16BE(zone.soaRdata.length, p + 8);
    p += 10;
    copyBytes(zone.soaRdata, 0, zone.soaRdata.length, out, p);
    p += zone.soaRdata.length;
    return this.close(req, out, p, 0, 1, 0, start, limit);
  }

  /** A referral: not authoritative, the cut's NS in authority, glue in additional. */
  private referral(
    req: Buffer,
    out: Buffer,
    node: WireNode,
    cutOffset: number,
    limit: number,
  ): number {
    const d = node.delegation;
    if (d === null) return 0;
    this.scope = 0;
    let p = this.writeHeaderAndQuestion(req, out, RCODE.NOERROR, false, this.qEnd);
    const start = p;
    const ptr = 12 + cutOffset;
    for (const rdata of d.ns) {
      if (p + 12 + rdata.length > out.length) break;
      out[p++] = 0xc0 | (ptr >> 8);
      out[p++] = ptr & 0xff;
      out.writeUInt16BE(TYPE_NS, p);
      out.writeUInt16BE(1, p + 2);
      out.writeUInt32BE(d.ttl >>> 0, p + 4);
      out.writeUInt16BE(rdata.length, p + 8);
      p += 10;
      rdata.copy(out, p);
      p += rdata.length;
    }
    d.glue.copy(out, p);
    p += d.glue.length;
    return this.close(req, out, p, 0, d.ns.length, d.glueCount, start, limit);
  }

  /** Header (id, flags, QDCOUNT 1) and the question copied byte for byte; returns the next offset. */
  private writeHeaderAndQuestion(
    req: Buffer,
    out: Buffer,
    rcode: number,
    aa: boolean,
    qEnd: number,
  ): number {
    out[0] = req[0] as number;
    out[1] = req[1] as number;
    out[2] = 0x80 | ((req[2] as number) & 0x79) | (aa ? 0x04 : 0); // QR, opcode, RD kept; AA
    out[3] = rcode & 0x0f; // RA 0: authoritative only
    const hasQuestion = qEnd > 12;
    out[4] = 0;
    out[5] = hasQuestion ? 1 : 0;
    for (let i = 6; i < 12; i++) out[i] = 0;
    if (hasQuestion) copyBytes(req, 12, qEnd, out, 12);
    return qEnd;
  }

  /**
   * Counts, OPT (with ECS echoed) and truncation: when the message would exceed `limit`, the
   * sections from `sectionsStart` are dropped and TC is set.
   */
  private close(
    req: Buffer,
    out: Buffer,
    end: number,
    an: number,
    ns: number,
    ar: number,
    sectionsStart: number,
    limit: number,
  ): number {
    const optLen = this.hasOpt ? 11 + (this.ecsPresent ? 8 + this.ecsAddrLen : 0) : 0;
    let p = end;
    if (p + optLen > limit) {
      this.stats.truncated++;
      out[2] = (out[2] as number) | 0x02;
      p = sectionsStart;
      an = 0;
      ns = 0;
      ar = 0;
    }
    out.writeUInt16BE(an, 6);
    out.writeUInt16BE(ns, 8);
    if (this.hasOpt) {
      p = this.writeOpt(req, out, p, RCODE.NOERROR);
      ar++;
    }
    out.writeUInt16BE(ar, 10);
    return p;
  }

  private writeOpt(req: Buffer, out: Buffer, p: number, rcode: number): number {
    out[p++] = 0; // root owner
    out.writeUInt16BE(TYPE_OPT, p);
    out.writeUInt16BE(MAX_UDP_PAYLOAD, p + 2);
    out[p + 4] = (rcode >> 4) & 0xff; // extended RCODE (upper 8 bits)
    out[p + 5] = 0; // version 0
    out[p + 6] = this.doBit << 7;
    out[p + 7] = 0;
    const withEcs = this.ecsPresent;
    out.writeUInt16BE(withEcs ? 8 + this.ecsAddrLen : 0, p + 8);
    p += 10;
    if (withEcs) {
      out.writeUInt16BE(OPTION_ECS, p);
      out.writeUInt16BE(4 + this.ecsAddrLen, p + 2);
      out.writeUInt16BE(this.ecsFamily, p + 4);
      out[p + 6] = this.ecsSource;
      out[p + 7] = this.ecsSource === 0 ? 0 : this.scope;
      copyBytes(req, this.ecsStart, this.ecsStart + this.ecsAddrLen, out, p + 8);
      p += 8 + this.ecsAddrLen;
    }
    return p;
  }

  /**
   * An error or empty response: header, the question when it parsed, and OPT when the query had
   * one (RFC 6891); the client subnet is echoed with SCOPE 0 except after FORMERR/BADVERS.
   */
  private finish(req: Buffer, out: Buffer, rcode: number, qEnd: number): number {
    let p = this.writeHeaderAndQuestion(req, out, rcode, false, qEnd);
    out.writeUInt16BE(0, 6);
    out.writeUInt16BE(0, 8);
    this.scope = 0;
    if (rcode === RCODE.FORMERR || rcode === RCODE.BADVERS) this.ecsPresent = false;
    if (this.hasOpt) {
      p = this.writeOpt(req, out, p, rcode);
      out.writeUInt16BE(1, 10);
    } else {
      out.writeUInt16BE(0, 10);
    }
    return p;
  }
}

/** ::ffff:0:0/96: bytes 0–9 zero, 10–11 0xff. */
function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/**
 * Copy src[start..end) to dst at `at`. A plain loop: for the few dozen bytes of a DNS answer it
 * beats Buffer#copy, whose every call crosses into C++.
 */
function copyBytes(src: Uint8Array, start: number, end: number, dst: Uint8Array, at: number): void {
  const n = end - start;
  if (n > 256) {
    dst.set(src.subarray(start, end), at);
    return;
  }
  for (let i = 0; i < n; i++) dst[at + i] = src[start + i] as number;
}

/** Skip a (possibly compressed) name; returns the offset after it, -1 when malformed. */
function skipName(buf: Buffer, p: number, len: number): number {
  let total = 0;
  for (;;) {
    if (p >= len) return -1;
    const l = buf[p] as number;
    if (l === 0) return p + 1;
    if ((l & 0xc0) === 0xc0) return p + 2 <= len ? p + 2 : -1;
    if (l > 63) return -1;
    total += l + 1;
    if (total > 255) return -1;
    p += l + 1;
  }
}

function skipRecord(buf: Buffer, p: number, len: number): number {
  const q = skipName(buf, p, len);
  if (q < 0 || q + 10 > len) return -1;
  const end = q + 10 + buf.readUInt16BE(q + 8);
  return end > len ? -1 : end;
}

/** Writes an address's bytes into out (16 bytes, zero-padded); returns 1 (IPv4), 2 (IPv6) or 0. */
export function writeAddress(address: string, out: Uint8Array): number {
  out.fill(0);
  if (isIPv4(address)) {
    let part = 0;
    let k = 0;
    for (let i = 0; i < address.length; i++) {
      const c = address.charCodeAt(i);
      if (c === 46) {
        out[k++] = part;
        part = 0;
      } else part = part * 10 + (c - 48);
    }
    out[k] = part;
    return 1;
  }
  try {
    const parsed = ipaddr.parse(address);
    if (parsed.kind() === 'ipv6') {
      const v6 = parsed as ipaddr.IPv6;
      if (v6.isIPv4MappedAddress()) {
        out.set(v6.toIPv4Address().toByteArray());
        return 1;
      }
      out.set(v6.toByteArray());
      return 2;
    }
    out.set(parsed.toByteArray());
    return 1;
  } catch {
    return 0;
  }
}

/** Bytes i and i+1 of `b` as a 16-bit hex group (no leading zeros). */
function hex16(b: Uint8Array, i: number): string {
  return (((b[i] as number) << 8) | (b[i + 1] as number)).toString(16);
}
