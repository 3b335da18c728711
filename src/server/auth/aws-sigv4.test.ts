import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChangeResourceRecordSetsCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { secretBoxWithKey } from '../secrets/secret-box';
import { openRepository } from '../storage/open-repository';
import type { Repository } from '../storage/repository';
import { createAwsKeyPair } from './aws-keys';
import { canonicalQueryString, canonicalUri, createSigV4Verifier } from './aws-sigv4';
import { type SeenRequest, type SigV4TestServer, startSigV4TestServer } from './sigv4-test-server';
import { hashTokenSecret } from './token-secret';

type Pair = { accessKeyId: string; secretAccessKey: string };

let dir: string;
let repository: Repository;
let server: SigV4TestServer;
let good: Pair;
let revoked: Pair;
const unknown: Pair = {
  accessKeyId: 'LAAKNOSUCHKEY0000000',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
/** Added to the verifier's clock (a server whose clock is off). */
let clockOffsetMs = 0;
/** A zone id whose path segment needs encoding (the clients percent-encode it). */
const ODD_ZONE = "Z1*(a b)'!:~";

/** Child processes reach only the loopback server: no AWS config, no instance metadata. */
function clientEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('AWS_') && !k.startsWith('BOTO')) env[k] = v;
  }
  return {
    ...env,
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
    AWS_RETRY_MODE: 'standard',
    AWS_PAGER: '',
    ...extra,
  };
}

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) || 1 : 0, stdout, stderr });
    });
  });
}

/** The verdicts of the requests made by `f`, in order. */
async function verdicts(f: () => Promise<unknown>): Promise<SeenRequest[]> {
  const from = server.seen.length;
  await f();
  return server.seen.slice(from);
}

function client(pair: Pair, region = 'us-east-1'): Route53Client {
  return new Route53Client({ endpoint: server.url, region, credentials: pair, maxAttempts: 1 });
}

const CHANGE = (zone: string) =>
  new ChangeResourceRecordSetsCommand({
    HostedZoneId: zone,
    ChangeBatch: {
      Comment: 'signed',
      Changes: [
        {
          Action: 'UPSERT',
          ResourceRecordSet: {
            Name: 'www.example.com.',
            Type: 'A',
            SetIdentifier: 'eu',
            Region: 'eu-west-1',
            TTL: 60,
            ResourceRecords: [{ Value: '192.0.2.1' }],
          },
        },
      ],
    },
  });

const okAs = (name: string) =>
  expect.objectContaining({ ok: true, principal: expect.objectContaining({ name }) });
