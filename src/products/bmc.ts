// Bone marrow concentrate descriptors and the ISCT 2006 minimal criteria for MSC products.
// Source: docs/reference/products.md §2 (BMC) and §3 (Dominici M et al. Cytotherapy 2006;8(4):315–317).
import {
  expectBoolean,
  expectInteger,
  expectNonNegative,
  expectNumber,
  expectObject,
  expectPositive,
  InputError,
  optional,
  ROOT,
} from '../instruments/input.ts';

/**
 * Pettine KA et al. Stem Cells 2015;33(1):146–156: patients receiving > 2,000 CFU-F/mL improved faster and more
 * (docs/reference/products.md §2). A descriptive subgroup boundary from one series, reported — not a quality pass/fail rule.
 */
export const PETTINE_2015_CFU_F_PER_ML = 2000;

export interface BmcRecord {
  /** Total nucleated cells per mL (corrected for nucleated RBCs), cells/mL. */
  tnc_per_ml: number | null;
  /** Colony-forming units–fibroblast per mL of concentrate (QC culture). */
  cfu_f_per_ml: number | null;
  /** Culture duration of the CFU-F assay, days: recorded because no standard duration is verified (§2). */
  cfu_f_assay_days: number | null;
  /** CD34+ cells per µL (flow cytometry, CD45dim/CD34+). */
  cd34_per_ul: number | null;
  /** Gating protocol (e.g. "ISHAGE"): recorded because the protocol is not verified (§2). */
  cd34_gating: string | null;
  viability_pct: number | null;
  age_at_harvest: number | null;
  aspiration_sites: number | null;
  aspirate_volume_ml: number | null;
  final_volume_ml: number | null;
  injected_volume_ml: number | null;
}

export interface BmcCharacterization {
  record: BmcRecord;
  /** tnc_per_ml × injected volume; null when either is missing. */
  tnc_injected: number | null;
  cfu_f_injected: number | null;
  /** cfu_f_per_ml > 2,000 (Pettine 2015 subgroup); null when CFU-F was not measured. */
  cfu_f_above_pettine_2015: boolean | null;
  warnings: string[];
}

const FIELDS = [
  'tnc_per_ml',
  'cfu_f_per_ml',
  'cfu_f_assay_days',
  'cd34_per_ul',
  'cd34_gating',
  'viability_pct',
  'age_at_harvest',
  'aspiration_sites',
  'aspirate_volume_ml',
  'final_volume_ml',
  'injected_volume_ml',
] as const;

export function characterizeBmc(input: unknown): BmcCharacterization {
  const o = expectObject(input, ROOT, FIELDS);
  const nonNeg = (k: string) => optional(o[k], (v) => expectNonNegative(v, k));
  const pos = (k: string) => optional(o[k], (v) => expectPositive(v, k));
  const gating = optional(o.cd34_gating, (v) => {
    if (typeof v !== 'string' || v.trim() === '')
      throw new InputError('expected the gating protocol name', 'cd34_gating');
    return v.trim();
  });
  const record: BmcRecord = {
    tnc_per_ml: nonNeg('tnc_per_ml'),
    cfu_f_per_ml: nonNeg('cfu_f_per_ml'),
    cfu_f_assay_days: optional(o.cfu_f_assay_days, (v) =>
      expectInteger(v, 'cfu_f_assay_days', 1, Number.MAX_SAFE_INTEGER),
    ),
    cd34_per_ul: nonNeg('cd34_per_ul'),
    cd34_gating: gating,
    viability_pct: optional(o.viability_pct, (v) => expectNumber(v, 'viability_pct', 0, 100)),
    age_at_harvest: nonNeg('age_at_harvest'),
    aspiration_sites: optional(o.aspiration_sites, (v) =>
      expectInteger(v, 'aspiration_sites', 1, Number.MAX_SAFE_INTEGER),
    ),
    aspirate_volume_ml: pos('aspirate_volume_ml'),
    final_volume_ml: pos('final_volume_ml'),
    injected_volume_ml: pos('injected_volume_ml'),
  };
  if (
    record.injected_volume_ml !== null &&
    record.final_volume_ml !== null &&
    record.injected_volume_ml > record.final_volume_ml
  ) {
    throw new InputError('injected volume exceeds the final concentrate volume', 'injected_volume_ml');
  }
  const warnings: string[] = [];
  if (record.cfu_f_per_ml !== null && record.cfu_f_assay_days === null) {
    warnings.push('CFU-F given without the assay duration (cfu_f_assay_days): results are not comparable across sites');
  }
  if (record.cd34_per_ul !== null && record.cd34_gating === null) {
    warnings.push('CD34+ count given without the gating protocol (cd34_gating)');
  }
  if (record.tnc_per_ml === null) warnings.push('TNC/mL not recorded: the basic quality indicator of BMC is missing');
  const perInjection = (perMl: number | null) =>
    perMl === null || record.injected_volume_ml === null ? null : perMl * record.injected_volume_ml;
  return {
    record,
    tnc_injected: perInjection(record.tnc_per_ml),
    cfu_f_injected: perInjection(record.cfu_f_per_ml),
    cfu_f_above_pettine_2015: record.cfu_f_per_ml === null ? null : record.cfu_f_per_ml > PETTINE_2015_CFU_F_PER_ML,
    warnings,
  };
}

