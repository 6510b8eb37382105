// PROMIS Global Health v1.2 (Global-10): Global Physical Health (GPH) and Global Mental Health (GMH).
// Source: docs/reference/instruments.md §4 (Hays RD et al. Qual Life Res 2009;18(7):873–880; Hays'
// UCLA working documents of 19/22 June 2009; HealthMeasures scoring instructions; HL7 PACIO sample).
import { DEFAULT_INSTRUMENT_CONFIG, type InstrumentConfig } from './config.ts';
import { expectInteger, expectObject, InputError, joinPath, ROOT } from './input.ts';

/** v1.2 item ids (§4.1). 07r, 08r, 09r and 10r carry the "r" suffix in v1.2 and are already keyed 5 = best. */
export const PROMIS10_ITEMS = [
  'Global01',
  'Global02',
  'Global03',
  'Global04',
  'Global05',
  'Global06',
  'Global07',
  'Global08',
  'Global09',
  'Global10',
] as const;
export type Promis10Item = (typeof PROMIS10_ITEMS)[number];

/** Summary membership (§4.1, Hays 2009 working documents). */
export const GPH_ITEMS: readonly Promis10Item[] = ['Global03', 'Global06', 'Global07', 'Global08'];
export const GMH_ITEMS: readonly Promis10Item[] = ['Global02', 'Global04', 'Global05', 'Global10'];

/** Global07r: average pain 0–10 recoded to 1–5 (§4.2: awell-score README; Huma GLOBAL_7_SCORE_TABLE). */
export const PAIN_RECODE = [5, 4, 4, 4, 3, 3, 3, 2, 2, 2, 1] as const;

/** Raw 4–20 → [T, SE], index 0 = raw 4. §4.4 table (Hays 2009 working documents; Huma; awell-score). */
const GPH_TABLE: readonly (readonly [number, number])[] = [
  [16.2, 4.8],
  [19.9, 4.7],
  [23.5, 4.5],
  [26.7, 4.3],
  [29.6, 4.2],
  [32.4, 4.2],
  [34.9, 4.1],
  [37.4, 4.1],
  [39.8, 4.1],
  [42.3, 4.2],
  [44.9, 4.3],
  [47.7, 4.4],
  [50.8, 4.6],
  [54.1, 4.7],
  [57.7, 4.9],
  [61.9, 5.2],
  [67.7, 5.9],
];
/** GMH raw 4 T comes from config (21.2 vs 21.1, UNVERIFIED); rows for raw 5–20 as in §4.4. */
const GMH_TABLE_FROM_5: readonly (readonly [number, number])[] = [
  [25.1, 4.1],
  [28.4, 3.9],
  [31.3, 3.7],
  [33.8, 3.7],
  [36.3, 3.7],
  [38.8, 3.6],
  [41.1, 3.6],
  [43.5, 3.6],
  [45.8, 3.6],
  [48.3, 3.7],
  [50.8, 3.7],
  [53.3, 3.7],
  [56.0, 3.8],
  [59.0, 3.9],
  [62.5, 4.2],
  [67.6, 5.3],
];
const GMH_RAW4_SE = 4.6; // §4.4, raw 4 SE (not in dispute)

export const RAW_MIN = 4;

export function gphTScore(raw: number): { t: number; se: number } {
  const row = GPH_TABLE[raw - RAW_MIN];
  if (!Number.isInteger(raw) || !row) throw new RangeError(`GPH raw score ${raw} outside 4–20`);
  return { t: row[0], se: row[1] };
}

export function gmhTScore(
  raw: number,
  config: InstrumentConfig = DEFAULT_INSTRUMENT_CONFIG,
): { t: number; se: number } {
  if (raw === RAW_MIN) return { t: config.promis10.gmhRaw4T.value, se: GMH_RAW4_SE };
  const row = GMH_TABLE_FROM_5[raw - RAW_MIN - 1];
  if (!Number.isInteger(raw) || !row) throw new RangeError(`GMH raw score ${raw} outside 4–20`);
  return { t: row[0], se: row[1] };
}

export type Promis10Items = Partial<Record<Promis10Item, number>>;

/**
 * Reads `{items: {...}}`. Keys are matched case-insensitively; `GlobalNNr` is accepted for `GlobalNN` (v1.2
 * keying, no reversal). Global07 is the 0–10 pain answer; every other item is 1–5. Giving an item twice
 * (e.g. Global10 and Global10r) with different values is an error.
 */
export function parsePromis10Input(input: unknown): Promis10Items {
  const obj = expectObject(input, ROOT, ['items']);
  if (!('items' in obj)) throw new InputError('missing: an object of Global01…Global10 answers', 'items');
  const raw = obj.items;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InputError('expected an object such as {"Global01": 3, …, "Global10": 3}', 'items');
  }
  const out: Promis10Items = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const path = joinPath('items', key);
    const m = /^global(0[1-9]|10)(r)?$/i.exec(key);
    if (!m)
      throw new InputError(`unknown item "${key}" (expected Global01…Global10, optionally with the r suffix)`, path);
    const item = `Global${m[1]}` as Promis10Item;
    if (value === null || value === undefined) continue;
    const v = item === 'Global07' ? expectInteger(value, path, 0, 10) : expectInteger(value, path, 1, 5);
    const prior = out[item];
    if (prior !== undefined && prior !== v) throw new InputError(`${item} given twice with different values`, path);
    out[item] = v;
  }
  return out;
}

export interface Promis10Result {
  gph_raw: number;
  gph_t: number;
  gph_se: number;
  gmh_raw: number;
  gmh_t: number;
  gmh_se: number;
}

/** Raw sums need all four items of each summary: no prorating (§4.3, HealthMeasures). */
export function scorePromis10(
  items: Promis10Items,
  config: InstrumentConfig = DEFAULT_INSTRUMENT_CONFIG,
): Promis10Result {
  const need = (list: readonly Promis10Item[], summary: string) => {
    for (const item of list) {
      if (items[item] === undefined) {
        throw new InputError(
          `${item} is missing: the ${summary} raw-score table needs all four items (no prorating)`,
          joinPath('items', item),
        );
      }
    }
  };
  need(GPH_ITEMS, 'GPH');
  need(GMH_ITEMS, 'GMH');
  const v = (i: Promis10Item) => items[i]!;
  const gph_raw = v('Global03') + v('Global06') + PAIN_RECODE[v('Global07')]! + v('Global08');
  const gmh_raw = v('Global02') + v('Global04') + v('Global05') + v('Global10');
  const gph = gphTScore(gph_raw);
  const gmh = gmhTScore(gmh_raw, config);
  return { gph_raw, gph_t: gph.t, gph_se: gph.se, gmh_raw, gmh_t: gmh.t, gmh_se: gmh.se };
}
