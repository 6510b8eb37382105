// The outcomes analysis on stored facts (migration 010, src/store/registry-analysis-facts.ts) against the
// pure in-memory analysis of the same records (src/registry/analysis analyze — the `regenspine analyze`
// path): a randomized two-site cohort (seeded, 100 patients) on PGlite and on a real PostgreSQL server must
// give identical analyses — overall, by strata, filtered, de-identified network-wide for an analyst — after
// the first build, after edits through the registry commands (the triggers mark the patients, the refresh
// recomputes them), after a withdrawal, and after a settings change (a new plan key rebuilds the facts).
// And the facts obey row-level security: another site's facts are invisible with the WHERE dropped.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_ANALYSIS_CONFIG, parseAnalysisConfig } from '../../src/registry/analysis/config.ts';
import { analysisPlan } from '../../src/registry/analysis/facts.ts';
import { analyze } from '../../src/registry/analysis/index.ts';
import type { Stratum } from '../../src/registry/analysis/strata.ts';
import { filterRecords } from '../../src/registry/analysis/strata.ts';
import type { Actor } from '../../src/registry/policy.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import * as R from '../../src/store/registry.ts';
import { analysisRecords } from '../../src/store/registry-analysis.ts';
import { refreshFacts, registryAnalysis } from '../../src/store/registry-analysis-facts.ts';
import { siteScoped } from '../../src/store/tx.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { ODI_BETTER, outcomePatient } from './analysis-fixtures.ts';
import { buildWorld, type World } from './fixtures.ts';

const TODAY = '2026-06-30';
const PER_SITE = { A: 70, B: 30 };

/** mulberry32: a small seeded generator, so the cohort is random but the same on every run. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random cohort loaded straight into the tables (as a data load: triggers off, like the bench), so the
 * first analysis builds every fact. Dates, scores, missing visits, out-of-window visits, MME, re-
 * interventions, adverse events, research consent and registry withdrawal all vary.
 */
