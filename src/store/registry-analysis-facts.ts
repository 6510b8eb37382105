// The outcomes analysis on the database (issue 13 §5): stored per-patient facts (migration 010), kept
// current by refreshFacts, aggregated by one SQL statement into the sufficient statistics that the pure
// tables (src/registry/analysis) read. No analysis rule is written here:
//  - the facts are src/registry/analysis/facts.ts recordFacts of the records readAnalysisRows builds;
//  - SQL counts them (per state, per value, per Kaplan–Meier day, per adverse-event category) and compares
//    a stored window-closing date with the as-of day — the only as-of logic in SQL;
//  - research use is a stored list of periods (src/registry/consent.ts researchPeriods) that SQL compares
//    with today.
// Currency: triggers (migration 010) mark the patients every write touches; a refresh, before each
// analysis, recomputes the marked patients of the sites in question (and every patient of a site whose facts
// were built with other settings, or never), in one transaction with the site locked against a concurrent
// refresh.
import { createHash } from 'node:crypto';
import {
  type AnalysisPlan,
  analysisPlan,
  type CohortStats,
  emptyStats,
  recordFacts,
} from '../registry/analysis/facts.ts';
import { type StratifiedAnalysis, type StratifiedStats, stratifiedTables } from '../registry/analysis/index.ts';
import { groupOf, NOT_RECORDED, STRATA, type Stratum } from '../registry/analysis/strata.ts';
import type { DayPeriod } from '../registry/consent.ts';
import type { Actor } from '../registry/policy.ts';
import { CommandError } from '../registry/validation.ts';
import type { Db, Queryable } from './db.ts';
import { type AnalysisAccess, analysisAccess, readAnalysisRows } from './registry-analysis.ts';
import { researchScoped, siteScoped } from './tx.ts';

/** Stored codes of a fact's state (analysis_fact_point.state). */
const STATE = { seen: 0, present: 0, responder: 1, 'non-responder': 2, 'not-evaluable': 3, pending: 4 } as const;
/** analysis_fact_point.measure of the visit itself (completeness and MME/day); instruments are 0, 1, … */
const VISIT = -1;
/** analysis_fact_point.tp of "holds a score of the instrument". */
const PRESENT_TP = -1;
/** Patients per INSERT while building facts. */
const BATCH = 5000;

const multirange = (ps: readonly DayPeriod[]): string => `{${ps.map((p) => `[${p.from},${p.until ?? ''})`).join(',')}}`;

/**
 * How facts are stored, part of their stored key: "cells-1" = with per-site counts (migration 011). Facts a
 * site was built with under another storage (older code, which kept no counts) are then stale like facts of
 * other settings, and the site is rebuilt; so the counts never miss a build or a recomputation older code did.
 */
const STORAGE = 'cells-1';

/** The stored key of a plan's facts: its settings digest (facts.ts analysisPlan) and STORAGE. */
const storedKey = (planKey: string) => createHash('sha256').update(`${planKey}\0${STORAGE}`).digest('hex').slice(0, 32);

async function configId(db: Db, planKey: string): Promise<number> {
  const key = storedKey(planKey);
  // analysis_config is not site-scoped: no row-level security, written outside a scope
  await db.query('INSERT INTO analysis_config (key) VALUES ($1) ON CONFLICT (key) DO NOTHING', [key]);
  const r = await db.query<{ id: number }>('SELECT id FROM analysis_config WHERE key = $1', [key]);
  return Number(r.rows[0]!.id);
}

interface Columns {
  [k: string]: unknown[];
}

