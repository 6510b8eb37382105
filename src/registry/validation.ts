// Command inputs of the registry, validated with zod. Every rejection names the field as a JSON path
// (`targets[0].level`, `proms.ODI.answers[3]`), the same `{error, field}` shape as the scoring API.
// The clinical computations are not redone here: PROMs go to src/instruments, products to src/products.
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { type FieldError, InputError } from '../instruments/input.ts';
import { AE_OUTCOMES, ATTRIBUTIONS, SERIOUSNESS_CRITERIA } from '../instruments/safety.ts';
import { TIMEPOINT_KEYS } from './config.ts';

export class CommandError extends AppError {
  declare readonly field: string;
  declare readonly status: 400 | 403 | 404 | 409 | 422;
  constructor(message: string, field: string, status: 400 | 403 | 404 | 409 | 422 = 400) {
    super(message, { field, status });
  }
  override toJSON(): FieldError {
    return { error: this.message, field: this.field };
  }
}

export function joinField(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out || '$';
}

/** A NUL or an unpaired UTF-16 surrogate: PostgreSQL refuses the first in text and jsonb (22021, 22P05) and
 * silently turns the second into U+FFFD in text columns, so neither may reach the database. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored, or null. */
export function badText(s: string): string | null {
  if (s.includes('\u0000')) return 'NUL characters are not allowed';
  return LONE_SURROGATE.test(s) ? 'broken text: an unpaired UTF-16 surrogate' : null;
}

/**
 * The first string (value or key) anywhere in `input` that cannot be stored, as [field, message]; walks at
 * most `budget` nodes (request bodies are capped at 256 KiB, so this bound is never reached by a valid one).
 */
export function findBadText(input: unknown, budget = 100_000): [string, string] | null {
  const stack: [unknown, PropertyKey[]][] = [[input, []]];
  let seen = 0;
  while (stack.length > 0 && seen++ < budget) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const why = badText(v);
      if (why) return [joinField(path), why];
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], [...path, i]]);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const why = badText(k);
        if (why) return [joinField([...path, k]), why];
        stack.push([x, [...path, k]]);
      }
    }
  }
  return null;
}

/** Throws a 400 CommandError naming the field if any string in `input` cannot be stored. */
export function assertStorableText(input: unknown, prefix = '$'): void {
  const bad = findBadText(input);
  if (!bad) return;
  const [field, why] = bad;
  throw new CommandError(why, prefix === '$' ? field : field === '$' ? prefix : `${prefix}.${field}`);
}

/** Parses with a zod schema or throws a CommandError naming the first offending field. */
export function parseCommand<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  assertStorableText(input);
  // reportInput: zod 4 leaves issue.input out unless asked, and without it every wrong-type value read as
  // "missing" (a version of "one" was refused as missing rather than as not a number).
  const r = schema.safeParse(input, { reportInput: true });
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  let path = [...issue.path];
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    path = [...path, issue.keys[0]!];
    message = `unknown field "${issue.keys[0]}"`;
  } else if (issue.code === 'invalid_type' && issue.input === undefined) {
    message = 'missing';
  }
  throw new CommandError(message, joinField(path));
}

/**
 * Re-throws an InputError from the pure modules, or a CommandError from a nested parseCommand, with its field
 * prefixed by where it sat in the command (a bad PRP spin is prp.preparation.spins[0].g, not spins[0].g).
 */
export function withPrefix<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof InputError || e instanceof CommandError) {
      const f =
        prefix === '$'
          ? e.field
          : e.field === '$'
            ? prefix
            : e.field.startsWith('[')
              ? `${prefix}${e.field}`
              : `${prefix}.${e.field}`;
      throw new CommandError(e.message, f, e instanceof CommandError ? e.status : 400);
    }
    throw e;
  }
}

// Calendar dates only (z.iso.date checks month lengths and leap years), within a plausible range: PostgreSQL
// refuses year 0000, which would otherwise surface as a 500 instead of a field error.
export const DATE_MIN = '1900-01-01';
export const DATE_MAX = '2199-12-31';
const isoDate = z.iso
  .date()
  .refine((d) => d >= DATE_MIN && d <= DATE_MAX, `a date between ${DATE_MIN} and ${DATE_MAX}`);
const text = (max: number) => z.string().trim().min(1).max(max);
const optText = (max: number) => z.string().trim().max(max).nullish();
const reason = z.string().trim().min(3, 'a reason for the change is required (ICH E6 4.9.3)').max(500);
/** Record versions are PostgreSQL integers: a larger number is a field error, not a 500 (22003). */
export const MAX_VERSION = 2_147_483_647;
const version = z.number().int().positive().max(MAX_VERSION, 'not a version of this record');

