// Admission rules (pure): whether a procedure or a follow-up visit may be recorded for a patient, given what
// the store read about that patient. src/store/registry.ts only reads the facts, calls these, and writes.
// Sources: eligibility and consent before a procedure (docs/reference/registry-settings.md, issue 5: "Refuse a
// procedure without both"); the consent rule itself in ./consent.ts; dates within the patient's life in
// ./plausibility.ts; follow-up schedule and windows in ./schedule.ts.
import type { MmeTotal } from '../instruments/mme.ts';
import { characterizeProduct, opioidMme, type ProductRecord, type ScoredProm, scoreProms } from './clinical.ts';
import { DEFAULT_REGISTRY_CONFIG, type RegistryConfig, type TimepointConfig } from './config.ts';
import { type ConsentFacts, procedureConsentProblem } from './consent.ts';
import { checkDateInLife, checkOpioids, checkProductText, type LifeSpan } from './plausibility.ts';
import { type ScheduledVisit, scheduleVisit, timepointConfig } from './schedule.ts';
import {
  CommandError,
  FollowUpSchema,
  ProcedureSchema,
  parseCommand,
  type RecordProcedure,
  type SubmitFollowUp,
} from './validation.ts';

/** What the admission rules need to know about the patient (read by the store, locked for the write). */
export interface PatientFacts {
  eligible: boolean;
  year_of_birth: number;
  status: string;
  status_date: string | null;
  index_procedure_date: string | null;
}

/** The patient's life span for date checks: year of birth, and the date of death if deceased. */
export const lifeOf = (p: Pick<PatientFacts, 'year_of_birth' | 'status' | 'status_date'>): LifeSpan => ({
  year_of_birth: p.year_of_birth,
  died: p.status === 'deceased' ? p.status_date : null,
});

/** The date a command names, if it is a plausible yyyy-mm-dd (for checks that run before full validation). */
const dateField = (input: unknown, key: string): string | null => {
  const v = (input as Record<string, unknown> | null)?.[key];
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : null;
};

export interface AdmittedProcedure {
  p: RecordProcedure;
  product: ProductRecord;
}

/**
 * Admits a procedure: the patient is eligible, a registry consent holds on the procedure date (checked first,
 * since that is what the user must fix first), the form is valid, the date is within the patient's life and
 * not in the future, the patient had not withdrawn by then, and the product is characterised. Throws a
 * CommandError naming the field otherwise.
 */
export function admitProcedure(
  patient: PatientFacts,
  consents: readonly ConsentFacts[],
  input: unknown,
  today: string,
): AdmittedProcedure {
  if (!patient.eligible)
    throw new CommandError('the patient is not eligible (see the eligibility checklist)', 'eligibility', 422);
  const day = dateField(input, 'procedure_date');
  // Without any registry consent that could cover it, the consent rule is what the user meets first —
  // not a missing operator (issue 11).
  const problem = procedureConsentProblem(consents, day ?? today);
  if (problem && (day !== null || !consents.some((c) => c.scope === 'registry')))
    throw new CommandError(problem, 'consent', 422);
  const p = parseCommand(ProcedureSchema, input);
  checkDateInLife(p.procedure_date, 'procedure_date', lifeOf(patient), today);
  if (patient.status === 'withdrawn' && patient.status_date && p.procedure_date >= patient.status_date)
    throw new CommandError(`the patient withdrew on ${patient.status_date}`, 'status', 422);
  const key = p.therapy.toLowerCase() as 'prp' | 'bmc' | 'msc';
  if (p[key]) checkProductText(key, p[key] as Record<string, unknown>);
  return { p, product: characterizeProduct(p) };
}

/** The first (earliest) procedure is the index procedure that anchors the follow-up schedule. */
export function isIndexProcedure(currentIndexDate: string | null, procedureDate: string): boolean {
  return currentIndexDate === null || procedureDate < currentIndexDate;
}

export interface PreparedFollowUp {
  v: SubmitFollowUp;
  proms: ScoredProm[];
  mme: MmeTotal | null;
  tp: TimepointConfig;
}

/** Validation and scoring that need no patient: everything is scored before a transaction opens. */
export function prepareFollowUp(input: unknown, config: RegistryConfig = DEFAULT_REGISTRY_CONFIG): PreparedFollowUp {
  const v = parseCommand(FollowUpSchema, input);
  const proms = scoreProms(v.proms);
  const mme = opioidMme(v.opioids, undefined, v.no_opioids === true);
  checkOpioids(v.opioids, mme, config);
  const tp = timepointConfig(v.timepoint, config);
  if (!tp) throw new CommandError(`timepoint ${v.timepoint} is not in the schedule (${config.version})`, 'timepoint');
  return { v, proms, mme, tp };
}

/**
 * Admits a follow-up visit for the patient: dated within the patient's life, not after a withdrawal; a
 * visit other than baseline needs an index procedure and is not dated before it; a re-intervention is on or
 * after the index procedure and not after the visit. Returns the visit's scheduled window (null before any
 * procedure).
 */
export function admitFollowUp(
  prepared: PreparedFollowUp,
  patient: Omit<PatientFacts, 'eligible'>,
  today: string,
): PreparedFollowUp & { sched: ScheduledVisit | null } {
  const { v, tp } = prepared;
  const index = patient.index_procedure_date;
  checkDateInLife(v.visit_date, 'visit_date', lifeOf(patient), today);
  if (patient.status === 'withdrawn' && patient.status_date && v.visit_date >= patient.status_date)
    throw new CommandError(`the patient withdrew from the registry on ${patient.status_date}`, 'status', 422);
  if (tp.months > 0 && index === null)
    throw new CommandError('no procedure recorded yet: only the baseline visit can be entered', 'timepoint', 422);
  if (tp.months > 0 && index !== null && v.visit_date < index)
    throw new CommandError(
      `a ${v.timepoint} follow-up cannot be dated before the index procedure (${index})`,
      'visit_date',
      422,
    );
  const ri = v.reintervention?.date;
  if (ri) {
    checkDateInLife(ri, 'reintervention.date', lifeOf(patient), today);
    if (index && ri < index)
      throw new CommandError(
        `a re-intervention is a later treatment: on or after the index procedure (${index})`,
        'reintervention.date',
        422,
      );
    if (ri > v.visit_date)
      throw new CommandError('the re-intervention is dated after this visit', 'reintervention.date', 422);
  }
  return { ...prepared, sched: index ? scheduleVisit(index, tp) : null };
}
