import Database from 'better-sqlite3';
import { MIGRATIONS, type Migration, migrate } from './migrations';

/** How long a writer waits for another connection's write lock before SQLITE_BUSY, ms. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating if needed) a SQLite database file, or `:memory:`, set up for latency-atlas
 * and migrated to the current schema. Closes the handle again if setup fails.
 */
export function openSqliteDatabase(
  filename: string,
  opts: { migrations?: readonly Migration[] } = {},
): Database.Database {
  const db = new Database(filename, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // WAL: readers never block the writer nor each other (the testdnsanswer hot path keeps
    // reading while a batch is written); persistent in the file. `:memory:` stays 'memory'.
    db.pragma('journal_mode = WAL');
    // FULL, not NORMAL: with WAL, NORMAL survives an application crash but can drop the last
    // commits on power loss or an OS crash. A change batch answered INSYNC must never be
    // lost, and batches are rare (one fsync each), so FULL costs nothing that matters here.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db, opts.migrations ?? MIGRATIONS);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
