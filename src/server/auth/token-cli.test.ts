import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListHostedZonesCommand, Route53Client } from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSecretBox } from '../secrets/secret-box';
import { openRepository } from '../storage/open-repository';
import { call, startTestServer, type TestServer } from '../test-server';
import { createSigV4Verifier } from './aws-sigv4';
import { startSigV4TestServer } from './sigv4-test-server';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

/** Runs `npm run token -- …` the way package.json does (tsx scripts/token.ts), for real. */
function tokenCli(
  args: string[],
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { LATENCY_ATLAS_SECRET_KEY: _, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['scripts/token.ts', ...args], {
      cwd: ROOT,
      env: { ...inherited, DATABASE_URL: databaseUrl, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

let s: TestServer;
let url: string;
beforeAll(async () => {
  s = await startTestServer({ demo: true });
  url = `sqlite:${s.dbFile}`;
});
afterAll(async () => {
  await s.close();
});

describe('npm run token (scripts/token.ts)', () => {
  it('creates a token whose secret (printed once, alone on stdout) works against the API', async () => {
    const created = await tokenCli(['create', '--name', 'ci-bot', '--role', 'editor'], url);
    expect(created.code, created.stderr).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^la_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toMatch(/shown only this once/);
    const auth = { authorization: `Bearer ${secret}` };

    const me = await call(s.base, 'GET', '/api/me', undefined, auth);
    expect(me.body).toEqual({ name: 'ci-bot', role: 'editor' });
    const zones = (await call(s.base, 'GET', '/api/zones')).body as { id: string }[];
    const zone = zones[0]?.id ?? '';
    const proposal = await call(
      s.base,
      'POST',
      `/api/zones/${zone}/proposals`,
      {
        Comment: 'from the CLI token',
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'cli.example.com',
              Type: 'TXT',
              TTL: 60,
              ResourceRecords: [{ Value: '"hi"' }],
            },
          },
        ],
      },
      auth,
    );
    expect(proposal.status, proposal.text).toBe(201);
    expect(proposal.body).toMatchObject({ author: 'ci-bot' });

    const list = await tokenCli(['list', '--json'], url);
    expect(list.code).toBe(0);
    const tokens = JSON.parse(list.stdout) as {
      name: string;
      role: string;
      lastUsedAt: string | null;
    }[];
    expect(tokens.find((t) => t.name === 'ci-bot')).toMatchObject({
      role: 'editor',
      lastUsedAt: expect.any(String),
    });
    expect(list.stdout).not.toContain(secret);

    const table = await tokenCli(['list'], url);
    expect(table.stdout).toMatch(/^NAME\s+ROLE\s+CREATED\s+LAST USED\s+STATUS/);
    expect(table.stdout).toMatch(/ci-bot\s+editor/);

    const revoked = await tokenCli(['revoke', '--name', 'ci-bot'], url);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toMatch(/revoked the editor token "ci-bot"/);
    const after = await call(s.base, 'GET', '/api/me', undefined, auth);
    expect(after.status).toBe(401);
  }, 60_000);

  it('refuses bad input with a clear message and a non-zero exit', async () => {
    const dup = await tokenCli(['create', '--name', 'admin-env', '--role', 'viewer'], url);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/a token named "admin-env" already exists/);
    const role = await tokenCli(['create', '--name', 'zed', '--role', 'root'], url);
    expect(role.code).toBe(2);
    expect(role.stderr).toMatch(
      /--role "root": use one of reporter, viewer, editor, approver, admin/,
    );
    const unknown = await tokenCli(['revoke', '--name', 'nobody'], url);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no token named "nobody"/);
  }, 60_000);

  it('create --aws prints the token and an AWS key pair as three shell lines; aws-key adds one', async () => {
    const created = await tokenCli(['create', '--name', 'tf', '--role', 'editor', '--aws'], url);
    expect(created.code, created.stderr).toBe(0);
    const lines = created.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^LATENCY_ATLAS_TOKEN=la_[A-Za-z0-9_-]{43}$/),
      expect.stringMatching(/^AWS_ACCESS_KEY_ID=LAAK[A-Z0-9]{16}$/),
      expect.stringMatching(/^AWS_SECRET_ACCESS_KEY=[A-Za-z0-9+/]{40}$/),
    ]);
    const vars = Object.fromEntries(
      lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(created.stderr).toMatch(/shown only this once/);
    expect(created.stderr).not.toContain(vars.AWS_SECRET_ACCESS_KEY);
    expect(statSync(join(dirname(s.dbFile), 'secret.key')).mode & 0o777).toBe(0o600);

    const me = await call(s.base, 'GET', '/api/me', undefined, {
      authorization: `Bearer ${vars.LATENCY_ATLAS_TOKEN}`,
    });
    expect(me.body).toEqual({ name: 'tf', role: 'editor' });

    const added = await tokenCli(['aws-key', '--name', 'tf'], url);
    expect(added.code, added.stderr).toBe(0);
    const addedLines = added.stdout.trimEnd().split('\n');
    expect(addedLines).toEqual([
      expect.stringMatching(/^AWS_ACCESS_KEY_ID=LAAK[A-Z0-9]{16}$/),
      expect.stringMatching(/^AWS_SECRET_ACCESS_KEY=[A-Za-z0-9+/]{40}$/),
    ]);

    // Both pairs sign requests the server verifies as the token, with the key the CLI used.
    const repository = await openRepository(url);
    const verifier = await startSigV4TestServer(
      createSigV4Verifier(repository, openSecretBox({ dataDir: dirname(s.dbFile) })),
    );
    try {
      const pairs = [
        {
          accessKeyId: vars.AWS_ACCESS_KEY_ID ?? '',
          secretAccessKey: vars.AWS_SECRET_ACCESS_KEY ?? '',
        },
        {
          accessKeyId: addedLines[0]?.split('=')[1] ?? '',
          secretAccessKey: addedLines[1]?.slice('AWS_SECRET_ACCESS_KEY='.length) ?? '',
        },
      ];
      for (const credentials of pairs) {
        const client = new Route53Client({
          endpoint: verifier.url,
          region: 'us-east-1',
          credentials,
          maxAttempts: 1,
        });
        await client.send(new ListHostedZonesCommand({}));
      }
      expect(verifier.seen.map((v) => v.result)).toEqual([
        expect.objectContaining({
          ok: true,
          principal: expect.objectContaining({ name: 'tf', role: 'editor' }),
        }),
        expect.objectContaining({ ok: true, accessKeyId: pairs[1]?.accessKeyId }),
      ]);
    } finally {
      await verifier.close();
      await repository.close();
    }

    const list = await tokenCli(['list', '--json'], url);
    expect(list.stdout).not.toContain(vars.AWS_SECRET_ACCESS_KEY);
  }, 60_000);

  it('refuses aws-key for a missing or revoked token, and a bad LATENCY_ATLAS_SECRET_KEY', async () => {
    const missing = await tokenCli(['aws-key', '--name', 'nobody'], url);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no token named "nobody"/);
    expect((await tokenCli(['create', '--name', 'old', '--role', 'viewer'], url)).code).toBe(0);
    expect((await tokenCli(['revoke', '--name', 'old'], url)).code).toBe(0);
    const revoked = await tokenCli(['aws-key', '--name', 'old'], url);
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toMatch(/the token "old" was revoked/);
    expect(revoked.stdout).toBe('');

    const badKey = await tokenCli(['create', '--name', 'nokey', '--role', 'viewer', '--aws'], url, {
      LATENCY_ATLAS_SECRET_KEY: 'hunter2',
    });
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/LATENCY_ATLAS_SECRET_KEY must be 32 bytes/);
    const list = await tokenCli(['list', '--json'], url);
    expect((JSON.parse(list.stdout) as { name: string }[]).map((t) => t.name)).not.toContain(
      'nokey',
    );
    const misplaced = await tokenCli(['list', '--aws'], url);
    expect(misplaced.code).toBe(2);
  }, 60_000);
});
