// Starts a real PostgreSQL server (Debian's `postgresql` package) for the tests that need one, in a
// temporary folder on a free port, and stops it afterwards. No mocks: a user meets the real server.
// If the server cannot be started the calling test FAILS (it is never silently skipped); .ci/run installs
// the package.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPostgres {
  url: string;
  /** URL of a connection as the PostgreSQL superuser of the test cluster. */
  superuserUrl: string;
  /** The application role's URL over the server's Unix socket (no TCP: what a same-host deployment uses). */
  socketUrl: string;
  port: number;
  /**
   * Stops the server (immediate shutdown: SIGQUIT, as after a crash, so the restart runs crash recovery),
   * keeps it down for `downMs`, and starts it again on the same port and data folder.
   */
  restart(opts?: { downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

function findBin(): string {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(base, versions[0], 'bin');
  }
  throw new Error(
    'PostgreSQL server binaries not found under /usr/lib/postgresql: apt-get install postgresql (.ci/run does)',
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** initdb and postgres refuse to run as root: run them as the `postgres` system user then. */
function asServerUser(cmd: string, args: string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

export interface StartOptions {
  /** Keep fsync and synchronous_commit on (benchmarks of durable writes); tests run faster without. */
  durable?: boolean;
  /** Further server settings, e.g. ['shared_buffers=256MB']. */
  settings?: string[];
}

export async function startPostgres(opts: StartOptions = {}): Promise<TestPostgres> {
  const bin = findBin();
  const dir = mkdtempSync(join(tmpdir(), 'regenspine-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  if (isRoot()) execFileSync('chown', ['postgres', dir]);
  const [initCmd, initArgs] = asServerUser(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    ...(opts.durable ? [] : ['--no-sync']),
    '-E',
    'UTF8',
  ]);
  const settings = [
    ...(opts.durable
      ? ['fsync=on', 'synchronous_commit=on']
      : ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off']),
    'max_connections=200',
    ...(opts.settings ?? []),
  ];
  execFileSync(initCmd, initArgs, { stdio: 'pipe' });
  const port = await freePort();
  const [cmd, args] = asServerUser(join(bin, 'postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-h',
    '127.0.0.1',
    ...settings.flatMap((x) => ['-c', x]),
  ]);
  let log = '';
  const launch = () => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    p.stderr.on('data', (d) => {
      log += String(d);
    });
    return p;
  };
  let proc = launch();
  const superuserUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const { default: pg } = await import('pg');
  const deadline = Date.now() + 20_000;
  for (;;) {
    const c = new pg.Client({ connectionString: superuserUrl });
    try {
      await c.connect();
      // The application connects as an ordinary role that owns its database (not a superuser), as in
      // production, so tests see the same permissions.
      await c.query("CREATE ROLE regenspine LOGIN PASSWORD 'regenspine'");
      await c.query('CREATE DATABASE regenspine OWNER regenspine');
      await c.end();
      break;
    } catch (e) {
      await c.end().catch(() => {});
      if (Date.now() > deadline || proc.exitCode !== null) {
        proc.kill('SIGKILL');
        throw new Error(`PostgreSQL did not start: ${(e as Error).message}\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  return {
    url: `postgres://regenspine:regenspine@127.0.0.1:${port}/regenspine`,
    socketUrl: `postgres://regenspine:regenspine@/regenspine?host=${encodeURIComponent(dir)}&port=${port}`,
    superuserUrl: `postgres://postgres@127.0.0.1:${port}/regenspine`,
    port,
    async restart(opts = {}) {
      await signalPostmaster('SIGQUIT');
      await new Promise((r) => setTimeout(r, opts.downMs ?? 0));
      proc.stderr.destroy();
      proc = launch();
      const { default: pg } = await import('pg');
      const until = Date.now() + 20_000;
      for (;;) {
        const c = new pg.Client({ connectionString: superuserUrl });
        try {
          await c.connect();
          await c.end();
          return;
        } catch (e) {
          await c.end().catch(() => {});
          if (Date.now() > until || proc.exitCode !== null) throw new Error(`PostgreSQL did not restart: ${e}\n${log}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
    async stop() {
      await signalPostmaster('SIGINT');
      if (proc.exitCode === null) proc.kill('SIGKILL');
      proc.stderr.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };

  /** Signals the postmaster itself (runuser does not forward signals) and waits until it has exited. */
  async function signalPostmaster(signal: 'SIGINT' | 'SIGQUIT') {
    {
      // SIGINT = fast shutdown; SIGQUIT = immediate shutdown (no checkpoint; crash recovery at next start).
      const pidFile = join(data, 'postmaster.pid');
      const pid = existsSync(pidFile)
        ? Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10)
        : Number.NaN;
      const alive = (p: number) => {
        try {
          process.kill(p, 0);
          return true;
        } catch {
          return false;
        }
      };
      if (Number.isFinite(pid)) {
        process.kill(pid, signal);
        const deadline = Date.now() + 10_000;
        while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        if (alive(pid)) process.kill(pid, 'SIGKILL');
        for (let i = 0; i < 250 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
      }
    }
  }
}
