// Issue 11 M3: the application's database role could rewrite or switch off the audit trail (security review,
// M3 table: 19 statements run as the app role). With the README's deployment recipe — `regenspine db migrate`
// as the superuser, migrations owned by an owner role, the app role owning nothing — every one of those
// statements is refused for the app role, while the same statement succeeds for the owner (so the refusal is
// the privilege, not a typo). Real PostgreSQL, real CLI process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openApp } from '../../src/app.ts';
import { migrate } from '../../src/store/migrate.ts';
import { CLI_ACTOR, createSite, createUser } from '../../src/store/registry-accounts.ts';
import { ownedBy } from '../../src/store/registry-harden.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'regenspine.js');

let pg: TestPostgres;
let suUrl = '';
let appUrl = '';
before(async () => {
  pg = await startPostgres();
  const { default: pgModule } = await import('pg');
  const c = new pgModule.Client({ connectionString: pg.superuserUrl.replace(/\/regenspine$/, '/postgres') });
  await c.connect();
  // The README recipe's roles and database (createuser / createdb as the superuser).
  await c.query('CREATE ROLE rs_owner NOLOGIN');
  await c.query("CREATE ROLE rs_app LOGIN PASSWORD 'app'");
  await c.query('CREATE DATABASE rs OWNER rs_owner');
  await c.end();
  suUrl = `postgres://postgres@127.0.0.1:${pg.port}/rs`;
  appUrl = `postgres://rs_app:app@127.0.0.1:${pg.port}/rs`;
});
after(async () => {
  await pg?.stop();
});

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The review's M3 list (docs/reference/security-review.md, "M3"), each as one statement; `then` is its second step. */
// control: who the statement works for, proving the refusal is the privilege ('none': the append-only trigger
// refuses it for every role, owner included).
const ATTACKS: { what: string; sql: string; control?: 'superuser' | 'none' }[] = [
  {
    what: 'UPDATE audit_log',
    sql: "UPDATE audit.audit_log SET reason = 'rewritten', user_id = 999",
    control: 'none',
  },
  { what: 'DELETE audit_log', sql: 'DELETE FROM audit.audit_log', control: 'none' },
  { what: 'TRUNCATE audit_log', sql: 'TRUNCATE audit.audit_log', control: 'none' },
  { what: 'session_replication_role', sql: 'SET session_replication_role = replica', control: 'superuser' },
  { what: 'disable audit_log triggers', sql: 'ALTER TABLE audit.audit_log DISABLE TRIGGER USER' },
  { what: 'drop the guard trigger', sql: 'DROP TRIGGER audit_log_no_update_delete ON audit.audit_log' },
  {
    what: 'replace the guard function',
    sql: 'CREATE OR REPLACE FUNCTION audit.audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$',
  },
  { what: 'drop audit_log', sql: 'DROP TABLE audit.audit_log' },
  { what: 'drop schema audit', sql: 'DROP SCHEMA audit CASCADE' },
  { what: 'rename audit_log away', sql: 'ALTER TABLE audit.audit_log RENAME TO audit_log_old' },
  { what: 'swap in a fake table', sql: 'CREATE TABLE audit.audit_log_fake (LIKE audit.audit_log)' },
  {
    what: 'insert a forged, back-dated row',
    sql: "INSERT INTO audit.audit_log (at, txid, user_id, via, entity, entity_id, action, reason) VALUES ('2020-01-01', 1, 2, 'ui', 'patient', '1', 'create', 'forged')",
  },
  { what: 'disable a registry audit trigger', sql: 'ALTER TABLE patient DISABLE TRIGGER patient_audit' },
  { what: 'drop a registry audit trigger', sql: 'DROP TRIGGER patient_audit ON patient' },
  { what: 'drop registry_audit() cascade', sql: 'DROP FUNCTION registry_audit() CASCADE' },
  {
    what: 'replace registry_audit() with a no-op',
    sql: 'CREATE OR REPLACE FUNCTION registry_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$',
  },
  { what: 'DDL on a clinical table', sql: 'ALTER TABLE patient ADD COLUMN shadow text' },
  { what: 'create a table', sql: 'CREATE TABLE public.shadow (x int)' },
  { what: 'drop a clinical table', sql: 'DROP TABLE prom_score CASCADE' },
];

async function attempt(url: string, sql: string, asRole?: string): Promise<Error | null> {
  const { default: pgModule } = await import('pg');
  const c = new pgModule.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('BEGIN');
    if (asRole) await c.query(`SET LOCAL ROLE ${asRole}`);
    await c.query(sql);
    return null;
  } catch (e) {
    return e as Error;
  } finally {
    await c.query('ROLLBACK').catch(() => {});
    await c.end();
  }
}

