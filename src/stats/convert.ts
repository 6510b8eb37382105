// Conversions for extracting continuous outcomes from published papers (pure functions; no metafor 3.8-1
// equivalent exists: its conv.* functions came later).
//   Median / quartiles / range → mean and SD:
//     SD: Wan X, Wang W, Liu J, Tong T (2014) BMC Med Res Methodol 14:135, eqs. (7), (9), (16) — scenarios
//       S1 {min, median, max, n}: SD ≈ (max − min)/ξ(n),  ξ(n) = 2Φ⁻¹((n − 0.375)/(n + 0.25))
//       S2 {min, q1, median, q3, max, n}: SD ≈ (max − min)/ξ(n) /2 + (q3 − q1)/η(n) /2 … see sdFromFiveNumbers
//       S3 {q1, median, q3, n}: SD ≈ (q3 − q1)/η(n),  η(n) = 2Φ⁻¹((0.75n − 0.125)/(n + 0.25))
//     mean: Luo D, Wan X, Liu J, Tong T (2018) Stat Methods Med Res 27(6):1785–1805, eqs. (10), (15), (11)
//       S1: w = 4/(4 + n^0.75): mean ≈ w(min + max)/2 + (1 − w)·median
//       S2: w1 = 2.2/(2.2 + n^0.75), w2 = 0.7 − 0.72/n^0.55: mean ≈ w1(min+max)/2 + w2(q1+q3)/2 + (1−w1−w2)·median
//       S3: mean ≈ (0.7 + 0.39/n)(q1 + q3)/2 + (0.3 − 0.39/n)·median
//   SE or CI → SD: Cochrane Handbook v6.4 §6.5.2.2 (SD = SE·√n) and §6.5.2.3 (SD = √n·(upper − lower)/(2·t)),
//     with t the (1+level)/2 quantile of t(n − 1) for small samples (the Handbook: "say, less than 60 in each
//     group") and of the normal distribution (3.92 = 2×1.96 for 95%) otherwise; for a difference in means the
//     t distribution has n1 + n2 − 2 df and SD = SE/√(1/n1 + 1/n2).
//   Change from baseline (Handbook §6.5.2.8): SD_change = √(SD_b² + SD_f² − 2·r·SD_b·SD_f), and the
//     correlation implied by a study that reports all three SDs: r = (SD_b² + SD_f² − SD_change²)/(2·SD_b·SD_f).
import { qnorm, qt } from './dist.ts';

export interface MeanSd {
  mean: number;
  sd: number;
  /** which of Wan's scenarios was used */
  scenario: 'S1' | 'S2' | 'S3';
  warnings: string[];
}

export interface FiveNumbers {
  n: number;
  median: number;
  min?: number;
  max?: number;
  q1?: number;
  q3?: number;
}

const xi = (n: number): number => 2 * qnorm((n - 0.375) / (n + 0.25));
const eta = (n: number): number => 2 * qnorm((0.75 * n - 0.125) / (n + 0.25));

function check(cond: boolean, msg: string): void {
  if (!cond) throw new RangeError(msg);
}

/**
 * Mean (Luo 2018) and SD (Wan 2014) from the median with the range (S1), the range and quartiles (S2) or the
 * quartiles (S3). Throws when the numbers are out of order or n < 2 (S1/S2) / n < 3 (S3: η(n) ≤ 0 below).
 */
export function meanSdFromMedian(x: FiveNumbers): MeanSd {
  const { n, median: m, min: a, max: b, q1, q3 } = x;
  check(Number.isFinite(n) && n >= 2, 'n must be at least 2');
  const hasRange = a !== undefined && b !== undefined;
  const hasIqr = q1 !== undefined && q3 !== undefined;
  check(hasRange || hasIqr, 'give min and max, q1 and q3, or all four');
  const warnings: string[] = [
    'mean and SD estimated from the median assume roughly normal data; skewed data (often the reason a median is reported) make them unreliable (Cochrane Handbook 6.5.2.5)',
  ];
  if (hasRange) check(a! <= m && m <= b!, 'need min ≤ median ≤ max');
  if (hasIqr) check(q1! <= m && m <= q3!, 'need q1 ≤ median ≤ q3');
  if (hasRange && hasIqr) {
    check(a! <= q1! && q3! <= b!, 'need min ≤ q1 and q3 ≤ max');
    const w1 = 2.2 / (2.2 + n ** 0.75);
    const w2 = 0.7 - 0.72 / n ** 0.55;
    const mean = (w1 * (a! + b!)) / 2 + (w2 * (q1! + q3!)) / 2 + (1 - w1 - w2) * m;
    const sd = (b! - a!) / (2 * xi(n)) + (q3! - q1!) / (2 * eta(n));
    return { mean, sd, scenario: 'S2', warnings };
  }
  if (hasRange) {
    const w = 4 / (4 + n ** 0.75);
    return { mean: (w * (a! + b!)) / 2 + (1 - w) * m, sd: (b! - a!) / xi(n), scenario: 'S1', warnings };
  }
  check(n >= 3, 'n must be at least 3 with quartiles only');
  const mean = ((0.7 + 0.39 / n) * (q1! + q3!)) / 2 + (0.3 - 0.39 / n) * m;
  return { mean, sd: (q3! - q1!) / eta(n), scenario: 'S3', warnings };
}

