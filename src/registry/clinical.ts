// Pure preparation of registry commands: eligibility, product characterisation, PROM scoring and MME.
// The knowledge lives in src/instruments and src/products; this module only calls it and names fields.
import {
  DEFAULT_INSTRUMENT_CONFIG,
  DEFAULT_MEDICATION_CONFIG,
  type InstrumentConfig,
  type MedicationConfig,
} from '../instruments/config.ts';
import { VALUE_SET_UK, VALUE_SET_US } from '../instruments/eq5d3l.ts';
import { isFieldError } from '../instruments/input.ts';
import { type MmeTotal, totalMmePerDay } from '../instruments/mme.ts';
import { CTCAE_VERSION, classifyAdverseEvent } from '../instruments/safety.ts';
import { scoreInstrument } from '../instruments/score.ts';
import { characterizeBmc, checkIsct } from '../products/bmc.ts';
import { DEFAULT_PRODUCT_CONFIG, type ProductConfig } from '../products/config.ts';
import { characterizePrp, parsePrpInput } from '../products/prp.ts';
import { DEFAULT_REGISTRY_CONFIG, type RegistryConfig } from './config.ts';
import {
  CommandError,
  MscSchema,
  PrpPreparationSchema,
  parseCommand,
  type RecordProcedure,
  type ReportAdverseEvent,
  type SubmitFollowUp,
  VISIT_INSTRUMENTS,
  type VisitInstrument,
  withPrefix,
} from './validation.ts';

export interface EligibilityResult {
  eligible: boolean;
  /** Why not: failed inclusions and present exclusions, by item id. */
  reasons: string[];
  answers: Record<string, boolean>;
  config_version: string;
}

/** Every configured item must be answered; eligible = all inclusions met and no exclusion present. */
export function evaluateEligibility(
  answers: Record<string, boolean>,
  painDurationMonths: number,
  config: RegistryConfig = DEFAULT_REGISTRY_CONFIG,
): EligibilityResult {
  const items = config.eligibility.items.value;
  for (const k of Object.keys(answers)) {
    if (!items.some((i) => i.id === k)) throw new CommandError(`unknown checklist item "${k}"`, `eligibility.${k}`);
  }
  const reasons: string[] = [];
  for (const item of items) {
    const a = answers[item.id];
    if (a === undefined) throw new CommandError(`checklist item not answered: ${item.label}`, `eligibility.${item.id}`);
    // Reasons are read by people (forms, API): the checklist's label, never its internal id (issue 11 §2).
    if (item.kind === 'inclusion' && !a) reasons.push(`inclusion not met: ${item.label}`);
    if (item.kind === 'exclusion' && a) reasons.push(`exclusion present: ${item.label}`);
  }
  const minMonths = config.eligibility.minPainMonths.value;
  if (painDurationMonths < minMonths) reasons.push(`pain duration under ${minMonths} months`);
  return { eligible: reasons.length === 0, reasons, answers, config_version: config.version };
}

/** "multiple" when more than one generator is recorded (issue 5 vocabulary: disc / facet / sacroiliac / multiple). */
export function painGeneratorGroup(generators: readonly string[]): string {
  return generators.length > 1 ? 'multiple' : (generators[0] ?? 'unknown');
}

export interface ProductRecord {
  /** What was entered, validated. */
  product: Record<string, unknown>;
  /** Derived quantities and classifications (null with a reason when not derivable). */
  characterization: Record<string, unknown>;
  /** Product warnings shown to the user and stored: e.g. PRP fold below the configured minimum. */
  warnings: string[];
  config_version: string | null;
}

export function characterizeProduct(p: RecordProcedure, config: ProductConfig = DEFAULT_PRODUCT_CONFIG): ProductRecord {
  if (p.therapy === 'PRP') {
    const { preparation, ...counts } = p.prp ?? {};
    const prep = withPrefix('prp.preparation', () => parseCommand(PrpPreparationSchema, preparation ?? {}));
    const input = withPrefix('prp', () => parsePrpInput(counts));
    const c = characterizePrp(input, config);
    return {
      product: { ...input, preparation: prep },
      characterization: c as unknown as Record<string, unknown>,
      warnings: c.warnings,
      config_version: c.config_version,
    };
  }
  if (p.therapy === 'BMC') {
    const { device, ...rest } = p.bmc ?? {};
    if (device !== undefined && device !== null && typeof device !== 'string')
      throw new CommandError('expected the device name', 'bmc.device');
    const c = withPrefix('bmc', () => characterizeBmc(rest));
    return {
      product: { ...c.record, device: device ?? null },
      characterization: {
        tnc_injected: c.tnc_injected,
        cfu_f_injected: c.cfu_f_injected,
        cfu_f_above_pettine_2015: c.cfu_f_above_pettine_2015,
      },
      warnings: c.warnings,
      config_version: null,
    };
  }
  const msc = parseCommand(MscSchema, p.msc);
  const isct = msc.release_tests?.isct
    ? withPrefix('msc.release_tests.isct', () => checkIsct(msc.release_tests!.isct))
    : null;
  const warnings: string[] = [];
  if (msc.culture_expanded && !msc.ind_number && !msc.trial_registration) {
    // docs/reference/products.md §3 table: IND number / trial registration required if culture-expanded in the US.
    warnings.push('culture-expanded MSC without IND number or trial registration');
  }
  if (isct && isct.meets === false) warnings.push('the product does not meet the ISCT 2006 minimal criteria');
  for (const t of ['sterility', 'endotoxin', 'mycoplasma'] as const) {
    if (msc.release_tests?.[t] === 'fail') warnings.push(`release test failed: ${t}`);
  }
  return { product: msc, characterization: { isct }, warnings, config_version: null };
}

