// Morphine milligram equivalents per day. Source: docs/reference/medications.md — CDC Clinical Practice
// Guideline for Prescribing Opioids for Pain, 2022 (Dowell D et al. MMWR Recomm Rep 2022;71(RR-3):1–95), table
// "Morphine milligram equivalent doses for commonly prescribed opioids for pain management". MME is an exposure
// metric for research, never a dosing or conversion tool (§ intro, caution 3).
import { DEFAULT_MEDICATION_CONFIG, type MedicationConfig } from './config.ts';
import { expectEnum, expectObject, expectPositive, InputError, ROOT } from './input.ts';

export const OPIOIDS = [
  'codeine',
  'fentanyl-transdermal',
  'hydrocodone',
  'hydromorphone',
  'methadone',
  'morphine',
  'oxycodone',
  'oxymorphone',
  'tapentadol',
  'tramadol',
  'buprenorphine',
] as const;
export type Opioid = (typeof OPIOIDS)[number];
export type FactorSet = 'CDC-2022' | 'CDC-2016';

/** CDC 2022 table (docs/reference/medications.md §2): mg/day × factor, transdermal fentanyl mcg/hr × factor. */
export const CDC_2022_FACTORS: Readonly<Record<Exclude<Opioid, 'buprenorphine'>, number>> = {
  codeine: 0.15,
  'fentanyl-transdermal': 2.4,
  hydrocodone: 1.0,
  hydromorphone: 5.0,
  methadone: 4.7,
  morphine: 1.0,
  oxycodone: 1.5,
  oxymorphone: 3.0,
  tapentadol: 0.4, // † µ-agonist activity only (CDC footnote, paraphrased)
  tramadol: 0.2, // § µ-agonist activity only (CDC footnote, paraphrased)
};

/**
 * CDC 2016 factors for historical data (docs/reference/medications.md §4, from cqframework/opioid-mme-r4 ConversionFactors.cql
 * citing the CDC "Calculating total daily dose" sheet). Tapentadol and tramadol 2016 factors are not given in the
 * reference, so they are absent rather than guessed. Methadone is dose-tiered (see methadone2016Factor).
 */
export const CDC_2016_FACTORS: Readonly<Partial<Record<Opioid, number>>> = {
  codeine: 0.15,
  'fentanyl-transdermal': 2.4,
  hydrocodone: 1,
  hydromorphone: 4,
  morphine: 1,
  oxycodone: 1.5,
  oxymorphone: 3,
};

/**
 * CDC 2016 methadone tiers (docs/reference/medications.md §4): 1–20 mg/day → 4; 21–40 → 8; 41–60 → 10; ≥61 → 12. Non-integer
 * daily doses between tiers (e.g. 20.5) take the higher tier: ≤20 → 4, ≤40 → 8, ≤60 → 10, else 12.
 */
export function methadone2016Factor(mgPerDay: number): number {
  if (mgPerDay <= 20) return 4;
  if (mgPerDay <= 40) return 8;
  if (mgPerDay <= 60) return 10;
  return 12;
}

// Names besides the ingredient names themselves ("fentanyl-transdermal" matches OPIOIDS without punctuation).
const ALIASES: Record<string, Opioid> = {
  fentanyl: 'fentanyl-transdermal',
  fentanylpatch: 'fentanyl-transdermal',
  transdermalfentanyl: 'fentanyl-transdermal',
};

export function normalizeOpioid(name: string): Opioid {
  const key = name.toLowerCase().replace(/[^a-z]/g, '');
  const found = ALIASES[key] ?? OPIOIDS.find((o) => o.replace(/[^a-z]/g, '') === key);
  if (!found) {
    throw new InputError(
      `unknown opioid "${name}": no CDC 2022 conversion factor (known: ${OPIOIDS.join(', ')}); record it unconverted`,
      'drug',
    );
  }
  return found;
}

