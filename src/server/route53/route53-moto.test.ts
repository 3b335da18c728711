import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-server';

/**
 * One boto3 request sequence (testdata/route53-shapes.py) against moto_server and against
 * latency-atlas, comparing response SHAPES (keys and value types, not values) as a check on
 * our XML: botocore parses by its model, so a misnamed or misplaced element shows up as a
 * missing key here. Known, deliberate differences are listed in EXPECTED_DIFFERENCES with why;
 * the test fails on any other difference and on an entry that no longer differs.
 */

const run = promisify(execFile);
const SCRIPT = join(import.meta.dirname, 'testdata/route53-shapes.py');
// The shared sample, as kept in the repo (a clean clone has no ../shared).
const SAMPLE = join(import.meta.dirname, '../../../e2e/fixtures/route53-change-batch.json');

async function missingTools(): Promise<string | null> {
  if (!existsSync(SAMPLE)) return `${SAMPLE} is missing`;
  try {
    await run('python3', ['-c', 'import boto3']);
  } catch {
    return 'python3 with boto3 is not installed';
  }
  try {
    await run('moto_server', ['--help']);
  } catch {
    return 'moto_server is not installed';
  }
  return null;
}
const skipReason = await missingTools();
if (skipReason) console.warn(`route53-moto.test.ts skipped: ${skipReason}`);

/**
 * Differences between moto 5 and latency-atlas that are expected, as `step: path what`.
 * Real Route 53 (botocore's model) is the reference: where moto leaves out an element the model
 * requires, latency-atlas is right to send it.
 */
const EXPECTED_DIFFERENCES: Record<string, string> = {
  // moto invents a reusable-delegation-set Id and CallerReference for every zone's
  // DelegationSet; Route 53 sends only NameServers for a zone without a reusable set.
  'CreateHostedZone: DelegationSet.CallerReference only in moto': 'moto adds it',
  'CreateHostedZone: DelegationSet.Id only in moto': 'moto adds it',
  'GetHostedZone: DelegationSet.CallerReference only in moto': 'moto adds it',
  'GetHostedZone: DelegationSet.Id only in moto': 'moto adds it',
  // Route 53 requires Marker in ListHostedZones and ListHealthChecks responses, and
  // IsTruncated/MaxItems in ListHostedZonesByName and ListHealthChecks; moto leaves them out.
  'ListHostedZones: Marker only in latency-atlas': 'moto omits a required element',
  'ListHostedZones MaxItems=1: Marker only in latency-atlas': 'moto omits a required element',
  'ListHostedZonesByName: IsTruncated only in latency-atlas': 'moto omits a required element',
  'ListHostedZonesByName: MaxItems only in latency-atlas': 'moto omits a required element',
  'ListHealthChecks: IsTruncated only in latency-atlas': 'moto omits a required element',
  'ListHealthChecks: Marker only in latency-atlas': 'moto omits a required element',
  'ListHealthChecks: MaxItems only in latency-atlas': 'moto omits a required element',
  // Route 53 echoes a batch's Comment in ChangeInfo (ChangeResourceRecordSets and GetChange);
  // moto drops it.
  'ChangeResourceRecordSets CREATE: ChangeInfo.Comment only in latency-atlas': 'moto drops it',
  'ChangeResourceRecordSets sample: ChangeInfo.Comment only in latency-atlas': 'moto drops it',
  'GetChange: ChangeInfo.Comment only in latency-atlas': 'moto drops it',
  'GetChange after sample: ChangeInfo.Comment only in latency-atlas': 'moto drops it',
  // CreateHealthCheck answers 201 with a Location header (botocore's model requires it), as
  // CreateHostedZone does; moto sends it for zones only.
  'CreateHealthCheck: Location only in latency-atlas': 'moto omits a required header',
  // EnableSNI is optional; moto sends it for every check, latency-atlas only for HTTPS and
  // HTTPS_STR_MATCH (the types where SNI means anything; Terraform's enable_sni is computed).
  'CreateHealthCheck: HealthCheck.HealthCheckConfig.EnableSNI only in moto': 'optional element',
  'GetHealthCheck: HealthCheck.HealthCheckConfig.EnableSNI only in moto': 'optional element',
  'ListHealthChecks: HealthChecks[].HealthCheckConfig.EnableSNI only in moto': 'optional element',
  'UpdateHealthCheck: HealthCheck.HealthCheckConfig.EnableSNI only in moto': 'optional element',
  // moto has no TestDNSAnswer at all (its 404 has no Route 53 error code).
  'TestDNSAnswer: error 404 404 in moto, success in latency-atlas': 'moto lacks the operation',
  // GetDNSSEC requires KeySigningKeys (empty when not signing); moto leaves it out.
  'GetDNSSEC: KeySigningKeys only in latency-atlas': 'moto omits a required element',
  // moto makes up an observation; latency-atlas reports what its checker saw, and no checker
  // runs in this test (192.0.2.44 is never probed), so there is none yet.
  'GetHealthCheckStatus: HealthCheckObservations empty in latency-atlas': 'nothing probed yet',
  // Route 53 answers a DELETE of a record set that does not exist with InvalidChangeBatch
  // ("Tried to delete resource record set … but it was not found"); moto says InvalidInput.
  'ChangeResourceRecordSets DELETE missing: error InvalidInput 400 in moto, error InvalidChangeBatch 400 in latency-atlas':
    'moto uses another code',
};

