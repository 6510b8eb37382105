// npm run bench:registry:analysis — issue 13 §5: the responder and survival analysis of one site with
// 100,000 patients × 6 visits (baseline, 1, 3, 6, 12, 24 months; ODI and NRS at each, MME, some
// re-interventions and adverse events) on a PostgreSQL server started here. Goal < 1 s for the analysis as
// the dashboard and API run it (src/store/registry-analysis-facts.ts registryAnalysis): refresh the stored
// facts, aggregate them in SQL, tables in TypeScript. Printed separately:
//  - cold: no facts yet (after a data load or a settings change): every record read and its facts built;
//  - warm: facts current (the refresh finds nothing to do): the pre-counted cells (migration 011) summed;
//  - warm, stratified and filtered;
//  - warm, ~1% of the patients changed since (marked by the triggers, recomputed before aggregating);
//  - for reference, the in-memory path: read every record + analyse (src/registry/analysis analyze).
// Prints the figures; asserts nothing about time.
// Bulk data are loaded with INSERT … SELECT generate_series as the superuser with triggers off (a data load,
// not registry commands). The CPU is shared: the script also prints how long a fixed loop takes, so figures
// from a loaded machine can be read against a quiet one.
import { analysisPlan } from '../src/registry/analysis/facts.ts';
import { analyze } from '../src/registry/analysis/index.ts';
import { type Db, openDb } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { actorFromToken, CLI_ACTOR, createApiToken, createSite, createUser } from '../src/store/registry-accounts.ts';
import { analysisRecords } from '../src/store/registry-analysis.ts';
import { refreshFacts, registryAnalysis } from '../src/store/registry-analysis-facts.ts';
import { startPostgres } from '../test/helpers/postgres.ts';
import { cpuCheckLine } from './cpu-check.ts';

