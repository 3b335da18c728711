/**
 * DNS serving benchmark: latency-atlas's authoritative DNS server against gdnsd 3.8 (plugin
 * geoip) answering the same zone for the same clients, both loaded by dnsperf 2.10 on loopback.
 *
 * Scenario (bench/dns/scenario.ts): zone bench.test with 20 latency names (one A record per
 * region, 8–34 regions each) and 10 static names (A, AAAA, TXT, MX); 2,000 IPv4 /24s and 500
 * IPv6 /56s that the IP location data places, spread over the world. Queries: 80% latency names
 * with an EDNS Client Subnet option, 20% static names (half with ECS). dnsperf reads them from a
 * `-B` file (each DNS message hand-encoded, preceded by a 2-byte big-endian length) because each
 * query carries its own client subnet. gdnsd gets one geoip map per latency name whose `nets`
 * send each benchmark subnet to the region latency-atlas's engine picks for it, so both servers
 * must give the same answers; 200 sampled packets are sent to both and compared.
 *
 * `npx tsx bench/dns.ts` alone, or the last suite of `npm run bench`. Environment:
 * DNS_BENCH_SECONDS (10, per dnsperf run), DNS_BENCH_ROUNDS (3), DNS_BENCH_CLIENTS (4),
 * DNS_BENCH_THREADS (2), DNS_BENCH_OUTSTANDING (200), DNS_BENCH_PERCENTILES (1: dnsperf -v into a
 * file for p50/p99), GDNSD_UDP_THREADS (2, gdnsd's default), DNS_BENCH_KEEP=1 keeps the temp
 * folder; DNS_WORKERS is passed on to latency-atlas.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadGeo } from '../src/server/geo/load-geo';
import {
  type Atlas,
  checkTestDnsAnswer,
  dnsStatus,
  loadScenario,
  startAtlas,
  waitForHealth,
} from './dns/atlas';
import { type DnsperfResult, dnsperfArgs, dnsperfAvailable, runDnsperf } from './dns/dnsperf';
import { checkGdnsdConfig, gdnsdAvailable, startGdnsd, writeGdnsdConfig } from './dns/gdnsd';
import { freePort, killTrackedSync, sleep, stopGroup, track } from './dns/procs';
import { type BenchQuery, buildScenario, type Scenario, sampleIndices } from './dns/scenario';
import {
  decodeReply,
  encodeQuery,
  type Reply,
  readBinaryQueries,
  udpExchange,
  writeBinaryQueryFile,
} from './dns/wire';

export interface DnsBenchOptions {
  /** Seconds per dnsperf run. */
  seconds?: number;
  /** Measured runs per server, alternating gdnsd and latency-atlas; the best QPS counts. */
  rounds?: number;
  clients?: number;
  threads?: number;
  outstanding?: number;
  /** gdnsd udp_threads (its default is 2). */
  gdnsdThreads?: number;
  /** Run dnsperf with -v into a file to get p50/p99 (costs dnsperf some CPU, both sides alike). */
  percentiles?: boolean;
  /** Queries sent to both servers and compared. */
  samples?: number;
  keepDir?: boolean;
  log?: (line: string) => void;
}

export type Figure = { label: string; value: string };