export interface OpioidEntry {
  drug: string;
  /** Strength per dose in mg (every opioid except transdermal fentanyl). */
  dose_mg?: number;
  /** Transdermal fentanyl: the patch rate in mcg/h, which is the daily amount itself (docs/reference/medications.md §1). */
  dose_mcg_per_h?: number;
  /** Doses per day (scheduled, or actual average use for PRN, §6); not used for patches. */
  doses_per_day?: number;
  /** Opioid-use-disorder treatment is never mixed with pain MME (§6). Default 'pain'. */
  indication?: 'pain' | 'oud';
  factor_set?: FactorSet;
}

export interface MmeResult {
  drug: Opioid;
  factor_set: FactorSet;
  daily_amount: number;
  unit: 'mg/day' | 'mcg/h';
  factor: number | null;
  /** null when the entry is excluded from MME (buprenorphine by default, OUD treatment). */
  mme_per_day: number | null;
  included: boolean;
  flags: string[];
  warnings: string[];
  config_version: string;
}

// Factors have at most 2 decimals (config factors: scaled to 1e-6), so amount × factor is computed as
// amount × integer / scale: 25 mcg/h × 2.4 = 60 exactly, not 59.99999….
const scaled = (amount: number, factor: number) => (amount * Math.round(factor * 1e6)) / 1e6;

export function mmePerDay(entry: OpioidEntry, config: MedicationConfig = DEFAULT_MEDICATION_CONFIG): MmeResult {
  const obj = expectObject(entry, ROOT, [
    'drug',
    'dose_mg',
    'dose_mcg_per_h',
    'doses_per_day',
    'indication',
    'factor_set',
  ]);
  if (typeof obj.drug !== 'string') throw new InputError('expected the opioid ingredient name', 'drug');
  const drug = normalizeOpioid(obj.drug);
  const factorSet: FactorSet =
    obj.factor_set === undefined
      ? config.defaultFactorSet.value
      : expectEnum(obj.factor_set, 'factor_set', ['CDC-2022', 'CDC-2016'] as const);
  // Default 'pain': only OUD treatment changes the result (§6).
  const oud =
    obj.indication !== undefined && expectEnum(obj.indication, 'indication', ['pain', 'oud'] as const) === 'oud';
  const flags: string[] = [];
  const warnings: string[] = [];

  let dailyAmount: number;
  let unit: MmeResult['unit'];
  if (drug === 'fentanyl-transdermal') {
    if (obj.dose_mg !== undefined) {
      throw new InputError(
        'transdermal fentanyl is recorded as the patch rate in mcg/h (dose_mcg_per_h), not mg',
        'dose_mg',
      );
    }
    if (obj.doses_per_day !== undefined) {
      throw new InputError('not used for patches: the patch rate in mcg/h is the daily amount', 'doses_per_day');
    }
    if (obj.dose_mcg_per_h === undefined) throw new InputError('missing: patch rate in mcg/h', 'dose_mcg_per_h');
    dailyAmount = expectPositive(obj.dose_mcg_per_h, 'dose_mcg_per_h');
    unit = 'mcg/h';
    // CDC 2022 table caution 5 (docs/reference/medications.md §2.1).
    warnings.push(
      'transdermal fentanyl: dosed in mcg/h and absorbed differently; interpret MME with particular caution',
    );
  } else {
    if (obj.dose_mcg_per_h !== undefined) {
      throw new InputError(`only transdermal fentanyl is recorded in mcg/h; give ${drug} as dose_mg`, 'dose_mcg_per_h');
    }
    if (obj.dose_mg === undefined) throw new InputError('missing: strength per dose in mg', 'dose_mg');
    if (obj.doses_per_day === undefined) throw new InputError('missing: doses per day', 'doses_per_day');
    dailyAmount = expectPositive(obj.dose_mg, 'dose_mg') * expectPositive(obj.doses_per_day, 'doses_per_day');
    unit = 'mg/day';
  }

  const base = { drug, factor_set: factorSet, daily_amount: dailyAmount, unit, config_version: config.version };
  if (oud) {
    flags.push('opioid-use-disorder-treatment');
    return {
      ...base,
      factor: null,
      mme_per_day: null,
      included: false,
      flags,
      // docs/reference/medications.md §6: buprenorphine/methadone for OUD are not pain MME
      warnings: [...warnings, 'treatment for opioid use disorder is excluded from pain MME'],
    };
  }

  let factor: number | null;
  if (drug === 'buprenorphine') {
    // Not in the CDC 2022 table (docs/reference/medications.md §3); excluded and flagged unless an analyst configures a factor.
    flags.push('buprenorphine');
    factor = config.buprenorphine.factor.value;
    if (factor === null) {
      return {
        ...base,
        factor: null,
        mme_per_day: null,
        included: false,
        flags,
        warnings: [
          ...warnings,
          'buprenorphine has no CDC 2022 MME factor (partial agonist); excluded from total MME (config buprenorphine.factor = null)',
        ],
      };
    }
    warnings.push(
      `buprenorphine included with configured factor ${factor} (${config.version}; UNVERIFIED, sensitivity analysis only)`,
    );
  } else if (factorSet === 'CDC-2016') {
    factor = drug === 'methadone' ? methadone2016Factor(dailyAmount) : (CDC_2016_FACTORS[drug] ?? null);
    if (factor === null) {
      throw new InputError(`${drug} has no CDC-2016 factor in the reference; use factor_set CDC-2022`, 'factor_set');
    }
  } else {
    factor = CDC_2022_FACTORS[drug];
  }
  if (drug === 'methadone') {
    // CDC 2022 table caution 4 (docs/reference/medications.md §2.1).
    warnings.push('methadone: long, variable half-life; interpret MME with particular caution');
  }
  if (drug === 'tapentadol' || drug === 'tramadol') {
    // CDC footnotes † / § (paraphrased, docs/reference/medications.md §2).
    warnings.push(`${drug}: factor reflects µ-opioid activity only; MME understates total analgesic effect`);
  }
  return { ...base, factor, mme_per_day: scaled(dailyAmount, factor), included: true, flags, warnings };
}

