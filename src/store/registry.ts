// Registry records: each exported command is one transaction (via `command`), scoped in SQL to the actor's
// sites, audited by the database trigger, and optimistic-locked by a version column. Reads are scoped the
// same way. A record of another site is "not found" (its existence is not revealed).
import { randomBytes } from 'node:crypto';
import {
  characterizeProduct,
  classifyEvent,
  evaluateEligibility,
  opioidMme,
  painGeneratorGroup,
  scoreProms,
} from '../registry/clinical.ts';
import { DEFAULT_REGISTRY_CONFIG, type RegistryConfig } from '../registry/config.ts';
import { type Actor, can, type Permission } from '../registry/policy.ts';
import { addDays, inWindow, scheduleVisit, timepointConfig } from '../registry/schedule.ts';
import {
  AdverseEventSchema,
  CommandError,
  ConsentSchema,
  DeleteSchema,
  EnrolPatientSchema,
  FollowUpSchema,
  ProcedureSchema,
  parseCommand,
  UpdateAdverseEventSchema,
  UpdatePatientSchema,
} from '../registry/validation.ts';
import type { Db, Queryable } from './db.ts';
import { command } from './registry-accounts.ts';

export function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor, permission))
    throw new CommandError(`the ${actor.role} role may not do this (${permission})`, 'role', 403);
}

function requireSite(actor: Actor, permission: Permission, siteId: number): void {
  requirePermission(actor, permission);
  if (!actor.siteIds.includes(siteId)) throw new CommandError('you are not a member of this site', 'site_id', 403);
}

const notFound = (what: string) => new CommandError(`no ${what} with this id at your sites`, 'id', 404);

/** Crockford base32 without I, L, O, U: a pseudonymous id not derived from any identifier (HIPAA 164.514(c)). */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export function newRegistryId(): string {
  const b = randomBytes(10);
  let s = '';
  for (const x of b) s += ALPHABET[x % 32];
  return `P-${s}`;
}

/** Locks and returns the patient if it belongs to one of the actor's sites. */
async function patientForWrite(tx: Queryable, actor: Actor, patientId: number) {
  requirePermission(actor, 'records:write');
  const r = await tx.query<{
    id: number;
    site_id: number;
    eligible: boolean;
    index_procedure_date: string | null;
    index_procedure_id: number | null;
    version: number;
  }>(
    'SELECT id, site_id, eligible, index_procedure_date::text AS index_procedure_date, index_procedure_id, version FROM patient WHERE id = $1 AND site_id = ANY($2::int[]) FOR UPDATE',
    [patientId, actor.siteIds],
  );
  if (!r.rows[0]) throw notFound('patient');
  return r.rows[0];
}

/** Optimistic locking: the UPDATE matched no row → 409 if the record exists at the actor's sites, else 404. */
async function conflictOr404(tx: Queryable, table: string, id: number, actor: Actor, what: string): Promise<never> {
  const r = await tx.query<{ version: number }>(
    `SELECT version FROM ${table} WHERE id = $1 AND site_id = ANY($2::int[])`,
    [id, actor.siteIds],
  );
  if (r.rows[0]) {
    throw new CommandError(
      `the ${what} was changed by someone else (now version ${r.rows[0].version}); reload and apply your change again`,
      'version',
      409,
    );
  }
  throw notFound(what);
}

const PATIENT_COLUMNS = `id, site_id, registry_id, year_of_birth, sex, bmi, smoking, pain_duration_months, prior_treatments,
  pain_generators, pain_generator_group, baseline_opioid_use, eligibility, eligible, index_procedure_id,
  index_procedure_date::text AS index_procedure_date, version, created_at`;

export interface PatientRow {
  id: number;
  site_id: number;
  registry_id: string;
  year_of_birth: number;
  sex: string;
  bmi: number | null;
  smoking: string;
  pain_duration_months: number;
  prior_treatments: string[];
  pain_generators: string[];
  pain_generator_group: string;
  baseline_opioid_use: boolean;
  eligibility: { eligible: boolean; reasons: string[]; answers: Record<string, boolean>; config_version: string };
  eligible: boolean;
  index_procedure_id: number | null;
  index_procedure_date: string | null;
  version: number;
  created_at: Date;
}