async function insertFacts(
  tx: Queryable,
  cfg: number,
  rows: Awaited<ReturnType<typeof readAnalysisRows>>,
  plan: AnalysisPlan,
) {
  for (let i = 0; i < rows.length; i += BATCH) {
    const part = rows.slice(i, i + BATCH);
    const f: Columns = {
      pid: [],
      site: [],
      therapy: [],
      product: [],
      target: [],
      pain: [],
      km: [],
      ev: [],
      ae: [],
      research: [],
    };
    const p: Columns = { pid: [], site: [], measure: [], tp: [], state: [], close: [], wd: [], v1: [], v2: [] };
    const point = (
      pid: number,
      site: number,
      m: number,
      tp: number,
      st: number,
      close: string | null,
      wd: boolean | null,
      v1: number | null,
      v2: number | null,
    ) => {
      p.pid!.push(pid);
      p.site!.push(site);
      p.measure!.push(m);
      p.tp!.push(tp);
      p.state!.push(st);
      p.close!.push(close);
      p.wd!.push(wd);
      p.v1!.push(v1);
      p.v2!.push(v2);
    };
    for (const row of part) {
      const x = recordFacts(row.record, plan);
      f.pid!.push(row.patientId);
      f.site!.push(row.siteId);
      f.therapy!.push(x.strata.therapy);
      f.product!.push(x.strata.product_class);
      f.target!.push(x.strata.target);
      f.pain!.push(x.strata.pain_generator);
      f.km!.push(x.km.days);
      f.ev!.push(x.km.event);
      f.ae!.push(x.ae.some((k) => k > 0) ? `{${x.ae.join(',')}}` : null);
      f.research!.push(multirange(row.research));
      for (let k = 0; k < x.scores.length; k++) {
        if (x.present[k]) point(row.patientId, row.siteId, k, PRESENT_TP, STATE.present, null, null, null, null);
        for (let t = 0; t < x.scores[k]!.length; t++) {
          const s = x.scores[k]![t]!;
          // no baseline is not stored: it is the patients less those with a row (see statsOf)
          if (s.state === 'no-baseline') continue;
          if (s.state === 'pending')
            point(row.patientId, row.siteId, k, t, STATE.pending, s.close, s.withdrawn, null, null);
          else point(row.patientId, row.siteId, k, t, STATE[s.state], null, null, s.delta, null);
        }
      }
      for (let t = 0; t < x.visits.length; t++) {
        const v = x.visits[t]!;
        const m = x.mme[t];
        point(
          row.patientId,
          row.siteId,
          VISIT,
          t,
          v.seen ? STATE.seen : STATE.pending,
          v.seen ? null : v.close,
          v.seen ? null : v.withdrawn,
          m ? m.base : null,
          m ? m.fu : null,
        );
      }
    }
    await tx.query(
      `INSERT INTO analysis_fact (patient_id, config_id, site_id, therapy, product_class, target, pain_generator, km_days, km_event, ae, research)
       SELECT u.pid, $1, u.site, u.therapy, u.product, u.target, u.pain, u.km, u.ev, u.ae::int[], u.research::datemultirange
       FROM unnest($2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::boolean[], $10::text[], $11::text[])
         AS u(pid, site, therapy, product, target, pain, km, ev, ae, research)`,
      [cfg, f.pid, f.site, f.therapy, f.product, f.target, f.pain, f.km, f.ev, f.ae, f.research],
    );
    await tx.query(
      `INSERT INTO analysis_fact_point (patient_id, config_id, site_id, measure, tp, state, close_date, withdrawn, v1, v2)
       SELECT u.pid, $1, u.site, u.measure, u.tp, u.state, u.close, u.wd, u.v1, u.v2
       FROM unnest($2::bigint[], $3::int[], $4::smallint[], $5::smallint[], $6::smallint[], $7::date[], $8::boolean[], $9::float8[], $10::float8[])
         AS u(pid, site, measure, tp, state, close, wd, v1, v2)`,
      [cfg, p.pid, p.site, p.measure, p.tp, p.state, p.close, p.wd, p.v1, p.v2],
    );
  }
}

/** Stratum → the column of analysis_fact it is stored in (site: by id, shown by code). */
const COLUMN: Record<Stratum, string> = {
  site: 'site_id',
  therapy: 'therapy',
  product_class: 'product_class',
  target: 'target',
  pain_generator: 'pain_generator',
};

/** The columns of the strata other than the site, as analysis_fact and analysis_cell store them. */
const STRATA_COLUMNS = STRATA.filter((s) => s !== 'site').map((s) => COLUMN[s]);