/** Configurable bands 0, >0–<50, 50–<90, ≥90 (docs/reference/medications.md §5; 2022 wording UNVERIFIED → config bands). */
export function mmeBand(total: number, config: MedicationConfig = DEFAULT_MEDICATION_CONFIG): string {
  const [lo, hi] = config.bands.value;
  if (total <= 0) return '0';
  if (total < lo) return `>0-<${lo}`;
  if (total < hi) return `${lo}-<${hi}`;
  return `>=${hi}`;
}

export interface MmeTotal {
  total_mme_per_day: number;
  band: string;
  entries: MmeResult[];
  /** Entries recorded but not counted (buprenorphine, OUD treatment): the total is flagged, not silently lower. */
  excluded: number;
  config_version: string;
}

/** Sum over concurrently used opioids (docs/reference/medications.md §1). A mixed factor set across entries is refused. */
export function totalMmePerDay(
  entries: readonly OpioidEntry[],
  config: MedicationConfig = DEFAULT_MEDICATION_CONFIG,
): MmeTotal {
  const results = entries.map((e, i) => {
    try {
      return mmePerDay(e, config);
    } catch (err) {
      if (err instanceof InputError) throw new InputError(err.message, `[${i}].${err.field}`.replace('.$', ''));
      throw err;
    }
  });
  // Name the first entry that differs from entry 0, so the user knows which line to change.
  const odd = results.findIndex((r) => r.factor_set !== results[0]!.factor_set);
  if (odd > 0) {
    throw new InputError(
      `entry ${odd} uses factor set ${results[odd]!.factor_set} but entry 0 uses ${results[0]!.factor_set}; compute one factor set at a time`,
      `[${odd}].factor_set`,
    );
  }
  const total = results.reduce((s, r) => s + (r.mme_per_day ?? 0), 0);
  return {
    total_mme_per_day: total,
    band: mmeBand(total, config),
    entries: results,
    excluded: results.filter((r) => !r.included).length,
    config_version: config.version,
  };
}