export async function enrolPatient(
  db: Db,
  actor: Actor,
  input: unknown,
  config: RegistryConfig = DEFAULT_REGISTRY_CONFIG,
): Promise<PatientRow> {
  const p = parseCommand(EnrolPatientSchema, input);
  requireSite(actor, 'records:write', p.site_id);
  const elig = evaluateEligibility(p.eligibility, p.pain_duration_months, config);
  return command(db, actor, null, async (tx) => {
    const r = await tx.query<PatientRow>(
      `INSERT INTO patient (site_id, registry_id, year_of_birth, sex, bmi, smoking, pain_duration_months, prior_treatments,
        pain_generators, pain_generator_group, baseline_opioid_use, eligibility, eligible, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING ${PATIENT_COLUMNS}`,
      [
        p.site_id,
        newRegistryId(),
        p.year_of_birth,
        p.sex,
        p.bmi ?? null,
        p.smoking,
        p.pain_duration_months,
        [...new Set(p.prior_treatments)],
        [...new Set(p.pain_generators)],
        painGeneratorGroup([...new Set(p.pain_generators)]),
        p.baseline_opioid_use,
        JSON.stringify(elig),
        elig.eligible,
        actor.userId || null,
      ],
    );
    return r.rows[0]!;
  });
}

export async function updatePatient(
  db: Db,
  actor: Actor,
  patientId: number,
  input: unknown,
  config: RegistryConfig = DEFAULT_REGISTRY_CONFIG,
): Promise<PatientRow> {
  const u = parseCommand(UpdatePatientSchema, input);
  const { version: _version, reason: _reason, ...changes } = u;
  if (Object.values(changes).every((v) => v === undefined))
    throw new CommandError('nothing to change: send at least one field besides version and reason', 'body');
  requirePermission(actor, 'records:write');
  return command(db, actor, u.reason, async (tx) => {
    const cur = await tx.query<PatientRow>(
      `SELECT ${PATIENT_COLUMNS} FROM patient WHERE id = $1 AND site_id = ANY($2::int[])`,
      [patientId, actor.siteIds],
    );
    const old = cur.rows[0];
    if (!old) throw notFound('patient');
    const next = {
      year_of_birth: u.year_of_birth ?? old.year_of_birth,
      sex: u.sex ?? old.sex,
      bmi: u.bmi === undefined ? old.bmi : u.bmi,
      smoking: u.smoking ?? old.smoking,
      pain_duration_months: u.pain_duration_months ?? old.pain_duration_months,
      // De-duplicated as at enrolment.
      prior_treatments: u.prior_treatments ? [...new Set(u.prior_treatments)] : old.prior_treatments,
      pain_generators: u.pain_generators ? [...new Set(u.pain_generators)] : old.pain_generators,
      baseline_opioid_use: u.baseline_opioid_use ?? old.baseline_opioid_use,
    };
    const elig = evaluateEligibility(old.eligibility.answers, next.pain_duration_months, config);
    const r = await tx.query<PatientRow>(
      `UPDATE patient SET year_of_birth = $4, sex = $5, bmi = $6, smoking = $7, pain_duration_months = $8, prior_treatments = $9,
         pain_generators = $10, pain_generator_group = $11, baseline_opioid_use = $12, eligibility = $13, eligible = $14, version = version + 1
       WHERE id = $1 AND site_id = ANY($2::int[]) AND version = $3 RETURNING ${PATIENT_COLUMNS}`,
      [
        patientId,
        actor.siteIds,
        u.version,
        next.year_of_birth,
        next.sex,
        next.bmi,
        next.smoking,
        next.pain_duration_months,
        next.prior_treatments,
        next.pain_generators,
        painGeneratorGroup(next.pain_generators),
        next.baseline_opioid_use,
        JSON.stringify(elig),
        elig.eligible,
      ],
    );
    return r.rows[0] ?? conflictOr404(tx, 'patient', patientId, actor, 'patient');
  });
}

export async function listPatients(db: Queryable, actor: Actor, opts: { siteId?: number; limit?: number } = {}) {
  requirePermission(actor, 'records:read');
  const sites = opts.siteId === undefined ? actor.siteIds : actor.siteIds.filter((s) => s === opts.siteId);
  const r = await db.query<PatientRow>(
    `SELECT ${PATIENT_COLUMNS} FROM patient WHERE site_id = ANY($1::int[]) ORDER BY id DESC LIMIT $2`,
    [sites, Math.min(opts.limit ?? 200, 1000)],
  );
  return r.rows;
}

