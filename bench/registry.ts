// npm run bench:registry — the registry's two performance goals (issue 5), on a PostgreSQL server started
// here with durable settings (fsync on, synchronous_commit on: every acknowledged submission is on disk):
//  1. durable follow-up submissions per second, 16 concurrent clients; each submission validates and scores
//     ODI + NRS + EQ-5D-3L, computes MME, and stores visit + 3 scores + their audit rows in one transaction.
//     Goal ≥ 1,000/s.
//  2. one site's follow-up status report over 100,000 patients × 6 scheduled visits. Goal < 1 s.
//  3. the dashboard page (GET /registry) at 16 concurrent clients with 26,000 patients at the site
//     (security review L5: p50 2.2 s when it recomputed the report per request), without and with the
//     report cache (config dashboard.reportCacheSeconds). Goal p50 < 100 ms. BENCH_ONLY=dashboard runs
//     only this part.
// Bulk data are loaded with INSERT … SELECT generate_series as the superuser with triggers off (a data load,
// not registry commands); the measured submissions go through the application role with triggers on.
import { Hono } from 'hono';
import { DEFAULT_REGISTRY_CONFIG, parseRegistryConfig } from '../src/registry/config.ts';
import { type Db, openDb } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import * as R from '../src/store/registry.ts';
import {
  actorFromToken,
  CLI_ACTOR,
  createApiToken,
  createSession,
  createSite,
  createUser,
} from '../src/store/registry-accounts.ts';
import { mountRegistry } from '../src/web/registry/index.ts';
import { startPostgres } from '../test/helpers/postgres.ts';

const CLIENTS = 16;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const REPORT_PATIENTS = 100_000;

/** n eligible, consented patients with an index procedure, loaded in bulk at one site; returns their ids. */
async function bulkPatients(su: Db, siteId: number, n: number, indexFrom: string): Promise<void> {
  await su.transaction(async (tx) => {
    await tx.query("SET LOCAL session_replication_role = 'replica'");
    await tx.query(
      `INSERT INTO patient (site_id, registry_id, year_of_birth, sex, smoking, pain_duration_months, prior_treatments, pain_generators,
         pain_generator_group, baseline_opioid_use, eligibility, eligible, index_procedure_date)
       SELECT $1::int, 'B-' || $1::int || '-' || g, 1950 + g % 40, 'female', 'never', 24, '{}', '{disc}', 'disc', false,
         '{"eligible": true, "reasons": [], "answers": {}, "config_version": "bench"}', true, $3::date + (g % 900)
       FROM generate_series(1, $2) g`,
      [siteId, n, indexFrom],
    );
  });
}

const pg = await startPostgres({
  durable: true,
  settings: ['max_connections=100', 'shared_buffers=256MB', ...(process.env.BENCH_PG_SETTINGS?.split(',') ?? [])],
});
process.env.REGENSPINE_PG_POOL = String(CLIENTS);
// The application talks to the server over its Unix socket, as a same-host deployment would
// (BENCH_PG_TCP=1: over TCP loopback instead).
const db = await openDb({ databaseUrl: process.env.BENCH_PG_TCP ? pg.url : pg.socketUrl });
const su = await openDb({ databaseUrl: pg.superuserUrl });
try {
  await migrate(db);
  const sync = await db.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
  const fsync = await db.query<{ fsync: string }>('SHOW fsync');
  console.log(
    `PostgreSQL: fsync=${fsync.rows[0]!.fsync}, synchronous_commit=${sync.rows[0]!.synchronous_commit}; ${process.env.BENCH_PG_TCP ? 'TCP loopback' : 'Unix socket'}; ${CLIENTS} clients, ${SECONDS} s`,
  );

  if (process.env.BENCH_ONLY !== 'dashboard') await submissionsAndReport();
  await dashboard();
} finally {
  await db.close();
  await su.close();
  await pg.stop();
}

/** Completed visits for most scheduled visits whose target has passed (leaving due / overdue / missed). */
async function bulkVisits(siteId: number) {
  await su.transaction(async (tx) => {
    await tx.query("SET LOCAL session_replication_role = 'replica'");
    await tx.query(
      `INSERT INTO followup_visit (patient_id, site_id, timepoint, visit_date, schedule_config_version)
       SELECT p.id, p.site_id, t.key, (p.index_procedure_date + t.months * interval '1 month')::date, 'bench'
       FROM patient p CROSS JOIN unnest('{baseline,1m,3m,6m,12m,24m}'::text[], '{0,1,3,6,12,24}'::int[]) AS t(key, months)
       WHERE p.site_id = $1 AND (p.id + t.months) % 7 <> 0 AND (p.index_procedure_date + t.months * interval '1 month') < '2025-06-01'`,
      [siteId],
    );
  });
  await su.query('ANALYZE');
}

