// Pain intensity: NRS-11 and VAS 0–100 mm. Source: docs/reference/instruments.md §2 (anchors per
// Farrar JT et al. Pain 2001;94:149–158 and the IMMPACT summaries of Dworkin RH et al. J Pain 2008).
import { expectInteger, expectNumber, expectObject, InputError, ROOT } from './input.ts';

/** NRS-11: integers 0 (no pain) to 10 (worst possible pain), §2. */
export const NRS_MIN = 0;
export const NRS_MAX = 10;
/** VAS: 0 (no pain) to 100 mm (worst imaginable), §2; stored as given (integer or one decimal). */
export const VAS_MIN = 0;
export const VAS_MAX = 100;

export interface SingleScoreResult {
  score: number;
}

/** `expected` says what the value must be, for the "missing" message (the field alone does not say it). */
function readValue(input: unknown, expected: string): unknown {
  const obj = expectObject(input, ROOT, ['value']);
  if (!('value' in obj)) throw new InputError(`missing: ${expected}`, 'value');
  return obj.value;
}

export function scoreNrs(input: unknown): SingleScoreResult {
  const value = readValue(input, `the pain score, an integer ${NRS_MIN}–${NRS_MAX}`);
  return { score: expectInteger(value, 'value', NRS_MIN, NRS_MAX) };
}

export function scoreVas(input: unknown): SingleScoreResult {
  const value = readValue(input, `the pain score in mm, a number ${VAS_MIN}–${VAS_MAX}`);
  return { score: expectNumber(value, 'value', VAS_MIN, VAS_MAX) };
}

/** IMMPACT categories of percent pain reduction (Dworkin 2008, §2.1; engine default categories in §2.1). */
export type PainChangeCategory = 'below-minimal' | 'minimally-important' | 'moderately-important' | 'substantial';

/** Category of a percent reduction: <10%, 10–<30%, 30–<50%, ≥50% (§2.1). null (not computable) stays null. */
export function painChangeCategory(percentReduction: number | null): PainChangeCategory | null {
  if (percentReduction === null) return null;
  if (percentReduction >= 50) return 'substantial';
  if (percentReduction >= 30) return 'moderately-important';
  if (percentReduction >= 10) return 'minimally-important';
  return 'below-minimal';
}
