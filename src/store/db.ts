// One database interface over two engines: embedded PostgreSQL (PGlite, WASM, persisted to a folder) by
// default, and a PostgreSQL server when DATABASE_URL is set. SQL is kept to the PostgreSQL 15 subset so
// both engines run the same statements (docs/reference/storage.md: PGlite is PostgreSQL 18, Debian's server is 15).

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  cpSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppError } from '../errors.ts';
import { REPO_ROOT } from '../repo-root.ts';

// The database interfaces live in db-types.ts (db-share.ts and migrate.ts, which this module loads, need them
// without importing this module back); every other module takes them from here.
import type { Db, Queryable, QueryResult, TransactionOptions } from './db-types.ts';

export type { Db, Queryable, QueryResult, TransactionOptions };

const SETTINGS_SQL = 'SELECT set_config(k, v, true) FROM unnest($1::text[], $2::text[]) AS s(k, v)';

/** Another process holds the embedded database folder: HTTP 503, exit 1. */
export class DatabaseLockedError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { status: 503, cause: options?.cause });
  }
}

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
export class DatabaseUnavailableError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { status: 503, cause: options?.cause });
  }
}

export interface OpenOptions {
  /** PostgreSQL connection string; when absent the embedded database is used. */
  databaseUrl?: string | undefined;
  /** Folder of the embedded database. */
  dataDir?: string | undefined;
  /** Embedded only: keep everything in memory (tests). */
  memory?: boolean;
  /**
   * In memory only: start from the build's image of a cluster with every current migration applied
   * (MIGRATED_MEMORY_TEMPLATE), for callers that migrate at once; without it, the empty cluster.
   */
  migrated?: boolean;
  /**
   * Embedded only (`serve`): let CLI commands use this database while it is open, over a Unix socket in the
   * data folder (src/store/db-share.ts). A command that finds the folder locked uses that socket.
   */
  share?: boolean;
  /** Embedded only: initialise a new folder with initdb even when the build's template exists. */
  noTemplate?: boolean;
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

export interface DirLock {
  release(): void;
}

/**
 * PGlite does not lock its folder, and two processes writing to it lose writes silently (docs/reference/storage.md).
 *
 * The lock must be atomic: the earlier "open wx, else read the pid, else delete the stale file and retry"
 * let two processes both take over one stale lock (issue 11 M2: 19 of 300 rounds). So the lock itself is
 * held by the kernel: on Linux a listening Unix socket in the abstract namespace, named after the folder's
 * device and inode. bind() is atomic, at most one process can hold the name, and the kernel frees it when
 * the holder exits however it dies (unix(7), "Abstract sockets") — there is no stale state to take over.
 * The file regenspine.lock only records the holder's pid for the error message. Where abstract sockets do
 * not exist (macOS, Windows) the lock file is taken with O_EXCL and a dead holder's file is taken over by
 * renaming it aside and checking it was the same file (inode) — best effort, see the README.
 */
export async function acquireDirLock(dir: string): Promise<DirLock> {
  mkdirSync(dir, { recursive: true });
  const lockPath = join(dir, 'regenspine.lock');
  const locked = (holder: number | null) =>
    new DatabaseLockedError(
      `the database folder ${resolve(dir)} is in use by ${holder ? `process ${holder}` : 'another process'}; stop it, or set REGENSPINE_DATA_DIR to another folder, or use DATABASE_URL for several processes`,
    );
  const readHolder = (): number | null => {
    try {
      const pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      return Number.isFinite(pid) ? pid : null;
    } catch {
      return null;
    }
  };
  if (process.platform === 'linux') {
    const st = statSync(dir);
    const server = createNetServer((sock) => sock.destroy());
    try {
      await new Promise<void>((ok, fail) => {
        server.once('error', fail);
        server.listen(`\0regenspine-lock:${st.dev}:${st.ino}`, () => ok());
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw locked(readHolder());
      throw e;
    }
    server.unref(); // the lock must not keep a finished command alive
    // Only the holder writes the pid file, atomically (write aside, then rename over).
    const tmp = `${lockPath}.${process.pid}`;
    writeFileSync(tmp, String(process.pid));
    renameSync(tmp, lockPath);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      try {
        if (readHolder() === process.pid) rmSync(lockPath, { force: true });
      } catch {
        /* already gone */
      }
      server.close();
    };
    process.once('exit', release);
    return { release };
  }
  return acquireFileLock(lockPath, locked, readHolder);
}

function acquireFileLock(
  lockPath: string,
  locked: (holder: number | null) => Error,
  readHolder: () => number | null,
): DirLock {
  for (let attempt = 0; attempt < 5; attempt++) {
    const tmp = `${lockPath}.${process.pid}.${attempt}`;
    writeFileSync(tmp, String(process.pid));
    try {
      linkSync(tmp, lockPath); // atomic create, content already in place (no empty lock file is ever seen)
      rmSync(tmp, { force: true });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        if (readHolder() === process.pid) rmSync(lockPath, { force: true });
      };
      process.once('exit', release);
      return { release };
    } catch (e) {
      rmSync(tmp, { force: true });
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(lockPath);
    } catch {
      continue; // released meanwhile
    }
    const holder = readHolder();
    if (holder !== null && pidAlive(holder)) throw locked(holder);
    // Take the dead holder's file aside; if what we moved is not the file we judged stale, put it back.
    const aside = `${lockPath}.stale.${process.pid}`;
    try {
      renameSync(lockPath, aside);
    } catch {
      continue;
    }
    if (statSync(aside).ino !== st.ino) {
      try {
        linkSync(aside, lockPath);
      } catch {
        /* a third process locked meanwhile */
      }
      rmSync(aside, { force: true });
      throw locked(readHolder());
    }
    rmSync(aside, { force: true });
  }
  throw locked(readHolder());
}

/**
 * PGlite's Node filesystem (Emscripten's NODEFS) ignores fsync(): it has no fsync stream operation, and
 * PGlite starts PostgreSQL with -F (fsync off) besides. A committed transaction then sat only in the page
 * cache: it survived kill -9 but not a power cut or kernel crash (issue 11 M1; strace showed 0 fsync calls).
 * This filesystem gives NODEFS a real fsync (fs.fsyncSync on the host descriptor, an error becoming EIO so
 * PostgreSQL sees the failure), and the server runs with fsync on, synchronous_commit on and
 * wal_sync_method=fsync (Emscripten's fdatasync is a no-op, so the other methods would not reach the disk).
 */
let fsyncCalls = 0;
/** How many fsyncs the embedded database has asked the host for (diagnostics and tests). */
export function embeddedFsyncCount(): number {
  return fsyncCalls;
}

async function durableNodeFs(dir: string) {
  const { NodeFS } = await import('@electric-sql/pglite/nodefs');
  type Mod = { NODEFS: { stream_ops: Record<string, unknown> }; FS: { ErrnoError: new (errno: number) => Error } };
  class DurableNodeFS extends NodeFS {
    override async init(...args: Parameters<InstanceType<typeof NodeFS>['init']>) {
      const r = await super.init(...args);
      const preRun = (r.emscriptenOpts.preRun ?? []) as ((m: Mod) => void)[];
      r.emscriptenOpts.preRun = [
        ...preRun,
        (m: Mod) => {
          m.NODEFS.stream_ops.fsync = (stream: { nfd?: number }) => {
            if (stream.nfd === undefined) return 0;
            try {
              fsyncSync(stream.nfd);
              fsyncCalls++;
            } catch {
              throw new m.FS.ErrnoError(29); // Emscripten's EIO
            }
            return 0;
          };
        },
      ] as never;
      return r;
    }
  }
  return new DurableNodeFS(dir);
}

/**
 * Puts a new cluster's files on disk. On Linux one syncfs(2) of the folder's filesystem (`sync -f`, GNU
 * coreutils) does it in one flush; elsewhere, or if that fails, every file and folder is fsynced in turn.
 */
function flushTree(root: string): void {
  if (process.platform === 'linux' && spawnSync('sync', ['-f', root]).status === 0) return;
  syncTree(root);
}

/** fsync every file and folder under `root` (children before their folder). */
function syncTree(root: string): void {
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) syncTree(path);
    else if (entry.isFile()) {
      const fd = openSync(path, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
  }
  syncDir(root);
}

/** fsync one folder: its entries (a rename into it, a new file) are on disk. */
function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** REGENSPINE_EMBEDDED_SYNC=off: the old behaviour (no fsync), for benchmarks and throw-away folders. */
export function embeddedSyncEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.REGENSPINE_EMBEDDED_SYNC !== 'off';
}