const PATIENTS = Number(process.env.BENCH_PATIENTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const AS_OF = '2026-06-30';

async function load(su: Db, siteId: number) {
  await su.transaction(async (tx) => {
    await tx.query("SET LOCAL session_replication_role = 'replica'");
    await tx.query(
      `INSERT INTO patient (site_id, registry_id, year_of_birth, sex, smoking, pain_duration_months, prior_treatments, pain_generators,
         pain_generator_group, baseline_opioid_use, eligibility, eligible, index_procedure_date)
       SELECT $1::int, 'B-' || g, 1950 + g % 40, 'female', 'never', 24, '{}', '{disc}', 'disc', g % 3 = 0,
         '{"eligible": true, "reasons": [], "answers": {}, "config_version": "bench"}', true, DATE '2022-01-03' + (g % 1200)
       FROM generate_series(1, $2) g`,
      [siteId, PATIENTS],
    );
    await tx.query(
      `INSERT INTO procedure (patient_id, site_id, procedure_date, operator, therapy, product, characterization, product_warnings,
         targets, image_guidance, injectate_volume_ml, adjuncts)
       SELECT p.id, p.site_id, p.index_procedure_date, 'bench', (ARRAY['PRP','BMC','MSC'])[1 + p.id % 3], '{"source": "bone-marrow"}',
         '{"leukocytes": {"value": "leukocyte-poor"}}', '{}', '[{"structure": "disc", "level": "L4-L5"}]', 'fluoroscopy', 3, '{}'
       FROM patient p WHERE p.site_id = $1`,
      [siteId],
    );
    await tx.query(
      'UPDATE patient p SET index_procedure_id = pr.id FROM procedure pr WHERE pr.patient_id = p.id AND p.site_id = $1',
      [siteId],
    );
    // 6 visits per patient at the due date (+ a few days), the ones due by the as-of day.
    await tx.query(
      `INSERT INTO followup_visit (patient_id, site_id, timepoint, visit_date, mme_per_day, reintervention, schedule_config_version)
       SELECT p.id, p.site_id, t.key, (p.index_procedure_date + t.months * interval '1 month')::date - (CASE WHEN t.months = 0 THEN 2 ELSE -(p.id % 9)::int END),
         CASE WHEN (p.id + t.months) % 4 = 0 THEN NULL WHEN (p.id + t.months) % 3 = 0 THEN 0 ELSE 10 * (p.id % 6) END,
         CASE WHEN t.months = 6 AND p.id % 11 = 0 THEN jsonb_build_object('occurred', true, 'date',
           ((p.index_procedure_date + interval '5 months')::date)::text) END,
         'bench'
       FROM patient p CROSS JOIN unnest('{baseline,1m,3m,6m,12m,24m}'::text[], '{0,1,3,6,12,24}'::int[]) AS t(key, months)
       WHERE p.site_id = $1 AND (p.index_procedure_date + t.months * interval '1 month') <= $2::date`,
      [siteId, AS_OF],
    );
    await tx.query(
      `INSERT INTO prom_score (visit_id, patient_id, site_id, instrument, instrument_version, config_version, input, result, score)
       SELECT v.id, v.patient_id, v.site_id, i.name, 'bench', 'bench', '{}', '{}',
         CASE i.name WHEN 'ODI' THEN greatest(0, 50 - (CASE WHEN v.timepoint = 'baseline' THEN 0 ELSE (v.patient_id % 25) END))
                     ELSE greatest(0, 7 - (CASE WHEN v.timepoint = 'baseline' THEN 0 ELSE (v.patient_id % 5) END)) END
       FROM followup_visit v CROSS JOIN (VALUES ('ODI'), ('NRS')) AS i(name) WHERE v.site_id = $1`,
      [siteId],
    );
    await tx.query(
      `INSERT INTO adverse_event (patient_id, site_id, term, onset_date, grade, ctcae_version, seriousness_criteria, serious,
         attribution_procedure, action)
       SELECT p.id, p.site_id, 'Pain flare', p.index_procedure_date + 3, (1 + p.id % 3)::int, '5.0', '{}', false, 'possible', 'none'
       FROM patient p WHERE p.site_id = $1 AND p.id % 13 = 0`,
      [siteId],
    );
  });
  await su.query('ANALYZE');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const pg = await startPostgres({ settings: ['shared_buffers=256MB'] });
const db = await openDb({ databaseUrl: pg.socketUrl });
const su = await openDb({ databaseUrl: pg.superuserUrl });
try {
  await migrate(db);
  const site = (await createSite(db, CLI_ACTOR, { code: 'BENCH-AN', name: 'Bench analysis' })).id;
  await createUser(db, CLI_ACTOR, { email: 'clinician@bench.example.org', role: 'clinician', siteIds: [site] });
  const actor = (await actorFromToken(
    db,
    await createApiToken(db, CLI_ACTOR, 'clinician@bench.example.org', { label: 'bench', scopes: ['read'] }),
  ))!;
  let t = performance.now();
  await load(su, site);
  const counts = await db.query<{ v: number; s: number }>(
    'SELECT (SELECT count(*) FROM followup_visit)::int AS v, (SELECT count(*) FROM prom_score)::int AS s',
  );
  console.log(
    `loaded ${PATIENTS} patients, ${counts.rows[0]!.v} visits, ${counts.rows[0]!.s} scores in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  const ms = (t0: number) => performance.now() - t0;
  const query = { siteId: site, today: AS_OF, asOf: AS_OF };
  // cold: the first analysis builds every fact
  t = performance.now();
  const built = await refreshFacts(db, actor, [site]);
  const coldRefresh = ms(t);
  t = performance.now();
  const first = await registryAnalysis(db, actor, query);
  const coldAgg = ms(t);
  const odi12 = first.overall.responders.find((r) => r.instrument === 'ODI' && r.timepoint_months === 12)!;
  const s12 = first.overall.survival.times.find((x) => x.month === 12)!;
  console.log(
    `${first.overall.patients} patients; ODI 12 m: ${odi12.responders}/${odi12.assessed} responders; KM 12 m: S = ${s12.survival?.toFixed(3)}, at risk ${s12.at_risk}`,
  );
  console.log(
    `cold (no facts): build facts of ${built.patients} patients ${coldRefresh.toFixed(0)} ms + analysis ${coldAgg.toFixed(0)} ms = ${(coldRefresh + coldAgg).toFixed(0)} ms`,
  );
  // warm: facts current
  const warm: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    t = performance.now();
    await registryAnalysis(db, actor, query);
    if (i > 0) warm.push(ms(t));
  }
  console.log(
    `warm (facts current), median of ${RUNS} runs: ${median(warm).toFixed(0)} ms (min ${Math.min(...warm).toFixed(0)} ms) — goal < 1000 ms`,
  );
  // warm, filtered and stratified (the dashboard's filters): PRP only, by product class and target
  const strat: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    t = performance.now();
    await registryAnalysis(db, actor, { ...query, by: ['product_class', 'target'], where: { therapy: 'PRP' } });
    strat.push(ms(t));
  }
  console.log(
    `warm, PRP only, by product class × target, median of ${RUNS} runs: ${median(strat).toFixed(0)} ms (min ${Math.min(...strat).toFixed(0)} ms)`,
  );
  // warm with ~1% changed: a visit's MME of every 100th patient corrected (the triggers mark them)
  const dirty: number[] = [];
  let changed = 0;
  for (let i = 0; i < RUNS; i++) {
    const u = await su.transaction(
      (tx) =>
        tx.query(
          `UPDATE followup_visit SET mme_per_day = coalesce(mme_per_day, 0) + 5
           WHERE site_id = $1 AND timepoint = '3m' AND patient_id % 100 = $2`,
          [site, i],
        ),
      { settings: { 'regenspine.reason': 'bench: MME corrected' } },
    );
    changed = u.affectedRows ?? 0;
    t = performance.now();
    await registryAnalysis(db, actor, query);
    dirty.push(ms(t));
  }
  console.log(
    `warm, ~1% changed (${changed} patients recomputed per run), median of ${RUNS} runs: ${median(dirty).toFixed(0)} ms (min ${Math.min(...dirty).toFixed(0)} ms)`,
  );
  // reference: the in-memory path over every record (what the dashboard did before migration 010)
  t = performance.now();
  const { records } = await analysisRecords(db, actor, { siteId: site, today: AS_OF });
  const readMs = ms(t);
  t = performance.now();
  analyze(records, { asOf: AS_OF });
  console.log(
    `reference, in memory: read ${records.length} records ${readMs.toFixed(0)} ms + analyse ${ms(t).toFixed(0)} ms (plan key ${analysisPlan().key.slice(0, 8)})`,
  );
  console.log(cpuCheckLine());
} finally {
  await db.close();
  await su.close();
  await pg.stop();
}