async function loadRandom(db: Db, siteId: number, n: number, seed: number) {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  await db.transaction(async (tx) => {
    await tx.query("SET LOCAL session_replication_role = 'replica'");
    for (let i = 0; i < n; i++) {
      const day = Math.floor(r() * 900);
      const proc = new Date(Date.UTC(2023, 6, 1) + day * 86_400_000).toISOString().slice(0, 10);
      const p = await tx.query<{ id: number }>(
        `INSERT INTO patient (site_id, registry_id, year_of_birth, sex, smoking, pain_duration_months, prior_treatments, pain_generators,
           pain_generator_group, baseline_opioid_use, eligibility, eligible, index_procedure_date, status, status_date)
         VALUES ($1, $2, 1960, 'female', 'never', 24, '{}', '{disc}', $3, $4,
           '{"eligible": true, "reasons": [], "answers": {}, "config_version": "t"}', true, $5, $6, $7) RETURNING id`,
        [
          siteId,
          `R-${seed}-${i}`,
          pick(['disc', 'facet', 'sacroiliac']),
          r() < 0.5,
          proc,
          ...(r() < 0.05 ? ['withdrawn', '2025-06-01'] : ['active', null]),
        ],
      );
      const pid = Number(p.rows[0]!.id);
      const therapy = pick(['PRP', 'BMC', 'MSC']);
      const pr = await tx.query<{ id: number }>(
        `INSERT INTO procedure (patient_id, site_id, procedure_date, operator, therapy, product, characterization, product_warnings,
           targets, image_guidance, injectate_volume_ml, adjuncts)
         VALUES ($1, $2, $3, 'x', $4, $5, $6, '{}', $7, 'fluoroscopy', 3, '{}') RETURNING id`,
        [
          pid,
          siteId,
          proc,
          therapy,
          JSON.stringify(pick([{ source: 'bone-marrow' }, { source: 'adipose' }, {}])),
          JSON.stringify(
            pick([{ leukocytes: { value: 'leukocyte-poor' } }, { leukocytes: { value: 'leukocyte-rich' } }, {}]),
          ),
          JSON.stringify(pick([[{ structure: 'disc' }], [{ structure: 'facet' }, { structure: 'disc' }], []])),
        ],
      );
      await tx.query('UPDATE patient SET index_procedure_id = $1 WHERE id = $2', [pr.rows[0]!.id, pid]);
      await tx.query(
        `INSERT INTO consent (patient_id, site_id, scope, form_version, consent_date, obtained_by, withdrawn_date, withdrawal_reason)
         VALUES ($1, $2, 'registry', 'v', DATE '2023-01-01', 'x', $3::date, CASE WHEN $3::date IS NOT NULL THEN 'left' END)`,
        [pid, siteId, r() < 0.1 ? pick(['2024-03-01', '2025-02-01', '2026-09-01']) : null],
      );
      const research = pick(['2023-01-01', '2026-01-01', '2026-12-01']);
      if (r() < 0.7)
        await tx.query(
          `INSERT INTO consent (patient_id, site_id, scope, form_version, consent_date, obtained_by, withdrawn_date, withdrawal_reason)
           VALUES ($1, $2, 'research', 'v', $3, 'x', $4::date, CASE WHEN $4::date IS NOT NULL THEN 'left' END)`,
          [pid, siteId, research, research < '2026-03-01' && r() < 0.15 ? '2026-03-01' : null],
        );
      for (const [key, months] of [
        ['baseline', 0],
        ['1m', 1],
        ['3m', 3],
        ['6m', 6],
        ['12m', 12],
        ['24m', 24],
      ] as const) {
        if (months > 0 && r() < 0.25) continue; // missed
        const offset = months === 0 ? -Math.floor(r() * 10) : Math.floor(r() * 60) - 25; // some out of window
        const v = await tx.query<{ id: number }>(
          `INSERT INTO followup_visit (patient_id, site_id, timepoint, visit_date, mme_per_day, reintervention, schedule_config_version)
           VALUES ($1, $2, $3, ($4::date + $5::int * interval '1 month')::date + $6::int, $7, $8, 't') RETURNING id`,
          [
            pid,
            siteId,
            key,
            proc,
            months,
            offset,
            r() < 0.3 ? null : pick([0, 0, 15, 30, 45.5]),
            months === 6 && r() < 0.1 ? JSON.stringify({ occurred: true, date: proc }) : null,
          ],
        );
        for (const inst of ['ODI', 'NRS'])
          if (r() < 0.85)
            await tx.query(
              `INSERT INTO prom_score (visit_id, patient_id, site_id, instrument, instrument_version, config_version, input, result, score)
               VALUES ($1, $2, $3, $4, 't', 't', '{}', '{}', $5)`,
              [v.rows[0]!.id, pid, siteId, inst, inst === 'ODI' ? Math.floor(r() * 51) * 2 : Math.floor(r() * 11)],
            );
      }
      if (r() < 0.2)
        await tx.query(
          `INSERT INTO adverse_event (patient_id, site_id, term, onset_date, grade, ctcae_version, seriousness_criteria, serious,
             attribution_procedure, action)
           VALUES ($1, $2, 'Pain flare', $3::date + 3, $4, '5.0', '{}', $5, $6, 'none')`,
          [pid, siteId, proc, 1 + Math.floor(r() * 5), r() < 0.2, pick(['possible', 'unrelated', null])],
        );
    }
  });
}

/** The records the in-memory path analyses: read once per check (records of these sites, research-filtered for analysts). */
async function recordsOf(db: Db, actor: Actor, siteIds: number[]) {
  return analysisRecords(db, { ...actor, siteIds }, { today: TODAY });
}

function pure(
  { records, access }: Awaited<ReturnType<typeof recordsOf>>,
  q: Query,
  analysis = DEFAULT_ANALYSIS_CONFIG,
) {
  return analyze(filterRecords(records, q.where ?? {}), {
    asOf: q.asOf,
    by: q.by ?? [],
    deidentified: access === 'deidentified',
    analysis,
  });
}

interface Query {
  asOf: string;
  by?: Stratum[];
  where?: Partial<Record<Stratum, string>>;
}

const QUERIES: Query[] = [
  { asOf: TODAY },
  { asOf: '2025-03-31' },
  { asOf: TODAY, by: ['therapy'] },
  { asOf: TODAY, by: ['product_class', 'target'] },
  { asOf: TODAY, by: ['pain_generator'], where: { therapy: 'PRP' } },
  { asOf: TODAY, by: ['site'] },
];

