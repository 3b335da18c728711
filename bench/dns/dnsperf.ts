/**
 * dnsperf 2.10 runs and their output. dnsperf prints sent/completed/lost, QPS and the average
 * (min, max, stddev) latency, but no percentiles; with -v it prints one line per response:
 * `> NOERROR binary input 0.000975` in -B mode (`> NOERROR <name> <type> <seconds>` for text
 * input), `> T ...` for a timeout. For percentiles, -v output goes to a file (not a pipe into
 * this process, which would take CPU from the servers while they are measured) and is folded
 * into a microsecond histogram afterwards.
 *
 * -B: the data file is a stream of DNS messages, each preceded by its length (2 bytes, network
 * order, as on TCP); dnsperf overwrites the first two bytes (the ID) and sends the rest as is,
 * looping over the file like a text one. -B excludes -e, -E, -D, -y and -u, so the OPT RR and
 * the client-subnet option must be in the messages themselves.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  createReadStream,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
} from 'node:fs';
import { track } from './procs';

export interface DnsperfOptions {
  port: number;
  file: string;
  clients: number;
  threads: number;
  outstanding: number;
  seconds: number;
  /** Timeout per query, seconds. */
  timeout: number;
  /** Write -v output to this file and compute percentiles from it. */
  verboseFile?: string;
}

export interface DnsperfResult {
  sent: number;
  completed: number;
  lost: number;
  qps: number;
  avgMs: number;
  minMs: number;
  maxMs: number;
  stddevMs: number;
  /** From -v lines; null without verboseFile. */
  p50Ms: number | null;
  p99Ms: number | null;
  p999Ms: number | null;
  /**
   * Growth of the kernel's UDP RcvbufErrors counter (/proc/net/snmp) over the run: datagrams
   * dropped because a socket's receive buffer was full, machine-wide. Explains `lost`.
   */
  rcvbufErrors: number | null;
  /** Response codes as dnsperf counts them, e.g. { NOERROR: 123 }. */
  rcodes: Record<string, number>;
  command: string;
}

export function dnsperfAvailable(): boolean {
  const r = spawnSync('dnsperf', ['-h'], { encoding: 'utf8' });
  return r.error === undefined;
}

export function dnsperfArgs(o: DnsperfOptions): string[] {
  const args = [
    '-s',
    '127.0.0.1',
    '-p',
    String(o.port),
    '-B',
    '-d',
    o.file,
    '-c',
    String(o.clients),
    '-T',
    String(o.threads),
    '-q',
    String(o.outstanding),
    '-l',
    String(o.seconds),
    '-t',
    String(o.timeout),
    '-O',
    'suppress=timeouts,unexpected,congestion,sockready',
  ];
  if (o.verboseFile !== undefined) args.push('-v');
  return args;
}

function num(text: string, re: RegExp): number {
  const m = re.exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

/** Udp RcvbufErrors from /proc/net/snmp (Linux), null elsewhere. */
export function udpRcvbufErrors(): number | null {
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('Udp:'));
    const names = (lines[0] ?? '').split(/\s+/);
    const values = (lines[1] ?? '').split(/\s+/);
    const i = names.indexOf('RcvbufErrors');
    return i > 0 ? Number(values[i]) : null;
  } catch {
    return null;
  }
}

