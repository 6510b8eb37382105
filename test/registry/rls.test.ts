// One access choke point with the database as the second lock (issue 12 item 3): row-level security on
// every site-scoped table (migration 008), keyed on the transaction-local `regenspine.site_ids` that
// src/store/tx.ts siteScoped sets. Each test copies a store query with its site WHERE dropped and runs it
// inside the scope of a site-A user: no row of site B comes back, no row of site B is changed, and no row
// can be written for site B — on embedded PGlite (a superuser session, switched to the plain role with
// SET LOCAL ROLE) and on a real PostgreSQL server (the application's owner role, FORCE ROW LEVEL SECURITY),
// plus the deployment recipe's application role, which sees no registry row at all outside a scope.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Db, openDb } from '../../src/store/db.ts';
import { SITE_SCOPED_TABLES } from '../../src/store/migrations/008_registry_rls.ts';
import { grantApplicationRole } from '../../src/store/registry-harden.ts';
import { registryFor } from '../../src/store/registry-repository.ts';
import { siteScoped } from '../../src/store/tx.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { buildWorld, enrolInput, fullPatient, type World } from './fixtures.ts';

let pg: TestPostgres;
before(async () => {
  pg = await startPostgres();
});
after(async () => {
  await pg?.stop();
});

const engines: [string, () => Promise<Db>][] = [
  ['pglite', () => openDb({ memory: true, migrated: true })],
  ['postgres', () => openDb({ databaseUrl: pg.url })],
];

for (const [engine, open] of engines) {
  describe(`row-level security on ${engine}`, () => {
    let db: Db;
    let w: World;
    let b: Awaited<ReturnType<typeof fullPatient>>;
    before(async () => {
      db = await open();
      w = await buildWorld(db);
      await fullPatient(w, 'A', { visit: true });
      b = await fullPatient(w, 'B', { visit: true });
    });
    after(async () => {
      await db?.close();
    });

    test('the patient search with its WHERE dropped still returns only site A', async () => {
      const a = w.actors.A.coordinator;
      // src/store/registry.ts searchPatients, minus "WHERE site_id = ANY($1::int[])"
      const rows = await siteScoped(db, a, null, (tx) =>
        tx.query<{ site_id: number; registry_id: string }>(
          'SELECT site_id, registry_id FROM patient ORDER BY id DESC LIMIT 1000',
        ),
      );
      assert.ok(rows.rows.length > 0);
      assert.deepEqual([...new Set(rows.rows.map((r) => Number(r.site_id)))], [w.sites.A]);
      assert.ok(!rows.rows.some((r) => r.registry_id === b.patient.registry_id));
    });

    test('every site-scoped table, unfiltered, shows only the actor’s sites', async () => {
      for (const t of SITE_SCOPED_TABLES) {
        const all = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t} WHERE site_id = $1`, [
          w.sites.B,
        ]);
        assert.ok(all.rows[0]!.n > 0, `${t}: site B has rows (seen outside a scope by the owner)`);
        const seen = await siteScoped(db, w.actors.A.clinician, null, (tx) =>
          tx.query<{ site_id: number }>(`SELECT DISTINCT site_id FROM ${t}`),
        );
        assert.deepEqual(
          seen.rows.map((r) => Number(r.site_id)),
          [w.sites.A],
          `${t}: only site A`,
        );
      }
    });

    test('an actor with no site sees no row at all', async () => {
      const none = { ...w.actors.A.coordinator, siteIds: [] };
      for (const t of SITE_SCOPED_TABLES) {
        const r = await siteScoped(db, none, null, (tx) =>
          tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`),
        );
        assert.equal(r.rows[0]!.n, 0, t);
      }
    });

    test('an UPDATE without WHERE changes only site A; an INSERT for site B is refused by the policy', async () => {
      const before = await db.query<{ version: number }>('SELECT version FROM patient WHERE id = $1', [b.patient.id]);
      await siteScoped(db, w.actors.A.clinician, 'rls test', (tx) =>
        tx.query('UPDATE patient SET version = version + 1'),
      );
      const afterB = await db.query<{ version: number }>('SELECT version FROM patient WHERE id = $1', [b.patient.id]);
      assert.equal(afterB.rows[0]!.version, before.rows[0]!.version, 'site B untouched');
      await assert.rejects(
        siteScoped(db, w.actors.A.clinician, null, (tx) =>
          tx.query(
            `INSERT INTO consent (patient_id, site_id, scope, form_version, consent_date, obtained_by)
             VALUES ($1, $2, 'research', 'v1', DATE '2025-01-02', 'x')`,
            [b.patient.id, w.sites.B],
          ),
        ),
        /row-level security/,
      );
    });

    test('the repository: another site’s record is not found (404, not 403); the actor is bound once', async () => {
      const repo = registryFor(db, w.actors.A.clinician);
      await assert.rejects(repo.getPatient(b.patient.id), (e: unknown) => (e as { status?: number }).status === 404);
      await assert.rejects(
        repo.acknowledgeAdverseEvent(b.aeId, 1),
        (e: unknown) => (e as { status?: number }).status === 404,
      );
      assert.equal(repo.can('ae:acknowledge'), true);
      assert.equal(registryFor(db, w.actors.A.coordinator).can('ae:acknowledge'), false);
    });

    test('through the store, a non-serious adverse event cannot be acknowledged (422)', async () => {
      const repo = registryFor(db, w.actors.A.clinician);
      const p = await repo.enrolPatient(enrolInput(w.sites.A));
      const ae = await repo.reportAdverseEvent(p.id, { term: 'Pain flare', onset_date: '2025-01-12', grade: 1 });
      assert.equal(ae.serious, false);
      await assert.rejects(
        repo.acknowledgeAdverseEvent(ae.id, ae.version),
        (e: unknown) => (e as { status?: number }).status === 422,
      );
    });

    test('the de-identified export groups ages ≥ 90 (Safe Harbor, docs/reference/interoperability.md §5)', async () => {
      const clin = w.actors.A.clinician;
      const today = '2026-06-01';
      const ages: string[] = [];
      for (const yob of [1936, 1937]) {
        const repo = registryFor(db, clin);
        const p = await repo.enrolPatient({ ...enrolInput(w.sites.A), year_of_birth: yob });
        for (const scope of ['registry', 'research'])
          await repo.recordConsent(
            p.id,
            { scope, form_version: 'v2', consent_date: '2025-01-02', obtained_by: 'c' },
            today,
          );
        await repo.submitFollowUp(
          p.id,
          { timepoint: 'baseline', visit_date: '2025-01-05', proms: { NRS: { value: 5 } } },
          undefined,
          today,
        );
        const rows = await registryFor(db, w.actors.A.analyst).deidentifiedOutcomes({ today });
        ages.push(...new Set(rows.filter((r) => r.instrument === 'NRS').map((r) => r.age_now)));
      }
      // 2026 − 1936 = 90 → grouped; 2026 − 1937 = 89 → shown (the second export holds both patients)
      assert.ok(ages.includes('90 or older'), ages.join());
      assert.ok(ages.includes('89'), ages.join());
      assert.ok(!ages.includes('90'));
    });
  });
}

