import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { performance } from 'node:perf_hooks';

/** Route 53's limits: TCP connect within 4 s, then a 2xx/3xx within 2 s; TCP checks 10 s. */
export interface ProbeTimeouts {
  connectMs: number;
  responseMs: number;
  tcpConnectMs: number;
}

export const ROUTE53_PROBE_TIMEOUTS: ProbeTimeouts = {
  connectMs: 4000,
  responseMs: 2000,
  tcpConnectMs: 10_000,
};

/** Bytes of the body searched for SearchString (Route 53: the first 5,120). */
export const SEARCH_BYTES = 5120;

/** Where and how to probe, the address already resolved and allowed. */
export interface ProbeTarget {
  kind: 'http' | 'https' | 'tcp';
  address: string;
  port: number;
  /** Host header and TLS server name: the FQDN when there is one, else the address. */
  hostName?: string;
  path?: string;
  searchString?: string;
}

export interface ProbeResult {
  healthy: boolean;
  /** Start to verdict, ms; null when nothing was attempted. */
  latencyMs: number | null;
  /** `OK 200`, `HTTP 503`, `connect timeout`, `connection refused`, `string not found`, … */
  reason: string;
}

/** A socket error as an observation's reason. */
export function describeProbeError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'EHOSTUNREACH':
      return 'host unreachable';
    case 'ENETUNREACH':
      return 'network unreachable';
    case 'ETIMEDOUT':
      return 'connect timeout';
    case 'EPIPE':
      return 'connection closed';
  }
  if (typeof code === 'string') {
    if (code.startsWith('HPE_')) return `malformed HTTP response (${code})`;
    if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || code === 'EPROTO') {
      return `TLS error (${code})`;
    }
    return code;
  }
  return err instanceof Error ? err.message : String(err);
}

function hostHeader(target: ProbeTarget): string {
  const host = target.hostName ?? target.address;
  const bracketed = net.isIPv6(host) ? `[${host}]` : host;
  const defaultPort = target.kind === 'https' ? 443 : 80;
  return target.port === defaultPort ? bracketed : `${bracketed}:${target.port}`;
}

/**
 * One HTTP(S) probe as Route 53 makes it: GET the path, healthy on 2xx/3xx; with a search
 * string, healthy only if it is in the first 5,120 bytes of the body. HTTPS does not validate
 * the certificate (Route 53's checks do not). `signal` aborts it (the checker stopping).
 */
export function probeHttp(
  target: ProbeTarget,
  timeouts: ProbeTimeouts = ROUTE53_PROBE_TIMEOUTS,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    let done = false;
    let connectTimer: NodeJS.Timeout | undefined;
    let responseTimer: NodeJS.Timeout | undefined;
    const options: https.RequestOptions = {
      host: target.address,
      port: target.port,
      method: 'GET',
      path: target.path ?? '/',
      agent: false,
      headers: {
        host: hostHeader(target),
        'user-agent': 'latency-atlas-health-check/1',
        accept: '*/*',
        connection: 'close',
      },
    };
    if (target.kind === 'https') {
      options.rejectUnauthorized = false;
      const name = target.hostName ?? target.address;
      if (!net.isIP(name)) options.servername = name;
    }
    const req = (target.kind === 'https' ? https : http).request(options);
    const finish = (healthy: boolean, reason: string) => {
      if (done) return;
      done = true;
      clearTimeout(connectTimer);
      clearTimeout(responseTimer);
      signal?.removeEventListener('abort', onAbort);
      req.destroy();
      resolve({ healthy, latencyMs: Math.round((performance.now() - started) * 10) / 10, reason });
    };
    const onAbort = () => finish(false, 'aborted');
    if (signal?.aborted) {
      finish(false, 'aborted');
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    connectTimer = setTimeout(() => finish(false, 'connect timeout'), timeouts.connectMs);
    req.on('socket', (socket) => {
      const connected = () => {
        clearTimeout(connectTimer);
        responseTimer = setTimeout(() => finish(false, 'response timeout'), timeouts.responseMs);
      };
      if ((socket as net.Socket).connecting === false && !socket.destroyed) connected();
      else socket.once('connect', connected);
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 400) {
        finish(false, `HTTP ${status}`);
        return;
      }
      if (target.searchString === undefined) {
        finish(true, `OK ${status}`);
        return;
      }
      const needle = Buffer.from(target.searchString, 'utf8');
      const chunks: Buffer[] = [];
      let size = 0;
      const verdict = (final: boolean) => {
        const body = Buffer.concat(chunks, size).subarray(0, SEARCH_BYTES);
        if (body.includes(needle)) finish(true, `OK ${status}`);
        else if (final || size >= SEARCH_BYTES) finish(false, 'string not found');
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        verdict(false);
      });
      res.on('end', () => verdict(true));
      res.on('error', (err) => finish(false, describeProbeError(err)));
    });
    req.on('error', (err) => finish(false, describeProbeError(err)));
    req.end();
  });
}

/** One TCP probe: healthy when a connection is made within the limit (10 s in Route 53). */
export function probeTcp(
  target: ProbeTarget,
  timeouts: ProbeTimeouts = ROUTE53_PROBE_TIMEOUTS,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    let done = false;
    const socket = net.connect({ host: target.address, port: target.port });
    const finish = (healthy: boolean, reason: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve({ healthy, latencyMs: Math.round((performance.now() - started) * 10) / 10, reason });
    };
    const onAbort = () => finish(false, 'aborted');
    const timer = setTimeout(() => finish(false, 'connect timeout'), timeouts.tcpConnectMs);
    if (signal?.aborted) {
      finish(false, 'aborted');
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish(true, 'connected'));
    socket.once('error', (err) => finish(false, describeProbeError(err)));
  });
}