export async function getPatient(db: Queryable, actor: Actor, patientId: number) {
  requirePermission(actor, 'records:read');
  const p = await db.query<PatientRow>(
    `SELECT ${PATIENT_COLUMNS} FROM patient WHERE id = $1 AND site_id = ANY($2::int[])`,
    [patientId, actor.siteIds],
  );
  const patient = p.rows[0];
  if (!patient) throw notFound('patient');
  const [consents, procedures, visits, scores, events] = await Promise.all([
    db.query(
      'SELECT id, scope, form_version, consent_date::text AS consent_date, obtained_by, withdrawn_date::text AS withdrawn_date, version FROM consent WHERE patient_id = $1 ORDER BY id',
      [patientId],
    ),
    db.query(
      `SELECT id, procedure_date::text AS procedure_date, operator, therapy, product, characterization, product_warnings, product_config_version,
        targets, image_guidance, injectate_volume_ml, adjuncts, version FROM procedure WHERE patient_id = $1 ORDER BY procedure_date, id`,
      [patientId],
    ),
    db.query(
      `SELECT id, timepoint, visit_date::text AS visit_date, target_date::text AS target_date, in_window, opioids, mme_per_day, mme_config_version,
        reintervention, imaging_note, schedule_config_version, version FROM followup_visit WHERE patient_id = $1 ORDER BY visit_date, id`,
      [patientId],
    ),
    db.query<{ visit_id: number }>(
      'SELECT id, visit_id, instrument, instrument_version, config_version, value_set, result, score FROM prom_score WHERE patient_id = $1 ORDER BY id',
      [patientId],
    ),
    db.query(
      `SELECT id, procedure_id, term, onset_date::text AS onset_date, grade, ctcae_version, seriousness_criteria, serious, attribution_procedure,
        attribution_product, action, outcome, resolution_date::text AS resolution_date, expected, acknowledged_at, acknowledged_by, version
       FROM adverse_event WHERE patient_id = $1 AND deleted_at IS NULL ORDER BY onset_date, id`,
      [patientId],
    ),
  ]);
  const byVisit = new Map<number, unknown[]>();
  for (const s of scores.rows) byVisit.set(s.visit_id, [...(byVisit.get(s.visit_id) ?? []), s]);
  return {
    patient,
    consents: consents.rows,
    procedures: procedures.rows,
    visits: visits.rows.map((v) => ({ ...v, proms: byVisit.get((v as { id: number }).id) ?? [] })),
    adverse_events: events.rows,
  };
}

export async function recordConsent(db: Db, actor: Actor, patientId: number, input: unknown) {
  const c = parseCommand(ConsentSchema, input);
  return command(db, actor, null, async (tx) => {
    const p = await patientForWrite(tx, actor, patientId);
    const r = await tx.query(
      `INSERT INTO consent (patient_id, site_id, scope, form_version, consent_date, obtained_by, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, scope, form_version, consent_date::text AS consent_date, obtained_by, version`,
      [p.id, p.site_id, c.scope, c.form_version, c.consent_date, c.obtained_by, actor.userId || null],
    );
    return r.rows[0]!;
  });
}

/** Today's date, UTC (yyyy-mm-dd). */
const utcToday = (): string => new Date().toISOString().slice(0, 10);

/**
 * Records a procedure. Refused unless the patient is eligible and has a registry-participation (research)
 * consent, not withdrawn, dated on or before the procedure. The first procedure becomes the index procedure
 * that anchors the follow-up schedule. Product warnings (e.g. PRP fold below the configured minimum) are
 * stored with the procedure and returned — a warning, never a silent pass. A procedure dated after `today`
 * (UTC; one day of grace for sites ahead of UTC) is refused: it has not happened yet.
 */
