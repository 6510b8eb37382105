// Descriptive statistics of one sample: mean with its t interval, and the distribution (median, quartiles).
// Pure. Formulas as R computes them, so the analysis fixtures of scripts/r/analysis-fixtures.R can check them.
import { qt } from './dist.ts';

export interface SampleSummary {
  n: number;
  mean: number | null;
  sd: number | null;
  /** Two-sided t interval for the mean: mean ± qt((1+level)/2, n−1)·sd/√n (R: t.test(x)$conf.int); null when n < 2. */
  ci: [number, number] | null;
  median: number | null;
  /** First and third quartiles, R's default quantile type 7. */
  q1: number | null;
  q3: number | null;
  level: number;
}

/**
 * Sample quantile, Hyndman & Fan (1996, Am Stat 50:361–365) type 7 — R's default quantile(x, p):
 * h = (n − 1)·p; Q = x₍⌊h⌋₎ + (h − ⌊h⌋)(x₍⌊h⌋+1₎ − x₍⌊h⌋₎) on the sorted sample (0-based).
 */
export function quantile7(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantile of an empty sample');
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function summarize(values: readonly number[], level = 0.95): SampleSummary {
  const n = values.length;
  if (n === 0) return { n, mean: null, sd: null, ci: null, median: null, q1: null, q3: null, level };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  // A typed array sorts numerically (and fast); NaN is excluded by the callers.
  const sorted = Float64Array.from(values).sort();
  const base = {
    n,
    mean,
    median: quantile7(sorted, 0.5),
    q1: quantile7(sorted, 0.25),
    q3: quantile7(sorted, 0.75),
    level,
  };
  if (n < 2) return { ...base, sd: null, ci: null };
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  const sd = Math.sqrt(ss / (n - 1));
  const half = qt((1 + level) / 2, n - 1) * (sd / Math.sqrt(n));
  return { ...base, sd, ci: [mean - half, mean + half] };
}
