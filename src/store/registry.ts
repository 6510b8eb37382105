// Registry records: each exported command is one transaction (via `command`), scoped in SQL to the actor's
// sites, audited by the database trigger, and optimistic-locked by a version column. Reads are scoped the
// same way. A record of another site is "not found" (its existence is not revealed).
import { randomBytes } from 'node:crypto';
import { admitFollowUp, admitProcedure, isIndexProcedure, lifeOf, prepareFollowUp } from '../registry/admit.ts';
import { acknowledgementProblem, mergeAdverseEventUpdate, type StoredAdverseEvent } from '../registry/adverse-event.ts';
import { classifyEvent, evaluateEligibility, painGeneratorGroup, type scoreProms } from '../registry/clinical.ts';
import { DEFAULT_REGISTRY_CONFIG, type RegistryConfig } from '../registry/config.ts';
import { safeHarborAge } from '../registry/deidentify.ts';
import { checkBmi, checkDateInLife } from '../registry/plausibility.ts';
import { type Actor, can, type Permission, refusal, viaOf } from '../registry/policy.ts';
import {
  type FollowUpListRow,
  type FollowUpStatusReport,
  followUpStatusReport,
  inWindow,
  scheduleVisit,
  timepointConfig,
} from '../registry/schedule.ts';
import {
  AdverseEventSchema,
  assertStorableText,
  CommandError,
  ConsentSchema,
  CorrectConsentSchema,
  CorrectionSchema,
  DeleteSchema,
  EnrolPatientSchema,
  PatientSearchSchema,
  PatientStatusSchema,
  parseCommand,
  UpdateAdverseEventSchema,
  UpdatePatientSchema,
  WithdrawConsentSchema,
} from '../registry/validation.ts';
import type { Db, Queryable } from './db.ts';
import { recordSecurityEvent } from './registry-accounts.ts';
import { siteScoped } from './tx.ts';

export function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) throw new CommandError(refusal(actor, permission), 'role', 403);
}

function requireSite(actor: Actor, permission: Permission, siteId: number): void {
  requirePermission(actor, permission);
  if (!actor.siteIds.includes(siteId)) throw new CommandError('you are not a member of this site', 'site_id', 403);
}

