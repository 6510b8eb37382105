// Site-scoped queries that build the outcomes analysis's input records (src/registry/analysis) from the
// registry tables: one query, read only. The stored facts of src/store/registry-analysis-facts.ts are built
// from these records (readAnalysisRows); analysisRecords returns them to a caller (tests, the bench).
// Who sees what (src/registry/policy.ts):
//  - a role with records:read (clinician, coordinator, admin) analyses the patients of its own sites;
//  - a role with only deidentified:read (analyst) analyses de-identified aggregates of patients whose research
//    use is allowed today (src/registry/consent.ts researchPeriods / mayExportForResearch — applied here in
//    TypeScript, not restated in SQL), every output small-cell suppressed.
// Records carry no registry id (the database id as a string, never shown), no dates beyond the analysis.

import type { ResponderInstrument } from '../instruments/config.ts';
import type { AnalysisRecord, AnalysisVisit } from '../registry/analysis/input.ts';
import { relatednessOf } from '../registry/analysis/input.ts';
import { type ConsentFacts, type DayPeriod, inPeriods, researchPeriods } from '../registry/consent.ts';
import { type Actor, can } from '../registry/policy.ts';
import { CommandError } from '../registry/validation.ts';
import type { Db, Queryable } from './db.ts';
import { siteScoped } from './tx.ts';

export type AnalysisAccess = 'site' | 'deidentified';

/** Which view the actor gets, or a 403: identifiable roles analyse their sites, analysts de-identified data. */
export function analysisAccess(actor: Actor): AnalysisAccess {
  if (can(actor, 'records:read')) return 'site';
  if (can(actor, 'deidentified:read')) return 'deidentified';
  throw new CommandError(`the ${actor.role} role may not read outcome analyses`, 'role', 403);
}

/** Stored instrument → the analysis's instrument (the principal score stored with each PROM). */
const INSTRUMENT: Record<string, ResponderInstrument> = {
  ODI: 'ODI',
  NRS: 'NRS',
  VAS: 'VAS',
  RMDQ: 'RMDQ',
  EQ5D3L: 'EQ5D3L', // the UK index (src/registry/clinical.ts principal)
  PROMIS10: 'PROMIS_GPH', // the GPH T-score
};

interface Row {
  id: string;
  site_id: number;
  site: string;
  status: string;
  /** [scope, consent_date, withdrawn_date] */
  consents: [string, string, string | null][] | null;
  procedure_date: string;
  therapy: string | null;
  product_class: string | null;
  target: string | null;
  pain_generator: string;
  baseline_opioid_use: boolean;
  withdrawn: string | null;
  last_contact: string | null;
  /** [date, timepoint, mme, reintervention occurred, reintervention date, {instrument: score}] */
  visits: [string, string, number | null, string | null, string | null, Record<string, number> | null][] | null;
  /** [grade, serious, attribution_procedure, attribution_product] */
  aes: [number, boolean, string | null, string | null][] | null;
}

/** A patient's analysis record with what the stored facts need besides it. */
export interface AnalysisRow {
  patientId: number;
  siteId: number;
  record: AnalysisRecord;
  /** Days on which research use is allowed (src/registry/consent.ts researchPeriods). */
  research: DayPeriod[];
}

/**
 * The analysis records of the given sites (every patient with an index procedure), or of some of their
 * patients. Run inside a site-scoped transaction (row-level security shows those sites only). Treatment
 * failure events: re-interventions recorded at follow-up visits. MME/day: as recorded at the visit; a visit
 * marked "no opioids" stores 0; one without opioid entries and without that mark stores no MME and stays
 * unknown, except at baseline when enrolment recorded no opioid use (then 0). Adverse events: those not deleted with onset on
 * or after the index procedure. Last contact: the latest visit or adverse-event onset.
 */
