// In-memory databases (what most tests open) start from the build's image of an initialised, EMPTY cluster
// (MEMORY_TEMPLATE in src/store/db.ts) instead of running initdb in WASM. The image must change nothing a
// caller sees: a new in-memory database has no tables, so every migration still runs in each test that
// migrates, and two in-memory databases never share a row. (scripts/build.mjs writes the image on every build.)
// A caller that migrates at once may ask for the migrated image instead (`migrated`), which the build writes too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDb } from '../../src/store/db.ts';
import { MIGRATIONS, migrate } from '../../src/store/migrate.ts';

test('a new in-memory database is empty: no migration applied, no table', async () => {
  const db = await openDb({ memory: true });
  try {
    const tables = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
    );
    assert.equal(tables.rows[0]!.n, 0);
    await migrate(db);
    const applied = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    assert.equal(applied.rows[0]!.n, MIGRATIONS.length, 'every migration ran on the empty database');
    await db.exec("CREATE TABLE only_here (x text); INSERT INTO only_here VALUES ('a')");
  } finally {
    await db.close();
  }
  const other = await openDb({ memory: true });
  try {
    const r = await other.query<{ t: string | null }>("SELECT to_regclass('only_here')::text AS t");
    assert.equal(r.rows[0]!.t, null, 'a second in-memory database does not see the first one');
  } finally {
    await other.close();
  }
});

test('a database opened `migrated` starts with every current migration applied, and is its own', async () => {
  const db = await openDb({ memory: true, migrated: true });
  try {
    assert.deepEqual(await migrate(db), [], 'nothing left to apply');
    const applied = await db.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
    assert.deepEqual(
      applied.rows.map((r) => r.id),
      MIGRATIONS.map((m) => m.id),
    );
    await db.exec("INSERT INTO registry_site (code, name) VALUES ('ONLY-HERE', 'x')");
  } finally {
    await db.close();
  }
  const other = await openDb({ memory: true, migrated: true });
  try {
    const r = await other.query<{ n: number }>("SELECT count(*)::int AS n FROM registry_site WHERE code = 'ONLY-HERE'");
    assert.equal(r.rows[0]!.n, 0, 'a second database does not see the first one');
  } finally {
    await other.close();
  }
});