export async function recordProcedure(
  db: Db,
  actor: Actor,
  patientId: number,
  input: unknown,
  today: string = utcToday(),
) {
  const p = parseCommand(ProcedureSchema, input);
  if (p.procedure_date > addDays(today, 1))
    throw new CommandError(`the procedure date is in the future (today is ${today})`, 'procedure_date', 422);
  const product = characterizeProduct(p);
  return command(db, actor, null, async (tx) => {
    const pt = await patientForWrite(tx, actor, patientId);
    if (!pt.eligible)
      throw new CommandError('the patient is not eligible (see the eligibility checklist)', 'eligibility', 422);
    const consent = await tx.query(
      "SELECT 1 FROM consent WHERE patient_id = $1 AND scope = 'research' AND withdrawn_date IS NULL AND consent_date <= $2::date",
      [pt.id, p.procedure_date],
    );
    if (consent.rows.length === 0)
      throw new CommandError('no registry consent on or before the procedure date', 'consent', 422);
    const r = await tx.query<{ id: number; procedure_date: string }>(
      `INSERT INTO procedure (patient_id, site_id, procedure_date, operator, therapy, product, characterization, product_warnings,
        product_config_version, targets, image_guidance, injectate_volume_ml, adjuncts, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id, procedure_date::text AS procedure_date, version`,
      [
        pt.id,
        pt.site_id,
        p.procedure_date,
        p.operator,
        p.therapy,
        JSON.stringify(product.product),
        JSON.stringify(product.characterization),
        product.warnings,
        product.config_version,
        JSON.stringify(p.targets),
        p.image_guidance,
        p.injectate_volume_ml,
        p.adjuncts,
        actor.userId || null,
      ],
    );
    const proc = r.rows[0]!;
    const isIndex = pt.index_procedure_date === null || p.procedure_date < pt.index_procedure_date;
    if (isIndex) {
      await tx.query("SELECT set_config('regenspine.reason', 'index procedure recorded', true)");
      await tx.query(
        'UPDATE patient SET index_procedure_id = $2, index_procedure_date = $3, version = version + 1 WHERE id = $1',
        [pt.id, proc.id, p.procedure_date],
      );
    }
    return { ...proc, index: isIndex, warnings: product.warnings, characterization: product.characterization };
  });
}

/**
 * Stores one follow-up visit: PROMs scored by src/instruments (each score with instrument and config
 * versions), opioid MME (CDC 2022 via src/instruments/mme.ts), re-intervention and imaging note.
 * Everything is validated and scored before the transaction opens; the writes are one transaction.
 */
export async function submitFollowUp(
  db: Db,
  actor: Actor,
  patientId: number,
  input: unknown,
  config: RegistryConfig = DEFAULT_REGISTRY_CONFIG,
) {
  const v = parseCommand(FollowUpSchema, input);
  const proms = scoreProms(v.proms);
  const mme = opioidMme(v.opioids);
  const tp = timepointConfig(v.timepoint, config);
  if (!tp) throw new CommandError(`timepoint ${v.timepoint} is not in the schedule (${config.version})`, 'timepoint');
  requirePermission(actor, 'records:write');
  return command(db, actor, null, async (tx) => {
    const pr = await tx.query<{ id: number; site_id: number; index_procedure_date: string | null }>(
      'SELECT id, site_id, index_procedure_date::text AS index_procedure_date FROM patient WHERE id = $1 AND site_id = ANY($2::int[])',
      [patientId, actor.siteIds],
    );
    const pt = pr.rows[0];
    if (!pt) throw notFound('patient');
    if (tp.months > 0 && pt.index_procedure_date === null)
      throw new CommandError('no procedure recorded yet: only the baseline visit can be entered', 'timepoint', 422);
    if (tp.months > 0 && pt.index_procedure_date !== null && v.visit_date < pt.index_procedure_date)
      throw new CommandError(
        `a ${v.timepoint} follow-up cannot be dated before the index procedure (${pt.index_procedure_date})`,
        'visit_date',
        422,
      );
    const sched = pt.index_procedure_date ? scheduleVisit(pt.index_procedure_date, tp) : null;
    // The visit and its scores in one statement (one round trip fewer per submission); the audit triggers
    // fire for every inserted row as usual. No row back means the visit already exists.
    const visit = await tx.query<{ id: number }>(
      `WITH visit AS (
         INSERT INTO followup_visit (patient_id, site_id, timepoint, visit_date, target_date, in_window, opioids, mme_per_day,
           mme_config_version, reintervention, imaging_note, schedule_config_version, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (patient_id, timepoint) DO NOTHING RETURNING id
       ), scores AS (
         INSERT INTO prom_score (visit_id, patient_id, site_id, instrument, instrument_version, config_version, value_set, input,
           result, score, created_by)
         SELECT visit.id, $1, $2, t.instrument, t.instrument_version, t.config_version, t.value_set, t.input::jsonb,
           t.result::jsonb, t.score, $13
         FROM visit CROSS JOIN unnest($14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::float8[])
           AS t(instrument, instrument_version, config_version, value_set, input, result, score)
         RETURNING 1
       )
       SELECT id, (SELECT count(*) FROM scores)::int AS scores FROM visit`,
      [
        pt.id,
        pt.site_id,
        v.timepoint,
        v.visit_date,
        sched?.target ?? null,
        sched ? inWindow(sched, v.visit_date) : null,
        mme ? JSON.stringify(mme) : null,
        mme?.total_mme_per_day ?? null,
        mme?.config_version ?? null,
        v.reintervention ? JSON.stringify(v.reintervention) : null,
        v.imaging_note ?? null,
        config.version,
        actor.userId || null,
        proms.map((p) => p.instrument),
        proms.map((p) => p.instrument_version),
        proms.map((p) => p.config_version),
        proms.map((p) => p.value_set),
        proms.map((p) => JSON.stringify(p.input)),
        proms.map((p) => JSON.stringify(p.result)),
        proms.map((p) => p.score),
      ],
    );
    const row = visit.rows[0];
    if (!row) throw new CommandError(`the ${v.timepoint} visit is already recorded for this patient`, 'timepoint', 409);
    return {
      id: row.id,
      timepoint: v.timepoint,
      target_date: sched?.target ?? null,
      in_window: sched ? inWindow(sched, v.visit_date) : null,
      proms: proms.map(({ instrument, instrument_version, config_version, value_set, result, score }) => ({
        instrument,
        instrument_version,
        config_version,
        value_set,
        result,
        score,
      })),
      mme,
    };
  });
}

