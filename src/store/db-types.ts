// The database interfaces every store module programs against: the embedded PGlite database, a PostgreSQL
// pool, and a CLI command's connection to a running server's database (db-share.ts) all implement Db.
// Re-exported by db.ts; a module of its own so that db.ts's lazily loaded helpers can use them without a cycle.

export interface QueryResult<T> {
  rows: T[];
  affectedRows?: number;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `fn` in one transaction: everything it writes lands, or nothing does. `settings` are set
   * transaction-locally (set_config(…, true)) before `fn` runs; on PostgreSQL they travel with BEGIN in one
   * round trip.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  /** Runs several statements separated by semicolons (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export interface TransactionOptions {
  settings?: Record<string, string>;
}
