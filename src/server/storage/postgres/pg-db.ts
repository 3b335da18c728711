import pg from 'pg';

/** What a store needs to run SQL: the pool (autocommit) or one transaction's client. */
export interface PgQueries {
  one<R>(sql: string, params?: readonly unknown[]): Promise<R | undefined>;
  all<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Returns the number of rows the statement touched. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

/** Runs fn in one transaction; `lock` names an advisory lock taken first (one writer at a time). */
export type PgWrite = <T>(fn: (q: PgQueries) => Promise<T>, opts?: { lock?: string }) => Promise<T>;

/**
 * BIGINT (count(*), ms epochs, identity ids) and NUMERIC as JS numbers: every value here is
 * far below 2^53, and the contract compares with what SQLite returns (numbers).
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return Number;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** `max`: connections the pool may open (default 10). */
export function createPool(connectionString: string, opts: { max?: number } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    types,
    max: opts.max ?? 10,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client that loses its connection must not crash the process; the next query fails.
  pool.on('error', () => {});
  return pool;
}

export function queriesOf(client: pg.Pool | pg.PoolClient): PgQueries {
  return {
    async one<R>(sql: string, params: readonly unknown[] = []) {
      const res = await client.query(sql, params as unknown[]);
      return res.rows[0] as R | undefined;
    },
    async all<R>(sql: string, params: readonly unknown[] = []) {
      const res = await client.query(sql, params as unknown[]);
      return res.rows as R[];
    },
    async run(sql: string, params: readonly unknown[] = []) {
      const res = await client.query(sql, params as unknown[]);
      return res.rowCount ?? 0;
    },
  };
}

/** serialization_failure, deadlock_detected: the transaction may simply be run again. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 5;

export function pgErrorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err
    ? String((err as { code: unknown }).code)
    : undefined;
}

/** A PgWrite over a pool: BEGIN … COMMIT, ROLLBACK on any throw, retried on 40001/40P01. */
export function transactionRunner(pool: pg.Pool): PgWrite {
  return async (fn, opts = {}) => {
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        if (opts.lock !== undefined) {
          await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [opts.lock]);
        }
        const result = await fn(queriesOf(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        if (attempt < MAX_ATTEMPTS && RETRYABLE.has(pgErrorCode(err) ?? '')) continue;
        throw err;
      } finally {
        client.release(broken);
      }
    }
  };
}
