import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  dataDirFromDatabaseUrl,
  openSecretBox,
  SecretBoxError,
  secretBoxWithKey,
} from './secret-box';

const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
const MODULE = fileURLToPath(new URL('./secret-box.ts', import.meta.url));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'la-secret-box-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('openSecretBox', () => {
  it('seals and opens, with a fresh IV each time, and names its key', () => {
    const box = openSecretBox({ dataDir: dir });
    expect(box.keyId).toMatch(/^[0-9a-f]{8}$/);
    const a = box.seal('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    const b = box.seal('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(a.split('.')[1]).toBe(box.keyId);
    expect(a).not.toContain('wJalr');
    expect(box.open(a)).toBe('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    expect(box.open(box.seal(''))).toBe('');
    expect(box.open(box.seal('ünïcode ✓'))).toBe('ünïcode ✓');
  });

  it('creates secret.key once, mode 0600, and reads the same key the next time', () => {
    const first = openSecretBox({ dataDir: join(dir, 'nested') });
    const file = join(dir, 'nested', 'secret.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const sealed = first.seal('hello');
    const content = readFileSync(file, 'utf8');
    const again = openSecretBox({ dataDir: join(dir, 'nested') });
    expect(again.keyId).toBe(first.keyId);
    expect(again.open(sealed)).toBe('hello');
    expect(readFileSync(file, 'utf8')).toBe(content);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['secret.key']);
  });

  it('uses LATENCY_ATLAS_SECRET_KEY (base64 or hex) instead of the file', () => {
    const key = randomBytes(32);
    const fromB64 = openSecretBox({ envKey: key.toString('base64'), dataDir: dir });
    const fromHex = openSecretBox({ envKey: key.toString('hex'), dataDir: dir });
    const fromUrl = openSecretBox({ envKey: `${key.toString('base64url')}\n`, dataDir: dir });
    expect(fromHex.keyId).toBe(fromB64.keyId);
    expect(fromUrl.keyId).toBe(fromB64.keyId);
    expect(fromHex.open(fromB64.seal('x'))).toBe('x');
    expect(readdirSync(dir)).toEqual([]);
    // An empty variable counts as unset.
    openSecretBox({ envKey: '', dataDir: dir });
    expect(readdirSync(dir)).toEqual(['secret.key']);
  });

  it.each([
    ['too short', randomBytes(16).toString('base64')],
    ['too long', randomBytes(33).toString('hex')],
    ['a passphrase', 'correct horse battery staple'],
    ['63 hex characters', 'a'.repeat(63)],
  ])('refuses a LATENCY_ATLAS_SECRET_KEY that is %s, naming the variable', (_, value) => {
    expect(() => openSecretBox({ envKey: value, dataDir: dir })).toThrow(SecretBoxError);
    expect(() => openSecretBox({ envKey: value, dataDir: dir })).toThrow(
      /LATENCY_ATLAS_SECRET_KEY must be 32 bytes/,
    );
  });

  it('never overwrites a key file it cannot read as a key', () => {
    writeFileSync(join(dir, 'secret.key'), 'not a key\n', { mode: 0o600 });
    expect(() => openSecretBox({ dataDir: dir })).toThrow(/does not hold a 32-byte key/);
    expect(readFileSync(join(dir, 'secret.key'), 'utf8')).toBe('not a key\n');
  });

  it('says the key differs when a box was sealed with another key, and never returns garbage', () => {
    const mine = secretBoxWithKey(randomBytes(32));
    const theirs = secretBoxWithKey(randomBytes(32));
    const sealed = theirs.seal('secret');
    expect(() => mine.open(sealed)).toThrow(
      new RegExp(
        `sealed with another key \\(key id ${theirs.keyId}; this server's key is ${mine.keyId}\\)`,
      ),
    );
    // Relabelled with my key id: authentication fails (the key id is authenticated data).
    const relabelled = sealed.replace(theirs.keyId, mine.keyId);
    expect(() => mine.open(relabelled)).toThrow(/damaged or was tampered with/);
  });

  it('refuses tampered and malformed boxes', () => {
    const box = secretBoxWithKey(randomBytes(32));
    const sealed = box.seal('secret value');
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[4] ?? '', 'base64url');
    ct[0] = (ct[0] ?? 0) ^ 1;
    const tampered = [...parts.slice(0, 4), ct.toString('base64url')].join('.');
    expect(() => box.open(tampered)).toThrow(/tampered/);
    expect(() => box.open('plain text')).toThrow(/not a sealed secret/);
    expect(() => box.open(`v2.${parts.slice(1).join('.')}`)).toThrow(/not a sealed secret/);
    expect(() => box.open([parts[0], parts[1], 'AAAA', parts[3], parts[4]].join('.'))).toThrow(
      /damaged/,
    );
  });

  it('ends with one key when several processes create it at once', async () => {
    const script =
      `import(${JSON.stringify(MODULE)}).then(({ openSecretBox }) => ` +
      `process.stdout.write(openSecretBox({ dataDir: ${JSON.stringify(dir)} }).keyId));`;
    const run = () =>
      new Promise<string>((resolveRun, reject) => {
        const child = spawn(TSX, ['--eval', script], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (c) => {
          out += c;
        });
        child.stderr.on('data', (c) => {
          err += c;
        });
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolveRun(out) : reject(new Error(err))));
      });
    const ids = await Promise.all([run(), run(), run(), run()]);
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toBe(openSecretBox({ dataDir: dir }).keyId);
    expect(readdirSync(dir)).toEqual(['secret.key']);
  }, 30_000);
});

describe('dataDirFromDatabaseUrl', () => {
  it.each([
    ['sqlite:./data/x.db', resolve('/srv/app', 'data')],
    ['sqlite:/var/lib/la/db.sqlite', '/var/lib/la'],
    ['sqlite:x.db', '/srv/app'],
    ['sqlite::memory:', resolve('/srv/app', 'data')],
    ['postgres://u:p@db/la', resolve('/srv/app', 'data')],
    ['', resolve('/srv/app', 'data')],
  ])('%s → %s', (url, expected) => {
    expect(dataDirFromDatabaseUrl(url, '/srv/app')).toBe(expected);
  });
});