export function parseDnsperfSummary(
  text: string,
): Omit<DnsperfResult, 'p50Ms' | 'p99Ms' | 'p999Ms' | 'command' | 'rcvbufErrors'> {
  const latency = /Average Latency \(s\):\s+([\d.]+) \(min ([\d.]+), max ([\d.]+)\)/.exec(text);
  const rcodes: Record<string, number> = {};
  const rc = /Response codes:\s+(.*)/.exec(text);
  if (rc?.[1]) {
    for (const m of rc[1].matchAll(/([A-Z0-9]+) (\d+) \(/g)) rcodes[m[1] as string] = Number(m[2]);
  }
  return {
    sent: num(text, /Queries sent:\s+(\d+)/),
    completed: num(text, /Queries completed:\s+(\d+)/),
    lost: num(text, /Queries lost:\s+(\d+)/),
    qps: num(text, /Queries per second:\s+([\d.]+)/),
    avgMs: latency ? Number(latency[1]) * 1000 : Number.NaN,
    minMs: latency ? Number(latency[2]) * 1000 : Number.NaN,
    maxMs: latency ? Number(latency[3]) * 1000 : Number.NaN,
    stddevMs: num(text, /Latency StdDev \(s\):\s+([\d.]+)/) * 1000,
    rcodes,
  };
}

/** Histogram of -v latencies in microseconds (last bucket = everything above 1 s). */
async function verbosePercentiles(
  path: string,
): Promise<{ p50: number; p99: number; p999: number } | null> {
  const limit = 1_000_000;
  const hist = new Uint32Array(limit + 1);
  let count = 0;
  let rest = '';
  for await (const chunk of createReadStream(path, {
    encoding: 'latin1',
    highWaterMark: 1 << 20,
  })) {
    const text = rest + (chunk as string);
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) break;
      // `> NOERROR lat00.bench.test A 0.000161`: the latency is the last field.
      if (text.charCodeAt(start) === 62 && text.charCodeAt(start + 2) !== 84) {
        const space = text.lastIndexOf(' ', nl);
        const seconds = Number(text.slice(space + 1, nl));
        if (Number.isFinite(seconds)) {
          const us = Math.min(limit, Math.round(seconds * 1e6));
          hist[us] = (hist[us] as number) + 1;
          count++;
        }
      }
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (count === 0) return null;
  const at = (q: number) => {
    const target = Math.ceil(q * count);
    let seen = 0;
    for (let us = 0; us <= limit; us++) {
      seen += hist[us] as number;
      if (seen >= target) return us / 1000;
    }
    return limit / 1000;
  };
  return { p50: at(0.5), p99: at(0.99), p999: at(0.999) };
}

function tail(path: string, bytes: number): string {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, bytes);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Run dnsperf to completion (bounded by -l plus the timeout) and parse what it printed. */
export async function runDnsperf(o: DnsperfOptions): Promise<DnsperfResult> {
  const args = dnsperfArgs(o);
  const command = `dnsperf ${args.join(' ')}`;
  const out = o.verboseFile !== undefined ? openSync(o.verboseFile, 'w') : 'pipe';
  const dropsBefore = udpRcvbufErrors();
  const child = track(spawn('dnsperf', args, { stdio: ['ignore', out, 'pipe'] }), false);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-20_000);
  });
  const hardLimit = setTimeout(() => child.kill('SIGKILL'), (o.seconds + o.timeout + 15) * 1000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  clearTimeout(hardLimit);
  const dropsAfter = udpRcvbufErrors();
  if (typeof out === 'number') closeSync(out);
  let percentiles: Awaited<ReturnType<typeof verbosePercentiles>> = null;
  if (o.verboseFile !== undefined) {
    // The summary is at the end of the same file as the -v lines.
    stdout = tail(o.verboseFile, 8192);
    percentiles = await verbosePercentiles(o.verboseFile);
    rmSync(o.verboseFile, { force: true });
  }
  const summary = parseDnsperfSummary(stdout);
  if (code !== 0 || !Number.isFinite(summary.qps)) {
    throw new Error(`dnsperf exited ${code}: ${(stderr || stdout).slice(-1500)}`);
  }
  return {
    ...summary,
    p50Ms: percentiles?.p50 ?? null,
    p99Ms: percentiles?.p99 ?? null,
    p999Ms: percentiles?.p999 ?? null,
    rcvbufErrors: dropsBefore !== null && dropsAfter !== null ? dropsAfter - dropsBefore : null,
    command,
  };
}
