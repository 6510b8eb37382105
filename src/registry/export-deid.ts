// Registry exports, the shared core (pure): the record of one patient as the exports read it, the export's
// settings, and the de-identification rules (HIPAA Safe Harbor, 45 CFR 164.514(b)(2), as vendored in
// docs/reference/interoperability.md §5):
//  - pseudonymous ids re-keyed per export: HMAC-SHA-256 of the patient's database id under a random key made
//    for this export and never stored (a "re-identification code … not derived from identifiers and whose
//    key is not disclosed", 164.514(c)), so two exports cannot be linked;
//  - dates: the CSV gives days since the index procedure (no date at all); the FHIR export, whose resources
//    need dates, shifts every date of a patient by the same per-patient offset derived from the export key
//    (shifted dates are NOT Safe Harbor — the export says so; use the CSV for a Safe Harbor data set);
//  - free text dropped (operator, device and kit names, event terms, notes, reasons);
//  - year of birth banded (bands of `birthYearBandYears`; ages 90 and over aggregated into "90 or older");
//  - small cells suppressed in every aggregate (n below `smallCell` → null with the reason).
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import exportJson from '../../config/registry-export.json' with { type: 'json' };
import { mayExportForResearch } from './consent.ts';
import { addDays, parseIsoDate } from './schedule.ts';

const setting = <T extends z.ZodType>(value: T) =>
  z.object({ value, verified: z.boolean(), source: z.string().min(1) }).strict();

export const ExportConfigSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.string().min(1),
    smallCell: setting(z.number().int().min(1)),
    birthYearBandYears: setting(z.number().int().min(1).max(20)),
    maxDateShiftDays: setting(z.number().int().min(1).max(3650)),
    fhirBase: setting(z.string().url()),
    pagePatients: setting(z.number().int().min(1).max(10_000)),
  })
  .strict();
export type ExportConfig = z.infer<typeof ExportConfigSchema>;
export const DEFAULT_EXPORT_CONFIG: ExportConfig = ExportConfigSchema.parse(exportJson);

export interface ExportConsent {
  id: number;
  scope: string;
  form_version: string;
  consent_date: string;
  withdrawn_date: string | null;
}
export interface ExportProcedure {
  id: number;
  procedure_date: string;
  operator: string;
  therapy: 'PRP' | 'BMC' | 'MSC';
  product: Record<string, unknown>;
  characterization: Record<string, unknown>;
  targets: { structure: string; level?: string | null; side?: string | null; approach?: string | null }[];
  image_guidance: string;
  injectate_volume_ml: number;
  product_config_version: string | null;
}
export interface ExportVisit {
  id: number;
  timepoint: string;
  visit_date: string;
  in_window: boolean | null;
  mme_per_day: number | null;
  mme_config_version: string | null;
  opioids: { entries?: { drug: string; daily_amount: number; unit: string; mme_per_day?: number }[] } | null;
  reintervention: { occurred?: boolean; date?: string | null } | null;
}
export interface ExportScore {
  id: number;
  visit_id: number;
  instrument: string;
  instrument_version: string;
  config_version: string;
  value_set: string | null;
  input: Record<string, unknown>;
  result: Record<string, unknown>;
  score: number;
}
export interface ExportAdverseEvent {
  id: number;
  procedure_id: number | null;
  term: string;
  onset_date: string;
  grade: number;
  ctcae_version: string;
  serious: boolean;
  seriousness_criteria: string[];
  attribution_procedure: string | null;
  attribution_product: string | null;
  outcome: string | null;
  resolution_date: string | null;
}
/** One patient as the exports read it (src/store/registry-export.ts). */
export interface ExportPatient {
  id: number;
  registry_id: string;
  site_code: string;
  year_of_birth: number;
  sex: string;
  status: string;
  pain_generator_group: string;
  index_procedure_date: string | null;
  consents: ExportConsent[];
  procedures: ExportProcedure[];
  visits: ExportVisit[];
  scores: ExportScore[];
  adverse_events: ExportAdverseEvent[];
}

/** What an export run knows: de-identified or not, its key, today (for ages), its settings. */
export interface ExportRun {
  deidentified: boolean;
  /** Random per export (src/store/registry-export.ts), never stored. */
  key: string;
  today: string;
  config: ExportConfig;
}

const hmac = (key: string, text: string) => createHmac('sha256', key).update(text).digest();

/**
 * The patients of one page text (src/store/registry-export.ts reads a page as one JSON array) that this export
 * may carry: all of them, or (de-identified, a research export) those whose research consent holds today and
 * who have not withdrawn.
 */
export function exportablePatients(run: ExportRun, pageText: string): ExportPatient[] {
  const page = JSON.parse(pageText) as ExportPatient[];
  return run.deidentified ? page.filter((p) => mayExportForResearch(p.status, p.consents, run.today)) : page;
}