export const SEXES = ['female', 'male', 'other', 'unknown'] as const;
export const SMOKING = ['never', 'former', 'current', 'unknown'] as const;
export const PAIN_GENERATORS = ['disc', 'facet', 'sacroiliac'] as const;
export const PRIOR_TREATMENTS = [
  'physical-therapy',
  'medication',
  'epidural-steroid',
  'facet-injection',
  'radiofrequency-ablation',
  'surgery',
  'other',
] as const;

const demographics = {
  year_of_birth: z.number().int().min(1900).max(new Date().getUTCFullYear()),
  sex: z.enum(SEXES),
  // Plausibility bound for data entry only (kg/m²), not a clinical threshold.
  // The database's envelope (migration 006); the plausibility range is a setting (src/registry/plausibility.ts).
  bmi: z.number().min(5).max(250).nullish(),
  smoking: z.enum(SMOKING),
  pain_duration_months: z.number().int().min(0).max(1200),
  prior_treatments: z.array(z.enum(PRIOR_TREATMENTS)).max(PRIOR_TREATMENTS.length).default([]),
  pain_generators: z.array(z.enum(PAIN_GENERATORS)).min(1, 'at least one pain generator').max(3),
  baseline_opioid_use: z.boolean(),
};

export const EnrolPatientSchema = z
  .object({
    site_id: z.number().int().positive(),
    ...demographics,
    /** Checklist answers: item id → true (criterion present) / false. Every configured item must be answered. */
    eligibility: z.record(z.string(), z.boolean()),
  })
  .strict();
export type EnrolPatient = z.infer<typeof EnrolPatientSchema>;

export const UpdatePatientSchema = z
  .object({
    version,
    reason,
    year_of_birth: demographics.year_of_birth.optional(),
    sex: demographics.sex.optional(),
    bmi: demographics.bmi,
    smoking: demographics.smoking.optional(),
    pain_duration_months: demographics.pain_duration_months.optional(),
    // As at enrolment (bounded, de-duplicated by the store); no .default([]), which would clear the list.
    prior_treatments: z.array(z.enum(PRIOR_TREATMENTS)).max(PRIOR_TREATMENTS.length).optional(),
    pain_generators: demographics.pain_generators.optional(),
    baseline_opioid_use: z.boolean().optional(),
  })
  .strict();
export type UpdatePatient = z.infer<typeof UpdatePatientSchema>;

/**
 * Consent scopes (docs/reference/interoperability.md §3, FHIR R4 consentscope): care = consent to the treatment (FHIR
 * "treatment"); registry = participation in the registry (data collection and follow-up), needed before a
 * procedure is recorded; research = use of the data for research, needed for the de-identified export.
 */
export const CONSENT_SCOPES = ['care', 'registry', 'research'] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];
const consentFields = {
  scope: z.enum(CONSENT_SCOPES),
  form_version: text(50),
  consent_date: isoDate,
  obtained_by: text(120),
};
export const ConsentSchema = z.object({ ...consentFields, scope: consentFields.scope.default('registry') }).strict();
export type RecordConsent = z.infer<typeof ConsentSchema>;

/** Correction of a mistyped consent record: the fields given replace the stored ones. */
export const CorrectConsentSchema = z
  .object({
    version,
    reason,
    scope: consentFields.scope.optional(),
    form_version: consentFields.form_version.optional(),
    consent_date: consentFields.consent_date.optional(),
    obtained_by: consentFields.obtained_by.optional(),
  })
  .strict();

/** Withdrawal of a consent: the date it was withdrawn and the patient's stated reason (or "not given"). */
export const WithdrawConsentSchema = z
  .object({
    version,
    withdrawn_date: isoDate,
    reason: z.string().trim().min(3, 'the reason for the withdrawal').max(500),
  })
  .strict();

export const PATIENT_STATUSES = ['active', 'withdrawn', 'lost_to_follow_up', 'deceased'] as const;
export type PatientStatus = (typeof PATIENT_STATUSES)[number];
export const PatientStatusSchema = z
  .object({ version, status: z.enum(PATIENT_STATUSES), status_date: isoDate.nullish(), reason })
  .strict()
  .superRefine((s, ctx) => {
    if (s.status !== 'active' && !s.status_date)
      ctx.addIssue({
        code: 'custom',
        message: `the date the patient became ${s.status.replaceAll('_', ' ')}`,
        path: ['status_date'],
      });
    if (s.status === 'active' && s.status_date)
      ctx.addIssue({ code: 'custom', message: 'an active patient has no status date', path: ['status_date'] });
  });