export async function reportAdverseEvent(db: Db, actor: Actor, patientId: number, input: unknown) {
  const ae = parseCommand(AdverseEventSchema, input);
  const c = classifyEvent(ae);
  return command(db, actor, null, async (tx) => {
    const pt = await patientForWrite(tx, actor, patientId);
    if (ae.procedure_id) {
      const pr = await tx.query('SELECT 1 FROM procedure WHERE id = $1 AND patient_id = $2', [ae.procedure_id, pt.id]);
      if (pr.rows.length === 0) throw new CommandError('no such procedure for this patient', 'procedure_id', 422);
    }
    const r = await tx.query<{ id: number; serious: boolean; version: number }>(
      `INSERT INTO adverse_event (patient_id, site_id, procedure_id, term, onset_date, grade, ctcae_version, seriousness_criteria, serious,
        attribution_procedure, attribution_product, action, outcome, resolution_date, expected, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id, serious, version`,
      [
        pt.id,
        pt.site_id,
        ae.procedure_id ?? null,
        ae.term,
        ae.onset_date,
        c.grade,
        c.ctcae_version,
        c.seriousness_criteria,
        c.serious,
        c.attribution_procedure,
        c.attribution_product,
        ae.action,
        c.outcome,
        ae.resolution_date ?? null,
        ae.expected ?? null,
        actor.userId || null,
      ],
    );
    return { ...r.rows[0]!, classification: c };
  });
}

const AE_COLUMNS = `id, patient_id, site_id, procedure_id, term, onset_date::text AS onset_date, grade, ctcae_version, seriousness_criteria, serious,
  attribution_procedure, attribution_product, action, outcome, resolution_date::text AS resolution_date, expected, acknowledged_at, version`;

interface AeRow {
  id: number;
  term: string;
  onset_date: string;
  grade: number;
  seriousness_criteria: string[];
  attribution_procedure: string | null;
  attribution_product: string | null;
  action: string;
  outcome: string | null;
  resolution_date: string | null;
  expected: boolean | null;
  procedure_id: number | null;
}