/**
 * A freshly initialised and migrated embedded cluster, written by `npm run build` (scripts/build.mjs) as a plain
 * folder: a first start in an empty folder copies it instead of running initdb inside WASM (most of the 13 s a
 * first command took, issue 11 §2) and then the migrations (≈ 1.4 s here). A folder rather than PGlite's
 * `loadDataDir` tarball because a tarball needs one PostgreSQL boot to unpack and a second, durable one to
 * use (≈ 1.5 s more, measured 2026-12-01); a copy needs only the one. Absent (sources run without a build) or
 * unusable: initdb and every migration run as before. A template older than the sources only misses the
 * newest migrations, which `migrate` then applies.
 *
 * The template holds only the `postgres` database, the one PGlite connects to: initdb's template0 and template1
 * (600 of the cluster's 1,142 files) are dropped, because copying is creating files, one at a time, and
 * creating them was most of a first start's system time (`strace -c`: `openat` ≈ 0.3–0.5 ms per created file
 * on this ext4 disk, ≈ 90 % of `cp -r`'s time, 2026-12-01). Nothing RegenSpine runs creates databases.
 */
export const EMBEDDED_TEMPLATE = join(REPO_ROOT, 'dist', 'pgdata-template');

/**
 * Copies the template into `dir/pgdata` for a first start: into `pgdata.partial`, put on disk, then renamed, so a
 * first start interrupted mid-copy never leaves a folder that looks initialised (PG_VERSION present, files
 * missing). Its folders are made 0700, as PostgreSQL keeps its data directory (the WASM initdb writes 0666
 * files and 0755 folders). Copying in parallel gained nothing: file creations in one folder are serialised
 * by the kernel (16 at a time took as long per file as one at a time, `strace -c`, 2026-12-01).
 */