/** SD of a group from the standard error of its mean (Handbook 6.5.2.2). */
export function sdFromSe(se: number, n: number): number {
  check(se >= 0 && n >= 1, 'need se ≥ 0 and n ≥ 1');
  return se * Math.sqrt(n);
}

export interface CiOptions {
  /** confidence level in percent (default 95) */
  level?: number;
  /**
   * 't' or 'z'; default: t when n < 60 (the Handbook's "small" sample; for 60–100 either may have been used),
   * z otherwise
   */
  dist?: 't' | 'z';
}

/** Critical-value multiplier 2·q used for the CI width (3.92 for a 95% normal CI). */
export function ciDivisor(df: number, n: number, opts: CiOptions = {}): number {
  const level = opts.level ?? 95;
  check(level > 0 && level < 100, 'level must be between 0 and 100');
  const p = 1 - (1 - level / 100) / 2;
  const dist = opts.dist ?? (n < 60 ? 't' : 'z');
  return 2 * (dist === 't' ? qt(p, df) : qnorm(p));
}

/** SD of a group from a confidence interval of its mean (Handbook 6.5.2.3). */
export function sdFromCi(lower: number, upper: number, n: number, opts: CiOptions = {}): number {
  check(upper >= lower && n >= 2, 'need lower ≤ upper and n ≥ 2');
  return (Math.sqrt(n) * (upper - lower)) / ciDivisor(n - 1, n, opts);
}

/**
 * Common within-group SD from a CI of a difference in means between groups of n1 and n2 (Handbook 6.5.2.3):
 * SE = width/(2·t_{n1+n2−2}) (or 3.92), SD = SE/√(1/n1 + 1/n2). The t default applies when either group is < 60.
 */
export function sdFromDiffCi(lower: number, upper: number, n1: number, n2: number, opts: CiOptions = {}): number {
  check(upper >= lower && n1 >= 1 && n2 >= 1, 'need lower ≤ upper and group sizes ≥ 1');
  const se = (upper - lower) / ciDivisor(n1 + n2 - 2, Math.min(n1, n2), opts);
  return se / Math.sqrt(1 / n1 + 1 / n2);
}

/** SD of change from baseline from the baseline and follow-up SDs and their correlation (Handbook 6.5.2.8). */
export function changeSd(sdBaseline: number, sdFinal: number, r: number): number {
  check(sdBaseline >= 0 && sdFinal >= 0, 'SDs must be ≥ 0');
  check(r >= -1 && r <= 1, 'correlation must be in [−1, 1]');
  return Math.sqrt(sdBaseline ** 2 + sdFinal ** 2 - 2 * r * sdBaseline * sdFinal);
}

/** Correlation implied by baseline, follow-up and change SDs (Handbook 6.5.2.8); may fall outside [−1, 1]. */
export function changeCorrelation(sdBaseline: number, sdFinal: number, sdChange: number): number {
  check(sdBaseline > 0 && sdFinal > 0 && sdChange >= 0, 'SDs must be > 0');
  return (sdBaseline ** 2 + sdFinal ** 2 - sdChange ** 2) / (2 * sdBaseline * sdFinal);
}

/** Number of events from a percentage of n (rounded to the nearest integer, as the count must be whole). */
export function countFromPercent(percent: number, n: number): { count: number; exact: number; warnings: string[] } {
  check(percent >= 0 && percent <= 100 && n >= 0, 'need 0 ≤ percent ≤ 100 and n ≥ 0');
  const exact = (percent / 100) * n;
  const count = Math.round(exact);
  const warnings: string[] = [];
  // a percentage printed to d decimals is consistent with counts whose percentage rounds to it
  if (Math.abs(exact - count) > 0.5 * (n / 100) && n > 0)
    warnings.push(`${percent}% of ${n} is not close to a whole number of events (${exact.toFixed(2)})`);
  return { count, exact, warnings };
}

/** Percentage from a count. */
export function percentFromCount(count: number, n: number): number {
  check(n > 0 && count >= 0 && count <= n, 'need 0 ≤ count ≤ n and n > 0');
  return (100 * count) / n;
}