export async function updateAdverseEvent(db: Db, actor: Actor, aeId: number, input: unknown) {
  const u = parseCommand(UpdateAdverseEventSchema, input);
  requirePermission(actor, 'records:write');
  return command(db, actor, u.reason, async (tx) => {
    const cur = await tx.query<AeRow>(
      `SELECT ${AE_COLUMNS} FROM adverse_event WHERE id = $1 AND site_id = ANY($2::int[]) AND deleted_at IS NULL`,
      [aeId, actor.siteIds],
    );
    const old = cur.rows[0];
    if (!old) throw notFound('adverse event');
    const merged = parseCommand(AdverseEventSchema, {
      procedure_id: old.procedure_id,
      term: u.term ?? old.term,
      onset_date: old.onset_date,
      grade: u.grade ?? old.grade,
      seriousness_criteria: u.seriousness_criteria ?? old.seriousness_criteria,
      attribution_procedure:
        u.attribution_procedure === undefined ? old.attribution_procedure : u.attribution_procedure,
      attribution_product: u.attribution_product === undefined ? old.attribution_product : u.attribution_product,
      action: u.action ?? old.action,
      outcome: u.outcome === undefined ? old.outcome : u.outcome,
      resolution_date: u.resolution_date === undefined ? old.resolution_date : u.resolution_date,
      expected: old.expected,
    });
    const c = classifyEvent(merged);
    const r = await tx.query(
      `UPDATE adverse_event SET term = $4, grade = $5, seriousness_criteria = $6, serious = $7, attribution_procedure = $8, attribution_product = $9,
         action = $10, outcome = $11, resolution_date = $12, version = version + 1,
         acknowledged_at = CASE WHEN $7 AND NOT serious THEN NULL ELSE acknowledged_at END
       WHERE id = $1 AND site_id = ANY($2::int[]) AND version = $3 AND deleted_at IS NULL RETURNING ${AE_COLUMNS}`,
      [
        aeId,
        actor.siteIds,
        u.version,
        merged.term,
        c.grade,
        c.seriousness_criteria,
        c.serious,
        c.attribution_procedure,
        c.attribution_product,
        merged.action,
        c.outcome,
        merged.resolution_date ?? null,
      ],
    );
    return r.rows[0] ?? conflictOr404(tx, 'adverse_event', aeId, actor, 'adverse event');
  });
}

/** Logical deletion ("entered in error") with a reason; the row and its history stay (regulatory.md §5.3). */
export async function deleteAdverseEvent(db: Db, actor: Actor, aeId: number, input: unknown) {
  const d = parseCommand(DeleteSchema, input);
  requirePermission(actor, 'records:write');
  return command(db, actor, d.reason, async (tx) => {
    const r = await tx.query(
      'UPDATE adverse_event SET deleted_at = now(), version = version + 1 WHERE id = $1 AND site_id = ANY($2::int[]) AND version = $3 AND deleted_at IS NULL RETURNING id, version',
      [aeId, actor.siteIds, d.version],
    );
    return r.rows[0] ?? conflictOr404(tx, 'adverse_event', aeId, actor, 'adverse event');
  });
}

export async function acknowledgeAdverseEvent(db: Db, actor: Actor, aeId: number, version: number) {
  requirePermission(actor, 'ae:acknowledge');
  if (!Number.isInteger(version) || version < 1) throw new CommandError('expected the record version', 'version');
  return command(db, actor, 'serious adverse event acknowledged by the site', async (tx) => {
    const r = await tx.query(
      `UPDATE adverse_event SET acknowledged_at = now(), acknowledged_by = $4, version = version + 1
       WHERE id = $1 AND site_id = ANY($2::int[]) AND version = $3 AND serious AND acknowledged_at IS NULL AND deleted_at IS NULL RETURNING ${AE_COLUMNS}`,
      [aeId, actor.siteIds, version, actor.userId || null],
    );
    return r.rows[0] ?? conflictOr404(tx, 'adverse_event', aeId, actor, 'adverse event');
  });
}

/** Serious adverse events no one at the site has acknowledged yet (the site dashboard's alert list). */
export async function unacknowledgedSeriousEvents(db: Queryable, actor: Actor, siteId?: number) {
  requirePermission(actor, 'records:read');
  const sites = siteId === undefined ? actor.siteIds : actor.siteIds.filter((s) => s === siteId);
  const r = await db.query(
    `SELECT a.id, a.patient_id, p.registry_id, a.site_id, a.term, a.onset_date::text AS onset_date, a.grade, a.seriousness_criteria, a.created_at, a.version
     FROM adverse_event a JOIN patient p ON p.id = a.patient_id
     WHERE a.site_id = ANY($1::int[]) AND a.serious AND a.acknowledged_at IS NULL AND a.deleted_at IS NULL ORDER BY a.created_at`,
    [sites],
  );
  return r.rows;
}

export interface FollowUpReportRow {
  patient_id: number;
  registry_id: string;
  timepoint: string;
  target: string;
  window_open: string;
  window_close: string;
  status: 'due' | 'overdue' | 'missed';
}

export interface FollowUpReport {
  site_id: number;
  today: string;
  config_version: string;
  counts: Record<string, Record<string, number>>;
  due: FollowUpReportRow[];
  overdue: FollowUpReportRow[];
  missed: FollowUpReportRow[];
}

