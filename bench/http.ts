/**
 * Control API throughput: testdnsanswer under autocannon (programmatic API) on loopback, against
 * the real app on a temp SQLite file with the demo data and request logging off (then the
 * testdnsanswer runs again on a throwaway PostgreSQL). The server runs
 * in a child process, so the load generator and the server each get one of the two cores, and
 * the server's own CPU time per request can be reported: that figure depends far less on what
 * else the machine is doing than req/s does. The HTTP runs repeat a few clients, so they measure
 * the cached path; the cost of an answer nobody asked for before is measured in-process.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const DURATION_S = 5;
const CONNECTIONS = 50;

/** GeoNames ids: London, Tokyo, Sydney, São Paulo, New York, Mumbai. */
const CITIES = ['2643743', '1850147', '2147714', '3448439', '5128581', '1275339'];
/** Client subnets in several countries (looked up after truncation to /24 or /64). */
const SUBNETS = [
  '81.2.69.160',
  '8.8.8.8',
  '1.1.1.1',
  '133.242.0.1',
  '200.160.2.3',
  '2a00:1450:4001:81c::200e',
];

type Ready = { type: 'ready'; base: string; zone?: string };
type Cpu = { type: 'cpu'; usage: NodeJS.CpuUsage };
type Misses = { type: 'misses'; microsPerAnswer: number; count: number };

function nextMessage<T extends { type: string }>(child: ChildProcess, type: T['type']): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type?: string }) => {
      if (m.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m as T);
    };
    const onExit = (code: number | null) => reject(new Error(`bench server exited (${code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function serverCpuMicros(child: ChildProcess): Promise<number> {
  const got = nextMessage<Cpu>(child, 'cpu');
  child.send({ type: 'cpu' });
  const { usage } = await got;
  return usage.user + usage.system;
}

/**
 * req/s of a bare node:http server answering a fixed JSON body on this machine right now: the
 * ceiling any Node API can reach here, so the API's figures can be read as a ratio of it.
 */
async function bareNodeFloor(): Promise<number> {
  const code = `require('node:http').createServer((q, r) => { r.writeHead(200, { 'content-type': 'application/json' }); r.end('{"status":"ok"}'); }).listen(0, '127.0.0.1', function () { process.send(this.address().port); });`;
  const child = fork('-e', [code], {
    execArgv: ['-e', code],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const port = await new Promise<number>((resolve) =>
      child.once('message', (m) => resolve(Number(m))),
    );
    const url = `http://127.0.0.1:${port}/`;
    await autocannon({ url, connections: 10, duration: 1 });
    const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S });
    return result.requests.average;
  } finally {
    child.kill();
  }
}

export async function benchHttp(): Promise<{ label: string; value: string }[]> {
  const floor = await bareNodeFloor();
  const figures = await benchOn('sqlite', floor);
  // The same on a throwaway PostgreSQL (fsync off), where every uncached read is a round trip.
  const pg = await benchOn('postgres', floor);
  return [...figures, ...pg.filter((f) => f.label.startsWith('testdnsanswer '))];
}

async function benchOn(
  db: 'sqlite' | 'postgres',
  floor: number,
): Promise<{ label: string; value: string }[]> {
  const child = fork(fileURLToPath(new URL('./http-server.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      ...(db === 'postgres' ? { LATENCY_ATLAS_TEST_DATABASE: 'postgres' } : {}),
    },
  });
  const on = db === 'postgres' ? ' [PostgreSQL]' : '';
  try {
    const { base, zone } = await nextMessage<Ready>(child, 'ready');
    if (!zone) throw new Error('demo zone missing');
    const path = (q: string) =>
      `/api/zones/${zone}/testdnsanswer?recordname=api.example.com&recordtype=A&${q}`;
    const variants: [string, string[]][] = [
      ['/api/health (HTTP floor)', ['/api/health']],
      ['city=', CITIES.map((c) => path(`city=${c}`))],
      [
        'edns0clientsubnetip=',
        SUBNETS.map((ip) => path(`edns0clientsubnetip=${encodeURIComponent(ip)}`)),
      ],
    ];
    // Every path must answer 200 before it is measured.
    for (const [, paths] of variants) {
      for (const p of paths) {
        const res = await fetch(`${base}${p}`);
        if (res.status !== 200) throw new Error(`${p} answered ${res.status}: ${await res.text()}`);
      }
    }
    // Warm the JIT and the answer cache before anything is measured.
    await autocannon({
      url: base,
      connections: 10,
      duration: 1,
      requests: variants.flatMap(([, paths]) => paths).map((p) => ({ method: 'GET', path: p })),
    });
    const figures: { label: string; value: string }[] = [
      {
        label: 'bare node:http, fixed JSON (machine ceiling)',
        value: `${Math.round(floor).toLocaleString('en-US')} req/s [${CONNECTIONS} conns, ${DURATION_S} s]`,
      },
    ];
    for (const [name, paths] of variants) {
      const cpuBefore = await serverCpuMicros(child);
      const result = await autocannon({
        url: base,
        connections: CONNECTIONS,
        duration: DURATION_S,
        requests: paths.map((p) => ({ method: 'GET', path: p })),
      });
      const cpu = (await serverCpuMicros(child)) - cpuBefore;
      const bad = result.errors + result.timeouts + result.non2xx;
      const perRequest = cpu / Math.max(1, result.requests.total);
      figures.push({
        label: name.startsWith('/')
          ? `${name}${on}`
          : `testdnsanswer ${name}... (target >= 20k req/s)${on}`,
        value:
          `${Math.round(result.requests.average).toLocaleString('en-US')} req/s ` +
          `(${Math.round((100 * result.requests.average) / floor)}% of bare node:http), ` +
          `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms; ` +
          `server CPU ${perRequest.toFixed(1)} µs/req (= ${Math.round(1e6 / perRequest).toLocaleString('en-US')} req/s per core)` +
          ` [${CONNECTIONS} conns, ${DURATION_S} s${bad ? `, ${bad} errors/non-2xx` : ''}]`,
      });
    }
    const misses = nextMessage<Misses>(child, 'misses');
    child.send({ type: 'misses' });
    const m = await misses;
    figures.push({
      label: `testdnsanswer answer, cache miss (in-process)${on}`,
      value: `${m.microsPerAnswer.toFixed(1)} µs/answer over ${m.count.toLocaleString('en-US')} distinct client /24s (locate + ${db === 'postgres' ? 'PostgreSQL' : 'SQLite'} + route + JSON)`,
    });
    return figures;
  } finally {
    if (child.connected) child.send({ type: 'stop' });
    await new Promise((resolve) => {
      if (child.exitCode !== null) resolve(null);
      else child.once('exit', resolve);
    });
  }
}
