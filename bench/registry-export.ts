// npm run bench:registry:export — the FHIR R4 export of 10,000 patients (issue 13 §5): goal < 10 s and flat
// memory (the Bundle is streamed page by page). On a PostgreSQL server started here (the database outside
// this process, so the process's RSS is the export's own). Each patient: research and registry consents, an
// index PRP procedure, 6 visits with ODI, NRS, EQ-5D-3L and PROMIS-10 scores and opioid use, one adverse
// event — cloned in bulk (INSERT … SELECT generate_series, triggers off: a data load, not registry
// commands) from one patient recorded through the store. Prints time, this process's CPU time, resources,
// bytes, RSS at each quarter of the output, and a CPU check (the machine may be shared).
// Flat memory: the export runs at 2,500 patients and again after the registry grew to 10,000, and prints the
// peak RSS growth of each (it must not grow with the count). BENCH_SIZES=2500,10000 sets the sizes (ascending),
// BENCH_PATIENTS=N runs one size; BENCH_LIVE_HEAP=1 also prints the live heap along the output.
import { loadavg } from 'node:os';
import { Writable } from 'node:stream';
import { type Db, openDb } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import * as R from '../src/store/registry.ts';
import { actorFromToken, CLI_ACTOR, createApiToken, createSite, createUser } from '../src/store/registry-accounts.ts';
import { fhirExportChunks, startExport } from '../src/store/registry-export.ts';
import { startPostgres } from '../test/helpers/postgres.ts';
import { enrolInput, prpProcedure, seriousAe, visitInput } from '../test/registry/fixtures.ts';
import { cpuCheckLine } from './cpu-check.ts';

const SIZES = (process.env.BENCH_SIZES ?? process.env.BENCH_PATIENTS ?? '2500,10000').split(',').map(Number);
if (SIZES.some((n, i) => !(Number.isSafeInteger(n) && n > (SIZES[i - 1] ?? 0))))
  throw new Error('BENCH_SIZES: patient counts, ascending');
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

/** The template patient, recorded through the store; returns its id. */
async function seedTemplate(db: Db): Promise<number> {
  const site = await createSite(db, CLI_ACTOR, { code: 'BENCH', name: 'Bench clinic' });
  await createUser(db, CLI_ACTOR, { email: 'clin@bench.example.org', role: 'clinician', siteIds: [site.id] });
  const actor = (await actorFromToken(
    db,
    await createApiToken(db, CLI_ACTOR, 'clin@bench.example.org', { label: 'bench', scopes: ['read', 'write'] }),
  ))!;
  const p = await R.enrolPatient(db, actor, enrolInput(site.id));
  for (const scope of ['registry', 'research'])
    await R.recordConsent(db, actor, p.id, { scope, form_version: 'v2', consent_date: '2025-01-02', obtained_by: 'c' });
  const proc = await R.recordProcedure(db, actor, p.id, prpProcedure(), '2026-01-01');
  const dates: [string, string][] = [
    ['baseline', '2025-01-05'],
    ['1m', '2025-02-10'],
    ['3m', '2025-04-10'],
    ['6m', '2025-07-10'],
    ['12m', '2026-01-10'],
    ['24m', '2026-12-01'],
  ];
  for (const [tp, d] of dates) {
    const v = visitInput(tp, d);
    await R.submitFollowUp(
      db,
      actor,
      p.id,
      {
        ...v,
        proms: {
          ...v.proms,
          PROMIS10: {
            items: {
              Global01: 3,
              Global02: 3,
              Global03: 3,
              Global04: 4,
              Global05: 4,
              Global06: 4,
              Global07: 3,
              Global08: 4,
              Global09: 3,
              Global10: 3,
            },
          },
        },
      },
      undefined,
      '2026-12-01',
    );
  }
  await R.reportAdverseEvent(db, actor, p.id, { ...seriousAe, procedure_id: proc.id }, '2026-01-01');
  return p.id;
}

/** Clones the template patient as clones from … to - 1 (the template is clone 0), table by table, ids offset by g × stride. */
async function cloneTemplate(db: Db, template: number, from: number, to: number): Promise<void> {
  const p = { id: template };
  await db.transaction(async (tx) => {
    await tx.query("SET LOCAL session_replication_role = 'replica'");
    const stride = 1000;
    await tx.query(
      `INSERT INTO patient (id, site_id, registry_id, year_of_birth, sex, bmi, smoking, pain_duration_months, prior_treatments, pain_generators,
         pain_generator_group, baseline_opioid_use, eligibility, eligible, index_procedure_id, index_procedure_date, status)
       SELECT t.id + g * $2, site_id, 'P-BENCH' || lpad(g::text, 6, '0'), 1940 + g % 50, sex, bmi, smoking, pain_duration_months, prior_treatments,
         pain_generators, pain_generator_group, baseline_opioid_use, eligibility, eligible, index_procedure_id + g * $2, index_procedure_date, status
       FROM patient t, generate_series($4::int, $1) g WHERE t.id = $3`,
      [to - 1, stride, p.id, from],
    );
    for (const [table, cols] of [
      ['consent', 'site_id, scope, form_version, consent_date, obtained_by, withdrawn_date'],
      [
        'procedure',
        'site_id, procedure_date, operator, therapy, product, characterization, product_warnings, product_config_version, targets, image_guidance, injectate_volume_ml, adjuncts',
      ],
      [
        'followup_visit',
        'site_id, timepoint, visit_date, target_date, in_window, opioids, mme_per_day, mme_config_version, reintervention, imaging_note, schedule_config_version',
      ],
    ] as const)
      await tx.query(
        `INSERT INTO ${table} (id, patient_id, ${cols}) SELECT t.id + g * $2, t.patient_id + g * $2, ${cols}
         FROM ${table} t, generate_series($4::int, $1) g WHERE t.patient_id = $3`,
        [to - 1, stride, p.id, from],
      );
    await tx.query(
      `INSERT INTO prom_score (id, visit_id, patient_id, site_id, instrument, instrument_version, config_version, value_set, input, result, score)
       SELECT t.id + g * $2 * 10, t.visit_id + g * $2, t.patient_id + g * $2, site_id, instrument, instrument_version, config_version, value_set, input, result, score
       FROM prom_score t, generate_series($4::int, $1) g WHERE t.patient_id = $3`,
      [to - 1, stride, p.id, from],
    );
    await tx.query(
      `INSERT INTO adverse_event (id, patient_id, site_id, procedure_id, term, onset_date, grade, ctcae_version, seriousness_criteria, serious,
         attribution_procedure, attribution_product, action, outcome, resolution_date, expected)
       SELECT t.id + g * $2, t.patient_id + g * $2, site_id, procedure_id + g * $2, term, onset_date, grade, ctcae_version, seriousness_criteria, serious,
         attribution_procedure, attribution_product, action, outcome, resolution_date, expected
       FROM adverse_event t, generate_series($4::int, $1) g WHERE t.patient_id = $3`,
      [to - 1, stride, p.id, from],
    );
  });
}