const failure = (code: string, message?: RegExp) =>
  expect.objectContaining({
    ok: false,
    status: 403,
    code,
    ...(message ? { message: expect.stringMatching(message) } : {}),
  });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'la-sigv4-'));
  repository = await openRepository(`sqlite:${join(dir, 'test.db')}`);
  const box = secretBoxWithKey(randomBytes(32));
  const ci = await repository.createApiToken({
    name: 'ci',
    role: 'editor',
    hash: hashTokenSecret('a'),
  });
  const gone = await repository.createApiToken({
    name: 'gone',
    role: 'admin',
    hash: hashTokenSecret('b'),
  });
  good = await createAwsKeyPair(repository, box, ci.id, { actor: 'test' });
  revoked = await createAwsKeyPair(repository, box, gone.id);
  await repository.revokeApiToken('gone');
  const verify = createSigV4Verifier(repository, box, {
    now: () => Date.now() + clockOffsetMs,
    service: 'route53',
  });
  server = await startSigV4TestServer(verify);
});
beforeEach(() => {
  clockOffsetMs = 0;
});
afterAll(async () => {
  await server?.close();
  await repository?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('canonicalization', () => {
  it.each([
    ['/2013-04-01/hostedzone/Z123/rrset', '/2013-04-01/hostedzone/Z123/rrset'],
    ['/2013-04-01/hostedzone/Z123/rrset/', '/2013-04-01/hostedzone/Z123/rrset/'],
    ['/a/Z1%2A%20b', '/a/Z1%252A%2520b'],
    ['/a/./b/../c//d', '/a/c/d'],
    ['', '/'],
    ['/', '/'],
  ])('path %s → %s', (raw, canonical) => {
    expect(canonicalUri(raw)).toBe(canonical);
  });

  it('sorts the query and encodes it RFC 3986 whatever the client sent', () => {
    expect(canonicalQueryString('type=A&name=%2A.example.com.&identifier=a%20b&maxitems')).toBe(
      'identifier=a%20b&maxitems=&name=%2A.example.com.&type=A',
    );
    expect(canonicalQueryString('name=*.example.com.&identifier=a b&b=2&b=1')).toBe(
      'b=1&b=2&identifier=a%20b&name=%2A.example.com.',
    );
    expect(canonicalQueryString('X-Amz-Signature=ab&a=1', 'X-Amz-Signature')).toBe('a=1');
  });
});

describe('SigV4 from @aws-sdk/client-route-53', () => {
  it("verifies a signed request as the key's token, region and service from the scope", async () => {
    const seen = await verdicts(() =>
      client(good, 'eu-central-1').send(new ListHostedZonesCommand({})),
    );
    expect(seen.map((s) => s.result)).toEqual([
      {
        ok: true,
        principal: { tokenId: expect.any(String), name: 'ci', role: 'editor' },
        accessKeyId: good.accessKeyId,
        region: 'eu-central-1',
        service: 'route53',
      },
    ]);
  });

  it('verifies a path and a query that need encoding, and a signed body', async () => {
    const seen = await verdicts(async () => {
      await client(good)
        .send(
          new ListResourceRecordSetsCommand({
            HostedZoneId: ODD_ZONE,
            StartRecordName: '*.example.com.',
            StartRecordType: 'A',
            StartRecordIdentifier: 'a b',
          }),
        )
        .catch(() => undefined);
      await client(good)
        .send(CHANGE('Z123'))
        .catch(() => undefined);
    });
    expect(seen[0]?.rawPath).toMatch(
      /^\/2013-04-01\/hostedzone\/Z1%2A%28a%20b%29%27%21%3A~\/rrset$/,
    );
    expect(seen[0]?.rawQuery).toContain('identifier=a%20b');
    expect(seen.map((s) => s.result)).toEqual([okAs('ci'), okAs('ci')]);
  });

  it('refuses a wrong secret, an unknown key, a revoked token and a tampered body', async () => {
    const codes: string[] = [];
    const seen = await verdicts(async () => {
      const list = (c: Route53Client) => c.send(new ListHostedZonesCommand({}));
      const tampered = (c: Route53Client) => c.send(CHANGE('ZTAMPER'));
      const attempts: [Pair, (c: Route53Client) => Promise<unknown>][] = [
        [{ ...good, secretAccessKey: unknown.secretAccessKey }, list],
        [unknown, list],
        [revoked, list],
        [good, tampered],
      ];
      for (const [pair, send] of attempts) {
        await send(client(pair)).catch((e: { name: string }) => codes.push(e.name));
      }
    });
    expect(seen.map((s) => s.result)).toEqual([
      failure('SignatureDoesNotMatch', /^The request signature we calculated does not match/),
      failure('InvalidClientTokenId', /^The security token included in the request is invalid\.$/),
      failure('InvalidClientTokenId'),
      failure('SignatureDoesNotMatch', /x-amz-content-sha256/),
    ]);
    // The SDK reads Route 53's ErrorResponse into the same codes.
    expect(codes).toEqual([
      'SignatureDoesNotMatch',
      'InvalidClientTokenId',
      'InvalidClientTokenId',
      'SignatureDoesNotMatch',
    ]);
  });

  it('refuses a request time more than 15 minutes off, either way', async () => {
    clockOffsetMs = 16 * 60_000;
    const late = await verdicts(() =>
      client(good)
        .send(new ListHostedZonesCommand({}))
        .catch(() => 0),
    );
    clockOffsetMs = -16 * 60_000;
    const early = await verdicts(() =>
      client(good)
        .send(new ListHostedZonesCommand({}))
        .catch(() => 0),
    );
    clockOffsetMs = 14 * 60_000;
    const within = await verdicts(() => client(good).send(new ListHostedZonesCommand({})));
    expect(late.map((s) => s.result)).toEqual([
      failure(
        'SignatureDoesNotMatch',
        /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/,
      ),
    ]);
    expect(early.map((s) => s.result)).toEqual([
      failure('SignatureDoesNotMatch', /^Signature not yet current: .* \+ 15 min\.\)$/),
    ]);
    expect(within.map((s) => s.result)).toEqual([okAs('ci')]);
  });
});

describe('requests that are not signed properly', () => {
  const send = (headers: Record<string, string>, path = '/2013-04-01/hostedzone') =>
    verdicts(() => fetch(`${server.url}${path}`, { headers }));
  const amzDate = () =>
    new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');

  it('no Authorization → MissingAuthenticationToken', async () => {
    const seen = await send({});
    expect(seen.map((s) => s.result)).toEqual([
      failure('MissingAuthenticationToken', /^Missing Authentication Token$/),
    ]);
  });

  it.each([
    ['a bearer token', 'Bearer la_abc', /Signature Version 4/],
    ['SigV2', 'AWS AKID:sig', /Signature Version 4/],
    [
      'no Signature',
      `AWS4-HMAC-SHA256 Credential=${'LAAK'}/20260101/us-east-1/route53/aws4_request, SignedHeaders=host`,
      /requires 'Signature'/,
    ],
    [
      'a short Credential',
      'AWS4-HMAC-SHA256 Credential=LAAK/20260101, SignedHeaders=host, Signature=00',
      /Credential must be/,
    ],
    [
      'unsigned host',
      'AWS4-HMAC-SHA256 Credential=LAAK/20260101/us-east-1/route53/aws4_request, SignedHeaders=x-amz-date, Signature=00',
      /include host/,
    ],
  ])('%s → IncompleteSignature', async (_, authorization, message) => {
    const seen = await send({ authorization, 'x-amz-date': amzDate() });
    expect(seen.map((s) => s.result)).toEqual([failure('IncompleteSignature', message)]);
  });

  it('no date → IncompleteSignature; a scope of another day or service → SignatureDoesNotMatch', async () => {
    const cred = (day: string, service = 'route53') =>
      `AWS4-HMAC-SHA256 Credential=${good.accessKeyId}/${day}/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;
    const now = amzDate();
    const noDate = await send({ authorization: cred(now.slice(0, 8)) });
    const otherDay = await send({ authorization: cred('20200101'), 'x-amz-date': now });
    const otherService = await send({
      authorization: cred(now.slice(0, 8), 's3'),
      'x-amz-date': now,
    });
    const zeros = await send({ authorization: cred(now.slice(0, 8)), 'x-amz-date': now });
    expect([...noDate, ...otherDay, ...otherService, ...zeros].map((s) => s.result)).toEqual([
      failure('IncompleteSignature', /'X-Amz-Date' or a 'Date' header/),
      failure('SignatureDoesNotMatch', /Date in Credential scope does not match/),
      failure('SignatureDoesNotMatch', /scoped to correct service: 'route53'/),
      failure('SignatureDoesNotMatch', /^The request signature we calculated/),
    ]);
  });
});

const PYTHON = `
import json, sys, urllib.request, urllib.error
import boto3
from botocore.config import Config
args = json.loads(sys.argv[1])
url = args['url']
cfg = Config(retries={'total_max_attempts': 1})
def client(pair, region='eu-west-1'):
    return boto3.client('route53', endpoint_url=url, region_name=region, config=cfg,
        aws_access_key_id=pair['accessKeyId'], aws_secret_access_key=pair['secretAccessKey'])
out = []
def attempt(f):
    try:
        f(); out.append('ok')
    except Exception as e:
        out.append(getattr(e, 'response', {}).get('Error', {}).get('Code') or type(e).__name__)
good = client(args['good'])
change = {'Comment': 'signed', 'Changes': [{'Action': 'UPSERT', 'ResourceRecordSet': {
    'Name': 'www.example.com.', 'Type': 'A', 'SetIdentifier': 'eu', 'Region': 'eu-west-1',
    'TTL': 60, 'ResourceRecords': [{'Value': '192.0.2.1'}]}}]}
attempt(lambda: good.list_hosted_zones())
attempt(lambda: good.list_resource_record_sets(HostedZoneId=args['oddZone'],
    StartRecordName='*.example.com.', StartRecordType='A', StartRecordIdentifier='a b'))
attempt(lambda: good.change_resource_record_sets(HostedZoneId='Z123', ChangeBatch=change))
attempt(lambda: good.change_resource_record_sets(HostedZoneId='ZTAMPER', ChangeBatch=change))
attempt(lambda: client(args['wrong']).list_hosted_zones())
attempt(lambda: client(args['unknown']).list_hosted_zones())
attempt(lambda: client(args['revoked']).list_hosted_zones())
presigned = good.generate_presigned_url('list_hosted_zones', ExpiresIn=300)
attempt(lambda: urllib.request.urlopen(presigned, timeout=10).read())
print(json.dumps(out))
`;

describe('SigV4 from botocore (boto3) and the AWS CLI', () => {
  it('boto3: verifies paths, queries, bodies and a presigned URL; refuses what it must', async () => {
    const script = join(dir, 'sigv4.py');
    writeFileSync(script, PYTHON);
    const args = {
      url: server.url,
      good,
      wrong: { ...good, secretAccessKey: unknown.secretAccessKey },
      unknown,
      revoked,
      oddZone: ODD_ZONE,
    };
    const seen = await verdicts(async () => {
      const r = await run('python3', [script, JSON.stringify(args)], clientEnv({}));
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([
        'ok',
        'ok',
        'ok',
        'SignatureDoesNotMatch',
        'SignatureDoesNotMatch',
        'InvalidClientTokenId',
        'InvalidClientTokenId',
        'ok',
      ]);
    });
    expect(seen[1]?.rawPath).toBe('/2013-04-01/hostedzone/Z1%2A%28a%20b%29%27%21%3A~/rrset');
    expect(seen[7]?.rawQuery).toMatch(/X-Amz-Algorithm=AWS4-HMAC-SHA256/);
    expect(seen.map((s) => s.result)).toEqual([
      expect.objectContaining({
        ok: true,
        principal: expect.objectContaining({ name: 'ci' }),
        region: 'eu-west-1',
        service: 'route53',
      }),
      okAs('ci'),
      okAs('ci'),
      failure('SignatureDoesNotMatch', /^The request signature we calculated/),
      failure('SignatureDoesNotMatch'),
      failure('InvalidClientTokenId'),
      failure('InvalidClientTokenId'),
      okAs('ci'),
    ]);
  }, 60_000);

  it('aws route53 (CLI v1) with --endpoint-url: verified, and a wrong secret refused', async () => {
    const cli = (pair: Pair, args: string[]) =>
      verdicts(() =>
        run(
          'aws',
          ['route53', ...args, '--endpoint-url', server.url],
          clientEnv({
            AWS_ACCESS_KEY_ID: pair.accessKeyId,
            AWS_SECRET_ACCESS_KEY: pair.secretAccessKey,
            AWS_DEFAULT_REGION: 'ap-southeast-2',
          }),
        ),
      );
    const list = await cli(good, ['list-hosted-zones']);
    const rrsets = await cli(good, [
      'list-resource-record-sets',
      '--hosted-zone-id',
      ODD_ZONE,
      '--start-record-name',
      '*.example.com.',
      '--start-record-type',
      'A',
      '--start-record-identifier',
      'a b',
      '--no-paginate',
    ]);
    const wrong = await cli({ ...good, secretAccessKey: unknown.secretAccessKey }, [
      'list-hosted-zones',
    ]);
    expect(list.map((s) => s.result)).toEqual([
      expect.objectContaining({ ok: true, region: 'ap-southeast-2', service: 'route53' }),
    ]);
    expect(rrsets.map((s) => s.result)).toEqual([okAs('ci')]);
    expect(rrsets[0]?.rawQuery).toContain('name=%2A.example.com.');
    expect(wrong.map((s) => s.result)).toEqual([failure('SignatureDoesNotMatch')]);
  }, 90_000);
});