/** ISCT 2006 marker thresholds (Dominici 2006, as restated in PMC7234888 Table 1; docs/reference/products.md §3). */
export const ISCT_POSITIVE_MIN_PCT = 95;
export const ISCT_NEGATIVE_MAX_PCT = 2;
export const ISCT_POSITIVE_MARKERS = ['cd105_pct', 'cd73_pct', 'cd90_pct'] as const;
/** Each group: every listed alternative that was tested must be ≤ 2%, and at least one must be tested. */
export const ISCT_NEGATIVE_GROUPS = [
  ['cd45_pct'],
  ['cd34_pct'],
  ['cd14_pct', 'cd11b_pct'],
  ['cd79a_pct', 'cd19_pct'],
  ['hla_dr_pct'],
] as const;
const DIFFERENTIATION = ['osteogenic', 'adipogenic', 'chondrogenic'] as const;

export interface IsctCriterion {
  criterion: string;
  met: boolean | null;
  detail: string;
}

export interface IsctResult {
  /** true only when all three criteria are met; false if any fails; null when untested items leave it open. */
  meets: boolean | null;
  criteria: IsctCriterion[];
}

const combine = (xs: (boolean | null)[]): boolean | null =>
  xs.includes(false) ? false : xs.includes(null) ? null : true;

export function checkIsct(input: unknown): IsctResult {
  const markerKeys = [...ISCT_POSITIVE_MARKERS, ...ISCT_NEGATIVE_GROUPS.flat()];
  const o = expectObject(input, ROOT, ['plastic_adherent', ...markerKeys, ...DIFFERENTIATION]);
  const pct = (k: string) => optional(o[k], (v) => expectNumber(v, k, 0, 100));
  const bool = (k: string) => optional(o[k], (v) => expectBoolean(v, k));

  const adherent = bool('plastic_adherent');
  const criteria: IsctCriterion[] = [
    {
      criterion: '1. plastic adherence',
      met: adherent,
      detail: adherent === null ? 'not recorded' : adherent ? 'adherent' : 'not adherent',
    },
  ];
  const positives = ISCT_POSITIVE_MARKERS.map((k) => {
    const v = pct(k);
    return { k, v, met: v === null ? null : v >= ISCT_POSITIVE_MIN_PCT };
  });
  criteria.push({
    criterion: `2a. ≥${ISCT_POSITIVE_MIN_PCT}% CD105+, CD73+, CD90+`,
    met: combine(positives.map((p) => p.met)),
    detail: positives.map((p) => `${p.k}=${p.v ?? 'not tested'}`).join(', '),
  });
  const groups = ISCT_NEGATIVE_GROUPS.map((group) => {
    const tested = group.map((k) => ({ k, v: pct(k) })).filter((x) => x.v !== null);
    const met = tested.length === 0 ? null : tested.every((x) => x.v! <= ISCT_NEGATIVE_MAX_PCT);
    return { label: group.join(' or '), tested, met };
  });
  criteria.push({
    criterion: `2b. ≤${ISCT_NEGATIVE_MAX_PCT}% CD45, CD34, CD14 or CD11b, CD79α or CD19, HLA-DR`,
    met: combine(groups.map((g) => g.met)),
    detail: groups
      .map((g) => (g.tested.length === 0 ? `${g.label}: not tested` : g.tested.map((t) => `${t.k}=${t.v}`).join(', ')))
      .join('; '),
  });
  const diff = DIFFERENTIATION.map((k) => ({ k, v: bool(k) }));
  criteria.push({
    criterion: '3. trilineage differentiation (osteoblasts, adipocytes, chondroblasts)',
    met: combine(diff.map((d) => d.v)),
    detail: diff.map((d) => `${d.k}=${d.v ?? 'not tested'}`).join(', '),
  });
  return { meets: combine(criteria.map((c) => c.met)), criteria };
}
