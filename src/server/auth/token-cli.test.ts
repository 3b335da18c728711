import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from '../test-server';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

/** Runs `npm run token -- …` the way package.json does (tsx scripts/token.ts), for real. */
function tokenCli(
  args: string[],
  databaseUrl: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['scripts/token.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
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
});
