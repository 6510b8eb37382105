// Adverse-event vocabularies: CTCAE v5.0 severity, ICH E2A seriousness, five-level attribution with the
// WHO-UMC mapping. Source: docs/reference/safety.md. Severity, seriousness and relatedness are three
// independent axes and are validated as such (docs/reference/safety.md intro).
import { expectEnum, expectInteger, expectObject, InputError, joinPath, optional, ROOT } from './input.ts';

/** CTCAE v5.0 general grade definitions (NCI, 27 Nov 2017), paraphrased in docs/reference/safety.md §2. */
export const CTCAE_GRADES = [
  { grade: 1, label: 'Mild', definition: 'no or mild symptoms; observation only; no intervention indicated' },
  {
    grade: 2,
    label: 'Moderate',
    definition: 'minimal, local or non-invasive intervention indicated; limits instrumental ADL',
  },
  {
    grade: 3,
    label: 'Severe or medically significant, not immediately life-threatening',
    definition: 'hospitalisation or prolongation indicated; disabling; limits self-care ADL',
  },
  { grade: 4, label: 'Life-threatening', definition: 'urgent intervention indicated' },
  { grade: 5, label: 'Death', definition: 'death related to the AE' },
] as const;
export type CtcaeGrade = 1 | 2 | 3 | 4 | 5;
export const CTCAE_VERSION = '5.0';

export function isCtcaeGrade(v: unknown): v is CtcaeGrade {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 5;
}

/** ICH E2A (1994) seriousness criteria, docs/reference/safety.md §3. Multi-select; serious = any ticked. */
export const SERIOUSNESS_CRITERIA = [
  'death',
  'life-threatening',
  'hospitalisation',
  'disability',
  'congenital-anomaly',
  'important-medical-event',
] as const;
export type SeriousnessCriterion = (typeof SERIOUSNESS_CRITERIA)[number];

/** Five-level NCI/CTEP attribution scale, docs/reference/safety.md §4.1. */
export const ATTRIBUTIONS = ['unrelated', 'unlikely', 'possible', 'probable', 'definite'] as const;
export type Attribution = (typeof ATTRIBUTIONS)[number];

/** Grouping of Hillman SL et al. J Clin Oncol 2010;28(18):3002–3007 (docs/reference/safety.md §4.1). */
export function isRelated(a: Attribution): boolean {
  return a === 'possible' || a === 'probable' || a === 'definite';
}

/** WHO-UMC codes of HL7 FHIR `adverse-event-causality-assess` (docs/reference/safety.md §4.2, docs/reference/interoperability.md §2). */
export const WHO_UMC_CODES = [
  'Certain',
  'Probably-Likely',
  'Possible',
  'Unlikely',
  'Conditional-Classified',
  'Unassessable-Unclassifiable',
] as const;
export type WhoUmcCode = (typeof WHO_UMC_CODES)[number];

/**
 * Row-to-row mapping of docs/reference/safety.md §4.2 — the registry's design choice, not a published crosswalk. "unrelated"
 * has no WHO-UMC equivalent (null). Missing information maps to Conditional-Classified (more data expected) or
 * Unassessable-Unclassifiable (insufficient/contradictory), chosen by the caller.
 */
export function toWhoUmc(a: Attribution): WhoUmcCode | null {
  switch (a) {
    case 'definite':
      return 'Certain';
    case 'probable':
      return 'Probably-Likely';
    case 'possible':
      return 'Possible';
    case 'unlikely':
      return 'Unlikely';
    case 'unrelated':
      return null;
  }
}

/** FHIR R4 adverse-event-outcome, six codes (docs/reference/interoperability.md §2, verified). */
export const AE_OUTCOMES = ['resolved', 'recovering', 'ongoing', 'resolvedWithSequelae', 'fatal', 'unknown'] as const;
export type AeOutcome = (typeof AE_OUTCOMES)[number];

export interface AeClassification {
  grade: CtcaeGrade;
  seriousness_criteria: SeriousnessCriterion[];
  serious: boolean;
  /** One attribution per suspect (docs/reference/safety.md §4.1): the procedure and the biologic product. */
  attribution_procedure: Attribution | null;
  attribution_product: Attribution | null;
  related_procedure: boolean | null;
  related_product: boolean | null;
  outcome: AeOutcome | null;
}

/**
 * Validates the classification fields of one AE record. Cross-axis rules from docs/reference/safety.md: grade 5 implies the
 * seriousness criterion "death" (§2 engine rules); outcome "fatal" (the event resulted in death) likewise needs
 * "death" (§3). Severity alone never
 * implies seriousness (§1: severe ≠ serious), so grade 3–4 without a criterion is accepted.
 */
export function classifyAdverseEvent(input: unknown): AeClassification {
  const obj = expectObject(input, ROOT, [
    'grade',
    'seriousness_criteria',
    'attribution_procedure',
    'attribution_product',
    'outcome',
  ]);
  if (obj.grade === undefined) throw new InputError('missing: CTCAE grade 1–5', 'grade');
  const grade = expectInteger(obj.grade, 'grade', 1, 5) as CtcaeGrade;
  const rawCriteria = obj.seriousness_criteria ?? [];
  if (!Array.isArray(rawCriteria))
    throw new InputError('expected an array of ICH E2A criteria', 'seriousness_criteria');
  const criteria = rawCriteria.map((c, i) => expectEnum(c, joinPath('seriousness_criteria', i), SERIOUSNESS_CRITERIA));
  const unique = [...new Set(criteria)];
  const outcome = optional(obj.outcome, (v) => expectEnum(v, 'outcome', AE_OUTCOMES));
  if (grade === 5 && !unique.includes('death')) {
    throw new InputError('grade 5 (death) requires the seriousness criterion "death"', 'seriousness_criteria');
  }
  if (outcome === 'fatal' && !unique.includes('death')) {
    throw new InputError('outcome "fatal" requires the seriousness criterion "death"', 'seriousness_criteria');
  }
  const ap = optional(obj.attribution_procedure, (v) => expectEnum(v, 'attribution_procedure', ATTRIBUTIONS));
  const pp = optional(obj.attribution_product, (v) => expectEnum(v, 'attribution_product', ATTRIBUTIONS));
  return {
    grade,
    seriousness_criteria: unique,
    serious: unique.length > 0,
    attribution_procedure: ap,
    attribution_product: pp,
    related_procedure: ap === null ? null : isRelated(ap),
    related_product: pp === null ? null : isRelated(pp),
    outcome,
  };
}
