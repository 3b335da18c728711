import cluster from 'node:cluster';
import dgram from 'node:dgram';
import net, { isIP, isIPv6 } from 'node:net';
import { createMeasurementService, type MeasurementService } from '../domain/measurements';
import { ZoneIndex } from '../domain/zone-index';
import type { ServerGeo } from '../geo/load-geo';
import type { Repository } from '../storage/repository';
import { DnsCatalog } from './catalog';
import { ClientLocator } from './client-locator';
import { DnsResponder, type ResponderStats } from './responder';
import { type BatchedUdp, nativeUdpAvailable, startBatchedUdp } from './udp-batch';

/**
 * The authoritative DNS server: UDP and TCP (RFC 7766: 2-byte length framing, pipelined
 * queries answered in order, idle connections closed) on one port, answering from compiled
 * tables that a refresh loop keeps in step with storage.
 */

export interface DnsServerOptions {
  repository: Repository;
  geo: ServerGeo;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Share the zone index with the TestDNSAnswer route (one copy of the zones in memory). */
  index?: ZoneIndex;
  /** How often storage is checked for changes, ms (default 100). */
  refreshMs?: number;
  /** A TCP connection with nothing to read for this long is closed, ms (default 10 s). */
  tcpIdleMs?: number;
  /** Most TCP connections at once (default 1024); past it the longest-idle one is closed. */
  maxTcpConnections?: number;
  onError?: (err: unknown) => void;
  /** After each refresh that changed what is served: every zone id with the version served. */
  onServed?: (versions: [zoneId: string, version: number][]) => void;
  /**
   * UDP through the native batching addon (recvmmsg/sendmmsg, native/udp-batch) or node:dgram.
   * Default: DNS_UDP, else native when the addon is built; node:dgram under node:cluster
   * (DNS_WORKERS, the socket comes from the primary) or when the addon fails to open.
   */
  udp?: 'native' | 'node';
  /** Measured latency for zones on the measured model (default: one over repository and geo). */
  measurements?: MeasurementService;
  /** How often routing models are looked at, ms (default 1000). */
  modelCheckMs?: number;
}

export interface DnsServer {
  host: string;
  port: number;
  /** DNS responders (event loops) answering; 1 here. */
  responders(): number;
  /** The zone version every responder serves (-1: not served). */
  servedVersion(zoneId: string): number;
  /** Every served zone id with its version. */
  servedVersions(): [zoneId: string, version: number][];
  /** Check storage now and serve what changed (resolves once it is served). */
  refresh(): Promise<void>;
  stats(): ResponderStats & { tcpConnections: number };
  close(): Promise<void>;
}

const OUT_SLOTS = 256;

function literalAddressLookup(
  address: string,
  _opts: unknown,
  callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  callback(null, address, isIPv6(address) ? 6 : 4);
}

