import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseUrlError, openRepository } from './open-repository';
import type { Repository } from './repository';

describe('openRepository(DATABASE_URL)', () => {
  let dir: string;
  const opened: Repository[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latency-atlas-open-'));
  });

  afterEach(async () => {
    for (const repo of opened.splice(0)) await repo.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('opens sqlite:<relative path> from the working directory, creating parent folders', async () => {
    const target = join(dir, 'nested', 'deeper', 'latency-atlas.db');
    const repo = await openRepository(`sqlite:${relative(process.cwd(), target)}`);
    opened.push(repo);
    await repo.createZone('example.com');
    expect(existsSync(target)).toBe(true);
  });

  it('opens sqlite:<absolute path>', async () => {
    const target = join(dir, 'abs.db');
    opened.push(await openRepository(`sqlite:${target}`));
    expect(existsSync(target)).toBe(true);
  });

  it('says why a postgres:// database cannot be opened, never echoing the password', async () => {
    // A closed loopback port: nothing outside this machine is asked.
    for (const url of [
      'postgres://atlas:s3cret@127.0.0.1:1/atlas',
      'postgresql://atlas:s3cret@127.0.0.1:1/atlas',
    ]) {
      const opening = openRepository(url);
      await expect(opening).rejects.toBeInstanceOf(DatabaseUrlError);
      await expect(opening).rejects.toThrow(/could not open PostgreSQL/);
      await expect(opening).rejects.not.toThrow(/s3cret/);
    }
  });

  it.each([
    ['', /DATABASE_URL is empty/],
    ['mysql://root:pw@localhost/atlas', /DATABASE_URL has the unsupported scheme "mysql:"/],
    ['./data/latency-atlas.db', /DATABASE_URL has no scheme/],
    ['sqlite:', /DATABASE_URL names no file/],
    ['sqlite:///var/lib/atlas.db', /DATABASE_URL: write sqlite:<path> without "\/\/"/],
  ])('refuses %j naming DATABASE_URL', async (url, message) => {
    await expect(openRepository(url)).rejects.toThrow(message);
  });
});
