import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildQuery, exchangeUdp, parse } from '../dns/dns-test-kit';
import { call, startTestServer, type TestServer } from '../test-server';

/**
 * Terraform 1.11 with hashicorp/aws 5.100.0, offline from the machine's plugin mirror, manages a
 * latency-atlas zone through Route 53's API: apply, a clean second plan, a TTL change, destroy.
 * Terraform polls GetChange every 15 s until INSYNC, so each apply takes tens of seconds; the
 * test never sleeps itself. Async child processes only: the server runs in this process.
 */

const run = promisify(execFile);
const PROVIDER_VERSION = '5.100.0';

/**
 * The plugin mirror as ../shared/NOTES.md finds it: the part before `/registry.terraform.io/` of
 * the provider binary `find` prints (LATENCY_ATLAS_TF_PLUGIN_DIR overrides), or why there is none.
 */
async function findPluginMirror(): Promise<{ dir: string } | { missing: string }> {
  const override = process.env.LATENCY_ATLAS_TF_PLUGIN_DIR;
  if (override) return { dir: override };
  const { stdout } = await run('find', ['/', '-xdev', '-name', 'terraform-provider-aws_*'], {
    maxBuffer: 16 * 1024 * 1024,
  }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' })); // find exits 1 on unreadable dirs
  const binary = stdout
    .split('\n')
    .find((line) => line.includes(`/registry.terraform.io/hashicorp/aws/${PROVIDER_VERSION}/`));
  if (binary === undefined) {
    return {
      missing: `no hashicorp/aws ${PROVIDER_VERSION} provider binary under / (a plugin mirror)`,
    };
  }
  return { dir: binary.slice(0, binary.indexOf('/registry.terraform.io/')) };
}

function findTerraform(): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'terraform'))) return join(dir, 'terraform');
  }
  return null;
}

const terraformBin = findTerraform();
const mirror = await findPluginMirror();
const skipReason =
  terraformBin === null ? 'terraform is not on PATH' : 'missing' in mirror ? mirror.missing : null;
if (skipReason) console.warn(`route53-terraform.test.ts skipped: ${skipReason}`);

const ZONE = 'tf-latency.example.net';
const WWW = ['192.0.2.10', '192.0.2.20', '192.0.2.30'];

/** The configuration: a zone, three latency records, a simple record, a latency alias, a check. */
function configuration(
  base: string,
  key: { accessKeyId: string; secretAccessKey: string },
  staticTtl: number,
): string {
  const latency = [
    { id: 'virginia', region: 'us-east-1', ip: WWW[0], check: false },
    { id: 'frankfurt', region: 'eu-central-1', ip: WWW[1], check: true },
    { id: 'singapore', region: 'ap-southeast-1', ip: WWW[2], check: false },
  ];
  return `
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "${PROVIDER_VERSION}"
    }
  }
}

provider "aws" {
  access_key                  = "${key.accessKeyId}"
  secret_key                  = "${key.secretAccessKey}"
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {
    route53 = "${base}"
  }
}

resource "aws_route53_zone" "main" {
  name    = "${ZONE}"
  comment = "managed by terraform"
}

resource "aws_route53_health_check" "frankfurt" {
  type              = "HTTP"
  ip_address        = "192.0.2.44"
  port              = 80
  resource_path     = "/healthz"
  failure_threshold = 3
  request_interval  = 30
}
${latency
  .map(
    (r) => `
resource "aws_route53_record" "www_${r.id}" {
  zone_id        = aws_route53_zone.main.zone_id
  name           = "www.${ZONE}"
  type           = "A"
  ttl            = 60
  records        = ["${r.ip}"]
  set_identifier = "${r.id}"
  latency_routing_policy {
    region = "${r.region}"
  }${r.check ? '\n  health_check_id = aws_route53_health_check.frankfurt.id' : ''}
}
`,
  )
  .join('')}
resource "aws_route53_record" "static" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "static.${ZONE}"
  type    = "A"
  ttl     = ${staticTtl}
  records = ["192.0.2.50"]
}

resource "aws_route53_record" "api_virginia" {
  zone_id        = aws_route53_zone.main.zone_id
  name           = "api.${ZONE}"
  type           = "A"
  set_identifier = "api-virginia"
  latency_routing_policy {
    region = "us-east-1"
  }
  alias {
    zone_id                = aws_route53_zone.main.zone_id
    name                   = "www.${ZONE}"
    evaluate_target_health = true
  }
  depends_on = [aws_route53_record.www_virginia, aws_route53_record.www_frankfurt, aws_route53_record.www_singapore]
}

output "zone_id" {
  value = aws_route53_zone.main.zone_id
}

output "health_check_id" {
  value = aws_route53_health_check.frankfurt.id
}
`;
}