function envNumber(name: string, fallback: number): number {
  const v = process.env[name];
  const n = v === undefined || v === '' ? Number.NaN : Number(v);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

function defaults(
  o: DnsBenchOptions,
): Required<Omit<DnsBenchOptions, 'log'>> & { log: (l: string) => void } {
  return {
    seconds: o.seconds ?? envNumber('DNS_BENCH_SECONDS', 10),
    rounds: o.rounds ?? envNumber('DNS_BENCH_ROUNDS', 3),
    clients: o.clients ?? envNumber('DNS_BENCH_CLIENTS', 4),
    threads: o.threads ?? envNumber('DNS_BENCH_THREADS', 2),
    outstanding: o.outstanding ?? envNumber('DNS_BENCH_OUTSTANDING', 200),
    gdnsdThreads: o.gdnsdThreads ?? envNumber('GDNSD_UDP_THREADS', 2),
    percentiles: o.percentiles ?? process.env.DNS_BENCH_PERCENTILES !== '0',
    samples: o.samples ?? 200,
    keepDir: o.keepDir ?? process.env.DNS_BENCH_KEEP === '1',
    log: o.log ?? ((l: string) => console.log(l)),
  };
}

/** Why the benchmark cannot run here, or null. */
export function dnsBenchMissing(): string | null {
  const missing = [gdnsdAvailable() ? null : 'gdnsd', dnsperfAvailable() ? null : 'dnsperf'].filter(
    Boolean,
  );
  return missing.length
    ? `${missing.join(' and ')} not installed (apt-get install -y gdnsd dnsperf bind9-dnsutils)`
    : null;
}

interface Check {
  checked: number;
  noReply: number;
  /** Answer data or RCODE differ. */
  differ: number;
  /** ECS option missing, or FAMILY/SOURCE/ADDRESS not echoed, or static SCOPE != 0. */
  badEcs: number;
  /** Replies whose SCOPE is longer than SOURCE (allowed). */
  scopeAboveSource: number;
  examples: string[];
}

function queryText(q: BenchQuery): string {
  return `${q.name} ${q.type}${q.ecs ? ` ECS ${q.ecs.address}/${q.ecs.prefix}` : ''}`;
}

/**
 * RFC 7871 echo rules: FAMILY, SOURCE and ADDRESS as sent; SCOPE 0 for an answer that does not
 * depend on the client (static names). A SCOPE longer than SOURCE is allowed (7.2.1: the prefix
 * given was not specific enough), so it is counted apart, not as a problem.
 */
function ecsProblem(q: BenchQuery, r: Reply): string | null {
  if (!q.ecs) return r.ecs === null ? null : 'ECS in a reply to a query without it';
  if (r.ecs === null) return 'no ECS option echoed';
  const family = q.ecs.address.includes(':') ? 2 : 1;
  if (r.ecs.family !== family || r.ecs.source !== q.ecs.prefix) {
    return `ECS echoed as family ${r.ecs.family} /${r.ecs.source}`;
  }
  if (r.ecs.address !== q.ecs.address) return `ECS address echoed as ${r.ecs.address}`;
  if (q.latency === undefined && r.ecs.scope !== 0)
    return `SCOPE /${r.ecs.scope} for a static answer`;
  return null;
}

/** Replies against the scenario's expected answers. */
function checkAgainstExpected(queries: BenchQuery[], replies: (Buffer | null)[]): Check {
  const c: Check = {
    checked: queries.length,
    noReply: 0,
    differ: 0,
    badEcs: 0,
    scopeAboveSource: 0,
    examples: [],
  };
  queries.forEach((q, i) => {
    const raw = replies[i];
    if (!raw) {
      c.noReply++;
      return;
    }
    const r = decodeReply(raw);
    if (r.rcode !== 'NOERROR' || r.data.join('|') !== q.expected.join('|')) {
      c.differ++;
      if (c.examples.length < 3)
        c.examples.push(
          `${queryText(q)}: ${r.rcode} [${r.data.join(', ')}], expected [${q.expected.join(', ')}]`,
        );
    }
    if (q.ecs && r.ecs && r.ecs.scope > q.ecs.prefix) c.scopeAboveSource++;
    const problem = ecsProblem(q, r);
    if (problem !== null) {
      c.badEcs++;
      if (c.examples.length < 3) c.examples.push(`${queryText(q)}: ${problem}`);
    }
  });
  return c;
}

/** Two servers' replies to the same packets: answers (RCODE + answer data), TTLs, ECS scope. */
function compareReplies(queries: BenchQuery[], a: (Buffer | null)[], b: (Buffer | null)[]) {
  let differ = 0;
  let ttl = 0;
  let scope = 0;
  let noReply = 0;
  const examples: string[] = [];
  queries.forEach((q, i) => {
    const ra = a[i];
    const rb = b[i];
    if (!ra || !rb) {
      noReply++;
      return;
    }
    const x = decodeReply(ra);
    const y = decodeReply(rb);
    if (x.rcode !== y.rcode || x.data.join('|') !== y.data.join('|')) {
      differ++;
      if (examples.length < 3)
        examples.push(
          `${queryText(q)}: gdnsd ${x.rcode} [${x.data.join(', ')}], latency-atlas ${y.rcode} [${y.data.join(', ')}]`,
        );
    } else if (x.answers.join('|') !== y.answers.join('|')) {
      ttl++;
    }
    if ((x.ecs?.scope ?? -1) !== (y.ecs?.scope ?? -1)) scope++;
  });
  return { differ, ttl, scope, noReply, examples };
}

/** A few dig queries against a server, the lines that show answer and ECS scope. */
function digLines(port: number, sc: Scenario, queries: BenchQuery[]): string[] {
  const out: string[] = [];
  for (const q of queries) {
    const args = ['@127.0.0.1', '-p', String(port), '+norec', '+tries=1', '+time=2'];
    if (q.ecs) args.push(`+subnet=${q.ecs.address}/${q.ecs.prefix}`);
    args.push(q.name, q.type);
    const r = spawnSync('dig', args, { encoding: 'utf8', timeout: 5000 });
    if (r.error) {
      out.push(`dig not available (${r.error.message})`);
      break;
    }
    const text = r.stdout ?? '';
    const status = /status: (\w+)/.exec(text)?.[1] ?? '?';
    const ecs = /CLIENT-SUBNET: (\S+)/.exec(text)?.[1] ?? 'none';
    const answers = text
      .split('\n')
      .filter((l) => l && !l.startsWith(';') && /\sIN\s/.test(l))
      .map((l) => l.split(/\s+/).slice(3).join(' '));
    const where = q.subnet !== undefined ? ` (${sc.subnets[q.subnet]?.label})` : '';
    const region =
      q.latency !== undefined && q.subnet !== undefined
        ? ` → ${sc.chosen[q.latency]?.[q.subnet]}`
        : '';
    out.push(
      `dig ${args.slice(3).join(' ')}${where}${region}: ${status} [${answers.join(', ')}] CLIENT-SUBNET ${ecs}; expected [${q.expected.map((e) => e.split(' ').slice(1).join(' ')).join(', ')}]`,
    );
  }
  return out;
}

/** Wait until a server answers the probe packet (any reply), bounded. */
async function waitForDns(port: number, probe: Buffer, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [r] = await udpExchange(port, [probe], 300);
    if (r) return true;
    await sleep(100);
  }
  return false;
}

