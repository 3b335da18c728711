/**
 * gdnsd 3.8 as the peer: a config directory built from the scenario (plugin geoip with one map
 * per latency name whose `nets` send each benchmark subnet to the region latency-atlas's engine
 * picks for it, and a dcmap region → that name's address; static names in the zone file),
 * checked with `gdnsd checkconf`, run with `gdnsd -f start` in its own process group.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { track } from './procs';
import type { Scenario } from './scenario';

export interface GdnsdConfig {
  dir: string;
  port: number;
  udpThreads: number;
  tcpThreads: number;
}

/** vscf map names and keys: keep to letters, digits, '-' and '_'. */
function mapName(name: string): string {
  return name.split('.')[0] as string;
}

function relativeName(name: string, zone: string): string {
  return name === zone ? '@' : name.slice(0, -(zone.length + 1));
}

export function writeGdnsdConfig(sc: Scenario, cfg: GdnsdConfig): void {
  const { dir } = cfg;
  for (const sub of ['zones', 'geoip', 'run', 'state'])
    mkdirSync(join(dir, sub), { recursive: true });

  const maps: string[] = [];
  const resources: string[] = [];
  sc.latencyNames.forEach((ln, n) => {
    const id = mapName(ln.name);
    const nets = sc.subnets.map((s, i) => `${s.address}/${s.prefix} => ${sc.chosen[n]?.[i]}`);
    writeFileSync(join(dir, 'geoip', `nets-${id}`), `${nets.join('\n')}\n`);
    maps.push(
      `      ${id} => {\n        datacenters => [${ln.regions.join(', ')}]\n        nets => ${join(dir, 'geoip', `nets-${id}`)}\n      }`,
    );
    const dcmap = ln.regions.map((r) => `          ${r} => ${ln.addressOf.get(r)}`).join('\n');
    resources.push(
      `      ${id} => {\n        map => ${id}\n        dcmap => {\n${dcmap}\n        }\n      }`,
    );
  });

  const config = `# written by bench/dns.ts
options => {
  listen => { 127.0.0.1:${cfg.port} => { udp_threads => ${cfg.udpThreads}, tcp_threads => ${cfg.tcpThreads} } }
  run_dir => ${join(dir, 'run')}
  state_dir => ${join(dir, 'state')}
  edns_client_subnet => true
  zones_strict_data => true
}
plugins => {
  geoip => {
    maps => {
${maps.join('\n')}
    }
    resources => {
${resources.join('\n')}
    }
  }
}
`;
  writeFileSync(join(dir, 'config'), config);

  const zone = sc.zone;
  const lines = [
    '$TTL 300',
    `@ 300 SOA ns1.${zone}. hostmaster.${zone}. 1 7200 1800 259200 300`,
    `@ 3600 NS ns1.${zone}.`,
    `@ 3600 NS ns2.${zone}.`,
    'ns1 3600 A 192.0.2.53',
    'ns2 3600 A 198.51.100.53',
  ];
  for (const s of sc.staticSets) {
    for (const v of s.values) {
      const value = s.type === 'MX' ? `${v.replace(/\.$/, '')}.` : v;
      lines.push(`${relativeName(s.name, zone)} ${s.ttl} ${s.type} ${value}`);
    }
  }
  for (const ln of sc.latencyNames) {
    lines.push(`${relativeName(ln.name, zone)} 60 DYNA geoip!${mapName(ln.name)}`);
  }
  writeFileSync(join(dir, 'zones', zone), `${lines.join('\n')}\n`);
}

export function gdnsdAvailable(): boolean {
  return (
    spawnSync('gdnsd', ['-c', '/nonexistent', 'checkconf'], { stdio: 'ignore' }).error === undefined
  );
}

/** `gdnsd -c DIR checkconf`; throws with its log when the config is rejected. */
export function checkGdnsdConfig(dir: string): void {
  const r = spawnSync('gdnsd', ['-c', dir, 'checkconf'], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) {
    throw new Error(
      `gdnsd checkconf failed (${r.status}):\n${(r.stderr || r.stdout).slice(-2000)}`,
    );
  }
}

export interface Started {
  child: ChildProcess;
  log: () => string;
}

/** `gdnsd -c DIR -f start` detached (own process group); stderr kept for error messages. */
export function startGdnsd(dir: string): Started {
  const child = track(
    spawn('gdnsd', ['-c', dir, '-f', 'start'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    true,
  );
  let log = '';
  const keep = (d: Buffer) => {
    log = (log + d.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, log: () => log };
}