describe('row-level security for the deployment recipe’s application role (PostgreSQL)', () => {
  test('outside a scope the application role sees no registry row; inside, only its actor’s sites', async () => {
    const su = await openDb({ databaseUrl: pg.superuserUrl });
    await su.exec(
      "DO $$ BEGIN CREATE ROLE rls_app LOGIN PASSWORD 'app'; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
    );
    await su.exec('CREATE DATABASE rls_split OWNER regenspine');
    await su.close();
    const owner = await openDb({ databaseUrl: pg.url.replace(/\/regenspine$/, '/rls_split') });
    const w = await buildWorld(owner);
    await fullPatient(w, 'A');
    await fullPatient(w, 'B');
    await grantApplicationRole(owner, 'rls_app');
    const app = await openDb({
      databaseUrl: pg.url.replace('regenspine:regenspine@', 'rls_app:app@').replace(/\/regenspine$/, '/rls_split'),
    });
    try {
      for (const t of SITE_SCOPED_TABLES) {
        const count = await app.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`);
        assert.equal(count.rows[0]!.n, 0, `${t}: nothing outside a scope`);
      }
      const seen = await siteScoped(app, w.actors.A.coordinator, null, (tx) =>
        tx.query<{ site_id: number }>('SELECT DISTINCT site_id FROM patient'),
      );
      assert.deepEqual(
        seen.rows.map((r) => Number(r.site_id)),
        [w.sites.A],
      );
      const detail = await registryFor(app, w.actors.A.coordinator).searchPatients({});
      assert.ok(detail.patients.length > 0 && detail.patients.every((p) => Number(p.site_id) === w.sites.A));
    } finally {
      await app.close();
      await owner.close();
    }
  });
});