export async function readAnalysisRows(
  tx: Queryable,
  db: Db,
  sites: readonly number[],
  patientIds: readonly number[] | null = null,
): Promise<AnalysisRow[]> {
  if (db.kind === 'postgres') await tx.query("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'");
  // With patient ids, every part is restricted to those patients (a refresh of a few); without, to the sites.
  const only = (col: string) => (patientIds ? `AND ${col} IN (SELECT id FROM pts)` : '');
  const r = await tx.query<Row>(
    `WITH pts AS MATERIALIZED (
       SELECT p.id, p.site_id, p.status, p.index_procedure_date, p.index_procedure_id, p.pain_generator_group, p.baseline_opioid_use,
         CASE WHEN p.status = 'withdrawn' THEN p.status_date END AS status_withdrawn
       FROM patient p
       WHERE p.site_id = ANY($1::int[]) AND p.index_procedure_date IS NOT NULL ${patientIds ? 'AND p.id = ANY($2::bigint[])' : ''}
     ), sc AS (
       SELECT ps.visit_id, json_object_agg(ps.instrument, ps.score) AS s
       FROM prom_score ps WHERE ps.site_id = ANY($1::int[]) ${only('ps.patient_id')} GROUP BY ps.visit_id
     ), vis AS (
       SELECT v.patient_id, max(v.visit_date) AS last_visit,
         json_agg(json_build_array(v.visit_date, v.timepoint, v.mme_per_day, v.reintervention ->> 'occurred',
           v.reintervention ->> 'date', sc.s) ORDER BY v.visit_date) AS visits
       FROM followup_visit v LEFT JOIN sc ON sc.visit_id = v.id
       WHERE v.site_id = ANY($1::int[]) ${only('v.patient_id')} GROUP BY v.patient_id
     ), ae AS (
       SELECT a.patient_id, max(a.onset_date) AS last_onset,
         json_agg(json_build_array(a.grade, a.serious, a.attribution_procedure, a.attribution_product) ORDER BY a.id) AS aes
       FROM adverse_event a JOIN pts ON pts.id = a.patient_id
       WHERE a.site_id = ANY($1::int[]) AND a.deleted_at IS NULL AND a.onset_date >= pts.index_procedure_date
       GROUP BY a.patient_id
     ), cs AS (
       SELECT c.patient_id, min(c.withdrawn_date) FILTER (WHERE c.scope = 'registry') AS wd,
         json_agg(json_build_array(c.scope, c.consent_date, c.withdrawn_date) ORDER BY c.id) AS consents
       FROM consent c WHERE c.site_id = ANY($1::int[]) ${only('c.patient_id')} GROUP BY c.patient_id
     )
     SELECT pts.id::text AS id, pts.site_id, s.code AS site, pts.status, cs.consents,
       pts.index_procedure_date::text AS procedure_date, pr.therapy,
       CASE pr.therapy
         WHEN 'PRP' THEN 'PRP ' || coalesce(pr.characterization -> 'leukocytes' ->> 'value', 'leukocytes not characterised')
         WHEN 'MSC' THEN 'MSC ' || coalesce(pr.product ->> 'source', 'source not recorded')
         ELSE pr.therapy END AS product_class,
       (SELECT string_agg(DISTINCT t ->> 'structure', '+' ORDER BY t ->> 'structure') FROM jsonb_array_elements(pr.targets) t) AS target,
       pts.pain_generator_group AS pain_generator, pts.baseline_opioid_use,
       least(pts.status_withdrawn, cs.wd)::text AS withdrawn,
       greatest(vis.last_visit, ae.last_onset)::text AS last_contact,
       vis.visits, ae.aes
     FROM pts JOIN registry_site s ON s.id = pts.site_id
       LEFT JOIN procedure pr ON pr.id = pts.index_procedure_id
       LEFT JOIN vis ON vis.patient_id = pts.id
       LEFT JOIN ae ON ae.patient_id = pts.id
       LEFT JOIN cs ON cs.patient_id = pts.id
     ORDER BY pts.id`,
    patientIds ? [sites, patientIds] : [sites],
  );
  return r.rows.map((row) => {
    const visits: AnalysisVisit[] = [];
    const events: AnalysisRecord['events'] = [];
    for (const [date, timepoint, mme, occurred, reDate, s] of row.visits ?? []) {
      const scores: AnalysisVisit['scores'] = {};
      if (s) for (const [k, v] of Object.entries(s)) if (INSTRUMENT[k]) scores[INSTRUMENT[k]] = v;
      visits.push({
        date,
        scores,
        mme_per_day: mme ?? (timepoint === 'baseline' && !row.baseline_opioid_use ? 0 : null),
      });
      if (occurred === 'true' && reDate && reDate >= row.procedure_date)
        events.push({ type: 'reintervention', date: reDate });
    }
    const consents: ConsentFacts[] = (row.consents ?? []).map(([scope, consent_date, withdrawn_date]) => ({
      scope,
      consent_date,
      withdrawn_date,
    }));
    return {
      patientId: Number(row.id),
      siteId: Number(row.site_id),
      research: researchPeriods(row.status, consents),
      record: {
        patient: row.id,
        procedure_date: row.procedure_date,
        therapy: row.therapy ?? 'not recorded',
        visits,
        events,
        last_contact: row.last_contact && row.last_contact >= row.procedure_date ? row.last_contact : null,
        withdrawn: row.withdrawn,
        site: row.site,
        product_class: row.product_class,
        target: row.target,
        pain_generator: row.pain_generator,
        adverse_events: (row.aes ?? []).map(([grade, serious, ap, pp]) => ({
          grade: grade as 1 | 2 | 3 | 4 | 5,
          serious,
          related: relatednessOf(ap, pp),
        })),
      },
    };
  });
}

/**
 * The analysis records of the actor's sites (or of one of them); for an analyst only the patients whose
 * research use is allowed today.
 */
export async function analysisRecords(
  db: Db,
  actor: Actor,
  opts: { siteId?: number; today: string },
): Promise<{ access: AnalysisAccess; sites: number[]; records: AnalysisRecord[] }> {
  const access = analysisAccess(actor);
  if (opts.siteId !== undefined && !actor.siteIds.includes(opts.siteId))
    throw new CommandError('you are not a member of this site', 'site_id', 403);
  const sites = opts.siteId === undefined ? actor.siteIds : [opts.siteId];
  // site-scoped: the row-level-security policies (migration 008) show the actor's sites only
  const rows = await siteScoped(db, actor, null, (tx) => readAnalysisRows(tx, db, sites));
  const records = rows.filter((r) => access === 'site' || inPeriods(r.research, opts.today)).map((r) => r.record);
  return { access, sites, records };
}