/**
 * Adds (sign 1) or subtracts (sign −1) the facts of plan `cfg` of some sites or patients to or from their
 * pre-counted cells (migration 011): the counts registryAnalysis's aggregation makes, by site, strata and
 * detail, with the window-closing date kept (the as-of comparison is made when the cells are read). Cells
 * left at zero are deleted. Runs in the refresh's transaction, under its per-site lock.
 */
async function countCells(
  tx: Queryable,
  cfg: number,
  sel: { sites: readonly number[] } | { patients: readonly number[] },
  sign: 1 | -1,
) {
  // the selection is written out for the point table too, so that a few patients' points are read by index
  const [col, type, ids] = 'sites' in sel ? ['site_id', 'int', sel.sites] : ['patient_id', 'bigint', sel.patients];
  const where = (t: string) => `${t}.${col} = ANY($2::${type}[])`;
  const keys = ['f.site_id', ...STRATA_COLUMNS.map((c) => `f.${c}`)].join(', ');
  const r = await tx.query<{ site_id: number }>(
    `WITH f AS MATERIALIZED (
       SELECT ${keys}, f.patient_id, f.km_days, f.km_event, f.ae FROM analysis_fact f
       WHERE f.config_id = $1 AND ${where('f')}
     ), d AS (
       SELECT ${keys}, 'p'::"char" AS part, p.measure::int AS i1, p.tp::int AS i2, p.state::int AS i3, p.withdrawn AS b1,
         p.close_date, p.v1 AS x, p.v2 AS y, count(*) AS n, NULL::bigint AS m
       FROM analysis_fact_point p JOIN f ON f.patient_id = p.patient_id
       WHERE p.config_id = $1 AND ${where('p')}
       GROUP BY ${keys}, p.measure, p.tp, p.state, p.withdrawn, p.close_date, p.v1, p.v2
       UNION ALL
       SELECT ${keys}, 'k', f.km_days, f.km_event::int, 0, NULL, NULL, NULL, NULL, count(*), NULL
       FROM f GROUP BY ${keys}, f.km_days, f.km_event
       UNION ALL
       SELECT ${keys}, 'a', u.i::int, 0, 0, NULL, NULL, NULL, NULL, count(*) FILTER (WHERE u.k > 0), sum(u.k)
       FROM f CROSS JOIN LATERAL unnest(f.ae) WITH ORDINALITY AS u(k, i) WHERE f.ae IS NOT NULL GROUP BY ${keys}, u.i
     )
     INSERT INTO analysis_cell AS c (site_id, config_id, ${STRATA_COLUMNS.join(', ')}, part, i1, i2, i3, b1, close_date, x, y, n, m)
     SELECT d.site_id, $1, ${STRATA_COLUMNS.map((c) => `d.${c}`).join(', ')}, d.part, d.i1, d.i2, d.i3, d.b1,
       d.close_date, d.x, d.y, $3::int * d.n, $3::int * d.m
     FROM d
     ON CONFLICT ON CONSTRAINT analysis_cell_key DO UPDATE SET n = c.n + EXCLUDED.n, m = c.m + EXCLUDED.m
     RETURNING c.site_id`,
    [cfg, ids, sign],
  );
  const touched = [...new Set(r.rows.map((x) => Number(x.site_id)))];
  if (touched.length > 0)
    await tx.query('DELETE FROM analysis_cell WHERE site_id = ANY($1::int[]) AND config_id = $2 AND n = 0', [
      touched,
      cfg,
    ]);
}

/** What a refresh did (the bench prints it). */
export interface RefreshReport {
  rebuiltSites: number[];
  patients: number;
}

/**
 * Brings the facts of `sites` up to date for `plan`: every patient of a site whose facts were built with
 * another plan (or never), and the marked patients of the others. One transaction, scoped to those sites;
 * it reads identifiable records only to derive the facts and returns none of them.
 */
