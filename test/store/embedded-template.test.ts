// A first start in an empty folder copies the build's migrated cluster (EMBEDDED_TEMPLATE in src/store/db.ts).
// Issue 11 §2: first start < 3 s; creating the template's files was most of it, so the template holds only the
// database PGlite uses (no template0/template1: 542 files instead of 1,142). The copy goes to pgdata.partial and
// is renamed when it is on disk, so an interrupted first start never leaves a folder that looks initialised.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { EMBEDDED_TEMPLATE, openDb } from '../../src/store/db.ts';
import { MIGRATIONS } from '../../src/store/migrate.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const emptyFolder = () => {
  const d = mkdtempSync(join(tmpdir(), 'regenspine-first-'));
  dirs.push(d);
  return join(d, 'data');
};

test('the build has a template, and it holds one database', () => {
  assert.ok(
    existsSync(join(EMBEDDED_TEMPLATE, 'PG_VERSION')),
    `no template at ${EMBEDDED_TEMPLATE}: run npm run build`,
  );
  assert.equal(
    readdirSync(join(EMBEDDED_TEMPLATE, 'base')).length,
    1,
    'only the postgres database (template0/1 dropped)',
  );
});

test('a first start copies the migrated template: only the postgres database, a private folder, nothing partial', async () => {
  const dir = emptyFolder();
  const db = await openDb({ dataDir: dir });
  try {
    const dbs = await db.query<{ datname: string }>('SELECT datname FROM pg_database ORDER BY datname');
    assert.deepEqual(
      dbs.rows.map((r) => r.datname),
      ['postgres'],
    );
    const applied = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    assert.equal(applied.rows[0]!.n, MIGRATIONS.length);
    await db.exec('CREATE TABLE first_start_probe (n integer); INSERT INTO first_start_probe VALUES (1)');
  } finally {
    await db.close();
  }
  assert.deepEqual(
    readdirSync(dir).filter((n) => n.startsWith('pgdata')),
    ['pgdata'],
  );
  assert.equal(statSync(join(dir, 'pgdata')).mode & 0o777, 0o700);
  const again = await openDb({ dataDir: dir });
  try {
    const r = await again.query<{ n: number }>('SELECT n FROM first_start_probe');
    assert.deepEqual(r.rows, [{ n: 1 }]);
  } finally {
    await again.close();
  }
});

test('a copy interrupted before its rename is not taken for a cluster: the next start copies again', async () => {
  const dir = emptyFolder();
  // what a first start killed mid-copy leaves: a partial cluster, PG_VERSION included, under pgdata.partial
  mkdirSync(join(dir, 'pgdata.partial', 'base'), { recursive: true });
  writeFileSync(join(dir, 'pgdata.partial', 'PG_VERSION'), '18\n');
  const db = await openDb({ dataDir: dir });
  try {
    const applied = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    assert.equal(applied.rows[0]!.n, MIGRATIONS.length);
  } finally {
    await db.close();
  }
  assert.deepEqual(
    readdirSync(dir).filter((n) => n.startsWith('pgdata')),
    ['pgdata'],
  );
});