interface Line {
  step: string;
  shape?: unknown;
  shapes?: unknown[];
  error?: { Code: string; HTTPStatus: number };
  order?: [string, string][];
  start?: unknown;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitUntilAnswering(url: string, child: ChildProcess, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}`);
    try {
      await fetch(url);
      return;
    } catch {
      if (Date.now() > until) throw new Error(`moto_server did not answer at ${url}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function runSequence(endpoint: string, key: { id: string; secret: string }): Promise<Line[]> {
  const { stdout } = await run('python3', [SCRIPT], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      R53_ENDPOINT: endpoint,
      R53_SAMPLE: SAMPLE,
      AWS_ACCESS_KEY_ID: key.id,
      AWS_SECRET_ACCESS_KEY: key.secret,
      AWS_CONFIG_FILE: '/nonexistent/aws-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Line);
}

/** `path what` for every place two shapes differ (keys, value types, list emptiness). */
function shapeDifferences(moto: unknown, atlas: unknown, path = ''): string[] {
  const at = path === '' ? '(root)' : path;
  if (Array.isArray(moto) && Array.isArray(atlas)) {
    if (moto.length === 0 || atlas.length === 0) {
      return moto.length === atlas.length
        ? []
        : [`${at} empty in ${moto.length === 0 ? 'moto' : 'latency-atlas'}`];
    }
    return shapeDifferences(moto[0], atlas[0], `${path}[]`);
  }
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(moto) && isObj(atlas)) {
    const out: string[] = [];
    for (const k of new Set([...Object.keys(moto), ...Object.keys(atlas)])) {
      const p = path === '' ? k : `${path}.${k}`;
      if (!(k in atlas)) out.push(`${p} only in moto`);
      else if (!(k in moto)) out.push(`${p} only in latency-atlas`);
      else out.push(...shapeDifferences(moto[k], atlas[k], p));
    }
    return out;
  }
  return JSON.stringify(moto) === JSON.stringify(atlas)
    ? []
    : [`${at} is ${JSON.stringify(moto)} in moto, ${JSON.stringify(atlas)} in latency-atlas`];
}

const isPage = (step: string) => step.startsWith('ListResourceRecordSets MaxItems=1');

describe.skipIf(skipReason !== null)(
  'Route 53 response shapes: moto_server vs latency-atlas',
  () => {
    let moto: ChildProcess;
    let s: TestServer;
    let motoLines: Line[];
    let atlasLines: Line[];

    beforeAll(async () => {
      const port = await freePort();
      // Its own process group, so afterAll stops moto_server and anything it started.
      moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
        detached: true,
        stdio: 'ignore',
      });
      const motoUrl = `http://127.0.0.1:${port}`;
      await waitUntilAnswering(`${motoUrl}/moto-api/`, moto);
      // 192.0.2.44 (documentation range) as a health-check target: allowed, never probed.
      s = await startTestServer({ allowPrivateHealthTargets: true });
      const key = await s.createAwsKey('boto3', 'admin');
      [motoLines, atlasLines] = await Promise.all([
        runSequence(motoUrl, { id: 'testing', secret: 'testing' }),
        runSequence(s.base, { id: key.accessKeyId, secret: key.secretAccessKey }),
      ]);
    }, 120_000);