function installTemplate(dir: string): void {
  const partial = join(dir, 'pgdata.partial');
  rmSync(partial, { recursive: true, force: true });
  // A plain walk: cpSync's checks and stats per file cost ≈ 50–100 ms of CPU more for the same copy (2026-12-01).
  const copyTree = (from: string, to: string) => {
    mkdirSync(to, { mode: 0o700 });
    for (const e of readdirSync(from, { withFileTypes: true })) {
      if (e.isDirectory()) copyTree(join(from, e.name), join(to, e.name));
      else if (e.isFile()) copyFileSync(join(from, e.name), join(to, e.name));
    }
  };
  copyTree(EMBEDDED_TEMPLATE, partial);
  const durable = embeddedSyncEnabled();
  if (durable) flushTree(partial);
  rmSync(join(dir, 'pgdata'), { recursive: true, force: true });
  renameSync(partial, join(dir, 'pgdata'));
  if (durable) syncDir(dir);
}

export async function writeEmbeddedTemplate(path = EMBEDDED_TEMPLATE): Promise<void> {
  const { migrate } = await import('./migrate.ts');
  const work = mkdtempSync(join(tmpdir(), 'regenspine-template-'));
  const before = process.env.REGENSPINE_EMBEDDED_SYNC;
  // no fsync while building: the copy is flushed to disk when a first start takes it
  process.env.REGENSPINE_EMBEDDED_SYNC = 'off';
  try {
    const db = await openPglite({ dataDir: work, noTemplate: true });
    try {
      await migrate(db);
      // Only the `postgres` database is used (see EMBEDDED_TEMPLATE): the templates' files are not copied.
      for (const name of ['template0', 'template1']) {
        await db.exec(`ALTER DATABASE ${name} IS_TEMPLATE false`);
        await db.exec(`DROP DATABASE ${name}`);
      }
      await db.exec('CHECKPOINT');
    } finally {
      await db.close();
    }
    rmSync(path, { recursive: true, force: true });
    cpSync(join(work, 'pgdata'), path, { recursive: true });
  } finally {
    if (before === undefined) delete process.env.REGENSPINE_EMBEDDED_SYNC;
    else process.env.REGENSPINE_EMBEDDED_SYNC = before;
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * An initialised but EMPTY (not migrated) in-memory cluster as one tar image (PGlite's dumpDataDir), written by
 * `npm run build` next to EMBEDDED_TEMPLATE. An in-memory database (what the tests open, dozens of times per
 * `npm test`) loads it instead of running initdb inside WASM: ≈ 1 s of CPU instead of 4–7 s (measured
 * 2026-12-01, issue 11 "Tests"). Empty so that an in-memory database is exactly what initdb gives: every caller
 * still runs the migrations itself. Absent, or from another PGlite version: initdb runs as before.
 */
export const MEMORY_TEMPLATE = join(REPO_ROOT, 'dist', 'pgdata-empty.tar');

// PGlite's default shared_buffers (128 MB) is sized for a server; one embedded user needs far less, and
// 16 MB cut the resident memory of an opened database from ~360 MB to ~230 MB here.
const PGLITE_OPTIONS = { postgresqlconf: ['shared_buffers=16MB'] };

/**
 * The same cluster with every migration applied, and beside it (`.digest`) a digest of the migrations it was
 * made with. Most test files open in-memory databases and migrate them at once: the migrations cost ≈ 0.4 CPU s
 * per database in WASM, and the tests open dozens. Used only when asked for (`migrated`) and only while the
 * digest matches the migrations of the running code, so an edited or added migration is never skipped: a
 * stale image falls back to the empty one, and the caller's migrate() does the rest.
 */
const MIGRATED_MEMORY_TEMPLATE = join(REPO_ROOT, 'dist', 'pgdata-migrated.tar');

async function migrationsDigest(): Promise<string> {
  const { MIGRATIONS } = await import('./migrate.ts');
  return createHash('sha256').update(JSON.stringify(MIGRATIONS)).digest('hex');
}

function writeAtomically(path: string, data: Buffer | string) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export async function writeMemoryTemplate(
  path = MEMORY_TEMPLATE,
  migratedPath = MIGRATED_MEMORY_TEMPLATE,
): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite');
  const pg = new PGlite(PGLITE_OPTIONS);
  try {
    await pg.waitReady;
    writeAtomically(path, Buffer.from(await (await pg.dumpDataDir('none')).arrayBuffer()));
  } finally {
    await pg.close();
  }
  // migrated through the plain PGlite, which can dump its cluster
  const raw = new PGlite({ ...PGLITE_OPTIONS, loadDataDir: new Blob([readFileSync(path)]) });
  const db = pgliteDb(raw);
  try {
    await raw.waitReady;
    const { migrate } = await import('./migrate.ts');
    await migrate(db);
    // the digest goes first and comes back last, so an interrupted build never pairs an image with another's
    rmSync(`${migratedPath}.digest`, { force: true });
    writeAtomically(migratedPath, Buffer.from(await (await raw.dumpDataDir('none')).arrayBuffer()));
    writeAtomically(`${migratedPath}.digest`, `${await migrationsDigest()}\n`);
  } finally {
    await db.close();
  }
}

async function openMemoryPglite(
  PGlite: typeof import('@electric-sql/pglite').PGlite,
  migrated: boolean,
): Promise<InstanceType<typeof PGlite>> {
  let image = MEMORY_TEMPLATE;
  if (migrated && existsSync(`${MIGRATED_MEMORY_TEMPLATE}.digest`)) {
    const made = readFileSync(`${MIGRATED_MEMORY_TEMPLATE}.digest`, 'utf8').trim();
    if (made === (await migrationsDigest()) && existsSync(MIGRATED_MEMORY_TEMPLATE)) image = MIGRATED_MEMORY_TEMPLATE;
  }
  if (existsSync(image)) {
    const pg = new PGlite({ ...PGLITE_OPTIONS, loadDataDir: new Blob([readFileSync(image)]) });
    try {
      await pg.waitReady;
      return pg;
    } catch {
      // an image this PGlite cannot start from (another version): initialise the slow way
      await pg.close().catch(() => {});
    }
  }
  return new PGlite(PGLITE_OPTIONS);
}

/**
 * The Db of an open PGlite: queries (timed when asked), transactions one at a time, and close, with what the
 * opener must do around it (stop sharing before, release the folder's lock after).
 */
function pgliteDb(
  pg: import('@electric-sql/pglite').PGlite,
  around: { beforeClose?: () => void; afterClose?: () => void } = {},
): Db {
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
      around.beforeClose?.();
      try {
        await pg.close();
      } finally {
        around.afterClose?.();
      }
    },
  };
}