/** Today's date, UTC (yyyy-mm-dd). */
const utcToday = (): string => new Date().toISOString().slice(0, 10);

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
    year_of_birth: number;
    status: string;
    status_date: string | null;
  }>(
    `SELECT id, site_id, eligible, index_procedure_date::text AS index_procedure_date, index_procedure_id, version, year_of_birth,
       status, status_date::text AS status_date FROM patient WHERE id = $1 AND site_id = ANY($2::int[]) FOR UPDATE`,
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
  index_procedure_date::text AS index_procedure_date, status, status_date::text AS status_date, status_reason, version, created_at`;

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
  status: 'active' | 'withdrawn' | 'lost_to_follow_up' | 'deceased';
  status_date: string | null;
  status_reason: string | null;
  version: number;
  created_at: Date;
}

/** A bigserial key: node-postgres returns int8 as a string, PGlite as a number. */
type RowId = number | string;

/** The rows of a patient's record (readPatient), typed for the views (src/web/registry/views.tsx). */
export interface ConsentRow {
  id: RowId;
  scope: string;
  form_version: string;
  consent_date: string;
  obtained_by: string;
  withdrawn_date: string | null;
  withdrawal_reason: string | null;
  version: number;
}
export interface ProcedureRow {
  id: RowId;
  procedure_date: string;
  operator: string | null;
  therapy: string;
  product: Record<string, unknown>;
  /** PRP: src/products/prp.ts PrpCharacterization; BMC/MSC: their own (src/products). */
  characterization: Record<string, unknown>;
  product_warnings: string[];
  product_config_version: string | null;
  targets: { structure: string; level?: string | null; side?: string | null; approach?: string | null }[];
  image_guidance: string | null;
  injectate_volume_ml: number | null;
  adjuncts: string[] | null;
  version: number;
}
export interface PromScoreRow {
  id: RowId;
  visit_id: RowId;
  instrument: string;
  score: number | null;
  [column: string]: unknown;
}
export interface VisitRow {
  id: RowId;
  timepoint: string;
  visit_date: string;
  target_date: string | null;
  in_window: boolean | null;
  opioids: unknown;
  /** Total MME/day; 0 = "no opioids at this visit" recorded; null = not recorded (unknown). */
  mme_per_day: number | null;
  reintervention: { occurred?: boolean; date?: string; description?: string } | null;
  imaging_note: string | null;
  version: number;
  proms: PromScoreRow[];
}
export interface AdverseEventRow {
  id: RowId;
  procedure_id: RowId | null;
  term: string;
  onset_date: string;
  grade: number;
  seriousness_criteria: string[];
  serious: boolean;
  attribution_procedure: string;
  attribution_product: string;
  outcome: string | null;
  acknowledged_at: Date | null;
  version: number;
  [column: string]: unknown;
}
/** An unacknowledged serious adverse event as the dashboard lists it (unacknowledgedSeriousEvents). */
export interface SeriousEventRow {
  id: RowId;
  patient_id: RowId;
  registry_id: string;
  site_id: number;
  term: string;
  onset_date: string;
  grade: number;
  seriousness_criteria: string[];
  created_at: Date;
  version: number;
}
export interface PatientDetail {
  patient: PatientRow;
  consents: ConsentRow[];
  procedures: ProcedureRow[];
  visits: VisitRow[];
  adverse_events: AdverseEventRow[];
}

export async function enrolPatient(
  db: Db,
  actor: Actor,
  input: unknown,
  config: RegistryConfig = DEFAULT_REGISTRY_CONFIG,
): Promise<PatientRow> {
  const p = parseCommand(EnrolPatientSchema, input);
  checkBmi(p.bmi, config);
  requireSite(actor, 'records:write', p.site_id);
  const elig = evaluateEligibility(p.eligibility, p.pain_duration_months, config);
  return siteScoped(db, actor, null, async (tx) => {
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
  checkBmi(u.bmi, config);
  const { version: _version, reason: _reason, ...changes } = u;
  if (Object.values(changes).every((v) => v === undefined))
    throw new CommandError('nothing to change: send at least one field besides version and reason', 'body');
  requirePermission(actor, 'records:write');
  return siteScoped(db, actor, u.reason, async (tx) => {
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

export interface PatientPage {
  patients: PatientRow[];
  /** Pass as `before` for the next page; null on the last one. */
  next_before: number | null;
}

/**
 * A page of the actor's patients, newest first: `q` matches part of the registry id (case-insensitive),
 * `status` filters by status, `before` continues after a page (keyset on the id, so page n costs what page
 * 1 costs).
 */
export async function searchPatients(db: Db, actor: Actor, query: unknown = {}): Promise<PatientPage> {
  requirePermission(actor, 'records:read');
  const q = parseCommand(PatientSearchSchema, query);
  const sites = q.site_id === undefined ? actor.siteIds : actor.siteIds.filter((s) => s === q.site_id);
  const like = q.q ? `%${q.q.toUpperCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  // Only the conditions asked for, so the planner walks patient_site_idx (site_id, id) backwards and stops
  // after limit + 1 rows instead of sorting the site (the dashboard runs this on every load).
  const params: unknown[] = [sites];
  const where = ['site_id = ANY($1::int[])'];
  if (like) where.push(`upper(registry_id) LIKE $${params.push(like)}`);
  if (q.status) where.push(`status = $${params.push(q.status)}`);
  if (q.before) where.push(`id < $${params.push(q.before)}`);
  const sql = `SELECT ${PATIENT_COLUMNS} FROM patient WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT $${params.push(q.limit + 1)}`;
  const r = await siteScoped(db, actor, null, (tx) => tx.query<PatientRow>(sql, params));
  const rows = r.rows.slice(0, q.limit);
  return { patients: rows, next_before: r.rows.length > q.limit ? Number(rows.at(-1)!.id) : null };
}

export async function listPatients(db: Db, actor: Actor, opts: { siteId?: number; limit?: number } = {}) {
  requirePermission(actor, 'records:read');
  const sites = opts.siteId === undefined ? actor.siteIds : actor.siteIds.filter((s) => s === opts.siteId);
  const r = await siteScoped(db, actor, null, (tx) =>
    tx.query<PatientRow>(
      `SELECT ${PATIENT_COLUMNS} FROM patient WHERE site_id = ANY($1::int[]) ORDER BY id DESC LIMIT $2`,
      [sites, Math.min(opts.limit ?? 200, 1000)],
    ),
  );
  return r.rows;
}

/** The whole record of one patient. Every read is logged as a security event (security review L4). */
export async function getPatient(db: Db, actor: Actor, patientId: number, opts: { log?: boolean } = {}) {
  requirePermission(actor, 'records:read');
  const detail = await siteScoped(db, actor, null, (tx) => readPatient(tx, actor, patientId));
  if (opts.log !== false)
    await recordSecurityEvent(db, {
      kind: 'record-read',
      userId: actor.userId,
      via: viaOf(actor),
      siteId: detail.patient.site_id,
      patientId,
    });
  return detail;
}

async function readPatient(db: Queryable, actor: Actor, patientId: number): Promise<PatientDetail> {
  const p = await db.query<PatientRow>(
    `SELECT ${PATIENT_COLUMNS} FROM patient WHERE id = $1 AND site_id = ANY($2::int[])`,
    [patientId, actor.siteIds],
  );
  const patient = p.rows[0];
  if (!patient) throw notFound('patient');
  const [consents, procedures, visits, scores, events] = await Promise.all([
    db.query<ConsentRow>(
      `SELECT id, scope, form_version, consent_date::text AS consent_date, obtained_by, withdrawn_date::text AS withdrawn_date,
         withdrawal_reason, version FROM consent WHERE patient_id = $1 ORDER BY id`,
      [patientId],
    ),
    db.query<ProcedureRow>(
      `SELECT id, procedure_date::text AS procedure_date, operator, therapy, product, characterization, product_warnings, product_config_version,
        targets, image_guidance, injectate_volume_ml, adjuncts, version FROM procedure WHERE patient_id = $1 ORDER BY procedure_date, id`,
      [patientId],
    ),
    db.query<Omit<VisitRow, 'proms'>>(
      `SELECT id, timepoint, visit_date::text AS visit_date, target_date::text AS target_date, in_window, opioids, mme_per_day, mme_config_version,
        reintervention, imaging_note, schedule_config_version, version FROM followup_visit WHERE patient_id = $1 ORDER BY visit_date, id`,
      [patientId],
    ),
    db.query<PromScoreRow>(
      'SELECT id, visit_id, instrument, instrument_version, config_version, value_set, input, result, score FROM prom_score WHERE patient_id = $1 ORDER BY id',
      [patientId],
    ),
    db.query<AdverseEventRow>(
      `SELECT id, procedure_id, term, onset_date::text AS onset_date, grade, ctcae_version, seriousness_criteria, serious, attribution_procedure,
        attribution_product, action, outcome, resolution_date::text AS resolution_date, expected, acknowledged_at, acknowledged_by, version
       FROM adverse_event WHERE patient_id = $1 AND deleted_at IS NULL ORDER BY onset_date, id`,
      [patientId],
    ),
  ]);
  const byVisit = new Map<number, PromScoreRow[]>();
  for (const s of scores.rows) byVisit.set(Number(s.visit_id), [...(byVisit.get(Number(s.visit_id)) ?? []), s]);
  return {
    patient,
    consents: consents.rows,
    procedures: procedures.rows,
    visits: visits.rows.map((v) => ({ ...v, proms: byVisit.get(Number(v.id)) ?? [] })),
    adverse_events: events.rows,
  };
}

const CONSENT_RETURNING = `id, patient_id, scope, form_version, consent_date::text AS consent_date, obtained_by,
  withdrawn_date::text AS withdrawn_date, withdrawal_reason, version`;

export async function recordConsent(
  db: Db,
  actor: Actor,
  patientId: number,
  input: unknown,
  today: string = utcToday(),
) {
  const c = parseCommand(ConsentSchema, input);
  return siteScoped(db, actor, null, async (tx) => {
    const p = await patientForWrite(tx, actor, patientId);
    checkDateInLife(c.consent_date, 'consent_date', lifeOf(p), today);
    const r = await tx.query(
      `INSERT INTO consent (patient_id, site_id, scope, form_version, consent_date, obtained_by, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${CONSENT_RETURNING}`,
      [p.id, p.site_id, c.scope, c.form_version, c.consent_date, c.obtained_by, actor.userId || null],
    );
    return r.rows[0]!;
  });
}

/** Locks a consent of the actor's sites with its patient (for write). */
async function consentForWrite(tx: Queryable, actor: Actor, consentId: number) {
  requirePermission(actor, 'records:write');
  const r = await tx.query<{
    id: number;
    patient_id: number;
    consent_date: string;
    withdrawn_date: string | null;
    scope: string;
  }>(
    `SELECT id, patient_id, consent_date::text AS consent_date, withdrawn_date::text AS withdrawn_date, scope FROM consent
     WHERE id = $1 AND site_id = ANY($2::int[]) FOR UPDATE`,
    [consentId, actor.siteIds],
  );
  const c = r.rows[0];
  if (!c) throw notFound('consent');
  const p = await patientForWrite(tx, actor, Number(c.patient_id));
  return { consent: c, patient: p };
}

/**
 * Correction of a mistyped consent (scope, form version, date, who obtained it) with a reason; audited
 * old → new by the trigger; optimistic locking on `version`.
 */
export async function correctConsent(
  db: Db,
  actor: Actor,
  consentId: number,
  input: unknown,
  today: string = utcToday(),
) {
  const u = parseCommand(CorrectConsentSchema, input);
  const { version: _v, reason: _r, ...changes } = u;
  if (Object.values(changes).every((v) => v === undefined))
    throw new CommandError('nothing to change: send at least one field besides version and reason', 'body');
  return siteScoped(db, actor, u.reason, async (tx) => {
    const { consent, patient } = await consentForWrite(tx, actor, consentId);
    if (u.consent_date) checkDateInLife(u.consent_date, 'consent_date', lifeOf(patient), today);
    if (consent.withdrawn_date && (u.consent_date ?? consent.consent_date) > consent.withdrawn_date)
      throw new CommandError('the consent date is after its withdrawal', 'consent_date', 422);
    const r = await tx.query(
      `UPDATE consent SET scope = coalesce($4, scope), form_version = coalesce($5, form_version), consent_date = coalesce($6::date, consent_date),
         obtained_by = coalesce($7, obtained_by), version = version + 1
       WHERE id = $1 AND site_id = ANY($2::int[]) AND version = $3 RETURNING ${CONSENT_RETURNING}`,
      [
        consentId,
        actor.siteIds,
        u.version,
        u.scope ?? null,
        u.form_version ?? null,
        u.consent_date ?? null,
        u.obtained_by ?? null,
      ],
    );
    return r.rows[0] ?? conflictOr404(tx, 'consent', consentId, actor, 'consent');
  });
}

/**
 * Withdrawal of a consent (security review M6) with its date and reason, audited. Withdrawing the
 * registry consent also sets the patient's status to withdrawn from that date. From the withdrawal date on
 * the patient is left out of research exports (src/registry/consent.ts mayExportForResearch).
 */
export async function withdrawConsent(
  db: Db,
  actor: Actor,
  consentId: number,
  input: unknown,
  today: string = utcToday(),
) {
  const w = parseCommand(WithdrawConsentSchema, input);
  return siteScoped(db, actor, `consent withdrawn: ${w.reason}`, async (tx) => {
    const { consent, patient } = await consentForWrite(tx, actor, consentId);
    if (consent.withdrawn_date)
      throw new CommandError(`this consent was already withdrawn on ${consent.withdrawn_date}`, 'withdrawn_date', 409);
    checkDateInLife(w.withdrawn_date, 'withdrawn_date', lifeOf(patient), today);
    if (w.withdrawn_date < consent.consent_date)
      throw new CommandError(
        `the consent was given on ${consent.consent_date}, after this date`,
        'withdrawn_date',
        422,
      );
    const r = await tx.query(
      `UPDATE consent SET withdrawn_date = $4, withdrawal_reason = $5, version = version + 1
       WHERE id = $1 AND site_id = ANY($2::int[]) AND version = $3 AND withdrawn_date IS NULL RETURNING ${CONSENT_RETURNING}`,
      [consentId, actor.siteIds, w.version, w.withdrawn_date, w.reason],
    );
    const row = r.rows[0] ?? (await conflictOr404(tx, 'consent', consentId, actor, 'consent'));
    if (consent.scope === 'registry' && patient.status !== 'deceased')
      await tx.query(
        "UPDATE patient SET status = 'withdrawn', status_date = $2, status_reason = $3, version = version + 1 WHERE id = $1",
        [patient.id, w.withdrawn_date, w.reason],
      );
    return row;
  });
}

/** Patient status (active, withdrawn, lost to follow-up, deceased) with its date and a reason; audited. */
export async function setPatientStatus(
  db: Db,
  actor: Actor,
  patientId: number,
  input: unknown,
  today: string = utcToday(),
) {
  const st = parseCommand(PatientStatusSchema, input);
  return siteScoped(db, actor, st.reason, async (tx) => {
    const p = await patientForWrite(tx, actor, patientId);
    if (st.status_date) checkDateInLife(st.status_date, 'status_date', { year_of_birth: p.year_of_birth }, today);
    if (st.status === 'deceased' && st.status_date) {
      const later = await tx.query<{ d: string }>(
        `SELECT max(d)::text AS d FROM (SELECT max(visit_date) AS d FROM followup_visit WHERE patient_id = $1
           UNION ALL SELECT max(procedure_date) FROM procedure WHERE patient_id = $1) x`,
        [p.id],
      );
      const last = later.rows[0]?.d;
      if (last && last > st.status_date)
        throw new CommandError(`a visit or procedure is dated ${last}, after this date`, 'status_date', 422);
    }
    const r = await tx.query<PatientRow>(
      `UPDATE patient SET status = $4, status_date = $5, status_reason = $6, version = version + 1
       WHERE id = $1 AND site_id = ANY($2::int[]) AND version = $3 RETURNING ${PATIENT_COLUMNS}`,
      [
        patientId,
        actor.siteIds,
        st.version,
        st.status,
        st.status_date ?? null,
        st.status === 'active' ? null : st.reason,
      ],
    );
    return r.rows[0] ?? conflictOr404(tx, 'patient', patientId, actor, 'patient');
  });
}

/** The consent facts of a patient (for the pure rules of src/registry/consent.ts). */
async function consentsOf(tx: Queryable, patientId: number) {
  const r = await tx.query<{ scope: string; consent_date: string; withdrawn_date: string | null }>(
    'SELECT scope, consent_date::text AS consent_date, withdrawn_date::text AS withdrawn_date FROM consent WHERE patient_id = $1',
    [patientId],
  );
  return r.rows;
}

type ProcedurePatient = Awaited<ReturnType<typeof patientForWrite>>;

/** Reads the consent facts and applies the admission rule (src/registry/admit.ts admitProcedure). */
async function prepareProcedure(tx: Queryable, pt: ProcedurePatient, input: unknown, today: string) {
  return admitProcedure(pt, await consentsOf(tx, pt.id), input, today);
}

/**
 * Records a procedure. Refused unless the patient is eligible and has a registry-participation consent,
 * not withdrawn, dated on or before the procedure (src/registry/consent.ts). The first procedure becomes
 * the index procedure that anchors the follow-up schedule. Product warnings (e.g. PRP fold below the
 * configured minimum) are stored with the procedure and returned — a warning, never a silent pass. A
 * procedure dated after `today` (UTC; one day of grace for sites ahead of UTC) or before the patient's
 * birth year is refused.
 */
export async function recordProcedure(
  db: Db,
  actor: Actor,
  patientId: number,
  input: unknown,
  today: string = utcToday(),
) {
  assertStorableText(input);
  requirePermission(actor, 'records:write');
  return siteScoped(db, actor, null, async (tx) => {
    const pt = await patientForWrite(tx, actor, patientId);
    const { p, product } = await prepareProcedure(tx, pt, input, today);
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
    const isIndex = isIndexProcedure(pt.index_procedure_date, p.procedure_date);
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
 * Correction of a mistyped procedure: the whole corrected procedure replaces the stored one (validated as a
 * new one, product re-characterised), with a reason; audited old → new; optimistic locking on `version`.
 * The index procedure (the earliest) and its date are recomputed, and with them the follow-up targets.
 */
export async function correctProcedure(
  db: Db,
  actor: Actor,
  procedureId: number,
  input: unknown,
  today: string = utcToday(),
  config: RegistryConfig = DEFAULT_REGISTRY_CONFIG,
) {
  const c = parseCommand(CorrectionSchema, input);
  requirePermission(actor, 'records:write');
  return siteScoped(db, actor, c.reason, async (tx) => {
    const cur = await tx.query<{ patient_id: number }>(
      'SELECT patient_id FROM procedure WHERE id = $1 AND site_id = ANY($2::int[])',
      [procedureId, actor.siteIds],
    );
    if (!cur.rows[0]) throw notFound('procedure');
    const pt = await patientForWrite(tx, actor, Number(cur.rows[0].patient_id));
    const { p, product } = await prepareProcedure(tx, pt, c.record, today).catch((e: unknown) => {
      if (e instanceof CommandError && !['consent', 'eligibility', 'status'].includes(e.field))
        throw new CommandError(e.message, `record.${e.field}`, e.status);
      throw e;
    });
    const r = await tx.query(
      `UPDATE procedure SET procedure_date = $4, operator = $5, therapy = $6, product = $7, characterization = $8, product_warnings = $9,
         product_config_version = $10, targets = $11, image_guidance = $12, injectate_volume_ml = $13, adjuncts = $14, version = version + 1
       WHERE id = $1 AND site_id = ANY($2::int[]) AND version = $3 RETURNING id, procedure_date::text AS procedure_date, therapy, version`,
      [
        procedureId,
        actor.siteIds,
        c.version,
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
      ],
    );
    const row = r.rows[0] ?? (await conflictOr404(tx, 'procedure', procedureId, actor, 'procedure'));
    await reindex(tx, pt, config);
    return { ...row, warnings: product.warnings };
  });
}

/** Keeps the patient's index procedure the earliest one, and the visits' targets in step with it. */
async function reindex(tx: Queryable, pt: ProcedurePatient, config: RegistryConfig) {
  const first = await tx.query<{ id: number; d: string }>(
    'SELECT id, procedure_date::text AS d FROM procedure WHERE patient_id = $1 ORDER BY procedure_date, id LIMIT 1',
    [pt.id],
  );
  const f = first.rows[0];
  if (!f || (Number(f.id) === Number(pt.index_procedure_id) && f.d === pt.index_procedure_date)) return;
  await tx.query(
    'UPDATE patient SET index_procedure_id = $2, index_procedure_date = $3, version = version + 1 WHERE id = $1',
    [pt.id, f.id, f.d],
  );
  const visits = await tx.query<{ id: number; timepoint: string; visit_date: string }>(
    'SELECT id, timepoint, visit_date::text AS visit_date FROM followup_visit WHERE patient_id = $1',
    [pt.id],
  );
  for (const v of visits.rows) {
    const tp = timepointConfig(v.timepoint, config);
    if (!tp) continue;
    const sched = scheduleVisit(f.d, tp);
    await tx.query(
      'UPDATE followup_visit SET target_date = $2, in_window = $3, version = version + 1 WHERE id = $1 AND (target_date IS DISTINCT FROM $2::date OR in_window IS DISTINCT FROM $3)',
      [v.id, sched.target, inWindow(sched, v.visit_date)],
    );
  }
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
  today: string = utcToday(),
) {
  const prepared = prepareFollowUp(input, config);
  requirePermission(actor, 'records:write');
  return siteScoped(db, actor, null, async (tx) => {
    const pr = await tx.query<VisitPatient>(
      `SELECT id, site_id, index_procedure_date::text AS index_procedure_date, year_of_birth, status, status_date::text AS status_date
       FROM patient WHERE id = $1 AND site_id = ANY($2::int[])`,
      [patientId, actor.siteIds],
    );
    const pt = pr.rows[0];
    if (!pt) throw notFound('patient');
    const { v, proms, mme, sched } = admitFollowUp(prepared, pt, today);
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
        ...promArrays(proms),
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

interface VisitPatient {
  id: number;
  site_id: number;
  index_procedure_date: string | null;
  year_of_birth: number;
  status: string;
  status_date: string | null;
}

const promArrays = (proms: ReturnType<typeof scoreProms>) => [
  proms.map((p) => p.instrument),
  proms.map((p) => p.instrument_version),
  proms.map((p) => p.config_version),
  proms.map((p) => p.value_set),
  proms.map((p) => JSON.stringify(p.input)),
  proms.map((p) => JSON.stringify(p.result)),
  proms.map((p) => p.score),
];

/**
 * Correction of a mistyped follow-up visit: the whole corrected visit (timepoint, date, PROM answers,
 * opioids, findings) replaces the stored one, re-scored; the old scores are deleted and the new ones
 * inserted, all audited with the reason; optimistic locking on the visit's `version`.
 */
export async function correctFollowUp(
  db: Db,
  actor: Actor,
  visitId: number,
  input: unknown,
  config: RegistryConfig = DEFAULT_REGISTRY_CONFIG,
  today: string = utcToday(),
) {
  const c = parseCommand(CorrectionSchema, input);
  const prefixed = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof CommandError) throw new CommandError(e.message, `record.${e.field}`, e.status);
      throw e;
    }
  };
  const prepared = prefixed(() => prepareFollowUp(c.record, config));
  requirePermission(actor, 'records:write');
  return siteScoped(db, actor, c.reason, async (tx) => {
    const cur = await tx.query<{ patient_id: number }>(
      'SELECT patient_id FROM followup_visit WHERE id = $1 AND site_id = ANY($2::int[])',
      [visitId, actor.siteIds],
    );
    if (!cur.rows[0]) throw notFound('visit');
    const pr = await tx.query<VisitPatient>(
      `SELECT id, site_id, index_procedure_date::text AS index_procedure_date, year_of_birth, status, status_date::text AS status_date
       FROM patient WHERE id = $1 FOR UPDATE`,
      [cur.rows[0].patient_id],
    );
    const pt = pr.rows[0]!;
    const { v, proms, mme, sched } = prefixed(() => admitFollowUp(prepared, pt, today));
    const clash = await tx.query('SELECT 1 FROM followup_visit WHERE patient_id = $1 AND timepoint = $2 AND id <> $3', [
      pt.id,
      v.timepoint,
      visitId,
    ]);
    if (clash.rows.length > 0)
      throw new CommandError(`the ${v.timepoint} visit is already recorded for this patient`, 'record.timepoint', 409);
    const r = await tx.query<{ id: number; version: number }>(
      `UPDATE followup_visit SET timepoint = $4, visit_date = $5, target_date = $6, in_window = $7, opioids = $8, mme_per_day = $9,
         mme_config_version = $10, reintervention = $11, imaging_note = $12, schedule_config_version = $13, version = version + 1
       WHERE id = $1 AND site_id = ANY($2::int[]) AND version = $3 RETURNING id, version`,
      [
        visitId,
        actor.siteIds,
        c.version,
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
      ],
    );
    const row = r.rows[0] ?? (await conflictOr404(tx, 'followup_visit', visitId, actor, 'visit'));
    await tx.query('DELETE FROM prom_score WHERE visit_id = $1', [visitId]);
    await tx.query(
      `INSERT INTO prom_score (visit_id, patient_id, site_id, instrument, instrument_version, config_version, value_set, input, result, score, created_by)
       SELECT $1, $2, $3, t.instrument, t.instrument_version, t.config_version, t.value_set, t.input::jsonb, t.result::jsonb, t.score, $4
       FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::float8[])
         AS t(instrument, instrument_version, config_version, value_set, input, result, score)`,
      [visitId, pt.id, pt.site_id, actor.userId || null, ...promArrays(proms)],
    );
    return {
      id: Number(row.id),
      version: row.version,
      timepoint: v.timepoint,
      proms: proms.map((p) => ({ instrument: p.instrument, score: p.score })),
    };
  });
}

export async function reportAdverseEvent(
  db: Db,
  actor: Actor,
  patientId: number,
  input: unknown,
  today: string = utcToday(),
) {
  const ae = parseCommand(AdverseEventSchema, input);
  const c = classifyEvent(ae);
  return siteScoped(db, actor, null, async (tx) => {
    const pt = await patientForWrite(tx, actor, patientId);
    checkDateInLife(ae.onset_date, 'onset_date', lifeOf(pt), today);
    if (ae.resolution_date)
      checkDateInLife(ae.resolution_date, 'resolution_date', { year_of_birth: pt.year_of_birth }, today);
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

interface AeRow extends StoredAdverseEvent {
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
  return siteScoped(db, actor, u.reason, async (tx) => {
    const cur = await tx.query<AeRow>(
      `SELECT ${AE_COLUMNS} FROM adverse_event WHERE id = $1 AND site_id = ANY($2::int[]) AND deleted_at IS NULL`,
      [aeId, actor.siteIds],
    );
    const old = cur.rows[0];
    if (!old) throw notFound('adverse event');
    const { merged, classification: c, clearAcknowledgement } = mergeAdverseEventUpdate(old, u);
    const r = await tx.query(
      `UPDATE adverse_event SET term = $4, grade = $5, seriousness_criteria = $6, serious = $7, attribution_procedure = $8, attribution_product = $9,
         action = $10, outcome = $11, resolution_date = $12, version = version + 1,
         acknowledged_at = CASE WHEN $13 THEN NULL ELSE acknowledged_at END
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
        clearAcknowledgement,
      ],
    );
    return r.rows[0] ?? conflictOr404(tx, 'adverse_event', aeId, actor, 'adverse event');
  });
}

/** Logical deletion ("entered in error") with a reason; the row and its history stay (docs/reference/regulatory.md §5.3). */
export async function deleteAdverseEvent(db: Db, actor: Actor, aeId: number, input: unknown) {
  const d = parseCommand(DeleteSchema, input);
  requirePermission(actor, 'records:write');
  return siteScoped(db, actor, d.reason, async (tx) => {
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
  return siteScoped(db, actor, 'serious adverse event acknowledged by the site', async (tx) => {
    const cur = await tx.query<{
      version: number;
      serious: boolean;
      acknowledged_at: Date | null;
      deleted_at: Date | null;
    }>(
      'SELECT version, serious, acknowledged_at, deleted_at FROM adverse_event WHERE id = $1 AND site_id = ANY($2::int[]) FOR UPDATE',
      [aeId, actor.siteIds],
    );
    const ae = cur.rows[0];
    if (!ae) throw notFound('adverse event');
    const problem = acknowledgementProblem(ae);
    if (problem) throw problem;
    const r = await tx.query(
      `UPDATE adverse_event SET acknowledged_at = now(), acknowledged_by = $4, version = version + 1
       WHERE id = $1 AND site_id = ANY($2::int[]) AND version = $3 RETURNING ${AE_COLUMNS}`,
      [aeId, actor.siteIds, version, actor.userId || null],
    );
    return r.rows[0] ?? conflictOr404(tx, 'adverse_event', aeId, actor, 'adverse event');
  });
}

/** Serious adverse events no one at the site has acknowledged yet (the site dashboard's alert list). */
export async function unacknowledgedSeriousEvents(db: Db, actor: Actor, siteId?: number) {
  requirePermission(actor, 'records:read');
  const sites = siteId === undefined ? actor.siteIds : actor.siteIds.filter((s) => s === siteId);
  const r = await siteScoped(db, actor, null, (tx) =>
    tx.query<SeriousEventRow>(
      `SELECT a.id, a.patient_id, p.registry_id, a.site_id, a.term, a.onset_date::text AS onset_date, a.grade, a.seriousness_criteria, a.created_at, a.version
     FROM adverse_event a JOIN patient p ON p.id = a.patient_id
     WHERE a.site_id = ANY($1::int[]) AND a.serious AND a.acknowledged_at IS NULL AND a.deleted_at IS NULL ORDER BY a.created_at`,
      [sites],
    ),
  );
  return r.rows;
}

export type FollowUpReportRow = FollowUpListRow;

export interface FollowUpReport extends FollowUpStatusReport {
  site_id: number;
  today: string;
  config_version: string;
}

/**
 * A site's follow-up status on `today`: the store reads, per patient with an index procedure, its index date
 * and which timepoints have a visit (completed visits folded into one bitmask per patient, bit i = timepoint
 * i, so the visits need no join per timepoint); the status rule is src/registry/schedule.ts
 * (followUpStatusReport → visitStatus), the only place it is written.
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
  const r = await siteScoped(db, actor, null, async (tx) => {
    // JIT off: compiling this query costs more than it saves on PostgreSQL 15.
    if (db.kind === 'postgres') await tx.query('SET LOCAL jit = off');
    return tx.query<{ id: number; registry_id: string; d: string; mask: number }>(
      `WITH tp AS (SELECT key, i::int AS i FROM unnest($2::text[]) WITH ORDINALITY AS t(key, i)),
       done AS (
         SELECT v.patient_id, bit_or(1 << (tp.i - 1)) AS mask
         FROM followup_visit v JOIN tp ON tp.key = v.timepoint WHERE v.site_id = $1 GROUP BY v.patient_id
       )
       SELECT p.id, p.registry_id, p.index_procedure_date::text AS d, coalesce(done.mask, 0) AS mask
       FROM patient p LEFT JOIN done ON done.patient_id = p.id
       WHERE p.site_id = $1 AND p.index_procedure_date IS NOT NULL`,
      [siteId, tps.map((t) => t.key)],
    );
  });
  const facts = r.rows.map((row) => {
    const completed = new Set<string>();
    tps.forEach((t, i) => {
      if (row.mask & (1 << i)) completed.add(t.key);
    });
    return { patient_id: Number(row.id), registry_id: row.registry_id, index_procedure_date: row.d, completed };
  });
  return {
    site_id: siteId,
    today,
    config_version: config.version,
    ...followUpStatusReport(facts, today, config, limit),
  };
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
  db: Db,
  actor: Actor,
  q: { patientId: number } | { entity: string; entityId: string },
): Promise<AuditEntry[]> {
  requirePermission(actor, 'audit:read');
  const where = 'patientId' in q ? 'a.patient_id = $2' : 'a.entity = $2 AND a.entity_id = $3';
  const params = 'patientId' in q ? [actor.siteIds, q.patientId] : [actor.siteIds, q.entity, q.entityId];
  const r = await siteScoped(db, actor, null, (tx) =>
    tx.query<AuditEntry>(
      `SELECT a.id, a.at, a.user_id, u.email AS user_email, a.user_role, a.via, a.entity, a.entity_id, a.action, a.old_values, a.new_values, a.reason
     FROM audit.audit_log a LEFT JOIN app_user u ON u.id = a.user_id
     WHERE a.site_id = ANY($1::int[]) AND ${where} ORDER BY a.id LIMIT 5000`,
      params,
    ),
  );
  if (r.rows.length === 0) throw notFound('audited record');
  return r.rows;
}

/** One row of the de-identified export (HIPAA Safe Harbor, docs/reference/interoperability.md §5). */
export interface DeidentifiedRow {
  subject_key: string;
  site: string;
  age_now: string;
  sex: string;
  pain_generator_group: string;
  therapy: string | null;
  timepoint: string;
  days_since_index: number | null;
  instrument: string;
  score: number;
  instrument_version: string;
  config_version: string;
  mme_per_day: number | null;
  reintervention: boolean;
}

/**
 * De-identified outcome rows for analysts (HIPAA Safe Harbor, docs/reference/interoperability.md §5): no registry id (a
 * per-export random key instead), year of birth with ages ≥ 90 aggregated, no dates — follow-up as days
 * since the index procedure — and no free text. Only patients whose research consent holds today and who
 * have not withdrawn (src/registry/consent.ts mayExportForResearch, the same rule in SQL; security review
 * M6). Read page by page (keyset on patient and score id, `pageRows` rows each) so one export holds one
 * page in memory however large the registry (M5); the caller streams the pages out. The export is logged
 * as a security event before the first page.
 */
export async function* deidentifiedOutcomePages(
  db: Db,
  actor: Actor,
  opts: { siteId?: number; pageRows?: number; today?: string } = {},
): AsyncGenerator<DeidentifiedRow[]> {
  requirePermission(actor, 'deidentified:read');
  const sites = opts.siteId === undefined ? actor.siteIds : actor.siteIds.filter((s) => s === opts.siteId);
  const pageRows = opts.pageRows ?? DEFAULT_REGISTRY_CONFIG.export.pageRows.value;
  const today = opts.today ?? utcToday();
  const salt = randomBytes(16).toString('hex');
  const year = Number(today.slice(0, 4));
  await recordSecurityEvent(db, {
    kind: 'export',
    userId: actor.userId,
    via: viaOf(actor),
    detail: { export: 'deidentified/outcomes', sites },
  });
  let after: [number, number] = [0, 0];
  for (;;) {
    const r = await siteScoped(db, actor, null, (tx) =>
      tx.query<Omit<DeidentifiedRow, 'age_now'> & { pid: number; sid: number; yob: number }>(
        `SELECT ps.patient_id AS pid, ps.id AS sid, md5(p.id::text || $2) AS subject_key, s.code AS site,
         p.year_of_birth AS yob,
         p.sex, p.pain_generator_group, pr.therapy, v.timepoint, (v.visit_date - p.index_procedure_date) AS days_since_index,
         ps.instrument, ps.score, ps.instrument_version, ps.config_version, v.mme_per_day,
         coalesce((v.reintervention ->> 'occurred')::boolean, false) AS reintervention
       FROM prom_score ps JOIN patient p ON p.id = ps.patient_id JOIN registry_site s ON s.id = p.site_id
         JOIN followup_visit v ON v.id = ps.visit_id
         LEFT JOIN procedure pr ON pr.id = p.index_procedure_id
       WHERE ps.site_id = ANY($1::int[]) AND (ps.patient_id, ps.id) > ($4::bigint, $5::bigint)
         AND p.status <> 'withdrawn'
         AND EXISTS (SELECT 1 FROM consent c WHERE c.patient_id = p.id AND c.scope = 'research' AND c.consent_date <= $6::date
                     AND (c.withdrawn_date IS NULL OR $6::date < c.withdrawn_date))
         AND NOT EXISTS (SELECT 1 FROM consent c WHERE c.patient_id = p.id AND c.scope = 'registry' AND c.withdrawn_date <= $6::date)
       ORDER BY ps.patient_id, ps.id LIMIT $3`,
        [sites, salt, pageRows, after[0], after[1], today],
      ),
    );
    if (r.rows.length === 0) return;
    const last = r.rows.at(-1)!;
    after = [Number(last.pid), Number(last.sid)];
    yield r.rows.map(({ pid: _p, sid: _s, yob, ...row }) => ({ ...row, age_now: safeHarborAge(yob, year) }));
    if (r.rows.length < pageRows) return;
  }
}

/** The whole de-identified export as one array (small registries, tests); the HTTP API streams the pages. */
export async function deidentifiedOutcomes(db: Db, actor: Actor, opts: { siteId?: number; today?: string } = {}) {
  const out: DeidentifiedRow[] = [];
  for await (const page of deidentifiedOutcomePages(db, actor, opts)) out.push(...page);
  return out;
}

/** A stored record as a correction form reads it: its columns, its patient and the version it was read at. */
export type EditRow = Record<string, unknown> & { patient_id: number; version: number };

/** A consent of the actor's sites as its correction form needs it (404 otherwise). */
export async function getConsent(db: Db, actor: Actor, consentId: number) {
  requirePermission(actor, 'records:read');
  const r = await siteScoped(db, actor, null, (tx) =>
    tx.query<Record<string, unknown> & { patient_id: number; version: number }>(
      `SELECT id, patient_id, scope, form_version, consent_date::text AS consent_date, obtained_by, version FROM consent
       WHERE id = $1 AND site_id = ANY($2::int[])`,
      [consentId, actor.siteIds],
    ),
  );
  if (!r.rows[0]) throw notFound('consent');
  return { ...r.rows[0], patient_id: Number(r.rows[0].patient_id) } as EditRow;
}

/** A procedure of the actor's sites as its correction form needs it (404 otherwise). */
export async function getProcedure(db: Db, actor: Actor, procedureId: number) {
  requirePermission(actor, 'records:read');
  const r = await siteScoped(db, actor, null, (tx) =>
    tx.query<Record<string, unknown> & { patient_id: number; version: number }>(
      `SELECT id, patient_id, procedure_date::text AS procedure_date, operator, therapy, product, targets, image_guidance,
         injectate_volume_ml, adjuncts, version FROM procedure WHERE id = $1 AND site_id = ANY($2::int[])`,
      [procedureId, actor.siteIds],
    ),
  );
  if (!r.rows[0]) throw notFound('procedure');
  return { ...r.rows[0], patient_id: Number(r.rows[0].patient_id) } as EditRow;
}

/** A follow-up visit of the actor's sites with its PROM inputs, as its correction form needs it (404 otherwise). */
export async function getVisit(db: Db, actor: Actor, visitId: number) {
  requirePermission(actor, 'records:read');
  return siteScoped(db, actor, null, async (tx) => {
    const r = await tx.query<Record<string, unknown> & { patient_id: number; version: number }>(
      `SELECT id, patient_id, timepoint, visit_date::text AS visit_date, opioids, reintervention, imaging_note, version
       FROM followup_visit WHERE id = $1 AND site_id = ANY($2::int[])`,
      [visitId, actor.siteIds],
    );
    if (!r.rows[0]) throw notFound('visit');
    const scores = await tx.query('SELECT instrument, input FROM prom_score WHERE visit_id = $1', [visitId]);
    return { visit: { ...r.rows[0], patient_id: Number(r.rows[0].patient_id) } as EditRow, scores: scores.rows };
  });
}
