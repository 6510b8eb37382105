// The analysis store adapter (src/store/registry-analysis.ts) on a real PostgreSQL server (Debian's, version 15)
// and on PGlite (PostgreSQL 18): the same cohort entered through the registry commands gives the same records
// on both, with the fields the analysis needs (product class, target, scores, MME, re-interventions,
// withdrawal, adverse events), scoped to the actor's sites, research consent required for analysts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AnalysisRecord } from '../../src/registry/analysis/input.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import { analysisRecords } from '../../src/store/registry-analysis.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { outcomePatient } from './analysis-fixtures.ts';
import { buildWorld, type World } from './fixtures.ts';

const TODAY = '2026-06-30';
let pg: TestPostgres;
let pgDb: Db;
let liteDb: Db;
const worlds: Record<'pg' | 'lite', World> = {} as never;

async function cohort(w: World) {
  await outcomePatient(w, 'A', { research: true, respond: true });
  await outcomePatient(w, 'A', { research: false, respond: false, reintervention: '2025-03-20' });
  await outcomePatient(w, 'A', { research: true, respond: true, withdraw: '2025-05-01' });
  await outcomePatient(w, 'B', { research: true, respond: true });
}

before(async () => {
  pg = await startPostgres();
  pgDb = await openDb({ databaseUrl: pg.url });
  liteDb = await openDb({ memory: true, migrated: true });
  worlds.pg = await buildWorld(pgDb);
  worlds.lite = await buildWorld(liteDb);
  await cohort(worlds.pg);
  await cohort(worlds.lite);
});
after(async () => {
  await pgDb?.close();
  await liteDb?.close();
  await pg?.stop();
});

describe('analysis records from the registry', () => {
  test('PostgreSQL 15 and PGlite give the same records', async () => {
    const a = await analysisRecords(pgDb, worlds.pg.actors.A.clinician, { today: TODAY });
    const b = await analysisRecords(liteDb, worlds.lite.actors.A.clinician, { today: TODAY });
    assert.equal(a.records.length, 3);
    assert.deepEqual(a, b);
  });
  test('the fields the analysis needs', async () => {
    const { access, records } = await analysisRecords(pgDb, worlds.pg.actors.A.coordinator, { today: TODAY });
    assert.equal(access, 'site');
    const [r1, r2, r3] = records as [AnalysisRecord, AnalysisRecord, AnalysisRecord];
    assert.deepEqual(
      [r1.procedure_date, r1.therapy, r1.product_class, r1.target, r1.pain_generator, r1.site],
      ['2025-01-10', 'PRP', 'PRP leukocyte-poor', 'disc', 'disc', 'SITE-A'],
    );
    assert.equal(r1.visits.length, 2);
    assert.equal(r1.visits[0]!.date, '2025-01-05');
    assert.ok(Math.abs(r1.visits[0]!.scores.ODI! - (16 / 45) * 100) < 1e-9);
    assert.equal(r1.visits[0]!.scores.NRS, 6);
    // oxycodone 5 mg twice a day = 10 mg × 1.5 (CDC 2022) = 15 MME/day; no opioids entered at 3 months: unknown
    assert.equal(r1.visits[0]!.mme_per_day, 15);
    assert.equal(r1.visits[1]!.mme_per_day, null);
    assert.deepEqual(r1.adverse_events, [{ grade: 1, serious: false, related: 'related' }]);
    assert.equal(r1.last_contact, '2025-04-11');
    assert.deepEqual(r2.events, [{ type: 'reintervention', date: '2025-03-20' }]);
    assert.equal(r3.withdrawn, '2025-05-01');
  });
  test('scoped to the actor: another site is refused, analysts see research-consented patients only', async () => {
    const w = worlds.pg;
    await assert.rejects(
      analysisRecords(pgDb, w.actors.B.clinician, { siteId: w.sites.A, today: TODAY }),
      /not a member/,
    );
    const b = await analysisRecords(pgDb, w.actors.B.clinician, { today: TODAY });
    assert.equal(b.records.length, 1);
    const an = await analysisRecords(pgDb, w.actors.A.analyst, { today: TODAY });
    assert.equal(an.access, 'deidentified');
    // patient 2 has no research consent, patient 3 withdrew registry consent: only patient 1
    assert.equal(an.records.length, 1);
  });
});
