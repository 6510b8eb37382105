// Platelet-rich plasma characterisation: derived quantities and the published classifications that the
// captured counts allow. Source: docs/reference/products.md §1. Whenever a classification cannot be
// derived from what was measured it is null with the reason — never guessed.
import {
  expectEnum,
  expectNonNegative,
  expectObject,
  expectPositive,
  InputError,
  joinPath,
  optional,
  ROOT,
} from '../instruments/input.ts';
import { DEFAULT_PRODUCT_CONFIG, type ProductConfig } from './config.ts';

/** A value, or null with the reason it could not be derived. */
export type Derived<T> = { value: T; reason: null } | { value: null; reason: string };
const ok = <T>(value: T): Derived<T> => ({ value, reason: null });
const no = <T>(reason: string): Derived<T> => ({ value: null, reason });

/** Normal whole-blood platelet count 150,000–350,000/µL (Marx RE. Implant Dent 2001;10(4):225–228, §1.1). */
export const NORMAL_PLATELETS_PER_UL = [150_000, 350_000] as const;
/** PAW platelet levels (DeLong JM et al. Arthroscopy 2012;28(7):998–1009; PMC8044532 Table 1), §1.3. */
export const PAW_P2_MAX = 750_000;
export const PAW_P3_MAX = 1_250_000;
/** Mishra 2010 platelet sub-type: A ≥ 5 × baseline, B < 5 × (§1.4). */
export const MISHRA_FOLD_A = 5;
/** PLRA (Mautner 2015, §1.6): neutrophils > 1% of WBC → L(+); RBC > 1% → R(+). */
export const PLRA_PERCENT = 1;

export const ACTIVATIONS = ['none', 'thrombin', 'calcium-chloride', 'calcium-gluconate', 'other'] as const;
export type Activation = (typeof ACTIVATIONS)[number];
/** Physical form: Dohan Ehrenfest PRP families are liquid or gel, PRF families solid (§1.5). */
export const FORMS = ['liquid', 'gel', 'solid'] as const;
export type Form = (typeof FORMS)[number];

export interface PrpInput {
  /** Whole blood, per µL. */
  baseline: { platelets: number; wbc?: number | null; neutrophils?: number | null };
  /** The PRP, per µL; rbc_pct = red cells as % of the PRP (PLRA "R"). */
  prp: {
    platelets: number;
    wbc?: number | null;
    neutrophils?: number | null;
    rbc?: number | null;
    rbc_pct?: number | null;
  };
  activation?: Activation | null;
  form?: Form | null;
  volumes?: { whole_blood_ml?: number | null; prp_ml?: number | null; injected_ml?: number | null };
}

type Counts = { platelets: number; wbc: number | null; neutrophils: number | null };

function parseCounts(v: unknown, path: string, extra: readonly string[]): Counts & Record<string, number | null> {
  const o = expectObject(v, path, ['platelets', 'wbc', 'neutrophils', ...extra]);
  if (o.platelets === undefined) throw new InputError('missing: platelets per µL', joinPath(path, 'platelets'));
  const out: Counts & Record<string, number | null> = {
    platelets: expectPositive(o.platelets, joinPath(path, 'platelets')),
    wbc: optional(o.wbc, (x) => expectNonNegative(x, joinPath(path, 'wbc'))),
    neutrophils: optional(o.neutrophils, (x) => expectNonNegative(x, joinPath(path, 'neutrophils'))),
  };
  for (const k of extra) out[k] = optional(o[k], (x) => expectNonNegative(x, joinPath(path, k)));
  if (out.wbc !== null && out.neutrophils !== null && out.neutrophils > out.wbc) {
    throw new InputError('neutrophils cannot exceed the white-cell count', joinPath(path, 'neutrophils'));
  }
  return out;
}

export function parsePrpInput(input: unknown): PrpInput {
  const o = expectObject(input, ROOT, ['baseline', 'prp', 'activation', 'form', 'volumes']);
  if (o.baseline === undefined) throw new InputError('missing: whole-blood counts', 'baseline');
  if (o.prp === undefined) throw new InputError('missing: PRP counts', 'prp');
  const baseline = parseCounts(o.baseline, 'baseline', []);
  const prp = parseCounts(o.prp, 'prp', ['rbc', 'rbc_pct']);
  if (prp.rbc_pct !== null && prp.rbc_pct! > 100)
    throw new InputError(`${prp.rbc_pct} is outside 0–100`, 'prp.rbc_pct');
  const vol = optional(o.volumes, (v) => expectObject(v, 'volumes', ['whole_blood_ml', 'prp_ml', 'injected_ml'])) ?? {};
  const volume = (k: string) => optional(vol[k], (x) => expectPositive(x, joinPath('volumes', k)));
  return {
    baseline,
    prp,
    activation: optional(o.activation, (v) => expectEnum(v, 'activation', ACTIVATIONS)),
    form: optional(o.form, (v) => expectEnum(v, 'form', FORMS)),
    volumes: { whole_blood_ml: volume('whole_blood_ml'), prp_ml: volume('prp_ml'), injected_ml: volume('injected_ml') },
  };
}