export async function refreshFacts(
  db: Db,
  actor: Actor,
  sites: readonly number[],
  plan: AnalysisPlan = analysisPlan(),
): Promise<RefreshReport> {
  const sorted = [...new Set(sites)].sort((a, b) => a - b);
  if (sorted.length === 0) return { rebuiltSites: [], patients: 0 };
  const cfg = await configId(db, plan.key);
  return siteScoped(db, { ...actor, siteIds: sorted }, null, async (tx) => {
    // one refresh per site at a time (a concurrent one waits, then finds little left to do)
    await tx.query('SELECT pg_advisory_xact_lock(727275, s) FROM unnest($1::int[]) AS s', [sorted]);
    const built = await tx.query<{ site_id: number; config_id: number }>(
      'SELECT site_id, config_id FROM analysis_fact_site WHERE site_id = ANY($1::int[])',
      [sorted],
    );
    const current = new Set(built.rows.filter((r) => Number(r.config_id) === cfg).map((r) => Number(r.site_id)));
    const rebuild = sorted.filter((s) => !current.has(s));
    const marked = await tx.query<{ patient_id: string; site_id: number; seq: string }>(
      'SELECT patient_id, site_id, seq FROM analysis_dirty WHERE site_id = ANY($1::int[])',
      [sorted],
    );
    const dirty = marked.rows.filter((r) => current.has(Number(r.site_id))).map((r) => Number(r.patient_id));
    let n = 0;
    if (rebuild.length > 0) {
      await tx.query('DELETE FROM analysis_cell WHERE site_id = ANY($1::int[])', [rebuild]);
      await tx.query('DELETE FROM analysis_fact_point WHERE site_id = ANY($1::int[])', [rebuild]);
      await tx.query('DELETE FROM analysis_fact WHERE site_id = ANY($1::int[])', [rebuild]);
      const rows = await readAnalysisRows(tx, db, rebuild);
      await insertFacts(tx, cfg, rows, plan);
      // fresh statistics for the planner before the facts are counted into cells: without them it expects one
      // row and sorts 1.7 million on disk (12 s of 14 at 100,000 patients, EXPLAIN ANALYZE 2026-12-01). A role
      // that does not own the tables gets a warning, and autovacuum does it later; counting is hashing anyway.
      if (db.kind === 'postgres')
        await tx.query("ANALYZE analysis_fact, analysis_fact_point; SET LOCAL jit = off; SET LOCAL work_mem = '64MB'");
      await tx.query('SET LOCAL enable_sort = off');
      await countCells(tx, cfg, { sites: rebuild }, 1);
      n += rows.length;
      await tx.query(
        `INSERT INTO analysis_fact_site (site_id, config_id) SELECT s, $2 FROM unnest($1::int[]) AS s
         ON CONFLICT (site_id) DO UPDATE SET config_id = EXCLUDED.config_id, built_at = now()`,
        [rebuild, cfg],
      );
    }
    if (dirty.length > 0) {
      // their old facts out of the cells, then out of the tables; their new facts in, then into the cells
      await countCells(tx, cfg, { patients: dirty }, -1);
      await tx.query('DELETE FROM analysis_fact_point WHERE patient_id = ANY($1::bigint[])', [dirty]);
      await tx.query('DELETE FROM analysis_fact WHERE patient_id = ANY($1::bigint[])', [dirty]);
      // a marked patient without an index procedure (any more) simply has no facts
      const rows = await readAnalysisRows(tx, db, [...current], dirty);
      await insertFacts(tx, cfg, rows, plan);
      await countCells(tx, cfg, { patients: rows.map((r) => r.patientId) }, 1);
      n += rows.length;
    }
    if (marked.rows.length > 0)
      await tx.query(
        `DELETE FROM analysis_dirty d USING unnest($1::bigint[], $2::bigint[]) AS m(pid, seq)
         WHERE d.patient_id = m.pid AND d.seq = m.seq`,
        [marked.rows.map((r) => r.patient_id), marked.rows.map((r) => r.seq)],
      );
    return { rebuiltSites: rebuild, patients: n };
  });
}

interface AggRow {
  part: 'p' | 'k' | 'a' | 's';
  grp: number;
  g1: string | null;
  g2: string | null;
  i1: number;
  i2: number;
  i3: number;
  b1: boolean | null;
  b2: boolean | null;
  x: number | null;
  y: number | null;
  n: string;
  m: string | null;
}

