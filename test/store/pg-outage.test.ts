// Issue 11 H1: a PostgreSQL connection that drops (pg_terminate_backend, server restart) must never end the
// Node process. Checked on a real PostgreSQL server and a real `regenspine serve` process under load:
// every acknowledged write is in the database afterwards, the server process never exits, requests made
// while the database is away are answered 503 with Retry-After, and it serves again without a restart.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DatabaseUnavailableError, type Db, openDb } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { CLI_ACTOR, createApiToken, createSite, createUser } from '../../src/store/registry-accounts.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { enrolInput } from '../registry/fixtures.ts';

const ROOT = join(import.meta.dirname, '..', '..');

let pg: TestPostgres;
before(async () => {
  // Durable settings (fsync, synchronous_commit on), as in production: with synchronous_commit off an
  // immediate shutdown loses the last commits, which is the server's choice, not the application's.
  pg = await startPostgres({ durable: true });
});
after(async () => {
  await pg?.stop();
});

async function superuser<T>(fn: (c: import('pg').Client) => Promise<T>): Promise<T> {
  const { default: pgModule } = await import('pg');
  const c = new pgModule.Client({ connectionString: pg.superuserUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe('PostgreSQL connection loss inside the store', () => {
  test('a transaction whose backend is terminated before COMMIT runs again and lands once', async () => {
    const db = await openDb({ databaseUrl: pg.url });
    try {
      await db.exec('CREATE TABLE IF NOT EXISTS outage_probe (n integer)');
      let attempts = 0;
      const result = await db.transaction(async (tx) => {
        attempts++;
        await tx.query('INSERT INTO outage_probe VALUES (1)');
        if (attempts === 1) {
          const pid = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
          await superuser((c) => c.query('SELECT pg_terminate_backend($1)', [pid]));
          // The next statement meets the dead connection ('error' event + failed query).
          await tx.query('SELECT 1');
        }
        return 'done';
      });
      assert.equal(result, 'done');
      assert.equal(attempts, 2);
      const n = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM outage_probe');
      assert.equal(n.rows[0]!.n, 1, 'the first, interrupted attempt left nothing');
    } finally {
      await db.close();
    }
  });

  test('terminated idle and busy connections: reads recover, a lost write is reported, nothing crashes', async () => {
    const db = await openDb({ databaseUrl: pg.url });
    try {
      await db.query('SELECT 1');
      await superuser((c) =>
        c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'regenspine'"),
      );
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual((await db.query<{ x: number }>('SELECT 1 AS x')).rows, [{ x: 1 }]);
      // A write whose connection dies mid-statement may or may not have landed: not retried, reported.
      await db.exec('CREATE SEQUENCE IF NOT EXISTS outage_seq');
      const busy = assert.rejects(
        db.query("SELECT pg_sleep(5) AS x, nextval('outage_seq') AS n"),
        DatabaseUnavailableError,
      );
      let terminated = 0;
      while (terminated === 0) {
        await new Promise((r) => setTimeout(r, 50));
        terminated = await superuser(
          async (c) =>
            (
              await c.query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'regenspine' AND query LIKE '%pg_sleep(5)%' AND state = 'active'",
              )
            ).rowCount ?? 0,
        );
      }
      await busy;
      // 1: the lost statement was not sent again (a retry would have taken value 1 and given us 2).
      assert.equal((await db.query<{ n: number }>("SELECT nextval('outage_seq')::int AS n")).rows[0]!.n, 1);
    } finally {
      await db.close();
    }
  });

  test('with the server down a request fails as DatabaseUnavailableError, and works again once it is back', async () => {
    const db = await openDb({ databaseUrl: pg.url });
    try {
      await migrate(db);
      const restarting = pg.restart({ downMs: 4000 });
      await new Promise((r) => setTimeout(r, 500));
      await assert.rejects(db.query('SELECT 1'), DatabaseUnavailableError);
      await restarting;
      assert.deepEqual((await db.query<{ x: number }>('SELECT 1 AS x')).rows, [{ x: 1 }]);
    } finally {
      await db.close();
    }
  });
});

describe('a real server process under load while PostgreSQL drops connections and restarts', () => {
  let server: ChildProcess;
  let base = '';
  let exits = 0;
  let token = '';
  let siteId = 0;
  let db: Db;
  let serverLog = '';

  before(async () => {
    db = await openDb({ databaseUrl: pg.url });
    await migrate(db);
    siteId = (await createSite(db, CLI_ACTOR, { code: 'OUTAGE', name: 'Outage clinic' })).id;
    await createUser(db, CLI_ACTOR, { email: 'coord@outage.example.org', role: 'coordinator', siteIds: [siteId] });
    // write scope: tokens are read-only unless asked for more (issue 11 L6)
    token = await createApiToken(db, CLI_ACTOR, 'coord@outage.example.org', {
      label: 'load',
      scopes: ['read', 'write'],
    });
    server = spawn(process.execPath, [join(ROOT, 'bin', 'regenspine.js'), 'serve', '--port', '0'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: pg.url, REGENSPINE_PG_POOL: '4', REGENSPINE_PG_RETRY_MS: '1500' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.on('exit', () => {
      exits++;
    });
    server.stderr!.on('data', (d) => {
      serverLog += String(d);
    });
    base = await new Promise<string>((resolve, reject) => {
      server.stdout!.on('data', (d) => {
        const m = /running at (http:\/\/[^/\s]+)\//.exec(String(d));
        if (m) resolve(m[1]!);
      });
      server.once('exit', (code) => reject(new Error(`server exited (${code}): ${serverLog}`)));
    });
  });
  after(async () => {
    server?.kill('SIGTERM');
    await db?.close();
  });

  test('zero process exits; every acknowledged write present; 503 + Retry-After while down; recovery', async () => {
    const acked: number[] = [];
    const statuses = new Map<number, number>();
    const retryAfter = new Set<string | null>();
    let running = true;
    const client = async () => {
      while (running) {
        let status = 0;
        try {
          const res = await fetch(`${base}/api/registry/patients`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify(enrolInput(siteId)),
          });
          status = res.status;
          const body = (await res.json()) as { id?: number };
          if (status === 201) acked.push(Number(body.id));
          if (status === 503) retryAfter.add(res.headers.get('retry-after'));
        } catch {
          status = -1; // the server did not answer at all
          await new Promise((r) => setTimeout(r, 50));
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === 503) await new Promise((r) => setTimeout(r, 50));
      }
    };
    const clients = Array.from({ length: 6 }, client);
    const ackedBefore = async (n: number) => {
      while (acked.length < n) {
        // fail, never hang, when the server answers something no outage explains (e.g. 403 for a read-only token)
        const odd = [...statuses.keys()].filter((s) => s !== 201 && s !== 503 && s !== -1);
        if (odd.length > 0) {
          running = false;
          throw new Error(`unexpected answers ${JSON.stringify(Object.fromEntries(statuses))}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await ackedBefore(20);
    // 1. Terminate the app's backends, busy ones included, three times.
    for (let round = 0; round < 3; round++) {
      await superuser((c) =>
        c.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'regenspine' AND pid <> pg_backend_pid()",
        ),
      );
      await ackedBefore(acked.length + 10);
    }
    // 2. Immediate shutdown of the whole server, down longer than the server's retry budget, then back.
    await pg.restart({ downMs: 4000 });
    const afterRestart = acked.length;
    await ackedBefore(afterRestart + 20);
    running = false;
    await Promise.all(clients);

    assert.equal(exits, 0, `the server process exited:\n${serverLog}`);
    assert.equal(server.exitCode, null);
    const seen = Object.fromEntries(statuses);
    for (const s of statuses.keys())
      assert.ok(s === 201 || s === 503, `unexpected status ${s}: ${JSON.stringify(seen)}`);
    assert.ok((statuses.get(503) ?? 0) > 0, `the outage was never answered 503: ${JSON.stringify(seen)}`);
    assert.deepEqual([...retryAfter], ['5']);
    assert.ok(acked.length > afterRestart, 'served again after the restart, without restarting the app');
    const found = await db.query<{ id: number }>('SELECT id FROM patient WHERE id = ANY($1::bigint[])', [acked]);
    assert.equal(found.rows.length, acked.length, 'an acknowledged write is missing');
    assert.equal(new Set(acked).size, acked.length);
    // Each acknowledged enrolment has its audit row (same transaction).
    const audited = await db.query<{ n: number }>(
      "SELECT count(DISTINCT entity_id)::int AS n FROM audit.audit_log WHERE entity = 'patient' AND action = 'create' AND patient_id = ANY($1::bigint[])",
      [acked],
    );
    assert.equal(audited.rows[0]!.n, acked.length);
    console.log(`acknowledged ${acked.length} writes; statuses ${JSON.stringify(seen)}; server exits ${exits}`);
  });
});