    afterAll(async () => {
      if (moto?.pid !== undefined && moto.exitCode === null) {
        const exited = new Promise((r) => moto.once('exit', r));
        process.kill(-moto.pid, 'SIGTERM');
        await exited;
      }
      await s?.close();
    });

    it('runs the same steps on both, and every shape matches but for the known differences', () => {
      const steps = (lines: Line[]) => lines.map((l) => l.step).filter((st) => !isPage(st));
      expect(steps(atlasLines)).toEqual(steps(motoLines));

      const found: string[] = [];
      const atlasByStep = new Map(atlasLines.map((l) => [l.step, l]));
      for (const m of motoLines) {
        if (isPage(m.step)) continue;
        const a = atlasByStep.get(m.step) as Line;
        if (m.error || a.error) {
          const e = (x: Line) =>
            x.error ? `error ${x.error.Code} ${x.error.HTTPStatus}` : 'success';
          if (e(m) !== e(a)) found.push(`${m.step}: ${e(m)} in moto, ${e(a)} in latency-atlas`);
          continue;
        }
        if (m.shapes !== undefined) {
          // Per record set, in listing order: latency sets carry SetIdentifier and Region.
          expect(a.shapes?.length, m.step).toBe(m.shapes.length);
          m.shapes.forEach((shape, i) => {
            for (const d of shapeDifferences(shape, a.shapes?.[i]))
              found.push(`${m.step}: [${i}] ${d}`);
          });
          continue;
        }
        if (m.order !== undefined) continue; // compared below
        for (const d of shapeDifferences(m.shape, a.shape)) found.push(`${m.step}: ${d}`);
      }
      expect(found.sort()).toEqual(Object.keys(EXPECTED_DIFFERENCES).sort());
    });

    it('lists record sets in Route 53’s order on both (names with labels reversed, then type)', () => {
      const order = (lines: Line[], step: string) => lines.find((l) => l.step === step)?.order;
      const atlas = order(atlasLines, 'ListResourceRecordSets order');
      expect(atlas).toEqual(order(motoLines, 'ListResourceRecordSets order'));
      expect(atlas).toEqual([
        ['shop.example.net.', 'NS'],
        ['shop.example.net.', 'SOA'],
        ['api.shop.example.net.', 'CNAME'],
        ['b.shop.example.net.', 'A'],
        ['a.b.shop.example.net.', 'TXT'],
        ['mail.shop.example.net.', 'MX'],
        ['www.shop.example.net.', 'A'],
        ['www.shop.example.net.', 'A'],
        ['www.shop.example.net.', 'A'],
        ['www.shop.example.net.', 'AAAA'],
        ['z.shop.example.net.', 'A'],
      ]);
    });

    it('pages with MaxItems=1 through every record set from the Next* start points', () => {
      const full = atlasLines.find((l) => l.step === 'ListResourceRecordSets order')?.order;
      const paged = atlasLines.find((l) => l.step === 'ListResourceRecordSets MaxItems=1 order');
      expect(paged?.order).toEqual(full);
      const pages = atlasLines.filter((l) => /MaxItems=1 page \d+$/.test(l.step));
      expect(pages).toHaveLength(full?.length ?? -1);
      // moto ignores StartRecordIdentifier and sends no NextRecordIdentifier, so its pages stop
      // (repeat) inside the three www A latency sets; until there they match ours page by page.
      const motoPages = motoLines.filter((l) => /MaxItems=1 page \d+$/.test(l.step));
      expect(motoLines.some((l) => l.step === 'ListResourceRecordSets MaxItems=1 stuck')).toBe(
        true,
      );
      const motoPaged = motoLines.find((l) => l.step === 'ListResourceRecordSets MaxItems=1 order');
      expect(full?.slice(0, motoPaged?.order?.length)).toEqual(motoPaged?.order);
      motoPages.forEach((m, i) => {
        const a = pages[i] as Line;
        const diffs = shapeDifferences(m.shape, a.shape).filter(
          // Ours names the next set's identifier where the next set has one (Route 53 does).
          (d) => d !== 'NextRecordIdentifier only in latency-atlas',
        );
        expect(diffs, m.step).toEqual([]);
      });
    });
  },
);
