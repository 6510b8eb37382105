// One database interface over two engines: embedded PostgreSQL (PGlite, WASM, persisted to a folder) by
// default, and a PostgreSQL server when DATABASE_URL is set. SQL is kept to the PostgreSQL 15 subset so
// both engines run the same statements (DESIGN.md: PGlite is PostgreSQL 18, Debian's server is 15).
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

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

const SETTINGS_SQL = 'SELECT set_config(k, v, true) FROM unnest($1::text[], $2::text[]) AS s(k, v)';

export class DatabaseLockedError extends Error {}

/** REGENSPINE_SQL_TIMING=1: sum the time of each kind of statement and print it to stderr on close. */
const sqlTiming = process.env.REGENSPINE_SQL_TIMING
  ? (() => {
      const totals = new Map<string, { n: number; ms: number }>();
      return {
        add(sql: string, ms: number) {
          const key = sql.replace(/\s+/g, ' ').trim().slice(0, 60);
          const t = totals.get(key) ?? { n: 0, ms: 0 };
          t.n++;
          t.ms += ms;
          totals.set(key, t);
        },
        report() {
          for (const [k, t] of [...totals].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
            process.stderr.write(`${t.ms.toFixed(0).padStart(7)} ms ${String(t.n).padStart(6)}x  ${k}\n`);
          }
        },
      };
    })()
  : null;
/** The configured PostgreSQL server cannot be reached. */
export class DatabaseUnavailableError extends Error {}

export interface OpenOptions {
  /** PostgreSQL connection string; when absent the embedded database is used. */
  databaseUrl?: string | undefined;
  /** Folder of the embedded database. */
  dataDir?: string | undefined;
  /** Embedded only: keep everything in memory (tests). */
  memory?: boolean;
}

export function defaultOpenOptions(env: NodeJS.ProcessEnv = process.env): OpenOptions {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.REGENSPINE_DATA_DIR || '.regenspine',
  };
}

export function describeTarget(opts: OpenOptions): string {
  if (opts.databaseUrl) {
    try {
      const u = new URL(opts.databaseUrl);
      return `PostgreSQL at ${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
    } catch {
      return 'PostgreSQL (DATABASE_URL)';
    }
  }
  return opts.memory
    ? 'embedded PostgreSQL in memory'
    : `embedded PostgreSQL in ${resolve(opts.dataDir ?? '.regenspine')}`;
}

export async function openDb(opts: OpenOptions = defaultOpenOptions()): Promise<Db> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl);
  return openPglite(opts);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite does not lock its folder, and two processes writing to it lose writes silently (DESIGN.md).
 * We take an exclusive lock file holding our pid; a lock left by a dead process is taken over.
 */
export function acquireDirLock(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const lockPath = join(dir, 'regenspine.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          rmSync(lockPath, { force: true });
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      if (Number.isFinite(holder) && holder !== process.pid && pidAlive(holder)) {
        throw new DatabaseLockedError(
          `the database folder ${resolve(dir)} is in use by process ${holder}; stop it, or set REGENSPINE_DATA_DIR to another folder, or use DATABASE_URL for several processes`,
        );
      }
      rmSync(lockPath, { force: true }); // stale lock of a dead process
    }
  }
  throw new DatabaseLockedError(`could not lock ${resolve(dir)}`);
}

async function openPglite(opts: OpenOptions): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  let release = () => {};
  let pg: InstanceType<typeof PGlite>;
  // PGlite's default shared_buffers (128 MB) is sized for a server; one embedded user needs far less, and
  // 16 MB cut the resident memory of an opened database from ~360 MB to ~230 MB here.
  const pgOpts = { postgresqlconf: ['shared_buffers=16MB'] };
  if (opts.memory) {
    pg = new PGlite(pgOpts);
  } else {
    const dir = resolve(opts.dataDir ?? '.regenspine');
    release = acquireDirLock(dir);
    try {
      pg = new PGlite(join(dir, 'pgdata'), pgOpts);
    } catch (e) {
      release();
      throw e;
    }
  }
  await pg.waitReady;
  const wrap = (q: { query: typeof pg.query }): Queryable => ({
    async query<T>(sql: string, params?: unknown[]) {
      const t0 = sqlTiming ? performance.now() : 0;
      const r = await q.query<T>(sql, params as unknown[]);
      if (sqlTiming) sqlTiming.add(sql, performance.now() - t0);
      return { rows: r.rows, affectedRows: r.affectedRows };
    },
  });
  const base = wrap(pg);
  // PGlite runs one statement at a time; serialise transactions so a second one waits for the first.
  let chain: Promise<unknown> = Promise.resolve();
  return {
    kind: 'pglite',
    query: base.query,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T> {
      const run = chain.then(() =>
        pg.transaction(async (raw) => {
          const tx = wrap(raw as unknown as { query: typeof pg.query });
          if (opts?.settings) {
            const entries = Object.entries(opts.settings);
            await tx.query(SETTINGS_SQL, [entries.map((e) => e[0]), entries.map((e) => e[1])]);
          }
          return fn(tx);
        }),
      );
      chain = run.catch(() => {});
      return run as Promise<T>;
    },
    async exec(sql: string) {
      await pg.exec(sql);
    },
    async close() {
      sqlTiming?.report();
      try {
        await pg.close();
      } finally {
        release();
      }
    },
  };
}

async function openPostgres(url: string): Promise<Db> {
  const { default: pgModule } = await import('pg');
  // Return BIGINT/NUMERIC as JS numbers for counts (they stay far below 2^53 here); DATE as text.
  pgModule.types.setTypeParser(20, (v: string) => Number.parseInt(v, 10));
  pgModule.types.setTypeParser(1700, (v: string) => Number.parseFloat(v));
  pgModule.types.setTypeParser(1082, (v: string) => v);
  const pool = new pgModule.Pool({ connectionString: url, max: Number(process.env.REGENSPINE_PG_POOL ?? 10) });
  // An idle connection that the server drops (restart, admin command) must not crash the process: the pool
  // discards it and opens a new one on the next query.
  let closing = false;
  pool.on('error', (e: Error) => {
    if (!closing) process.stderr.write(`PostgreSQL connection lost: ${e.message}\n`);
  });
  // Fail fast with a clear message when the server is not there.
  const client = await pool.connect().catch((e: Error) => {
    void pool.end();
    throw new DatabaseUnavailableError(`cannot connect to PostgreSQL (DATABASE_URL): ${e.message}`);
  });
  client.release();
  return {
    kind: 'postgres',
    async query<T>(sql: string, params?: unknown[]) {
      const r = await pool.query(sql, params);
      return { rows: r.rows as T[], affectedRows: r.rowCount ?? undefined };
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T> {
      const c = await pool.connect();
      try {
        // BEGIN and the settings in one simple-protocol round trip (values escaped by the driver).
        const settings = Object.entries(opts?.settings ?? {}).map(
          ([k, v]) => `SELECT set_config(${c.escapeLiteral(k)}, ${c.escapeLiteral(v)}, true)`,
        );
        await c.query(['BEGIN', ...settings].join('; '));
        const result = await fn({
          async query<U>(sql: string, params?: unknown[]) {
            const r = await c.query(sql, params);
            return { rows: r.rows as U[], affectedRows: r.rowCount ?? undefined };
          },
        });
        await c.query('COMMIT');
        return result;
      } catch (e) {
        await c.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        c.release();
      }
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async close() {
      closing = true;
      await pool.end();
    },
  };
}