/** Poll until latency-atlas answers the probe query correctly (zone loaded into the DNS side). */
async function waitForAtlasAnswer(
  port: number,
  probe: Buffer,
  q: BenchQuery,
  timeoutMs: number,
): Promise<Reply | null> {
  const deadline = Date.now() + timeoutMs;
  let last: Reply | null = null;
  while (Date.now() < deadline) {
    const [r] = await udpExchange(port, [probe], 1000);
    if (r) {
      last = decodeReply(r);
      if (last.rcode === 'NOERROR' && last.data.join('|') === q.expected.join('|')) return last;
    }
    await sleep(200);
  }
  return last;
}

const fmt = (n: number | null, digits = 3) =>
  n === null || !Number.isFinite(n) ? '-' : n.toFixed(digits);
const int = (n: number) => Math.round(n).toLocaleString('en-US');

export async function runDnsBench(options: DnsBenchOptions = {}): Promise<Figure[]> {
  const o = defaults(options);
  const log = o.log;
  const missing = dnsBenchMissing();
  if (missing) {
    log(`  skipped: ${missing}`);
    return [{ label: 'DNS benchmark', value: `skipped: ${missing}` }];
  }
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'latency-atlas-dns-bench-'));
  const onSignal = (signal: NodeJS.Signals) => {
    killTrackedSync();
    if (!o.keepDir) rmSync(dir, { recursive: true, force: true });
    process.stderr.write(`\nbench/dns: ${signal}, stopped gdnsd, latency-atlas and dnsperf\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let gdnsd: ReturnType<typeof startGdnsd> | null = null;
  let atlas: Atlas | null = null;
  let echo: ChildProcess | null = null;
  const here = fileURLToPath(new URL('.', import.meta.url));
  const figures: Figure[] = [];
  try {
    // 1. Scenario.
    const geo = loadGeo();
    const sc = buildScenario((a) => geo.ip(a));
    const v4 = sc.subnets.filter((s) => s.family === 4).length;
    const v6 = sc.subnets.length - v4;
    const records = sc.latencyNames.reduce((n, l) => n + l.records.length, 0);
    const regionsUsed = new Set(sc.chosen.flat()).size;
    log(
      `  scenario: zone ${sc.zone}, ${sc.latencyNames.length} latency names (${records} A records, ` +
        `${Math.min(...sc.latencyNames.map((l) => l.regions.length))}–${Math.max(...sc.latencyNames.map((l) => l.regions.length))} regions each), ` +
        `${sc.staticSets.length} static sets; ${v4} IPv4 /24s + ${v6} IPv6 /56s (${regionsUsed} regions chosen); ` +
        `temp ${dir}; load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`,
    );

    // 2. Query file for dnsperf -B, read back to check the framing.
    const file = join(dir, 'queries.bin');
    const messages = sc.queries.map((q) => encodeQuery(q));
    const bytes = writeBinaryQueryFile(file, messages);
    const back = readBinaryQueries(readFileSync(file));
    if (back.length !== messages.length || back.some((m, i) => !m.equals(messages[i] as Buffer))) {
      throw new Error('query file does not read back as written');
    }
    const latencyQueries = sc.queries.filter((q) => q.latency !== undefined).length;
    const withEcs = sc.queries.filter((q) => q.ecs).length;
    log(
      `  query file: ${int(messages.length)} queries, ${int(bytes)} bytes (${Math.round((100 * latencyQueries) / messages.length)}% latency names, ` +
        `${Math.round((100 * withEcs) / messages.length)}% with ECS)`,
    );

    // 3. gdnsd.
    const gdnsdPort = await freePort();
    const gdnsdDir = join(dir, 'gdnsd');
    writeGdnsdConfig(sc, {
      dir: gdnsdDir,
      port: gdnsdPort,
      udpThreads: o.gdnsdThreads,
      tcpThreads: 1,
    });
    checkGdnsdConfig(gdnsdDir);
    gdnsd = startGdnsd(gdnsdDir);

    // 4. latency-atlas, started meanwhile.
    const taken = new Set([gdnsdPort]);
    const otherPort = async () => {
      for (let i = 0; i < 20; i++) {
        const p = await freePort();
        if (!taken.has(p)) {
          taken.add(p);
          return p;
        }
      }
      throw new Error('no second free port');
    };
    const httpPort = await otherPort();
    const dnsPort = await otherPort();
    atlas = startAtlas(dir, httpPort, dnsPort);

    const sample = sampleIndices(sc, o.samples);
    const sampleQueries = sample.map((i) => sc.queries[i] as BenchQuery);
    const samplePackets = sample.map((i) => back[i] as Buffer);
    const probeIndex = sample.find((i) => sc.queries[i]?.latency !== undefined) ?? 0;
    const probe = back[probeIndex] as Buffer;

    if (!(await waitForDns(gdnsdPort, probe, 15_000))) {
      throw new Error(
        `gdnsd does not answer on 127.0.0.1:${gdnsdPort}:\n${gdnsd.log().slice(-1500)}`,
      );
    }
    const gdnsdReplies = await udpExchange(gdnsdPort, samplePackets, 1000);
    const g = checkAgainstExpected(sampleQueries, gdnsdReplies);
    log(
      `  gdnsd 127.0.0.1:${gdnsdPort} (udp_threads ${o.gdnsdThreads}): ${g.checked} sampled packets from the query file: ` +
        `${g.differ} answers differ from the engine's, ${g.badEcs} ECS echo problems, ${g.noReply} unanswered`,
    );
    for (const e of g.examples) log(`    ${e}`);
    const digSample = [
      sampleQueries.find((q) => q.latency !== undefined && !q.ecs?.address.includes(':')),
      sampleQueries.find((q) => q.latency !== undefined && q.ecs?.address.includes(':')),
      sampleQueries.find((q) => q.latency === undefined && q.ecs),
      sampleQueries.find((q) => q.latency === undefined && !q.ecs),
    ].filter((q): q is BenchQuery => q !== undefined);
    for (const line of digLines(gdnsdPort, sc, digSample)) log(`    ${line}`);

    let atlasDns = false;
    let atlasNote = '';
    try {
      await waitForHealth(atlas);
      const t0 = Date.now();
      const zoneId = await loadScenario(atlas, sc);
      log(
        `  latency-atlas http://127.0.0.1:${httpPort}: zone ${zoneId} loaded through the API in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
      const tda = await checkTestDnsAnswer(atlas, zoneId, sc, sampleQueries);
      log(
        `    testdnsanswer on the ${tda.checked} sampled queries: ${tda.differ} differ from what gdnsd was configured with`,
      );
      for (const e of tda.examples) log(`      ${e}`);
      const [first] = await udpExchange(dnsPort, [probe], 1000);
      if (!first) {
        atlasNote = `nothing answers DNS on 127.0.0.1:${dnsPort} (DNS_PORT) within 1 s`;
        log(`  latency-atlas DNS: skipped, ${atlasNote}`);
      } else {
        atlasDns = true;
        const ready = await waitForAtlasAnswer(
          dnsPort,
          probe,
          sc.queries[probeIndex] as BenchQuery,
          10_000,
        );
        const status = await dnsStatus(atlas);
        const responders =
          status?.responders !== undefined ? `, ${status.responders} responders` : '';
        if (ready === null) log(`  latency-atlas DNS 127.0.0.1:${dnsPort}: replies do not decode`);
        log(
          `  latency-atlas DNS 127.0.0.1:${dnsPort}${responders}${process.env.DNS_WORKERS ? `, DNS_WORKERS=${process.env.DNS_WORKERS}` : ''}`,
        );
        const atlasReplies = await udpExchange(dnsPort, samplePackets, 1000);
        const a = checkAgainstExpected(sampleQueries, atlasReplies);
        const cmp = compareReplies(sampleQueries, gdnsdReplies, atlasReplies);
        log(
          `    same ${sampleQueries.length} packets to both: ${cmp.differ} answers differ (RCODE or data), ` +
            `${cmp.ttl} differ in TTL only, ${cmp.scope} differ in ECS scope, ${cmp.noReply} unanswered; ` +
            `against the engine: ${a.differ} differ, ${a.badEcs} ECS echo problems` +
            (a.scopeAboveSource
              ? `; SCOPE > SOURCE in ${a.scopeAboveSource} (allowed, RFC 7871 7.2.1)`
              : ''),
        );
        for (const e of [...cmp.examples, ...a.examples].slice(0, 4)) log(`      ${e}`);
        figures.push({
          label: 'answers differing, 200 packets (want 0)',
          value: String(cmp.differ),
        });
      }
    } catch (err) {
      atlasNote = `latency-atlas could not be set up: ${err instanceof Error ? err.message : String(err)}`;
      log(`  ${atlasNote}`);
    }

    // The ceiling of Node's datagram path: echo every query back (no DNS work at all).
    const echoPort = await freePort();
    echo = track(
      spawn(
        process.execPath,
        ['--import', 'tsx', join(here, 'dns', 'node-echo.ts'), String(echoPort)],
        {
          detached: true,
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        },
      ),
      true,
    );
    await new Promise<void>((resolve) => echo?.once('message', () => resolve()));

    // 5. dnsperf, alternating; warm-up first (JIT, caches), then the measured rounds.
    const servers: { name: string; port: number }[] = [{ name: 'gdnsd', port: gdnsdPort }];
    if (atlasDns) servers.push({ name: 'latency-atlas', port: dnsPort });
    servers.push({ name: 'node:dgram echo', port: echoPort });
    const base = {
      file,
      clients: o.clients,
      threads: o.threads,
      outstanding: o.outstanding,
      timeout: 2,
    };
    log(
      `  dnsperf: ${'dnsperf'} ${dnsperfArgs({ ...base, port: 0, seconds: o.seconds })
        .join(' ')
        .replace(' -p 0 ', ' -p PORT ')}${o.percentiles ? ' (> file, for percentiles)' : ''}`,
    );
    for (const s of servers) await runDnsperf({ ...base, port: s.port, seconds: 2 });
    const runs = new Map<string, DnsperfResult[]>(servers.map((s) => [s.name, []]));
    for (let round = 0; round < o.rounds; round++) {
      for (const s of servers) {
        const r = await runDnsperf({
          ...base,
          port: s.port,
          seconds: o.seconds,
          ...(o.percentiles ? { verboseFile: join(dir, `dnsperf-${s.name}-${round}.log`) } : {}),
        });
        runs.get(s.name)?.push(r);
        log(
          `    ${s.name.padEnd(13)} round ${round + 1}: ${int(r.qps)} QPS, lost ${r.lost}` +
            (r.rcvbufErrors !== null
              ? ` (kernel UDP receive-buffer drops ${r.rcvbufErrors})`
              : '') +
            `, avg ${fmt(r.avgMs)} ms, p99 ${fmt(r.p99Ms)} ms`,
        );
      }
    }

    // 6. Table.
    const best = new Map<string, DnsperfResult>();
    for (const [name, list] of runs) {
      const b = list.reduce((x, y) => (y.qps > x.qps ? y : x));
      best.set(name, b);
    }
    const header = [
      'server',
      'QPS (best)',
      'runs',
      'sent',
      'lost',
      'avg ms',
      'p50 ms',
      'p99 ms',
      'max ms',
    ];
    const rows = [...best].map(([name, r]) => [
      name,
      int(r.qps),
      (runs.get(name) ?? []).map((x) => int(x.qps)).join(' / '),
      int(r.sent),
      `${r.lost} (${((100 * r.lost) / Math.max(1, r.sent)).toFixed(2)}%)`,
      fmt(r.avgMs),
      fmt(r.p50Ms),
      fmt(r.p99Ms),
      fmt(r.maxMs, 1),
    ]);
    const widths = header.map((h, i) =>
      Math.max(h.length, ...rows.map((r) => (r[i] as string).length)),
    );
    const line = (cells: string[]) =>
      `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ')}`;
    log('');
    log(line(header));
    for (const r of rows) log(line(r));
    const gb = best.get('gdnsd') as DnsperfResult;
    const ab = best.get('latency-atlas');
    if (ab) {
      const ratio = ab.qps / gb.qps;
      const p99 = ab.p99Ms !== null && gb.p99Ms !== null ? ab.p99Ms / gb.p99Ms : null;
      log(
        `  latency-atlas / gdnsd: QPS ×${ratio.toFixed(2)} (${Math.round(ratio * 100)}%), avg latency ×${(ab.avgMs / gb.avgMs).toFixed(2)}` +
          (p99 !== null ? `, p99 ×${p99.toFixed(2)}` : ''),
      );
      const eb = best.get('node:dgram echo');
      if (eb) {
        log(
          `  node:dgram echo (no DNS work) / gdnsd: ×${(eb.qps / gb.qps).toFixed(2)}; latency-atlas / node:dgram echo: ×${(ab.qps / eb.qps).toFixed(2)}` +
            (ab.qps > eb.qps
              ? ' (above the node:dgram ceiling: the batched native UDP path, DNS_UDP=node to compare)'
              : ' (at or under the node:dgram ceiling: the per-datagram cost of node:dgram, not the answer path)'),
        );
        figures.push({
          label: 'latency-atlas / node:dgram echo ceiling',
          value: `×${(ab.qps / eb.qps).toFixed(2)} (echo ${int(eb.qps)} QPS = ×${(eb.qps / gb.qps).toFixed(2)} gdnsd)`,
        });
      }
    } else {
      log(`  latency-atlas: not measured (${atlasNote || 'no DNS server'})`);
    }
    log(`  total ${((Date.now() - started) / 1000).toFixed(0)} s`);

    figures.unshift({
      label: `gdnsd 3.8 geoip (udp_threads ${o.gdnsdThreads})`,
      value: `${int(gb.qps)} QPS, lost ${gb.lost}, avg ${fmt(gb.avgMs)} ms, p99 ${fmt(gb.p99Ms)} ms`,
    });
    if (ab) {
      figures.splice(1, 0, {
        label: 'latency-atlas DNS',
        value: `${int(ab.qps)} QPS (×${(ab.qps / gb.qps).toFixed(2)} gdnsd), lost ${ab.lost}, avg ${fmt(ab.avgMs)} ms, p99 ${fmt(ab.p99Ms)} ms`,
      });
    } else {
      figures.push({
        label: 'latency-atlas DNS',
        value: `skipped: ${atlasNote || 'no DNS server'}`,
      });
    }
    return figures;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await Promise.all([
      gdnsd ? stopGroup(gdnsd.child) : null,
      atlas ? stopGroup(atlas.child) : null,
      echo ? stopGroup(echo) : null,
    ]);
    if (o.keepDir) log(`  kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The `npm run bench` suite (bench/run.ts): a skip line when gdnsd or dnsperf is missing,
 * else the benchmark (which prints its own progress and table) and its summary figures.
 */
export async function dnsSuite(): Promise<Figure[]> {
  const missing = dnsBenchMissing();
  if (missing) return [{ label: 'skipped', value: missing }];
  return runDnsBench();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log('## DNS serving (dnsperf on loopback: latency-atlas vs gdnsd 3.8)');
  runDnsBench().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`  failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exit(1);
    },
  );
}