export interface AnalysisQuery {
  siteId?: number;
  today: string;
  asOf: string;
  by?: readonly Stratum[];
  where?: Partial<Record<Stratum, string>>;
  plan?: AnalysisPlan;
}

export interface RegistryAnalysis extends StratifiedAnalysis {
  access: AnalysisAccess;
  sites: number[];
  /** Values each stratum takes in the unfiltered data (for the filter menus). */
  strata_values: Record<Stratum, string[]>;
}

/**
 * The analysis of the actor's sites (or of one), or for an analyst of the whole network de-identified:
 * refresh the facts, aggregate them in one statement, tables in TypeScript.
 */
export async function registryAnalysis(db: Db, actor: Actor, q: AnalysisQuery): Promise<RegistryAnalysis> {
  const access = analysisAccess(actor);
  const plan = q.plan ?? analysisPlan();
  const by = [...(q.by ?? [])];
  const where = q.where ?? {};
  let sites: number[];
  const allSites = async () =>
    (await db.query<{ id: number }>('SELECT id FROM registry_site ORDER BY id')).rows.map((r) => Number(r.id));
  if (access === 'site') {
    if (q.siteId !== undefined && !actor.siteIds.includes(q.siteId))
      throw new CommandError('you are not a member of this site', 'site_id', 403);
    sites = q.siteId === undefined ? [...actor.siteIds] : [q.siteId];
  } else {
    // analysts: network-wide, de-identified (issue 13 §2)
    const all = await allSites();
    if (q.siteId !== undefined && !all.includes(q.siteId)) throw new CommandError('no such site', 'site_id', 404);
    sites = q.siteId === undefined ? all : [q.siteId];
  }
  await refreshFacts(db, actor, sites, plan);
  const cfg = await configId(db, plan.key);
  const codes = new Map(
    (await db.query<{ id: number; code: string }>('SELECT id, code FROM registry_site')).rows.map((r) => [
      String(r.id),
      r.code,
    ]),
  );

  // Filters and groups read stored strata; "not recorded" stands for a missing value, as in strata.ts.
  const params: unknown[] = [sites, cfg, q.asOf];
  const fWhere: string[] = [];
  if (access === 'deidentified') {
    params.push(q.today);
    // research use allowed today: a comparison with the stored periods (the research_use policy says the same)
    fWhere.push(`f.research @> $${params.length}::date`);
  }
  for (const s of STRATA) {
    const v = where[s];
    if (v === undefined || v === '') continue;
    if (s === 'site') {
      const ids = [...codes].filter(([, c]) => c === v).map(([id]) => Number(id));
      params.push(ids);
      fWhere.push(`f.site_id = ANY($${params.length}::int[])`);
    } else {
      params.push(v);
      fWhere.push(`coalesce(f.${COLUMN[s]}, '${NOT_RECORDED}') = $${params.length}`);
    }
  }
  const g = by.map((s) => `f.${COLUMN[s]}::text`);
  const g1 = g[0] ?? 'NULL::text';
  const g2 = g[1] ?? 'NULL::text';
  const sets = (detail: string) =>
    by.length === 0 ? `GROUP BY ${detail}` : `GROUP BY GROUPING SETS ((${detail}), (${[...g, detail].join(', ')}))`;
  const grp = by.length === 0 ? '0' : `GROUPING(${[...g].join(', ')})`;
  const b2 = '(f.close_date < $3::date)';
  // A site user's analysis sums the pre-counted cells of the sites (migration 011); an analyst's de-identified
  // one counts the facts research use allows today, which no pre-count can know (see the migration).
  const sql =
    access === 'site'
      ? `SELECT f.part::text AS part, ${grp} AS grp, ${g1} AS g1, ${g2} AS g2, f.i1, f.i2, f.i3, f.b1, ${b2} AS b2,
           f.x, f.y, sum(f.n) AS n, sum(f.m) AS m
         FROM analysis_cell f
         WHERE f.site_id = ANY($1::int[]) AND f.config_id = $2 ${fWhere.map((w) => `AND ${w}`).join(' ')}
         ${sets(`f.part, f.i1, f.i2, f.i3, f.b1, ${b2}, f.x, f.y`)}`
      : factsSql(fWhere, by.length > 0, grp, g1, g2, sets);
  // Values of each stratum in the unfiltered data (the filter menus), read in the same scope: the distinct
  // combinations (a few hundred at most), split per stratum below. Every patient is in one Kaplan–Meier cell.
  const valuesSql =
    access === 'site'
      ? `SELECT DISTINCT ${STRATA.map((s) => `f.${COLUMN[s]}::text AS ${s}`).join(', ')} FROM analysis_cell f
         WHERE f.site_id = ANY($1::int[]) AND f.config_id = $2 AND f.part = 'k'`
      : `SELECT DISTINCT ${STRATA.map((s) => `f.${COLUMN[s]}::text AS ${s}`).join(', ')} FROM analysis_fact f
         WHERE f.site_id = ANY($1::int[]) AND f.config_id = $2 AND f.research @> $3::date`;
  const run = async (tx: Queryable) => {
    // Counting is hashing (a few hundred groups); a sort of every fact row is never the better plan, and a
    // freshly rebuilt table has no statistics to tell the planner so.
    if (db.kind === 'postgres')
      await tx.query("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'; SET LOCAL enable_sort = off");
    else await tx.query('SET LOCAL enable_sort = off');
    const agg = await tx.query<AggRow>(sql, params);
    const vals = await tx.query<Record<Stratum, string | null>>(
      valuesSql,
      access === 'deidentified' ? [sites, cfg, q.today] : [sites, cfg],
    );
    return { agg: agg.rows, vals: vals.rows };
  };
  const { agg, vals } =
    access === 'deidentified' ? await researchScoped(db, actor, q.today, run) : await siteScoped(db, actor, null, run);

  const label = (s: Stratum, v: string | null) => (v === null ? null : s === 'site' ? (codes.get(v) ?? v) : v);
  const strataValues = Object.fromEntries(STRATA.map((s) => [s, new Set<string>()])) as Record<Stratum, Set<string>>;
  for (const r of vals) for (const s of STRATA) strataValues[s].add(label(s, r[s]) ?? NOT_RECORDED);
  const result = stratifiedTables(statsOf(agg, plan, by, label), plan, {
    asOf: q.asOf,
    by,
    deidentified: access === 'deidentified',
  });
  return {
    access,
    sites,
    strata_values: Object.fromEntries(STRATA.map((s) => [s, [...strataValues[s]].sort()])) as Record<Stratum, string[]>,
    ...result,
  };
}