export type LeukocyteStatus = 'leukocyte-rich' | 'leukocyte-poor';
export type DepaGrade = 'A' | 'B' | 'C' | 'D';

export interface PrpCharacterization {
  /** PRP platelets ÷ baseline platelets (§1.2). */
  fold: number;
  /** fold ≥ config prp.minFold (UNVERIFIED "≥2.5 × baseline" definition); a warning is added when false. */
  meets_min_fold: boolean;
  min_fold: number;
  /** PRP WBC > baseline WBC → rich, ≤ → poor (§1.2, PAW A/B). */
  leukocytes: Derived<LeukocyteStatus>;
  /** PRP neutrophils > baseline → above (PAW α), ≤ → at-or-below (β) (§1.2). */
  neutrophils: Derived<'above-baseline' | 'at-or-below-baseline'>;
  /** PLRA R: (+) if red cells > 1% of the PRP, (−) if < 1% (§1.6). */
  red_cells: Derived<'+' | '-'>;
  paw: Derived<string>;
  mishra: Derived<string>;
  dohan_ehrenfest: Derived<'P-PRP' | 'L-PRP' | 'P-PRF' | 'L-PRF'>;
  plra: {
    platelets_per_ul: number;
    wbc_per_ul: number | null;
    neutrophil_sign: Derived<'+' | '-'>;
    red_cells: Derived<'+' | '-'>;
    activated: boolean | null;
    volume_ml: number | null;
  };
  depa: {
    dose_billions: Derived<number>;
    dose_grade: Derived<DepaGrade>;
    recovery_pct: Derived<number>;
    recovery_grade: Derived<DepaGrade>;
    purity_pct: Derived<number>;
    purity_grade: Derived<DepaGrade>;
    activation: Activation | null;
  };
  warnings: string[];
  config_version: string;
}

/** > A → A; ≥ B → B; ≥ C → C; else D (A verified; B–D boundaries and their inclusivity UNVERIFIED → config). */
export function depaGrade(value: number, bounds: { A: number; B: number; C: number }): DepaGrade {
  if (value > bounds.A) return 'A';
  if (value >= bounds.B) return 'B';
  if (value >= bounds.C) return 'C';
  return 'D';
}

/** PLRA sign of a percentage: > 1 → '+', < 1 → '−'; exactly 1 is not defined by the source. */
function plraSign(pct: number, what: string): Derived<'+' | '-'> {
  if (pct > PLRA_PERCENT) return ok('+');
  if (pct < PLRA_PERCENT) return ok('-');
  return no(`${what} is exactly ${PLRA_PERCENT}%: PLRA defines only > 1% (+) and < 1% (−)`);
}