describe.skipIf(skipReason !== null)(
  'Terraform (hashicorp/aws 5.100.0) against Route 53’s API',
  () => {
    let s: TestServer;
    let work: string;
    let key: { accessKeyId: string; secretAccessKey: string };
    let env: NodeJS.ProcessEnv;
    let logFile: string;
    let zoneId: string;
    let healthCheckId: string;
    const timings: string[] = [];

    /** Runs terraform in the work dir; rejects with its output and the debug log's tail. */
    async function terraform(
      args: string[],
      okCodes: number[] = [0],
    ): Promise<{ code: number; stdout: string; stderr: string }> {
      const started = Date.now();
      try {
        writeFileSync(logFile, '');
        const { stdout, stderr } = await run(terraformBin as string, args, {
          cwd: work,
          env,
          maxBuffer: 64 * 1024 * 1024,
        });
        timings.push(
          `${args[0]}${args.includes('-detailed-exitcode') ? ' (check)' : ''} ${((Date.now() - started) / 1000).toFixed(1)}`,
        );
        return { code: 0, stdout, stderr };
      } catch (err) {
        const e = err as { code?: unknown; stdout?: string; stderr?: string };
        const code = typeof e.code === 'number' ? e.code : -1;
        timings.push(
          `${args[0]}${args.includes('-detailed-exitcode') ? ' (check)' : ''} ${((Date.now() - started) / 1000).toFixed(1)}`,
        );
        if (okCodes.includes(code)) return { code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
        const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
        const httpLines = log
          .split('\n')
          .filter((l) => /http\.(request|response)|ERROR|error/i.test(l))
          .slice(-40)
          .join('\n');
        throw new Error(
          `terraform ${args.join(' ')} exited ${code}\n${e.stdout ?? ''}\n${e.stderr ?? ''}\n--- TF_LOG (last HTTP/error lines) ---\n${httpLines}`,
        );
      }
    }

    const writeConfig = (staticTtl: number) =>
      writeFileSync(join(work, 'main.tf'), configuration(s.base, key, staticTtl));

    beforeAll(async () => {
      // 192.0.2.44 is a documentation address: allowed as a target, and never probed (no checker).
      s = await startTestServer({ dns: true, allowPrivateHealthTargets: true });
      key = await s.createAwsKey('terraform', 'admin');
      work = mkdtempSync(join(tmpdir(), 'latency-atlas-tf-'));
      const home = join(work, 'home');
      mkdirSync(home);
      logFile = join(work, 'terraform.log');
      env = {
        PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
        HOME: home,
        TF_DATA_DIR: join(work, '.terraform'),
        CHECKPOINT_DISABLE: '1',
        TF_IN_AUTOMATION: '1',
        TF_INPUT: '0',
        TF_LOG: 'DEBUG',
        TF_LOG_PATH: logFile,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: join(home, 'no-aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials'),
      };
      writeConfig(300);
      await terraform([
        'init',
        '-input=false',
        '-no-color',
        `-plugin-dir=${(mirror as { dir: string }).dir}`,
      ]);
    }, 120_000);

    afterAll(async () => {
      console.info(`terraform timings (s): ${timings.join(', ')}`);
      await s?.close();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('applies a zone, latency records, a simple record, a latency alias and a health check', async () => {
      await terraform(['apply', '-auto-approve', '-input=false', '-no-color']);
      const out = await terraform(['output', '-json']);
      const outputs = JSON.parse(out.stdout) as Record<string, { value: string }>;
      zoneId = outputs.zone_id?.value ?? '';
      healthCheckId = outputs.health_check_id?.value ?? '';
      expect(zoneId).toMatch(/^Z[0-9A-Z]+$/);
      expect(healthCheckId).not.toBe('');

      // The JSON API sees the same zone and record sets.
      const zones = await call(s.base, 'GET', '/api/zones', undefined, s.adminHeaders);
      expect((zones.body as { id: string; name: string }[]).map((z) => z.id)).toContain(zoneId);
      const listed = await call(
        s.base,
        'GET',
        `/api/zones/${zoneId}/rrsets`,
        undefined,
        s.adminHeaders,
      );
      expect(listed.status).toBe(200);
      const sets = (listed.body as { ResourceRecordSets: Record<string, unknown>[] })
        .ResourceRecordSets;
      const byKey = new Map(
        sets.map((r) => [
          `${String(r.Name)} ${String(r.Type)} ${String(r.SetIdentifier ?? '')}`,
          r,
        ]),
      );
      expect(byKey.get(`www.${ZONE}. A virginia`)).toMatchObject({
        Region: 'us-east-1',
        TTL: 60,
        ResourceRecords: [{ Value: WWW[0] }],
      });
      expect(byKey.get(`www.${ZONE}. A frankfurt`)).toMatchObject({
        Region: 'eu-central-1',
        HealthCheckId: healthCheckId,
      });
      expect(byKey.get(`www.${ZONE}. A singapore`)).toMatchObject({ Region: 'ap-southeast-1' });
      expect(byKey.get(`static.${ZONE}. A `)).toMatchObject({
        TTL: 300,
        ResourceRecords: [{ Value: '192.0.2.50' }],
      });
      expect(byKey.get(`api.${ZONE}. A api-virginia`)).toMatchObject({
        Region: 'us-east-1',
        AliasTarget: { HostedZoneId: zoneId, DNSName: `www.${ZONE}.`, EvaluateTargetHealth: true },
      });
      expect(sets.some((r) => r.Type === 'SOA')).toBe(true);
      expect(sets.some((r) => r.Type === 'NS')).toBe(true);

      const checks = await call(s.base, 'GET', '/api/health-checks', undefined, s.adminHeaders);
      expect(JSON.stringify(checks.body)).toContain(healthCheckId);
    }, 600_000);

    it('serves the records over DNS, as TestDNSAnswer says', async () => {
      const port = s.dns?.port as number;
      const ask = async (name: string) => {
        const reply = parse(
          await exchangeUdp(
            port,
            buildQuery(name, { subnet: { family: 1, source: 24, address: '8.8.8.0' } }),
          ),
        );
        expect(reply.rcode).toBe('NOERROR');
        return reply.answers.filter((a) => a.type === 'A').map((a) => String(a.data));
      };
      const www = await ask(`www.${ZONE}`);
      expect(www.length).toBeGreaterThan(0);
      for (const ip of www) expect(WWW).toContain(ip);
      expect(await ask(`static.${ZONE}`)).toEqual(['192.0.2.50']);
      const api = await ask(`api.${ZONE}`);
      expect(api.length).toBeGreaterThan(0);
      for (const ip of api) expect(WWW).toContain(ip);

      const preview = await call(
        s.base,
        'GET',
        `/api/zones/${zoneId}/testdnsanswer?recordname=www.${ZONE}&recordtype=A&edns0clientsubnetip=8.8.8.0&edns0clientsubnetmask=24`,
        undefined,
        s.adminHeaders,
      );
      expect(preview.status).toBe(200);
      expect([...(preview.body as { RecordData: string[] }).RecordData].sort()).toEqual(
        [...www].sort(),
      );
    }, 60_000);

    it('plans no changes on a second run', async () => {
      const plan = await terraform(
        ['plan', '-detailed-exitcode', '-input=false', '-no-color'],
        [0, 2],
      );
      expect(plan.code, plan.stdout).toBe(0);
    }, 600_000);

    it('plans and applies one TTL change', async () => {
      writeConfig(600);
      const plan = await terraform(
        ['plan', '-detailed-exitcode', '-input=false', '-no-color'],
        [0, 2],
      );
      expect(plan.code, plan.stdout).toBe(2);
      expect(plan.stdout).toContain('Plan: 0 to add, 1 to change, 0 to destroy.');
      expect(plan.stdout).toContain('aws_route53_record.static will be updated in-place');
      await terraform(['apply', '-auto-approve', '-input=false', '-no-color']);
      const listed = await call(
        s.base,
        'GET',
        `/api/zones/${zoneId}/rrsets`,
        undefined,
        s.adminHeaders,
      );
      const sets = (listed.body as { ResourceRecordSets: { Name: string; TTL?: number }[] })
        .ResourceRecordSets;
      expect(sets.find((r) => r.Name === `static.${ZONE}.`)?.TTL).toBe(600);
      expect(sets.filter((r) => r.Name === `www.${ZONE}.`).map((r) => r.TTL)).toEqual([60, 60, 60]);
      const again = await terraform(
        ['plan', '-detailed-exitcode', '-input=false', '-no-color'],
        [0, 2],
      );
      expect(again.code, again.stdout).toBe(0);
    }, 600_000);

    it('destroys everything', async () => {
      await terraform(['destroy', '-auto-approve', '-input=false', '-no-color']);
      const zones = await call(s.base, 'GET', '/api/zones', undefined, s.adminHeaders);
      expect((zones.body as { id: string }[]).map((z) => z.id)).not.toContain(zoneId);
      const checks = await call(s.base, 'GET', '/api/health-checks', undefined, s.adminHeaders);
      expect(JSON.stringify(checks.body)).not.toContain(healthCheckId);
    }, 600_000);
  },
);