export interface ScoredProm {
  instrument: VisitInstrument;
  /** Version of the questionnaire the answers belong to (docs/reference/instruments.md). */
  instrument_version: string;
  /** Scoring settings version (config/instruments.json) and, for EQ-5D, the value sets. */
  config_version: string;
  value_set: string | null;
  input: unknown;
  result: Record<string, unknown>;
  /** The principal score for reports (ODI %, NRS, VAS mm, EQ-5D UK index, PROMIS GPH T, RMDQ). */
  score: number;
}

/** Questionnaire versions per docs/reference/instruments.md (ODI v2.1a §1, NRS-11 and VAS 0–100 mm §2, EQ-5D-3L §3, PROMIS Global Health v1.2 §4, RMDQ 24-item §5). */
export const INSTRUMENT_VERSIONS: Record<VisitInstrument, string> = {
  ODI: 'ODI v2.1a',
  NRS: 'NRS-11',
  VAS: 'VAS 0-100 mm',
  EQ5D3L: 'EQ-5D-3L',
  PROMIS10: 'PROMIS Global Health v1.2',
  RMDQ: 'RMDQ 24-item',
};

function principal(instrument: VisitInstrument, r: Record<string, unknown>): number {
  if (instrument === 'EQ5D3L') return r.index_uk as number;
  if (instrument === 'PROMIS10') return r.gph_t as number;
  return r.score as number;
}

export function scoreProms(
  proms: SubmitFollowUp['proms'],
  config: InstrumentConfig = DEFAULT_INSTRUMENT_CONFIG,
): ScoredProm[] {
  const out: ScoredProm[] = [];
  for (const instrument of VISIT_INSTRUMENTS) {
    const input = proms[instrument];
    if (input === undefined) continue;
    const r = scoreInstrument(instrument, input, config);
    if (isFieldError(r)) {
      throw new CommandError(
        r.error,
        r.field === '$' ? `proms.${instrument}` : `proms.${instrument}${r.field.startsWith('[') ? '' : '.'}${r.field}`,
      );
    }
    const result = r as unknown as Record<string, unknown>;
    out.push({
      instrument,
      instrument_version: INSTRUMENT_VERSIONS[instrument],
      config_version: config.version,
      value_set: instrument === 'EQ5D3L' ? `${VALUE_SET_UK}; ${VALUE_SET_US}` : null,
      input,
      result,
      score: principal(instrument, result),
    });
  }
  return out;
}

/**
 * A visit's opioid total: the sum of its entries; with no entries, 0 MME/day when the visit says "no opioids"
 * (`none`) and null — not recorded, unknown — otherwise (unknown is never zero).
 */
export function opioidMme(
  entries: SubmitFollowUp['opioids'],
  config: MedicationConfig = DEFAULT_MEDICATION_CONFIG,
  none = false,
): MmeTotal | null {
  if (entries.length === 0) return none ? totalMmePerDay([], config) : null;
  return withPrefix('opioids', () => totalMmePerDay(entries as never, config));
}

export function classifyEvent(ae: ReportAdverseEvent) {
  const c = withPrefix('$', () =>
    classifyAdverseEvent({
      grade: ae.grade,
      seriousness_criteria: ae.seriousness_criteria,
      attribution_procedure: ae.attribution_procedure ?? null,
      attribution_product: ae.attribution_product ?? null,
      outcome: ae.outcome ?? null,
    }),
  );
  if (ae.resolution_date && ae.resolution_date < ae.onset_date)
    throw new CommandError('the resolution date is before the onset', 'resolution_date');
  return { ...c, ctcae_version: CTCAE_VERSION };
}