export function characterizePrp(input: PrpInput, config: ProductConfig = DEFAULT_PRODUCT_CONFIG): PrpCharacterization {
  const { baseline, prp } = input;
  const activation = input.activation ?? null;
  const form = input.form ?? null;
  const vol = input.volumes ?? {};
  const warnings: string[] = [];

  const fold = prp.platelets / baseline.platelets;
  const minFold = config.prp.minFold.value;
  const meetsMinFold = fold >= minFold;
  if (!meetsMinFold) {
    warnings.push(
      `platelet fold ${fold.toFixed(2)}× is below the configured PRP threshold ${minFold}× (product settings ${config.version}; an UNVERIFIED definition)`,
    );
  }
  const [lo, hi] = NORMAL_PLATELETS_PER_UL;
  if (baseline.platelets < lo || baseline.platelets > hi) {
    warnings.push(
      `baseline platelets ${baseline.platelets}/µL outside the normal 150,000–350,000/µL (Marx 2001): check the unit is per µL`,
    );
  }

  const leukocytes: Derived<LeukocyteStatus> =
    prp.wbc == null || baseline.wbc == null
      ? no('needs WBC per µL in both whole blood and PRP')
      : ok(prp.wbc > baseline.wbc ? 'leukocyte-rich' : 'leukocyte-poor');
  const neutrophils: PrpCharacterization['neutrophils'] =
    prp.neutrophils == null || baseline.neutrophils == null
      ? no('needs neutrophils per µL in both whole blood and PRP')
      : ok(prp.neutrophils > baseline.neutrophils ? 'above-baseline' : 'at-or-below-baseline');
  const redCells: Derived<'+' | '-'> =
    prp.rbc_pct == null ? no('needs red cells as % of the PRP (rbc_pct)') : plraSign(prp.rbc_pct, 'rbc_pct');
  const activated = activation === null ? null : activation !== 'none';

  // PAW (§1.3): P-level, activation mark (x = exogenous), WBC letter, neutrophil letter.
  const pLevel =
    prp.platelets <= baseline.platelets
      ? 'P1'
      : prp.platelets <= PAW_P2_MAX
        ? 'P2'
        : prp.platelets <= PAW_P3_MAX
          ? 'P3'
          : 'P4';
  const pawMissing = [
    activated === null ? 'activation' : null,
    leukocytes.value === null ? 'WBC (whole blood and PRP)' : null,
    neutrophils.value === null ? 'neutrophils (whole blood and PRP)' : null,
  ].filter((x) => x !== null);
  const paw: Derived<string> =
    pawMissing.length > 0
      ? no(`${pLevel} derivable; the full label also needs ${pawMissing.join(', ')}`)
      : ok(
          `${pLevel}${activated ? 'x' : ''}${leukocytes.value === 'leukocyte-rich' ? 'A' : 'B'}${neutrophils.value === 'above-baseline' ? 'α' : 'β'}`,
        );

  // Mishra 2010 (§1.4): type by WBC (increased vs minimal/none, read as the §1.2 leukocyte status) × activation.
  const subtype = fold >= MISHRA_FOLD_A ? 'A' : 'B';
  const mishra: Derived<string> =
    leukocytes.value === null || activated === null
      ? no(`sub-type ${subtype} derivable; the type needs ${leukocytes.value === null ? 'WBC counts' : 'activation'}`)
      : ok(`${leukocytes.value === 'leukocyte-rich' ? (activated ? 2 : 1) : activated ? 4 : 3}${subtype}`);

  // Dohan Ehrenfest 2009 (§1.5): leukocytes present/absent × fibrin architecture (liquid/gel PRP, solid PRF).
  // The reference gives no count cut-off for "present": the §1.2 leukocyte status (rich/poor) is used.
  const dohanEhrenfest: PrpCharacterization['dohan_ehrenfest'] =
    leukocytes.value === null
      ? no('needs WBC per µL in both whole blood and PRP')
      : form === null
        ? no('needs the physical form (liquid, gel or solid) for the fibrin architecture')
        : ok(
            `${leukocytes.value === 'leukocyte-rich' ? 'L' : 'P'}-${form === 'solid' ? 'PRF' : 'PRP'}` as
              | 'P-PRP'
              | 'L-PRP'
              | 'P-PRF'
              | 'L-PRF',
          );

  // DEPA (Magalon 2016, §1.7).
  const dose: Derived<number> =
    vol.injected_ml == null
      ? no('needs the injected volume (volumes.injected_ml)')
      : ok((prp.platelets * vol.injected_ml * 1000) / 1e9);
  const recovery: Derived<number> =
    vol.prp_ml == null || vol.whole_blood_ml == null
      ? no('needs volumes.prp_ml and volumes.whole_blood_ml')
      : ok(((prp.platelets * vol.prp_ml) / (baseline.platelets * vol.whole_blood_ml)) * 100);
  const purity: Derived<number> =
    prp.rbc == null || prp.wbc == null
      ? no('needs RBC and WBC per µL in the PRP')
      : ok((prp.platelets / (prp.platelets + prp.rbc + prp.wbc)) * 100);
  const grade = (d: Derived<number>, bounds: { A: number; B: number; C: number }): Derived<DepaGrade> =>
    d.value === null ? no(d.reason) : ok(depaGrade(d.value, bounds));

  return {
    fold,
    meets_min_fold: meetsMinFold,
    min_fold: minFold,
    leukocytes,
    neutrophils,
    red_cells: redCells,
    paw,
    mishra,
    dohan_ehrenfest: dohanEhrenfest,
    plra: {
      platelets_per_ul: prp.platelets,
      wbc_per_ul: prp.wbc ?? null,
      neutrophil_sign:
        prp.wbc == null || prp.neutrophils == null
          ? no('needs WBC and neutrophils per µL in the PRP')
          : prp.wbc === 0
            ? no('WBC is 0: neutrophil percentage undefined')
            : plraSign((prp.neutrophils / prp.wbc) * 100, 'neutrophils as % of WBC'),
      red_cells: redCells,
      activated,
      volume_ml: vol.prp_ml ?? null,
    },
    depa: {
      dose_billions: dose,
      dose_grade: grade(dose, config.depa.doseBillions.value),
      recovery_pct: recovery,
      recovery_grade: grade(recovery, config.depa.recoveryPct.value),
      purity_pct: purity,
      purity_grade: grade(purity, config.depa.purityPct.value),
      activation,
    },
    warnings,
    config_version: config.version,
  };
}
