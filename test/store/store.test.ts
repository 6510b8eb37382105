// The evidence store on both engines: embedded PGlite and a real PostgreSQL server started here.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { readValidStudies } from '../../src/app.ts';
import type { Study } from '../../src/domain/evidence.ts';
import { getStudy, listStudies, loadEvidence } from '../../src/store/evidence.ts';
import { MIGRATIONS, migrate } from '../../src/store/migrate.ts';
import { bothEngines } from '../helpers/engines.ts';

let studies: Study[];

before(async () => {
  studies = await readValidStudies();
});

const engines = bothEngines();

for (const [name, open] of engines) {
  describe(`evidence store on ${name}`, () => {
    test('migrations apply once; a second run applies nothing', async () => {
      const db = await open();
      try {
        const first = await migrate(db);
        const second = await migrate(db);
        assert.ok(second.length === 0, `second migrate applied ${second.join(',')}`);
        // The first test of each engine runs on a fresh database: every migration, in order.
        assert.deepEqual(
          first,
          MIGRATIONS.map((m) => m.id),
        );
        const t = await db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'study'",
        );
        assert.equal(t.rows[0]!.n, 1);
      } finally {
        await db.close();
      }
    });

    test('transaction settings arrive intact, whatever their characters (no injection)', async () => {
      const db = await open();
      try {
        const reason = "it's a \\ test'); DROP TABLE study; -- ünïcode";
        const got = await db.transaction(
          async (tx) =>
            (
              await tx.query<{ r: string; u: string }>(
                "SELECT current_setting('regenspine.reason', true) AS r, current_setting('regenspine.user_id', true) AS u",
              )
            ).rows[0]!,
          { settings: { 'regenspine.reason': reason, 'regenspine.user_id': '42' } },
        );
        assert.deepEqual(got, { r: reason, u: '42' });
        // transaction-local: gone afterwards
        const after = await db.query<{ r: string | null }>("SELECT current_setting('regenspine.reason', true) AS r");
        assert.ok(!after.rows[0]!.r);
      } finally {
        await db.close();
      }
    });

    test('loading is idempotent, an edit updates one study, a removal deletes it', async () => {
      const db = await open();
      try {
        await migrate(db);
        await db.query('DELETE FROM study');
        const r1 = await loadEvidence(db, studies);
        assert.equal(r1.inserted.length, studies.length);
        const r2 = await loadEvidence(db, studies);
        assert.deepEqual(r2, { inserted: [], updated: [], deleted: [], unchanged: studies.length });
        const edited = structuredClone(studies);
        edited[0]!.summary = 'edited summary';
        const r3 = await loadEvidence(db, edited);
        assert.deepEqual(r3.updated, [edited[0]!.id]);
        assert.equal((await getStudy(db, edited[0]!.id))!.summary, 'edited summary');
        const r4 = await loadEvidence(db, edited.slice(1));
        assert.deepEqual(r4.deleted, [edited[0]!.id]);
        assert.equal(await getStudy(db, edited[0]!.id), null);
        // Round trip: what comes out is what went in.
        const back = await listStudies(db);
        assert.deepEqual(
          back,
          [...edited.slice(1)].sort((a, b) => a.id.localeCompare(b.id)),
        );
        // Flattened tables agree with the documents.
        const outcomes = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM study_outcome');
        assert.equal(
          outcomes.rows[0]!.n,
          edited.slice(1).reduce((a, s) => a + s.outcomes.length, 0),
        );
        const findings = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM study_finding');
        assert.equal(
          findings.rows[0]!.n,
          edited.slice(1).reduce((a, s) => a + s.findings.length, 0),
        );
        // seed-000 L460–461: at 1 month the triamcinolone control had lower VAS than LR-PRP (Ruiz-Lopez)
        const ruiz = await db.query<{ favours: string; timepoint_value: number; timepoint_unit: string }>(
          "SELECT favours, timepoint_value, timepoint_unit FROM study_finding WHERE study_id = 'ruiz-lopez-2020' ORDER BY ordinal LIMIT 1",
        );
        assert.deepEqual(ruiz.rows[0], { favours: 'triamcinolone', timepoint_value: 1, timepoint_unit: 'months' });
        // Derived arm sizes are marked (Amirdelfan 3:3:2:2 of 100).
        const derived = await db.query<{ arm_id: string; n: number }>(
          "SELECT arm_id, n FROM study_arm WHERE study_id = 'amirdelfan-2021' AND n_derived ORDER BY arm_id",
        );
        assert.deepEqual(
          derived.rows.map((r) => [r.arm_id, r.n]),
          [
            ['ha', 20],
            ['mpc-18m', 30],
            ['mpc-6m', 30],
            ['saline', 20],
          ],
        );
      } finally {
        await db.close();
      }
    });

    test('a load that fails half-way leaves the previous state intact', async () => {
      const db = await open();
      try {
        await migrate(db);
        await db.query('DELETE FROM study');
        await loadEvidence(db, studies);
        const broken = structuredClone(studies);
        broken[0]!.summary = 'changed first';
        // The last study violates a database constraint, so the transaction fails after earlier writes.
        const last = broken[broken.length - 1]!;
        last.arms = [
          {
            id: 'x',
            label: 'x',
            role: 'placebo' as never,
            therapies: ['saline'],
            n: { value: 1, provenance: { document: 'd', locator: 'l', quote: 'q' } },
            intervention: 'x',
          },
        ];
        last.summary = 'changed last';
        await assert.rejects(loadEvidence(db, broken));
        const after = await listStudies(db);
        assert.deepEqual(
          after,
          [...studies].sort((a, b) => a.id.localeCompare(b.id)),
        );
      } finally {
        await db.close();
      }
    });
  });
}