describe('PostgreSQL deployment: owner role migrates, the application role owns nothing', () => {
  test('the application role cannot migrate; `regenspine db migrate` as the superuser sets the roles up', async () => {
    // Before the owner has migrated, the app role is refused with a message that says what to run.
    const { openDb } = await import('../../src/store/db.ts');
    const early = await openDb({ databaseUrl: appUrl });
    try {
      await assert.rejects(migrate(early), /permission denied/);
    } finally {
      await early.close();
    }
    const r = cli(['db', 'migrate', '--url', suUrl, '--owner', 'rs_owner', '--app-role', 'rs_app']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /applied 001_evidence, .*005_audit_roles/);
    const again = cli(['db', 'migrate', '--url', suUrl, '--owner', 'rs_owner', '--app-role', 'rs_app']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /schema up to date/);
  });

  test('the application works as the app role; audit time, transaction and database role are set by the database', async () => {
    const app = await openApp({ databaseUrl: appUrl });
    try {
      assert.deepEqual(await ownedBy(app.db, 'rs_app'), []);
      const owned = await ownedBy(app.db, 'rs_owner');
      for (const o of ['r public.patient', 'r audit.audit_log', 'function registry_audit', 'schema audit'])
        assert.ok(owned.includes(o), `rs_owner should own ${o}: ${owned.join(', ')}`);
      const site = await createSite(app.db, CLI_ACTOR, { code: 'ROLE-A', name: 'Roles' });
      await createUser(app.db, CLI_ACTOR, { email: 'a@roles.example.org', role: 'coordinator', siteIds: [site.id] });
      const rows = await app.db.query<{ db_user: string; fresh: boolean; same_tx: boolean }>(
        `SELECT db_user, at > now() - interval '1 minute' AS fresh, txid IS NOT NULL AS same_tx FROM audit.audit_log
          WHERE entity IN ('registry_site', 'app_user') ORDER BY id`,
      );
      assert.ok(rows.rows.length >= 2);
      for (const row of rows.rows) assert.deepEqual(row, { db_user: 'rs_app', fresh: true, same_tx: true });
    } finally {
      await app.db.close();
    }
  });

  test('every statement of the review’s M3 list is refused for the app role (and works for the owner)', async () => {
    const refused: string[] = [];
    for (const a of ATTACKS) {
      if (a.control !== 'none') {
        const control =
          a.control === 'superuser' ? await attempt(suUrl, a.sql) : await attempt(suUrl, a.sql, 'rs_owner');
        assert.equal(control, null, `control: "${a.what}" should work for the owner: ${control?.message}`);
      }
      const err = await attempt(appUrl, a.sql);
      assert.ok(err, `the app role could: ${a.what}`);
      assert.match(
        String((err as { code?: string }).code),
        /^(42501|42P01)$/,
        `${a.what}: refused for another reason: ${err.message}`,
      );
      refused.push(a.what);
    }
    assert.equal(refused.length, ATTACKS.length);
  });

  test('even the owner cannot back-date an audit row: the database stamps it', async () => {
    const { default: pgModule } = await import('pg');
    const c = new pgModule.Client({ connectionString: suUrl });
    await c.connect();
    try {
      await c.query('BEGIN');
      await c.query('SET LOCAL ROLE rs_owner');
      const r = await c.query(
        "INSERT INTO audit.audit_log (at, txid, entity, entity_id, action) VALUES ('2020-01-01', 1, 'x', '1', 'create') RETURNING at > now() - interval '1 minute' AS fresh, txid = txid_current() AS tx, db_user",
      );
      assert.deepEqual(r.rows[0], { fresh: true, tx: true, db_user: 'postgres' });
    } finally {
      await c.query('ROLLBACK');
      await c.end();
    }
  });
});

test('an older single-role deployment, hardened or not, is converted by `db migrate`', async () => {
  // The earlier recipe: `createdb regenspine` owned by the app role, which migrated it itself; then harden.
  const { openDb } = await import('../../src/store/db.ts');
  const { hardenAuditTable } = await import('../../src/store/registry-harden.ts');
  const legacy = await openDb({ databaseUrl: pg.url });
  try {
    await migrate(legacy);
  } finally {
    await legacy.close();
  }
  const su = await openDb({ databaseUrl: pg.superuserUrl });
  try {
    await hardenAuditTable(su, 'regenspine');
  } finally {
    await su.close();
  }
  const r = cli(['db', 'migrate', '--url', pg.superuserUrl, '--owner', 'rs_owner', '--app-role', 'regenspine']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /handed \d+ object\(s\) of regenspine to rs_owner/);
  const app = await openApp({ databaseUrl: pg.url });
  try {
    assert.deepEqual(await ownedBy(app.db, 'regenspine'), []);
    // every unscoped-maintenance policy (registry tables, migration 008; analysis tables, 010 and 011) is the
    // owner's now, not the application role's that created it
    const policies = await app.db.query<{ tablename: string; roles: string }>(
      "SELECT tablename, roles::text FROM pg_policies WHERE policyname = 'owner_unscoped' ORDER BY tablename",
    );
    assert.ok(policies.rows.some((p) => p.tablename === 'analysis_cell'));
    assert.deepEqual(
      policies.rows.filter((p) => p.roles !== '{rs_owner}'),
      [],
    );
    await createSite(app.db, CLI_ACTOR, { code: 'LEGACY', name: 'Converted' });
    const audited = await app.db.query<{ db_user: string }>(
      "SELECT db_user FROM audit.audit_log WHERE entity = 'registry_site' ORDER BY id DESC LIMIT 1",
    );
    assert.deepEqual(audited.rows, [{ db_user: 'regenspine' }]);
  } finally {
    await app.db.close();
  }
  assert.ok(await attempt(pg.url, 'ALTER TABLE patient DISABLE TRIGGER patient_audit'));
  assert.ok(await attempt(pg.url, 'DROP FUNCTION registry_audit() CASCADE'));
});
