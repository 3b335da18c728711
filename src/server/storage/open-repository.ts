import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openPostgresRepository } from './postgres/pg-repository';
import type { Repository } from './repository';
import { SchemaTooNewError } from './sqlite/migrations';
import { openSqliteDatabase } from './sqlite/open-sqlite-database';
import { SqliteRepository } from './sqlite/sqlite-repository';

/** DATABASE_URL when the environment sets none (`npm start`, `npm run token`). */
export const DEFAULT_DATABASE_URL = 'sqlite:./data/latency-atlas.db';

/** DATABASE_URL could not be used; the message says what to write instead. */
export class DatabaseUrlError extends Error {}

export interface OpenOptions {
  /** PostgreSQL: connections the pool may open (default 10; a DNS worker, which only reads, needs 2). */
  poolSize?: number;
}

const SQLITE_HELP =
  'use sqlite:<path>, e.g. sqlite:./data/latency-atlas.db, sqlite::memory:, or ' +
  'postgres://user:password@host:port/database';

/** The URL without its password, for messages. */
function redactedPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}

/** postgres://user:password@host:port/database: a PostgreSQL repository, migrated on open. */
async function openPostgres(url: string, opts: OpenOptions): Promise<Repository> {
  try {
    return await openPostgresRepository(
      url,
      opts.poolSize !== undefined ? { poolSize: opts.poolSize } : {},
    );
  } catch (err) {
    if (err instanceof SchemaTooNewError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    const password = (() => {
      try {
        return decodeURIComponent(new URL(url).password);
      } catch {
        return '';
      }
    })();
    const safe = password === '' ? reason : reason.split(password).join('***');
    throw new DatabaseUrlError(
      `DATABASE_URL: could not open PostgreSQL at ${redactedPostgresUrl(url)}: ${safe}`,
      { cause: err },
    );
  }
}

/**
 * Opens the repository DATABASE_URL names: `sqlite:<path>` (relative to the working directory;
 * parent folders are created), `sqlite::memory:`, or `postgres://` / `postgresql://` (a
 * PostgreSQL repository, migrated on open). The URL is never echoed whole: it may carry a
 * password.
 */
export async function openRepository(
  databaseUrl: string,
  opts: OpenOptions = {},
): Promise<Repository> {
  const url = databaseUrl.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return openPostgres(url, opts);
  if (scheme !== 'sqlite') {
    const what =
      url === ''
        ? 'is empty'
        : scheme
          ? `has the unsupported scheme "${scheme}:"`
          : 'has no scheme';
    throw new DatabaseUrlError(`DATABASE_URL ${what}; ${SQLITE_HELP}`);
  }
  const path = url.slice('sqlite:'.length);
  if (path === '') throw new DatabaseUrlError(`DATABASE_URL names no file; ${SQLITE_HELP}`);
  if (path.startsWith('//')) {
    // sqlite:// and sqlite:/// mean different things to different tools; refuse to guess.
    throw new DatabaseUrlError(`DATABASE_URL: write sqlite:<path> without "//"; ${SQLITE_HELP}`);
  }
  if (path === ':memory:') return new SqliteRepository(openSqliteDatabase(':memory:'));
  const file = resolve(process.cwd(), path);
  mkdirSync(dirname(file), { recursive: true });
  return new SqliteRepository(openSqliteDatabase(file), { storeKey: file });
}
