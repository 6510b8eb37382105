// Oswestry Disability Index v2.1a. Source for every rule: docs/reference/instruments.md §1
// (Fairbank JCT, Pynsent PB. Spine 2000;25(22):2940–2952 and the MSU/Fairbank scoring sheet).
import { DEFAULT_INSTRUMENT_CONFIG, type InstrumentConfig } from './config.ts';
import { expectArray, expectInteger, expectObject, InputError, joinPath, ROOT } from './input.ts';

/** Ten sections (§1.1), each scored 0 (first statement) to 5 (last statement). */
export const ODI_SECTIONS = 10;
export const ODI_ITEM_MAX = 5;

/** Interpretation bands, Fairbank & Pynsent 2000 (§1.3, Table 1 of doi:10.1186/1750-1164-7-12). */
export const ODI_BANDS = ['minimal', 'moderate', 'severe', 'crippled', 'bed-bound'] as const;
export type OdiBand = (typeof ODI_BANDS)[number];

/**
 * An answer: a section score, null (unanswered or "not applicable", §1.2), or — on paper forms — the list of
 * statements the respondent marked, resolved by the configured multiple-marks rule (UNVERIFIED, §1.2).
 */
export type OdiAnswer = number | null | number[];

export interface OdiResult {
  /** Index in %, unrounded: total / (5 × answered) × 100 (§1.2). */
  score: number;
  /** Sections answered (the reference asks to store it with every score). */
  answered: number;
  band: OdiBand;
}

/**
 * Band on the unrounded index with boundaries ≤20, >20–≤40, >40–≤60, >60–≤80, >80 (the convention
 * recommended in §1.3; SOAPnote's >20.9… boundaries on rounded values are the other option, not used).
 */
export function odiBand(score: number): OdiBand {
  if (score <= 20) return 'minimal';
  if (score <= 40) return 'moderate';
  if (score <= 60) return 'severe';
  if (score <= 80) return 'crippled';
  return 'bed-bound';
}

export function parseOdiInput(input: unknown, config: InstrumentConfig = DEFAULT_INSTRUMENT_CONFIG): (number | null)[] {
  const obj = expectObject(input, ROOT, ['answers']);
  if (!('answers' in obj)) throw new InputError('missing: an array of 10 section scores 0–5 or null', 'answers');
  const answers = expectArray(obj.answers, 'answers', ODI_SECTIONS);
  return answers.map((a, i) => resolveAnswer(a as OdiAnswer, joinPath('answers', i), config));
}

function resolveAnswer(a: unknown, path: string, config: InstrumentConfig): number | null {
  if (a === null) return null;
  if (Array.isArray(a)) {
    const marked = a.map((m, j) => expectInteger(m, joinPath(path, j), 0, ODI_ITEM_MAX));
    if (marked.length === 0) return null;
    if (marked.length === 1) return marked[0]!;
    if (config.odi.multipleMarked.value === 'reject') {
      throw new InputError(
        'more than one statement marked in this section; mark one (this clinic scores only single answers)',
        path,
      );
    }
    return Math.max(...marked);
  }
  return expectInteger(a, path, 0, ODI_ITEM_MAX);
}

/** Scores parsed answers; throws InputError when too many sections are missing (configurable, UNVERIFIED). */
export function scoreOdi(
  answers: readonly (number | null)[],
  config: InstrumentConfig = DEFAULT_INSTRUMENT_CONFIG,
): OdiResult {
  if (answers.length !== ODI_SECTIONS) {
    throw new InputError(`expected exactly ${ODI_SECTIONS} entries, got ${answers.length}`, 'answers');
  }
  const given = answers.filter((a): a is number => a !== null);
  const missing = ODI_SECTIONS - given.length;
  const maxMissing = config.odi.maxMissingSections.value;
  if (given.length === 0 || missing > maxMissing) {
    throw new InputError(
      `${missing} section(s) unanswered; at most ${maxMissing} allowed (scoring settings ${config.version}; an UNVERIFIED cut-off)`,
      'answers',
    );
  }
  const total = given.reduce((s, a) => s + a, 0);
  // Every missing section lowers the denominator by 5 (§1.2). Full precision; round only for display.
  const score = (total / (ODI_ITEM_MAX * given.length)) * 100;
  return { score, answered: given.length, band: odiBand(score) };
}