/**
 * A site's follow-up status on `today`, computed in SQL with the rules of src/registry/schedule.ts
 * (visitStatus): counts per timepoint and status, and the open lists (due, overdue, missed; up to `limit`
 * each, oldest target first). Calendar months as PostgreSQL adds them (end-of-month clamped), like addMonths.
 */
export async function followUpReport(
  db: Db,
  actor: Actor,
  siteId: number,
  today: string,
  opts: { limit?: number; config?: RegistryConfig } = {},
): Promise<FollowUpReport> {
  requireSite(actor, 'records:read', siteId);
  const config = opts.config ?? DEFAULT_REGISTRY_CONFIG;
  const tps = config.followup.timepoints.value;
  const limit = Math.min(opts.limit ?? 100, 1000);
  // One read-only transaction: JIT off (compiling this query costs ~200 ms on PostgreSQL 15 and gains
  // nothing at 600k rows), and enough work_mem for the hash joins and aggregates to stay in memory.
  // Shape, for speed (100,000 patients × 6 timepoints: ~1.1 s → ~0.65 s): completed visits are folded into one
  // bitmask per patient (bit i-1 = timepoint i), so the 600k (patient, timepoint) rows need no join; each row
  // carries only small integers (timepoint index, status code) and its target date; the three open lists are
  // top-N scans of that set, and only their rows are joined back to the patient.
  const STATUS_CODES = ['completed', 'upcoming', 'due', 'overdue', 'missed'] as const;
  const r = await db.transaction(async (tx) => {
    if (db.kind === 'postgres') await tx.query("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'");
    return tx.query<{
      i: number;
      s: number;
      n: number;
      patient_id: number | null;
      registry_id: string | null;
      target: string | null;
      window_open: string | null;
      window_close: string | null;
    }>(
      `WITH tp AS (
         SELECT key, before_days, after_days, i::int AS i, make_interval(months => months) AS m
         FROM unnest($2::text[], $3::int[], $4::int[], $5::int[]) WITH ORDINALITY AS t(key, months, before_days, after_days, i)
       ), done AS (
         SELECT v.patient_id, bit_or(1 << (tp.i - 1)) AS mask
         FROM followup_visit v JOIN tp ON tp.key = v.timepoint WHERE v.site_id = $1 GROUP BY v.patient_id
       ), st AS MATERIALIZED (
         SELECT p.id AS patient_id, tp.i, d.target,
           CASE WHEN coalesce(done.mask, 0) & (1 << (tp.i - 1)) <> 0 THEN 0
                WHEN $6::date < d.target - tp.before_days THEN 1
                WHEN $6::date <= d.target THEN 2
                WHEN $6::date <= d.target + tp.after_days THEN 3
                ELSE 4 END AS s
         FROM patient p LEFT JOIN done ON done.patient_id = p.id CROSS JOIN tp
           CROSS JOIN LATERAL (SELECT (p.index_procedure_date + tp.m)::date AS target) d
         WHERE p.site_id = $1 AND p.index_procedure_date IS NOT NULL
       ), lists AS (
         (SELECT * FROM st WHERE s = 2 ORDER BY target, patient_id, i LIMIT $7)
         UNION ALL (SELECT * FROM st WHERE s = 3 ORDER BY target, patient_id, i LIMIT $7)
         UNION ALL (SELECT * FROM st WHERE s = 4 ORDER BY target, patient_id, i LIMIT $7)
       )
       SELECT i, s, count(*)::int AS n, NULL::int AS patient_id, NULL::text AS registry_id, NULL::text AS target,
         NULL::text AS window_open, NULL::text AS window_close
       FROM st GROUP BY i, s
       UNION ALL
       SELECT l.i, l.s, 0, l.patient_id, p.registry_id, l.target::text, (l.target - tp.before_days)::text,
         (l.target + tp.after_days)::text
       FROM lists l JOIN patient p ON p.id = l.patient_id JOIN tp ON tp.i = l.i
       ORDER BY 4 NULLS FIRST`,
      [
        siteId,
        tps.map((t) => t.key),
        tps.map((t) => t.months),
        tps.map((t) => t.windowBeforeDays),
        tps.map((t) => t.windowAfterDays),
        today,
        limit,
      ],
    );
  });
  const counts: Record<string, Record<string, number>> = {};
  for (const t of tps) counts[t.key] = { completed: 0, upcoming: 0, due: 0, overdue: 0, missed: 0 };
  const lists: Record<'due' | 'overdue' | 'missed', FollowUpReportRow[]> = { due: [], overdue: [], missed: [] };
  for (const row of r.rows) {
    const timepoint = tps[row.i - 1]!.key;
    const status = STATUS_CODES[row.s]!;
    if (row.patient_id === null) counts[timepoint]![status] = row.n;
    else {
      lists[status as 'due' | 'overdue' | 'missed'].push({
        patient_id: Number(row.patient_id),
        registry_id: row.registry_id!,
        timepoint,
        target: row.target!,
        window_open: row.window_open!,
        window_close: row.window_close!,
        status: status as FollowUpReportRow['status'],
      });
    }
  }
  const order = (a: FollowUpReportRow, b: FollowUpReportRow) =>
    a.target.localeCompare(b.target) ||
    a.patient_id - b.patient_id ||
    tps.findIndex((t) => t.key === a.timepoint) - tps.findIndex((t) => t.key === b.timepoint);
  for (const k of ['due', 'overdue', 'missed'] as const) lists[k].sort(order);
  return { site_id: siteId, today, config_version: config.version, counts, ...lists };
}