/** One export of the whole registry: prints time, CPU, RSS and what it wrote; returns the peak RSS growth. */
async function exportOnce(db: Db, n: number): Promise<number> {
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  let bytes = 0;
  // RSS is sampled against bytes written; the quarters are read off afterwards (no scan of the output).
  const samples: [number, number][] = [];
  const timer = setInterval(() => {
    const rss = process.memoryUsage().rss;
    peak = Math.max(peak, rss);
    samples.push([bytes, rss]);
  }, 20);
  // BENCH_LIVE_HEAP=1: a full GC after every 64 MB of output and the heap then (what the export keeps alive,
  // garbage aside): flat memory means this series does not grow with the output. Off by default (the forced
  // GCs change the time and the RSS figures).
  const live: number[] = [];
  let nextGc = 64 * 1024 * 1024;
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      if (process.env.BENCH_LIVE_HEAP === '1' && bytes >= nextGc && global.gc) {
        nextGc += 64 * 1024 * 1024;
        global.gc();
        live.push(process.memoryUsage().heapUsed);
      }
      cb();
    },
  });
  const admin = { ...CLI_ACTOR, siteIds: [1] };
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  for await (const chunk of fhirExportChunks(db, admin, { deidentified: false }))
    if (!sink.write(chunk)) await new Promise((r) => sink.once('drain', r));
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  const quarters = [1, 2, 3, 4].map((q) => {
    const at = samples.filter(([b]) => b <= (bytes * q) / 4).at(-1);
    return `${q}/4: ${at ? mb(at[1]) : '–'}`;
  });
  console.log(`FHIR export of ${n} patients: ${seconds.toFixed(2)} s (goal < 10 s at 10,000), ${mb(bytes)} of JSON`);
  // process.cpuUsage counts every thread of the process (the export's, the garbage collector's, libuv's).
  console.log(
    `this process's CPU during the export (all threads): ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (user ${(cpu.user / 1e6).toFixed(2)} s)`,
  );
  console.log(
    `RSS before ${mb(rss0)}, peak ${mb(peak)} (+${mb(peak - rss0)}); by output written ${quarters.join(', ')}`,
  );
  if (live.length) console.log(`heap after a full GC every 64 MB of output: ${live.map(mb).join(', ')}`);
  const ev = await db.query<{ detail: { records: Record<string, number> } }>(
    "SELECT detail FROM security_event WHERE kind = 'export' AND detail ->> 'phase' = 'finished' ORDER BY id DESC LIMIT 1",
  );
  console.log(`resources (audited): ${JSON.stringify(ev.rows[0]?.detail.records)}`);
  return peak - rss0;
}

const pg = await startPostgres();
const db = await openDb({ databaseUrl: pg.superuserUrl }); // the bulk load turns triggers off (superuser only)
try {
  await migrate(db);
  const template = await seedTemplate(db);
  const growth: string[] = [];
  let have = 1;
  for (const n of SIZES) {
    const t0 = performance.now();
    await cloneTemplate(db, template, have, n);
    await db.query('ANALYZE');
    have = n;
    const count = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM patient');
    console.log(`seeded ${count.rows[0]!.n} patients in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    growth.push(`+${mb(await exportOnce(db, n))} at ${n.toLocaleString('en-US')}`);
  }
  // The database's share: the same pages read (one query each) and not turned into FHIR. While the export
  // builds a page the next one is being read, so the export cannot be faster than this.
  const t1 = performance.now();
  const h = await startExport(db, { ...CLI_ACTOR, siteIds: [1] }, 'fhir', { deidentified: false });
  let pages = 0;
  for await (const _ of h.pageTexts()) pages++;
  await h.finish({ pages }, true);
  console.log(
    `reading the ${pages} pages alone (PostgreSQL builds each page's JSON): ${((performance.now() - t1) / 1000).toFixed(2)} s`,
  );
  console.log(`peak RSS growth by registry size (flat memory: it must not grow with the count): ${growth.join(', ')}`);
  console.log(cpuCheckLine());
  console.log(
    `load average (1, 5, 15 min): ${loadavg()
      .map((x) => x.toFixed(2))
      .join(', ')}`,
  );
} finally {
  await db.close();
  await pg.stop();
}
