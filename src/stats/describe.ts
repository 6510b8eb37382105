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
  return quantile7Of(sorted.length, (i) => sorted[i]!, p);
}

/** quantile7 over a sorted sample of n values read through `at(i)` (0-based). */
function quantile7Of(n: number, at: (i: number) => number, p: number): number {
  if (n === 0) throw new RangeError('quantile of an empty sample');
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return at(lo) + (h - lo) * (at(hi) - at(lo));
}

/**
 * A sample given as counts per distinct value: the sufficient statistic of every figure summarize() gives
 * (n, mean, sd, the t interval, type-7 quantiles). The outcomes analysis aggregates in the database as
 * "count per value" (src/store/registry-analysis-facts.ts) and in memory the same way, so both read their
 * summaries from this one function and agree to the last bit.
 */
export type ValueCounts = ReadonlyMap<number, number>;

/** Adds `count` occurrences of `value` to a ValueCounts being built. */
export function addCount(m: Map<number, number>, value: number, count = 1): void {
  m.set(value, (m.get(value) ?? 0) + count);
}

/**
 * summarize() of the sample the counts describe. Sums run over the distinct values in ascending order (so the
 * result does not depend on the order the counts were gathered in); quantiles are quantile7's, reading the
 * order statistics off the cumulative counts.
 */
export function summarizeCounts(counts: ValueCounts, level = 0.95): SampleSummary {
  const values = [...counts.keys()].sort((a, b) => a - b);
  let n = 0;
  let sum = 0;
  for (const v of values) {
    const c = counts.get(v)!;
    if (!(Number.isInteger(c) && c > 0)) throw new RangeError(`count of ${v} must be a positive integer`);
    n += c;
    sum += v * c;
  }
  if (n === 0) return { n, mean: null, sd: null, ci: null, median: null, q1: null, q3: null, level };
  const mean = sum / n;
  const cum: number[] = [];
  let acc = 0;
  for (const v of values) {
    acc += counts.get(v)!;
    cum.push(acc);
  }
  // The i-th (0-based) element of the sorted sample: the first value whose cumulative count exceeds i.
  const at = (i: number): number => {
    let lo = 0;
    let hi = values.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! > i) hi = mid;
      else lo = mid + 1;
    }
    return values[lo]!;
  };
  const base = {
    n,
    mean,
    median: quantile7Of(n, at, 0.5),
    q1: quantile7Of(n, at, 0.25),
    q3: quantile7Of(n, at, 0.75),
    level,
  };
  if (n < 2) return { ...base, sd: null, ci: null };
  let ss = 0;
  for (const v of values) ss += counts.get(v)! * (v - mean) * (v - mean);
  const sd = Math.sqrt(ss / (n - 1));
  const half = qt((1 + level) / 2, n - 1) * (sd / Math.sqrt(n));
  return { ...base, sd, ci: [mean - half, mean + half] };
}

/** Mean, SD, t interval and quartiles of a sample (NaN excluded by the callers): summarizeCounts of its counts. */
export function summarize(values: readonly number[], level = 0.95): SampleSummary {
  const m = new Map<number, number>();
  for (const v of values) addCount(m, v);
  return summarizeCounts(m, level);
}