async function openPglite(opts: OpenOptions): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  let release = () => {};
  let usedTemplate = false;
  let pg: InstanceType<typeof PGlite>;
  const pgOpts = PGLITE_OPTIONS;
  if (opts.memory) {
    pg = await openMemoryPglite(PGlite, opts.migrated === true);
  } else {
    const dir = resolve(opts.dataDir ?? '.regenspine');
    try {
      release = (await acquireDirLock(dir)).release;
    } catch (e) {
      if (!(e instanceof DatabaseLockedError)) throw e;
      // Held by a running server that shares it: work through its socket; otherwise the lock error stands.
      const { connectSharedDb, SOCKET_NAME } = await import('./db-share.ts');
      return connectSharedDb(join(dir, SOCKET_NAME)).catch(() => {
        throw e;
      });
    }
    try {
      const fresh = !existsSync(join(dir, 'pgdata', 'PG_VERSION'));
      usedTemplate = fresh && !opts.noTemplate && existsSync(join(EMBEDDED_TEMPLATE, 'PG_VERSION'));
      if (usedTemplate) {
        installTemplate(dir);
      } else if (fresh && embeddedSyncEnabled()) {
        // A new cluster (initdb) is written without fsync and shut down cleanly, then flushed to disk in one
        // pass; done with fsync on, PostgreSQL would fsync its ~1,000 files one by one through WASM at
        // start-up (13 s here instead of 2).
        const init = new PGlite(join(dir, 'pgdata'), pgOpts);
        try {
          await init.waitReady;
        } finally {
          await init.close().catch(() => {});
        }
        flushTree(join(dir, 'pgdata'));
      }
      if (embeddedSyncEnabled()) {
        pg = new PGlite({
          ...pgOpts,
          fs: await durableNodeFs(join(dir, 'pgdata')),
          startParams: [
            ...PGlite.defaultStartParams.filter((p) => p !== '-F'),
            ...['-c', 'fsync=on', '-c', 'synchronous_commit=on', '-c', 'wal_sync_method=fsync'],
          ],
        });
      } else {
        pg = new PGlite(join(dir, 'pgdata'), pgOpts);
      }
    } catch (e) {
      release();
      throw e;
    }
  }
  try {
    await pg.waitReady;
  } catch (e) {
    release();
    if (!usedTemplate) throw e;
    // A template this PGlite cannot start from: forget it and initialise the folder the slow way.
    rmSync(join(resolve(opts.dataDir ?? '.regenspine'), 'pgdata'), { recursive: true, force: true });
    return openPglite({ ...opts, noTemplate: true });
  }
  let sharing: import('node:net').Server | undefined;
  const db = pgliteDb(pg, { beforeClose: () => sharing?.close(), afterClose: release });
  if (opts.share && !opts.memory) {
    const { shareDb, SOCKET_NAME } = await import('./db-share.ts');
    sharing = await shareDb(db, join(resolve(opts.dataDir ?? '.regenspine'), SOCKET_NAME)).catch((e: Error) => {
      // e.g. a folder path longer than a Unix socket address allows (about 100 bytes)
      process.stderr.write(`note: CLI commands cannot share this database while it runs: ${e.message}\n`);
      return undefined;
    });
  }
  return db;
}

