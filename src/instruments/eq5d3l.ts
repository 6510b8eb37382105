// EQ-5D-3L: descriptive system, UK (Dolan 1997) and US (Shaw 2005 D1) index value sets, EQ VAS.
// Source: docs/reference/instruments.md §3 (coefficients as in the `eq5d` R package data-raw/TTO.csv).
import { expectNumber, expectObject, InputError, ROOT } from './input.ts';

/** Dimensions in code order (§3.1). */
export const EQ5D_DIMENSIONS = ['MO', 'SC', 'UA', 'PD', 'AD'] as const;
export type Eq5dLevel = 1 | 2 | 3;
export type Eq5dState = readonly [Eq5dLevel, Eq5dLevel, Eq5dLevel, Eq5dLevel, Eq5dLevel];

/** Identifiers to store with every index: never compare indices of different value sets (§3.5 notes). */
export const VALUE_SET_UK = 'EQ-5D-3L UK TTO Dolan 1997';
export const VALUE_SET_US = 'EQ-5D-3L US TTO Shaw 2005 D1';

/**
 * UK MVH TTO decrements, Dolan P. Med Care 1997;35(11):1095–1108 — docs/reference/instruments.md §3.3 table.
 * Index = 1 − constant − main effects − N3; 11111 fixed at 1.
 */
export const UK_DOLAN_1997 = {
  constant: 0.081, // any dimension at level 2 or 3
  // [level 2, level 3] per dimension
  MO: [0.069, 0.314],
  SC: [0.104, 0.214],
  UA: [0.036, 0.094],
  PD: [0.123, 0.386],
  AD: [0.071, 0.236],
  N3: 0.269, // at least one dimension at level 3, applied once
} as const;

/**
 * US D1 model disutilities, Shaw JW, Johnson JA, Coons SJ. Med Care 2005;43(3):203–220 — docs/reference/instruments.md §3.4
 * table (no constant). D1 = #dims ≥2 − 1; I2 = #dims at 2 − 1; I3 = #dims at 3 − 1; each floored at 0
 * (eq5d R/eq5d3l.R, as quoted in §3.4).
 */
export const US_SHAW_2005_D1 = {
  MO: [0.146016, 0.557685],
  SC: [0.1753425, 0.4711896],
  UA: [0.1397295, 0.3742594],
  PD: [0.1728907, 0.5371011],
  AD: [0.156223, 0.4501876],
  D1: -0.1395949,
  I2sq: 0.0106868,
  I3: -0.1215579,
  I3sq: -0.0147963,
} as const;

// The coefficients have at most 3 (UK) and 7 (US) decimals, so the exact index is computed in integer
// units of 1e-3 / 1e-7 and divided once: the result is the double nearest the exact decimal (e.g. 21232 →
// 0.088 and 0.3969679 exactly as in §3.5), with no accumulated floating-point noise and no rounding.
const UK_UNIT = 1e3;
const US_UNIT = 1e7;
const units = (x: number, unit: number) => Math.round(x * unit);

export function parseEq5dState(v: unknown, path = 'state'): Eq5dState {
  let code: string;
  if (typeof v === 'string') code = v.trim();
  else if (typeof v === 'number' && Number.isInteger(v)) code = String(v);
  else throw new InputError('expected a 5-digit EQ-5D-3L health state such as "21232"', path);
  if (!/^\d{5}$/.test(code)) {
    throw new InputError(`"${code}" is not a 5-digit health state (MO, SC, UA, PD, AD; each 1–3)`, path);
  }
  const levels = [...code].map(Number);
  levels.forEach((l, i) => {
    if (l < 1 || l > 3) {
      throw new InputError(
        `digit ${i + 1} (${EQ5D_DIMENSIONS[i]}) is ${l}; EQ-5D-3L levels are 1–3 (5L codes must not be scored with 3L value sets)`,
        path,
      );
    }
  });
  return levels as unknown as Eq5dState;
}

export function indexUk(state: Eq5dState): number {
  if (state.every((l) => l === 1)) return 1;
  let d = units(UK_DOLAN_1997.constant, UK_UNIT);
  state.forEach((level, i) => {
    if (level > 1) d += units(UK_DOLAN_1997[EQ5D_DIMENSIONS[i]!][level - 2]!, UK_UNIT);
  });
  if (state.includes(3)) d += units(UK_DOLAN_1997.N3, UK_UNIT);
  return (UK_UNIT - d) / UK_UNIT;
}

export function indexUs(state: Eq5dState): number {
  const c = US_SHAW_2005_D1;
  let d = 0;
  state.forEach((level, i) => {
    if (level > 1) d += units(c[EQ5D_DIMENSIONS[i]!][level - 2]!, US_UNIT);
  });
  const n2 = state.filter((l) => l === 2).length;
  const n3 = state.filter((l) => l === 3).length;
  const D1 = Math.max(0, n2 + n3 - 1);
  const I2 = Math.max(0, n2 - 1);
  const I3 = Math.max(0, n3 - 1);
  d += D1 * units(c.D1, US_UNIT) + I2 * I2 * units(c.I2sq, US_UNIT) + I3 * units(c.I3, US_UNIT);
  d += I3 * I3 * units(c.I3sq, US_UNIT);
  return (US_UNIT - d) / US_UNIT;
}

export interface Eq5d3lResult {
  index_uk: number;
  index_us: number;
  /** EQ VAS 0–100 (§3.2), stored separately from the index; null when not given. */
  vas: number | null;
}

export function scoreEq5d3l(input: unknown): Eq5d3lResult {
  const obj = expectObject(input, ROOT, ['state', 'vas']);
  if (!('state' in obj)) throw new InputError('missing: a 5-digit health state such as "21232"', 'state');
  const state = parseEq5dState(obj.state);
  const vas = obj.vas === undefined || obj.vas === null ? null : expectNumber(obj.vas, 'vas', 0, 100);
  return { index_uk: indexUk(state), index_us: indexUs(state), vas };
}

/** All 243 states in lexicographic order (11111 … 33333). */
export function allEq5dStates(): Eq5dState[] {
  const out: Eq5dState[] = [];
  for (let n = 0; n < 243; n++) {
    const levels: number[] = [];
    let x = n;
    for (let i = 0; i < 5; i++) {
      levels.unshift((x % 3) + 1);
      x = Math.floor(x / 3);
    }
    out.push(levels as unknown as Eq5dState);
  }
  return out;
}