async function dashboard() {
  const PATIENTS = 26_000;
  const REQUESTS_PER_CLIENT = 25;
  const siteC = (await createSite(db, CLI_ACTOR, { code: 'BENCH-C', name: 'Bench C' })).id;
  const u = await createUser(db, CLI_ACTOR, { email: 'dash@bench.example.org', role: 'clinician', siteIds: [siteC] });
  await bulkPatients(su, siteC, PATIENTS, '2022-06-01');
  await bulkVisits(siteC);
  const session = await createSession(db, u.id, null);
  for (const [clients, cacheSeconds] of [
    [CLIENTS, 0],
    [1, DEFAULT_REGISTRY_CONFIG.dashboard.reportCacheSeconds.value],
    [CLIENTS, DEFAULT_REGISTRY_CONFIG.dashboard.reportCacheSeconds.value],
  ] as const) {
    const config = parseRegistryConfig({
      ...DEFAULT_REGISTRY_CONFIG,
      dashboard: { reportCacheSeconds: { value: cacheSeconds, verified: false, source: 'bench' } },
    });
    const app = new Hono();
    mountRegistry(app, db, { config, today: () => '2025-06-01' });
    const times: number[] = [];
    const client = async () => {
      for (let i = 0; i < REQUESTS_PER_CLIENT; i++) {
        const t0 = performance.now();
        const res = await app.request('/registry', { headers: { cookie: `rs_session=${session.id}` } });
        await res.text();
        if (res.status !== 200) throw new Error(`dashboard answered ${res.status}`);
        times.push(performance.now() - t0);
      }
    };
    await client(); // warm-up
    times.length = 0;
    await Promise.all(Array.from({ length: clients }, client));
    times.sort((a, b) => a - b);
    const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(0);
    console.log(
      `dashboard GET /registry, ${PATIENTS} patients, ${clients} client(s) × ${REQUESTS_PER_CLIENT}: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms (report cache ${cacheSeconds} s) — goal p50 < 100 ms`,
    );
  }
}

async function submissionsAndReport() {
  // 1. Submissions.
  const siteA = (await createSite(db, CLI_ACTOR, { code: 'BENCH-A', name: 'Bench A' })).id;
  await createUser(db, CLI_ACTOR, { email: 'coordinator@bench.example.org', role: 'coordinator', siteIds: [siteA] });
  const actor = (await actorFromToken(
    db,
    await createApiToken(db, CLI_ACTOR, 'coordinator@bench.example.org', { label: 'bench', scopes: ['read', 'write'] }),
  ))!;
  const slots = 400_000;
  await bulkPatients(su, siteA, slots / 5, '2023-01-01');
  const ids = (
    await db.query<{ id: number }>('SELECT id FROM patient WHERE site_id = $1 ORDER BY id', [siteA])
  ).rows.map((r) => r.id);
  const timepoints = ['1m', '3m', '6m', '12m', '24m'];
  let next = 0;
  let done = 0;
  let failed = 0;
  const latencies: number[] = [];
  const submission = (i: number) => ({
    timepoint: timepoints[i % 5],
    visit_date: '2025-12-01',
    proms: {
      ODI: { answers: [i % 6, 2, 3, 1, 0, 2, 3, 1, null, 2] },
      NRS: { value: i % 11 },
      EQ5D3L: { state: '21232', vas: 60 },
    },
    opioids: [{ drug: 'oxycodone', dose_mg: 5, doses_per_day: 2 }],
  });
  const run = async (until: number, measure: boolean) => {
    while (Date.now() < until && next < slots) {
      const i = next++;
      const t0 = performance.now();
      try {
        await R.submitFollowUp(db, actor, ids[Math.floor(i / 5)]!, submission(i));
        if (measure) {
          done++;
          latencies.push(performance.now() - t0);
        }
      } catch (e) {
        failed++;
        if (failed < 3) console.error((e as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, () => run(Date.now() + 2000, false))); // warm-up
  const start = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, () => run(Date.now() + SECONDS * 1000, true)));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1);
  const audit = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM audit.audit_log WHERE entity = 'prom_score'",
  );
  console.log(
    `follow-up submissions: ${(done / elapsed).toFixed(0)}/s durable (${done} in ${elapsed.toFixed(1)} s; p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms; ${failed} failed; ${audit.rows[0]!.n} score audit rows) — goal ≥ 1,000/s`,
  );

  // 2. Follow-up report over 100,000 patients × 6 visits.
  const siteB = (await createSite(db, CLI_ACTOR, { code: 'BENCH-B', name: 'Bench B' })).id;
  await createUser(db, CLI_ACTOR, { email: 'clinician@bench.example.org', role: 'clinician', siteIds: [siteB] });
  const actorB = (await actorFromToken(
    db,
    await createApiToken(db, CLI_ACTOR, 'clinician@bench.example.org', { label: 'bench', scopes: ['read', 'write'] }),
  ))!;
  const t0 = performance.now();
  await bulkPatients(su, siteB, REPORT_PATIENTS, '2022-06-01');
  await bulkVisits(siteB);
  const visits = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM followup_visit WHERE site_id = $1', [
    siteB,
  ]);
  console.log(
    `loaded ${REPORT_PATIENTS} patients and ${visits.rows[0]!.n} completed visits in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const times: number[] = [];
  let report: R.FollowUpReport | null = null;
  for (let i = 0; i < 6; i++) {
    const s = performance.now();
    report = await R.followUpReport(db, actorB, siteB, '2025-06-01', { limit: 100 });
    if (i > 0) times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  const totals: Record<string, number> = {};
  for (const c of Object.values(report!.counts))
    for (const [k, v] of Object.entries(c)) totals[k] = (totals[k] ?? 0) + v;
  console.log(
    `follow-up status report, ${REPORT_PATIENTS} patients × 6 visits: median ${times[2]!.toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms (${JSON.stringify(totals)}) — goal < 1 s`,
  );
}