/**
 * The aggregation over the facts themselves (an analyst's de-identified analysis, filtered by research use):
 * the same rows as the cells give, counted per request. `$1` sites, `$2` plan, `$3` as-of.
 */
function factsSql(
  fWhere: readonly string[],
  grouped: boolean,
  grp: string,
  g1: string,
  g2: string,
  sets: (detail: string) => string,
): string {
  // Point rows need the patient row only to filter or group.
  const joinPoints = fWhere.length > 0 || grouped;
  const pointFrom = joinPoints
    ? 'analysis_fact_point p JOIN f ON f.patient_id = p.patient_id'
    : 'analysis_fact_point p';
  const pDetail = 'p.measure, p.tp, p.state, p.withdrawn, (p.close_date < $3::date), p.v1, p.v2';
  return `WITH f AS MATERIALIZED (
      SELECT f.patient_id, f.site_id, f.therapy, f.product_class, f.target, f.pain_generator, f.km_days, f.km_event, f.ae
      FROM analysis_fact f
      WHERE f.site_id = ANY($1::int[]) AND f.config_id = $2 ${fWhere.map((w) => `AND ${w}`).join(' ')}
    )
    SELECT 'p' AS part, ${grp} AS grp, ${g1} AS g1, ${g2} AS g2, p.measure::int AS i1, p.tp::int AS i2, p.state::int AS i3,
      p.withdrawn AS b1, (p.close_date < $3::date) AS b2, p.v1 AS x, p.v2 AS y, count(*) AS n, NULL::bigint AS m
    FROM ${pointFrom}
    WHERE p.site_id = ANY($1::int[]) AND p.config_id = $2
    ${sets(pDetail)}
    UNION ALL
    SELECT 'k', ${grp}, ${g1}, ${g2}, f.km_days, f.km_event::int, 0, NULL, NULL, NULL, NULL, count(*), NULL
    FROM f ${sets('f.km_days, f.km_event')}
    UNION ALL
    SELECT 'a', ${grp}, ${g1}, ${g2}, u.i::int, 0, 0, NULL, NULL, NULL, NULL, count(*) FILTER (WHERE u.k > 0), sum(u.k)
    FROM f CROSS JOIN LATERAL unnest(f.ae) WITH ORDINALITY AS u(k, i) WHERE f.ae IS NOT NULL ${sets('u.i')}`;
}