/**
 * Errors that mean the server, or our connection to it, is gone, as opposed to a statement that failed:
 * SQLSTATE class 08 (connection exception), 57P01–57P03 (admin shutdown, e.g. pg_terminate_backend; crash
 * shutdown; cannot connect now, e.g. starting up) and 53300 (too many connections), per the PostgreSQL manual's
 * Appendix A "PostgreSQL Error Codes"; socket errors from Node; and the messages node-postgres gives a
 * connection that ended.
 */
export function isConnectionError(e: unknown): boolean {
  if (e instanceof DatabaseUnavailableError) return true;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (/^(08...|57P0[123]|53300)$/.test(code)) return true;
    if (SOCKET_ERRORS.has(code)) return true;
  }
  const message = (e as { message?: unknown } | null)?.message;
  return (
    typeof message === 'string' &&
    /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Client was closed and is not queryable/i.test(
      message,
    )
  );
}
const SOCKET_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  // A Unix-socket DATABASE_URL while the server is down: the socket file is gone.
  'ENOENT',
]);

/**
 * A statement that only reads can be sent again after its connection dropped; one that might write cannot
 * (it may have committed before the connection died). Conservative: plain SELECT/SHOW/VALUES without
 * functions known to have effects or row locks.
 */
export function isReadOnlyStatement(sql: string): boolean {
  return (
    /^\s*(SELECT|SHOW|VALUES)\b/i.test(sql) &&
    !/\b(INSERT|UPDATE|DELETE|MERGE|nextval|setval|set_config|pg_advisory\w*|pg_terminate_backend|pg_cancel_backend|FOR\s+(NO\s+KEY\s+)?(UPDATE|SHARE)|FOR\s+KEY\s+SHARE)\b/i.test(
      sql,
    )
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function openPostgres(url: string): Promise<Db> {
  const { default: pgModule } = await import('pg');
  // Return BIGINT/NUMERIC as JS numbers for counts (they stay far below 2^53 here); DATE as text.
  pgModule.types.setTypeParser(20, (v: string) => Number.parseInt(v, 10));
  pgModule.types.setTypeParser(1700, (v: string) => Number.parseFloat(v));
  pgModule.types.setTypeParser(1082, (v: string) => v);
  const pool = new pgModule.Pool({
    connectionString: url,
    max: Number(process.env.REGENSPINE_PG_POOL ?? 10),
    // A server that does not answer (network partition, failover in progress) must not hold a request for
    // ever; TCP keep-alive finds connections whose peer vanished without a FIN.
    connectionTimeoutMillis: 5000,
    keepAlive: true,
  });
  // How long one request waits, retrying, for a server that went away (restart, failover) before it is
  // answered "unavailable" (HTTP 503 with Retry-After).
  const retryBudgetMs = Number(process.env.REGENSPINE_PG_RETRY_MS ?? 3000);
  let closing = false;
  const logLost = (e: Error) => {
    if (!closing) process.stderr.write(`PostgreSQL connection lost: ${e.message}\n`);
  };
  // An idle connection that the server drops must not crash the process: the pool discards it and opens a
  // new one on the next query.
  pool.on('error', logLost);
  const unavailable = (e: unknown, what: string) =>
    e instanceof DatabaseUnavailableError
      ? e
      : new DatabaseUnavailableError(`PostgreSQL is unavailable (${what}): ${(e as Error).message}`, { cause: e });

  /** A pooled client, waiting up to the retry budget for a server that is restarting. */
  async function checkout(deadline: number): Promise<import('pg').PoolClient> {
    for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
      try {
        return await pool.connect();
      } catch (e) {
        if (closing || !isConnectionError(e) || Date.now() + delay > deadline) throw unavailable(e, 'connect');
        await sleep(delay);
      }
    }
  }

  /**
   * Runs `fn` on a checked-out client. pg-pool removes its own 'error' listener while a client is checked out,
   * so without ours an error event between two statements (pg_terminate_backend, server restart) is
   * unhandled and ends the process (issue 11 H1). A client whose connection failed is released with the
   * error, which makes the pool destroy it instead of handing it to the next request.
   */
  async function withClient<T>(deadline: number, fn: (c: import('pg').PoolClient) => Promise<T>): Promise<T> {
    const c = await checkout(deadline);
    let broken: Error | undefined;
    const onError = (e: Error) => {
      if (!broken) logLost(e);
      broken = e;
    };
    c.on('error', onError);
    try {
      return await fn(c);
    } catch (e) {
      if (isConnectionError(e)) broken ??= e as Error;
      throw e;
    } finally {
      c.off('error', onError);
      c.release(broken ?? undefined);
    }
  }

  // Fail fast with a clear message when the server is not there.
  await withClient(Date.now(), async () => {}).catch((e: Error) => {
    void pool.end();
    throw new DatabaseUnavailableError(`cannot connect to PostgreSQL (DATABASE_URL): ${e.message}`);
  });
  return {
    kind: 'postgres',
    async query<T>(sql: string, params?: unknown[]) {
      const deadline = Date.now() + retryBudgetMs;
      for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
        try {
          const r = await withClient(deadline, (c) => c.query(sql, params));
          return { rows: r.rows as T[], affectedRows: r.rowCount ?? undefined };
        } catch (e) {
          if (!isConnectionError(e)) throw e;
          // A connect that failed sent nothing; a read can be sent again; a write may have landed.
          const retryable = e instanceof DatabaseUnavailableError || isReadOnlyStatement(sql);
          if (closing || !retryable || Date.now() + delay > deadline) throw unavailable(e, 'query');
          await sleep(delay);
        }
      }
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T> {
      const deadline = Date.now() + retryBudgetMs;
      for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
        let committing = false;
        try {
          return await withClient(deadline, async (c) => {
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
              committing = true;
              await c.query('COMMIT');
              return result;
            } catch (e) {
              await c.query('ROLLBACK').catch(() => {});
              throw e;
            }
          });
        } catch (e) {
          if (!isConnectionError(e)) throw e;
          // Lost before COMMIT was sent: the server rolled the transaction back, so running it again is
          // safe (fn's effects are its statements). Lost during COMMIT: the outcome is unknown; say so.
          if (committing)
            throw unavailable(e, 'the connection was lost during COMMIT; the change may or may not be saved');
          if (closing || Date.now() + delay > deadline) throw unavailable(e, 'transaction');
          await sleep(delay);
        }
      }
    },
    async exec(sql: string) {
      await withClient(Date.now() + retryBudgetMs, (c) => c.query(sql)).catch((e) => {
        throw isConnectionError(e) ? unavailable(e, 'exec') : e;
      });
    },
    async close() {
      closing = true;
      await pool.end();
    },
  };
}