export interface AuditEntry {
  id: number;
  at: Date;
  user_id: number | null;
  user_email: string | null;
  user_role: string | null;
  via: string | null;
  entity: string;
  entity_id: string;
  action: string;
  old_values: Record<string, unknown> | null;
  new_values: Record<string, unknown> | null;
  reason: string | null;
}

/** The audit history of a patient (all its records) or of one record, at the actor's sites. */
export async function auditHistory(
  db: Queryable,
  actor: Actor,
  q: { patientId: number } | { entity: string; entityId: string },
): Promise<AuditEntry[]> {
  requirePermission(actor, 'audit:read');
  const where = 'patientId' in q ? 'a.patient_id = $2' : 'a.entity = $2 AND a.entity_id = $3';
  const params = 'patientId' in q ? [actor.siteIds, q.patientId] : [actor.siteIds, q.entity, q.entityId];
  const r = await db.query<AuditEntry>(
    `SELECT a.id, a.at, a.user_id, u.email AS user_email, a.user_role, a.via, a.entity, a.entity_id, a.action, a.old_values, a.new_values, a.reason
     FROM audit.audit_log a LEFT JOIN app_user u ON u.id = a.user_id
     WHERE a.site_id = ANY($1::int[]) AND ${where} ORDER BY a.id LIMIT 5000`,
    params,
  );
  if (r.rows.length === 0) throw notFound('audited record');
  return r.rows;
}

/**
 * De-identified outcome rows for analysts (HIPAA Safe Harbor, interoperability.md §5): no registry id (a
 * per-export random key instead), year of birth with ages ≥ 90 aggregated, no dates — follow-up as days
 * since the index procedure — and no free text.
 */
export async function deidentifiedOutcomes(db: Queryable, actor: Actor, opts: { siteId?: number } = {}) {
  requirePermission(actor, 'deidentified:read');
  const sites = opts.siteId === undefined ? actor.siteIds : actor.siteIds.filter((s) => s === opts.siteId);
  const r = await db.query<Record<string, unknown>>(
    `SELECT md5(p.id::text || $2) AS subject_key, s.code AS site,
       CASE WHEN extract(year FROM now())::int - p.year_of_birth >= 90 THEN '90 or older' ELSE (extract(year FROM now())::int - p.year_of_birth)::text END AS age_now,
       p.sex, p.pain_generator_group, pr.therapy, v.timepoint, (v.visit_date - p.index_procedure_date) AS days_since_index,
       ps.instrument, ps.score, ps.instrument_version, ps.config_version, v.mme_per_day,
       coalesce((v.reintervention ->> 'occurred')::boolean, false) AS reintervention
     FROM patient p JOIN registry_site s ON s.id = p.site_id
       LEFT JOIN procedure pr ON pr.id = p.index_procedure_id
       JOIN followup_visit v ON v.patient_id = p.id
       JOIN prom_score ps ON ps.visit_id = v.id
     WHERE p.site_id = ANY($1::int[]) ORDER BY subject_key, v.timepoint, ps.instrument LIMIT 100000`,
    [sites, randomBytes(16).toString('hex')],
  );
  return r.rows;
}