/** Patient search: part of the registry id, status, and a page (keyset: patients with a smaller id). */
export const PatientSearchSchema = z
  .object({
    q: z.string().trim().max(40).optional(),
    status: z.enum(PATIENT_STATUSES).optional(),
    site_id: z.number().int().positive().max(MAX_VERSION).optional(),
    before: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .strict();

export const THERAPIES = ['PRP', 'BMC', 'MSC'] as const;
export const STRUCTURES = ['disc', 'facet', 'sacroiliac', 'epidural'] as const;
export const SEGMENTS = ['L1-L2', 'L2-L3', 'L3-L4', 'L4-L5', 'L5-S1'] as const;
export const SIDES = ['left', 'right', 'bilateral', 'midline'] as const;
export const EPIDURAL_APPROACHES = ['interlaminar', 'transforaminal', 'caudal'] as const;
/** Image guidance options of docs/reference/products.md §1.2 (fluoroscopy, ultrasound, CT, none). */
export const IMAGE_GUIDANCE = ['fluoroscopy', 'ultrasound', 'CT', 'none'] as const;

export const TargetSchema = z
  .object({
    structure: z.enum(STRUCTURES),
    level: z.enum(SEGMENTS).nullish(),
    side: z.enum(SIDES).nullish(),
    approach: z.enum(EPIDURAL_APPROACHES).nullish(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.structure !== 'sacroiliac' && !t.level)
      ctx.addIssue({
        code: 'custom',
        message: `a ${t.structure} target needs a level (L1-L2 … L5-S1)`,
        path: ['level'],
      });
    if (t.structure === 'sacroiliac' && t.level)
      ctx.addIssue({ code: 'custom', message: 'the sacroiliac joint has no lumbar level', path: ['level'] });
    if (t.structure === 'sacroiliac' && (!t.side || t.side === 'midline'))
      ctx.addIssue({ code: 'custom', message: 'a sacroiliac target needs left, right or bilateral', path: ['side'] });
    if (t.structure === 'facet' && (!t.side || t.side === 'midline'))
      ctx.addIssue({ code: 'custom', message: 'a facet target needs left, right or bilateral', path: ['side'] });
    if (t.structure === 'epidural' && !t.approach)
      ctx.addIssue({ code: 'custom', message: 'an epidural target needs the approach', path: ['approach'] });
    if (t.structure !== 'epidural' && t.approach)
      ctx.addIssue({ code: 'custom', message: 'the approach applies to epidural targets only', path: ['approach'] });
  });

export const PrpPreparationSchema = z
  .object({
    device: optText(120),
    anticoagulant: optText(120),
    spins: z
      .array(z.object({ g: z.number().positive(), minutes: z.number().positive() }).strict())
      .max(5)
      .default([]),
    light_activation: z.boolean().nullish(),
  })
  .strict();

export const MSC_SOURCES = ['bone-marrow', 'adipose', 'umbilical-cord', 'other'] as const;
const releaseResult = z.enum(['pass', 'fail', 'not-done']);
export const MscSchema = z
  .object({
    source: z.enum(MSC_SOURCES),
    origin: z.enum(['autologous', 'allogeneic']),
    culture_expanded: z.boolean(),
    passage: z.number().int().min(0).max(100).nullish(),
    days_in_culture: z.number().int().min(0).max(3650).nullish(),
    dose_viable_cells: z.number().positive().nullish(),
    viability_pct: z.number().min(0).max(100).nullish(),
    release_tests: z
      .object({
        sterility: releaseResult.default('not-done'),
        endotoxin: releaseResult.default('not-done'),
        mycoplasma: releaseResult.default('not-done'),
        isct: z.record(z.string(), z.unknown()).nullish(),
      })
      .strict()
      .nullish(),
    ind_number: optText(60),
    trial_registration: optText(60),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.culture_expanded && (m.passage === null || m.passage === undefined))
      ctx.addIssue({
        code: 'custom',
        message: 'a culture-expanded product needs its passage number',
        path: ['passage'],
      });
  });

export const ProcedureSchema = z
  .object({
    procedure_date: isoDate,
    operator: text(120),
    therapy: z.enum(THERAPIES),
    /** Input of parsePrpInput (src/products/prp.ts) plus the preparation protocol. */
    prp: z.record(z.string(), z.unknown()).nullish(),
    /** Input of characterizeBmc (src/products/bmc.ts) plus the device. */
    bmc: z.record(z.string(), z.unknown()).nullish(),
    msc: MscSchema.nullish(),
    targets: z.array(TargetSchema).min(1, 'at least one target').max(10),
    image_guidance: z.enum(IMAGE_GUIDANCE),
    // 0.01 mL: a data-entry floor against values such as 1e-300 (security review L2), not a clinical number.
    injectate_volume_ml: z.number().min(0.01, 'at least 0.01 mL').max(1000),
    adjuncts: z.array(text(120)).max(10).default([]),
  })
  .strict()
  .superRefine((p, ctx) => {
    const key = p.therapy.toLowerCase() as 'prp' | 'bmc' | 'msc';
    if (!p[key])
      ctx.addIssue({ code: 'custom', message: `a ${p.therapy} procedure needs its product record`, path: [key] });
    for (const other of ['prp', 'bmc', 'msc'] as const) {
      if (other !== key && p[other])
        ctx.addIssue({ code: 'custom', message: `not a ${other.toUpperCase()} procedure`, path: [other] });
    }
  });
export type RecordProcedure = z.infer<typeof ProcedureSchema>;

/** The PROMs a follow-up can hold; keys are the instrument names of src/instruments/score.ts. */
export const VISIT_INSTRUMENTS = ['ODI', 'NRS', 'VAS', 'EQ5D3L', 'PROMIS10', 'RMDQ'] as const;
export type VisitInstrument = (typeof VISIT_INSTRUMENTS)[number];

export const FollowUpSchema = z
  .object({
    timepoint: z.enum(TIMEPOINT_KEYS),
    visit_date: isoDate,
    proms: z.partialRecord(z.enum(VISIT_INSTRUMENTS), z.unknown()).default({}),
    /** Entries of src/instruments/mme.ts mmePerDay. */
    opioids: z.array(z.record(z.string(), z.unknown())).max(20).default([]),
    /**
     * The patient takes no opioids at this visit: stored as MME/day 0 with no entries. Without it, a visit with
     * no entries records nothing about opioids (MME unknown, never shown or analysed as 0).
     */
    no_opioids: z.boolean().optional(),
    reintervention: z
      .object({ occurred: z.boolean(), date: isoDate.nullish(), description: optText(500) })
      .strict()
      .nullish(),
    imaging_note: optText(2000),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (
      Object.keys(v.proms).length === 0 &&
      v.opioids.length === 0 &&
      !v.no_opioids &&
      !v.reintervention &&
      !v.imaging_note
    )
      ctx.addIssue({ code: 'custom', message: 'a visit needs at least one PROM or another finding', path: ['proms'] });
    if (v.no_opioids && v.opioids.length > 0)
      ctx.addIssue({
        code: 'custom',
        message: '"no opioids at this visit" cannot be given together with opioid entries: remove one of them',
        path: ['no_opioids'],
      });
    if (v.reintervention?.occurred && !v.reintervention.date)
      ctx.addIssue({
        code: 'custom',
        message: 'the date of the re-intervention is needed',
        path: ['reintervention', 'date'],
      });
  });
export type SubmitFollowUp = z.infer<typeof FollowUpSchema>;

export const AE_ACTIONS = ['none', 'medication', 'procedure', 'hospitalisation', 'product-withdrawn', 'other'] as const;
const aeFields = {
  procedure_id: z.number().int().positive().nullish(),
  term: text(200),
  onset_date: isoDate,
  grade: z.number().int().min(1).max(5),
  seriousness_criteria: z.array(z.enum(SERIOUSNESS_CRITERIA)).default([]),
  attribution_procedure: z.enum(ATTRIBUTIONS).nullish(),
  attribution_product: z.enum(ATTRIBUTIONS).nullish(),
  action: z.enum(AE_ACTIONS).default('none'),
  outcome: z.enum(AE_OUTCOMES).nullish(),
  resolution_date: isoDate.nullish(),
  expected: z.boolean().nullish(),
};
export const AdverseEventSchema = z.object(aeFields).strict();
export type ReportAdverseEvent = z.infer<typeof AdverseEventSchema>;

export const UpdateAdverseEventSchema = z
  .object({
    version,
    reason,
    term: aeFields.term.optional(),
    grade: aeFields.grade.optional(),
    // Not aeFields.seriousness_criteria: its .default([]) would turn "not mentioned" into "none", silently
    // making a serious event non-serious on any partial update.
    seriousness_criteria: z.array(z.enum(SERIOUSNESS_CRITERIA)).optional(),
    attribution_procedure: aeFields.attribution_procedure,
    attribution_product: aeFields.attribution_product,
    action: z.enum(AE_ACTIONS).optional(),
    outcome: aeFields.outcome,
    resolution_date: aeFields.resolution_date,
  })
  .strict();
export type UpdateAdverseEvent = z.infer<typeof UpdateAdverseEventSchema>;

/** Query of the follow-up report: the reporting day and how many rows each open list may hold. */
export const FollowUpReportQuerySchema = z
  .object({ today: isoDate, limit: z.number().int().min(1).max(1000).default(100) })
  .strict();

export const DeleteSchema = z.object({ version, reason }).strict();

export const SiteSchema = z
  .object({
    code: z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,19}$/, 'upper-case letters, digits, hyphen'),
    name: text(200),
  })
  .strict();

/**
 * A correction of a mistyped procedure or visit: the whole corrected record (`record`, validated by the
 * schema of a new one) replaces the stored one, with the version read and the reason (ICH E6 4.9.3).
 */
export const CorrectionSchema = z.object({ version, reason, record: z.record(z.string(), z.unknown()) }).strict();