/** The patient's id in this export: the registry id, or (de-identified) a keyed pseudonym. */
export function subjectId(run: ExportRun, p: Pick<ExportPatient, 'id' | 'registry_id'>): string {
  return run.deidentified ? `S-${hmac(run.key, `subject:${p.id}`).toString('hex').slice(0, 16)}` : p.registry_id;
}

/**
 * The resource ids of one patient in this export: UUIDs (RFC 9562 version 4 layout) made from one keyed
 * hash of the patient (HMAC, so they reveal neither database ids nor the patient across exports) with the
 * last 32 bits counting the patient's resources; the same (kind, id) always gets the same UUID, so
 * references agree. One HMAC per patient instead of one per resource (bench:registry:export).
 */
export function patientUuids(run: ExportRun, patientId: number): (kind: string, id: number | string) => string {
  const h = hmac(run.key, `patient-resources:${patientId}`);
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex');
  const head = `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 24)}`;
  // One map per kind, keyed by the id itself (no "kind:id" string to build and hash per call).
  const byKind = new Map<string, Map<number | string, string>>();
  let n = 0;
  return (kind, id) => {
    let seen = byKind.get(kind);
    if (seen === undefined) {
      seen = new Map();
      byKind.set(kind, seen);
    }
    let u = seen.get(id);
    if (u === undefined) {
      u = head + (n++).toString(16).padStart(8, '0');
      seen.set(id, u);
    }
    return u;
  };
}

/** The per-patient date shift of a de-identified FHIR export: ±1 … maxDateShiftDays days, never 0. */
export function dateShiftDays(run: ExportRun, patientId: number): number {
  const max = run.config.maxDateShiftDays.value;
  const n = hmac(run.key, `shift:${patientId}`).readUInt32BE(0);
  const magnitude = 1 + (n % max);
  return n & 0x80000000 ? -magnitude : magnitude;
}

/**
 * The dates of one patient as this export shows them in FHIR: as stored, or (de-identified) shifted by the
 * patient's keyed offset, computed once per patient rather than once per date.
 */
export function patientDates(run: ExportRun, patientId: number): (iso: string) => string {
  if (!run.deidentified) return (iso) => iso;
  const shift = dateShiftDays(run, patientId);
  return (iso) => addDays(iso, shift);
}

/** Days from the index procedure to `iso` (negative before it); null without an index procedure. */
export function daysSinceIndex(iso: string | null, index: string | null): number | null {
  if (!iso || !index) return null;
  return Math.round((parseIsoDate(iso).getTime() - parseIsoDate(index).getTime()) / 86_400_000);
}

/**
 * Year of birth in bands of `years` (e.g. 1965–1969), aligned on multiples of `years`; a patient aged 90 or
 * over this year is "90 or older" (Safe Harbor item 3), and a band is cut so that it never reaches into
 * the birth years of people 90 or older.
 */
export function birthYearBand(yob: number, today: string, years: number): string {
  const year = Number(today.slice(0, 4));
  if (year - yob >= 90) return '90 or older';
  const lo = Math.max(Math.floor(yob / years) * years, year - 89);
  const hi = Math.floor(yob / years) * years + years - 1;
  return lo === hi ? String(lo) : `${lo}-${hi}`;
}

/** A count as an aggregate may show it: null (suppressed) below the small-cell threshold. */
export function suppressed(n: number, config: ExportConfig): number | null {
  return n < config.smallCell.value ? null : n;
}

/** Product class for strata and exports: PRP by Dohan Ehrenfest class (P-/L-PRP…), BMC, MSC by source. */
export function productClass(p: Pick<ExportProcedure, 'therapy' | 'product' | 'characterization'>): string {
  if (p.therapy === 'PRP') {
    const de = (p.characterization.dohan_ehrenfest as { value?: string | null } | undefined)?.value;
    return de ? `PRP ${de}` : 'PRP (class not derivable)';
  }
  if (p.therapy === 'MSC') {
    const src = p.product.source;
    return typeof src === 'string' ? `MSC ${src}` : 'MSC';
  }
  return 'BMC';
}

/** The index procedure (the earliest). */
export const indexProcedure = (p: ExportPatient): ExportProcedure | null =>
  [...p.procedures].sort((a, b) => a.procedure_date.localeCompare(b.procedure_date) || a.id - b.id)[0] ?? null;

/** Targets as one short text: "disc L4-L5; facet L5-S1 left". */
export const targetsText = (t: ExportProcedure['targets']): string =>
  t.map((x) => [x.structure, x.level, x.side, x.approach].filter(Boolean).join(' ')).join('; ');