export async function startDnsServer(opts: DnsServerOptions): Promise<DnsServer> {
  const index = opts.index ?? new ZoneIndex(opts.repository);
  const catalog = new DnsCatalog(
    opts.repository,
    index,
    opts.measurements ?? createMeasurementService(opts.repository, opts.geo),
    opts.modelCheckMs,
  );
  const onError = opts.onError ?? ((err) => console.error('latency-atlas dns:', err));
  catalog.onProblem = (apex, problems) =>
    console.warn(
      `latency-atlas dns: ${apex} has values DNS cannot serve: ${problems.slice(0, 5).join('; ')}`,
    );
  if (opts.onServed) catalog.onServed = opts.onServed;
  await catalog.refresh();
  const locator = new ClientLocator(opts.geo);
  const responder = new DnsResponder(catalog, locator);

  const udpMode = opts.udp ?? (process.env.DNS_UDP === 'node' ? 'node' : 'native');
  let batched: BatchedUdp | null = null;
  let udp: dgram.Socket | null = null;
  /** Opens UDP on `at` (0: a free port); returns the port bound. */
  const openUdp = async (at: number): Promise<number> => {
    let nativeFailure = '';
    // Host names (not IP literals) are left to node:dgram, which resolves them.
    if (
      udpMode === 'native' &&
      !cluster.isWorker &&
      isIP(opts.host) !== 0 &&
      nativeUdpAvailable()
    ) {
      try {
        batched = startBatchedUdp({ host: opts.host, port: at, responder, onError });
      } catch (err) {
        nativeFailure = err instanceof Error ? err.message : String(err);
      }
    }
    // node:dgram reports a bind failure (EADDRINUSE...) in its own words, with a code.
    if (batched === null) udp = await startDgram({ ...opts, port: at }, responder, onError);
    if (nativeFailure !== '') {
      console.warn(
        `latency-atlas dns: native UDP batching failed to open (${nativeFailure}); using node:dgram`,
      );
    }
    return (
      (batched as BatchedUdp | null)?.port ?? (udp as dgram.Socket | null)?.address().port ?? at
    );
  };

  const tcpIdleMs = opts.tcpIdleMs ?? 10_000;
  const maxTcp = opts.maxTcpConnections ?? 1024;
  /** Open connections, least recently active first (a Map keeps insertion order). */
  const sockets = new Map<net.Socket, true>();
  const touch = (socket: net.Socket) => {
    sockets.delete(socket);
    sockets.set(socket, true);
  };
  const tcpOut = Buffer.allocUnsafe(65536);
  const tcp = net.createServer({ pauseOnConnect: false, noDelay: true }, (socket) => {
    // Full: the connection idle the longest makes room, so idle clients never lock others out.
    if (sockets.size >= maxTcp) {
      const oldest = sockets.keys().next().value;
      if (oldest !== undefined) {
        sockets.delete(oldest);
        oldest.destroy();
      }
    }
    touch(socket);
    socket.setTimeout(tcpIdleMs);
    socket.on('timeout', () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      touch(socket);
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let offset = 0;
      const replies: Buffer[] = [];
      while (pending.length - offset >= 2) {
        const len = pending.readUInt16BE(offset);
        if (pending.length - offset - 2 < len) break;
        const msg = pending.subarray(offset + 2, offset + 2 + len);
        offset += 2 + len;
        try {
          const n = responder.answer(msg, tcpOut.subarray(2), socket.remoteAddress ?? '', true);
          if (n > 0) {
            tcpOut.writeUInt16BE(n, 0);
            replies.push(Buffer.from(tcpOut.subarray(0, n + 2)));
          } else if (len < 12) {
            // Not a DNS message: nothing sensible can follow on this stream.
            socket.destroy();
            return;
          }
        } catch (err) {
          onError(err);
          socket.destroy();
          return;
        }
      }
      pending = offset === 0 ? pending : pending.subarray(offset);
      if (replies.length > 0) {
        const ok = socket.write(
          replies.length === 1 ? (replies[0] as Buffer) : Buffer.concat(replies),
        );
        // A client that does not read its answers is not read from until it does.
        if (!ok) {
          socket.pause();
          socket.once('drain', () => socket.resume());
        }
      }
    });
  });
  const listenTcp = (at: number) =>
    new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      // Not exclusive: under node:cluster (DNS_WORKERS) the workers share one listening socket.
      tcp.listen({ port: at, host: opts.host }, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
  // UDP and TCP answer on one port. With port 0, UDP picks a free port and TCP takes the same
  // number; when something else holds that number for TCP, both try again on another.
  let port = opts.port;
  for (let attempt = 1; ; attempt++) {
    port = await openUdp(opts.port);
    try {
      await listenTcp(port);
      break;
    } catch (err) {
      // The UDP side is not left answering on its own.
      (batched as BatchedUdp | null)?.close();
      (udp as dgram.Socket | null)?.close();
      batched = null;
      udp = null;
      const code = (err as { code?: unknown } | null)?.code;
      if (opts.port !== 0 || code !== 'EADDRINUSE' || attempt >= 10) throw err;
    }
  }
  tcp.on('error', onError);

  let stopped = false;
  const refreshMs = opts.refreshMs ?? 100;
  let timer: NodeJS.Timeout | null = null;
  // A refresh that keeps failing (storage gone away) is reported once a minute, not 10 times a
  // second; the tables in service stay as they were.
  let lastReport = { message: '', at: 0 };
  const reportRefreshError = (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    const now = Date.now();
    if (message === lastReport.message && now - lastReport.at < 60_000) return;
    lastReport = { message, at: now };
    onError(err);
  };
  let running = false;
  let again = false;
  const loop = () => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = null;
    if (running) {
      again = true;
      return;
    }
    running = true;
    catalog
      .refresh()
      .catch(reportRefreshError)
      .finally(() => {
        running = false;
        if (stopped) return;
        if (again) {
          again = false;
          loop();
        } else timer = setTimeout(loop, refreshMs);
      });
  };
  timer = setTimeout(loop, refreshMs);
  // Storage that pushes changes (PostgreSQL NOTIFY) reloads at once, not at the next poll.
  const unwatch = opts.repository.watchZones
    ? await opts.repository
        .watchZones(() => loop())
        .catch((err: unknown) => {
          onError(err);
          return null;
        })
    : null;

  return {
    host: opts.host,
    port,
    responders: () => 1,
    servedVersion: (zoneId) => catalog.servedVersion(zoneId),
    servedVersions: () => catalog.servedVersions(),
    refresh: () => catalog.refresh(),
    stats: () => ({ ...responder.stats, tcpConnections: sockets.size }),
    async close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await unwatch?.();
      for (const s of sockets.keys()) s.destroy();
      await Promise.all([
        new Promise<void>((resolve) => {
          batched?.close();
          if (udp) udp.close(() => resolve());
          else resolve();
        }),
        new Promise<void>((resolve) => tcp.close(() => resolve())),
      ]);
    },
  };
}

/** UDP on node:dgram: one callback and one send per datagram. */
async function startDgram(
  opts: DnsServerOptions,
  responder: DnsResponder,
  onError: (err: unknown) => void,
): Promise<dgram.Socket> {
  // UDP: responses are written into a ring of buffers, so a send still in flight is never
  // overwritten by the next answer.
  const ring = Array.from({ length: OUT_SLOTS }, () => Buffer.allocUnsafe(65536));
  let slot = 0;
  const family = isIPv6(opts.host) ? 'udp6' : 'udp4';
  // A larger receive buffer absorbs bursts (the kernel caps it at net.core.rmem_max).
  const udp = dgram.createSocket({
    type: family,
    reuseAddr: false,
    recvBufferSize: 4 * 1024 * 1024,
    // Replies go to the address a query came from, always a literal IP: skip the resolver
    // (dns.lookup would defer every send by a tick just to return the same string).
    lookup: literalAddressLookup,
  });
  udp.on('message', (msg, rinfo) => {
    try {
      const out = ring[slot] as Buffer;
      slot = (slot + 1) % OUT_SLOTS;
      const n = responder.answer(msg, out, rinfo.address, false);
      if (n > 0) udp.send(out, 0, n, rinfo.port, rinfo.address);
    } catch (err) {
      onError(err);
    }
  });
  udp.on('error', onError);
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(opts.port, opts.host, () => {
      udp.off('error', reject);
      resolve();
    });
  });
  return udp;
}