let pg: TestPostgres;
before(async () => {
  pg = await startPostgres();
});
after(async () => {
  await pg?.stop();
});

/** The database, and a connection that may load data with triggers off (PGlite's session is a superuser). */
const engines: [string, () => Promise<{ db: Db; loader: Db }>][] = [
  [
    'pglite',
    async () => {
      const db = await openDb({ memory: true, migrated: true });
      return { db, loader: db };
    },
  ],
  [
    'postgres',
    async () => ({ db: await openDb({ databaseUrl: pg.url }), loader: await openDb({ databaseUrl: pg.superuserUrl }) }),
  ],
];

for (const [engine, open] of engines) {
  describe(`analysis on stored facts, ${engine}`, () => {
    let db: Db;
    let loader: Db;
    let w: World;
    before(async () => {
      ({ db, loader } = await open());
      w = await buildWorld(db);
      await loadRandom(loader, w.sites.A, PER_SITE.A, 13);
      await loadRandom(loader, w.sites.B, PER_SITE.B, 14);
    });
    after(async () => {
      if (loader !== db) await loader?.close();
      await db?.close();
    });

    async function same(label: string, analysis = DEFAULT_ANALYSIS_CONFIG) {
      const plan = analysisPlan({ analysis });
      const { A, B } = w.sites;
      const clinicianRecords = await recordsOf(db, w.actors.A.clinician, [A]);
      const analystRecords = await recordsOf(db, w.actors.A.analyst, [A, B]);
      for (const q of QUERIES) {
        const c = w.actors.A.clinician;
        const got = await registryAnalysis(db, c, { ...q, today: TODAY, plan });
        const want = pure(clinicianRecords, q, analysis);
        assert.deepStrictEqual(
          { by: got.by, overall: got.overall, groups: got.groups },
          want,
          `${label}: clinician ${JSON.stringify(q)}`,
        );
        // analysts: every site, de-identified (research use allowed today), small cells suppressed
        const an = w.actors.A.analyst;
        const gotAn = await registryAnalysis(db, an, { ...q, today: TODAY, plan });
        const wantAn = pure(analystRecords, q, analysis);
        assert.equal(gotAn.access, 'deidentified');
        assert.deepEqual(gotAn.sites, [A, B]);
        assert.deepStrictEqual(
          { by: gotAn.by, overall: gotAn.overall, groups: gotAn.groups },
          wantAn,
          `${label}: analyst ${JSON.stringify(q)}`,
        );
      }
      // the filter menus: every value of each stratum in the unfiltered data
      const sv = await registryAnalysis(db, w.actors.A.clinician, { asOf: TODAY, today: TODAY, plan });
      const therapies = [...new Set(clinicianRecords.records.map((r) => r.therapy))].sort();
      assert.deepEqual(sv.strata_values.therapy, therapies);
      assert.deepEqual(sv.strata_values.site, ['SITE-A']);
    }

    test('the first analysis builds the facts and equals the in-memory analysis', async () => {
      const built = await refreshFacts(db, w.actors.A.clinician, [w.sites.A, w.sites.B]);
      assert.deepEqual(built.rebuiltSites, [w.sites.A, w.sites.B]);
      assert.equal(built.patients, PER_SITE.A + PER_SITE.B);
      const again = await refreshFacts(db, w.actors.A.clinician, [w.sites.A, w.sites.B]);
      assert.deepEqual(again, { rebuiltSites: [], patients: 0 }, 'nothing to do when current');
      await same('first build');
      const a = await registryAnalysis(db, w.actors.A.clinician, { asOf: TODAY, today: TODAY });
      assert.equal(a.overall.patients, PER_SITE.A);
      assert.ok(a.overall.responders.length > 0 && a.overall.responders.some((r) => (r.responders ?? 0) > 0));
    });

    test('edits through the registry commands are picked up (marked by the triggers, recomputed)', async () => {
      const c = w.actors.A.clinician;
      // a new patient, a late visit for an existing one, an adverse event, a withdrawal
      await outcomePatient(w, 'A', { research: true, respond: true });
      const ids = await siteScoped(db, c, null, (tx) =>
        tx.query<{ id: number }>('SELECT id FROM patient WHERE site_id = $1 ORDER BY id LIMIT 5', [w.sites.A]),
      );
      const [p1, p2, p3] = ids.rows.map((r) => Number(r.id));
      const dirtyBefore = await siteScoped(db, c, null, (tx) =>
        tx.query<{ n: number }>('SELECT count(*)::int AS n FROM analysis_dirty'),
      );
      assert.ok(dirtyBefore.rows[0]!.n >= 1, 'the new patient is marked');
      await R.reportAdverseEvent(db, c, p1!, { term: 'Headache', onset_date: '2026-05-01', grade: 3 });
      const v = await siteScoped(db, c, null, (tx) =>
        tx.query<{ id: number }>("SELECT id FROM followup_visit WHERE patient_id = $1 AND timepoint = '12m'", [p2]),
      );
      if (v.rows.length === 0)
        await R.submitFollowUp(db, c, p2!, {
          timepoint: '12m',
          visit_date: '2026-06-01',
          proms: { ODI: { answers: ODI_BETTER }, NRS: { value: 1 } },
        });
      const reg = (
        await siteScoped(db, c, null, (tx) =>
          tx.query<{ id: number; version: number }>(
            "SELECT id, version FROM consent WHERE patient_id = $1 AND scope = 'registry' AND withdrawn_date IS NULL",
            [p3],
          ),
        )
      ).rows[0];
      if (reg)
        await R.withdrawConsent(db, c, Number(reg.id), {
          version: reg.version,
          withdrawn_date: '2025-01-15',
          reason: 'patient left the registry',
        });
      const r1 = await refreshFacts(db, c, [w.sites.A]);
      assert.deepEqual(r1.rebuiltSites, []);
      assert.ok(r1.patients >= 2 && r1.patients <= 4, `only the marked patients are recomputed (${r1.patients})`);
      await same('after edits');
      // the pre-counted cells (migration 011), kept by subtracting and adding the recomputed patients, are
      // what counting the site's facts afresh gives; none is left at zero or below
      const cells = () =>
        siteScoped(db, c, null, async (tx) =>
          (
            await tx.query(
              `SELECT therapy, product_class, target, pain_generator, part::text, i1, i2, i3, b1, close_date::text, x, y, n::int, m::int
               FROM analysis_cell WHERE site_id = $1 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12`,
              [w.sites.A],
            )
          ).rows.map((r) => JSON.stringify(r)),
        );
      const kept = await cells();
      assert.ok(kept.length > 0);
      assert.ok(
        kept.every((r) => JSON.parse(r).n > 0),
        'no empty or negative cell',
      );
      await loader.query('DELETE FROM analysis_fact_site WHERE site_id = $1', [w.sites.A]);
      assert.deepEqual((await refreshFacts(db, c, [w.sites.A])).rebuiltSites, [w.sites.A]);
      assert.deepEqual(await cells(), kept);
    });

    test('a settings change gives a new key: the facts are rebuilt and the analysis follows', async () => {
      const changed = parseAnalysisConfig({
        ...DEFAULT_ANALYSIS_CONFIG,
        version: `${DEFAULT_ANALYSIS_CONFIG.version}-test`,
        responderOverrides: { ...DEFAULT_ANALYSIS_CONFIG.responderOverrides, value: { ODI: { absolute: 30 } } },
      });
      const plan = analysisPlan({ analysis: changed });
      assert.notEqual(plan.key, analysisPlan().key);
      const r = await refreshFacts(db, w.actors.A.clinician, [w.sites.A], plan);
      assert.deepEqual(r.rebuiltSites, [w.sites.A]);
      await same('changed settings', changed);
      const before = await registryAnalysis(db, w.actors.A.clinician, { asOf: TODAY, today: TODAY });
      const after = await registryAnalysis(db, w.actors.A.clinician, { asOf: TODAY, today: TODAY, plan });
      const odi = (a: typeof before) =>
        a.overall.responders.find((x) => x.instrument === 'ODI' && x.timepoint_months === 12)!;
      assert.ok(
        odi(after).responders! < odi(before).responders!,
        'a 30-point rule has fewer responders than 10 points',
      );
      await same('back to the default settings');
    });

    test('row-level security: another site’s facts are invisible with the WHERE dropped', async () => {
      const c = w.actors.A.clinician;
      for (const t of [
        'analysis_fact',
        'analysis_fact_point',
        'analysis_dirty',
        'analysis_fact_site',
        'analysis_cell',
      ]) {
        const all = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t} WHERE site_id = $1`, [
          w.sites.B,
        ]);
        if (t !== 'analysis_dirty') assert.ok(all.rows[0]!.n > 0, `${t}: site B has rows`);
        // src/store/registry-analysis-facts.ts's aggregation minus "WHERE site_id = ANY($1)"
        const seen = await siteScoped(db, c, null, (tx) =>
          tx.query<{ site_id: number }>(`SELECT DISTINCT site_id FROM ${t}`),
        );
        assert.ok(
          seen.rows.every((r) => Number(r.site_id) === w.sites.A),
          `${t}: only site A (${JSON.stringify(seen.rows)})`,
        );
      }
      // a clinician may not write another site's facts either
      await assert.rejects(
        siteScoped(db, c, null, (tx) =>
          tx.query(
            `INSERT INTO analysis_fact (patient_id, config_id, site_id, km_days, km_event, research)
             SELECT 999999, id, $1, 0, false, '{}' FROM analysis_config LIMIT 1`,
            [w.sites.B],
          ),
        ),
        /row-level security/,
      );
    });

    test('an analyst sees research-allowed facts of every site and nothing else', async () => {
      const an = w.actors.A.analyst;
      const { researchScoped } = await import('../../src/store/tx.ts');
      const seen = await researchScoped(db, an, TODAY, async (tx) => ({
        facts: (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM analysis_fact')).rows[0]!.n,
        sites: (await tx.query<{ s: number }>('SELECT DISTINCT site_id AS s FROM analysis_fact')).rows.length,
        points: (await tx.query<{ n: number }>('SELECT count(DISTINCT patient_id)::int AS n FROM analysis_fact_point'))
          .rows[0]!.n,
        patients: (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM patient')).rows[0]!.n,
        dirty: (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM analysis_dirty')).rows[0]!.n,
      }));
      const allowed = pure(await recordsOf(db, an, [w.sites.A, w.sites.B]), { asOf: TODAY });
      assert.equal(seen.sites, 2);
      assert.equal(seen.points, seen.facts);
      assert.equal(seen.patients, 0, 'no registry row');
      assert.equal(seen.dirty, 0);
      // the facts of the current plan are one per research-allowed patient (another plan's may remain)
      assert.ok(seen.facts >= (allowed.overall.patients ?? 0));
    });
  });
}

test('facts built by older code (before migration 011, without cells) are not trusted: the site is rebuilt', async () => {
  const db = await openDb({ memory: true, migrated: true });
  try {
    const w = await buildWorld(db);
    await loadRandom(db, w.sites.A, 20, 21);
    // the database as migration 010 and the code of its time left it: site A marked built under the plan's
    // key as that code stored it (the settings digest alone), and no analysis_cell table yet
    await db.exec("DROP TABLE analysis_cell; DELETE FROM schema_migrations WHERE id = '011_analysis_cells'");
    await db.query('INSERT INTO analysis_config (key) VALUES ($1)', [analysisPlan().key]);
    await db.query('INSERT INTO analysis_fact_site (site_id, config_id) SELECT $1, id FROM analysis_config', [
      w.sites.A,
    ]);
    assert.deepEqual(await migrate(db), ['011_analysis_cells']);
    const c = w.actors.A.clinician;
    assert.deepEqual((await refreshFacts(db, c, [w.sites.A])).rebuiltSites, [w.sites.A]);
    const got = await registryAnalysis(db, c, { asOf: TODAY, today: TODAY });
    assert.deepStrictEqual(
      { by: got.by, overall: got.overall, groups: got.groups },
      pure(await recordsOf(db, c, [w.sites.A]), { asOf: TODAY }),
    );
  } finally {
    await db.close();
  }
});