/** The aggregation's rows → statistics of the cohort and of each group (groups merged by label). */
function statsOf(
  rows: readonly AggRow[],
  plan: AnalysisPlan,
  by: readonly Stratum[],
  label: (s: Stratum, v: string | null) => string | null,
): StratifiedStats {
  const overall = emptyStats(plan);
  const groups = new Map<string, StratifiedStats['groups'][number]>();
  const target = (r: AggRow): CohortStats => {
    if (by.length === 0 || r.grp !== 0) return overall;
    const values: Partial<Record<Stratum, string | null>> = {};
    by.forEach((s, i) => {
      values[s] = label(s, i === 0 ? r.g1 : r.g2);
    });
    const { key, label: l } = groupOf(values, by);
    let grp = groups.get(l);
    if (!grp) {
      grp = { key, label: l, stats: emptyStats(plan) };
      groups.set(l, grp);
    }
    return grp.stats;
  };
  for (const r of rows) {
    const s = target(r);
    const n = Number(r.n);
    if (r.part === 'k') {
      s.patients += n;
      const c = s.km.get(r.i1) ?? { events: 0, censored: 0 };
      if (r.i2 === 1) c.events += n;
      else c.censored += n;
      s.km.set(r.i1, c);
    } else if (r.part === 'a') {
      const c = s.ae[r.i1 - 1]!;
      c.with_event += n;
      c.events += Number(r.m);
    } else if (r.i1 === VISIT) {
      const c = s.visits[r.i2]!;
      if (r.i3 === STATE.seen) c.seen += n;
      else if (!r.b2) c.not_yet_due += n;
      else if (r.b1) c.withdrawn += n;
      else c.missed += n;
      if (r.x !== null && r.y !== null) {
        const mm = s.mme[r.i2]!;
        let inner = mm.get(r.x);
        if (!inner) {
          inner = new Map();
          mm.set(r.x, inner);
        }
        inner.set(r.y, (inner.get(r.y) ?? 0) + n);
      }
    } else if (r.i2 === PRESENT_TP) s.present[r.i1]! += n;
    else {
      const c = s.scores[r.i1]![r.i2]!;
      if (r.i3 === STATE.pending) {
        // the as-of rule: closed by as-of (b2) → missed or withdrawn, else not yet due
        if (!r.b2) c.not_yet_due += n;
        else if (r.b1) c.withdrawn += n;
        else c.missed += n;
      } else {
        if (r.i3 === STATE.responder) c.responders += n;
        else if (r.i3 === STATE['non-responder']) c.non_responders += n;
        else c.not_evaluable += n;
        c.deltas.set(r.x!, (c.deltas.get(r.x!) ?? 0) + n);
      }
    }
  }
  // no baseline: the patients without a row for the instrument and timepoint
  for (const s of [overall, ...[...groups.values()].map((g) => g.stats)])
    for (const cells of s.scores)
      for (const c of cells)
        c.no_baseline =
          s.patients - c.responders - c.non_responders - c.not_evaluable - c.missed - c.withdrawn - c.not_yet_due;
  return { overall, groups: [...groups.values()] };
}
