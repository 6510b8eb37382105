// Exact (Clopper–Pearson) confidence interval for a binomial proportion.
// Clopper CJ, Pearson ES. Biometrika 1934;26:404–413. Limits are beta quantiles:
//   lower = Beta^{-1}(α/2; x, n−x+1), upper = Beta^{-1}(1−α/2; x+1, n−x), with 0 and 1 at x = 0 and x = n.
// This matches R's binom.test(x, n)$conf.int.
import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';

export interface ProportionInterval {
  x: number;
  n: number;
  estimate: number;
  lower: number;
  upper: number;
  level: number;
}

export function clopperPearson(x: number, n: number, level = 0.95): ProportionInterval {
  if (!Number.isInteger(x) || !Number.isInteger(n) || n <= 0 || x < 0 || x > n) {
    throw new RangeError(`clopperPearson needs integers 0 <= x <= n, n > 0 (got x=${x}, n=${n})`);
  }
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1) (got ${level})`);
  const alpha = 1 - level;
  const lower = x === 0 ? 0 : betaQuantile(alpha / 2, x, n - x + 1);
  const upper = x === n ? 1 : betaQuantile(1 - alpha / 2, x + 1, n - x);
  return { x, n, estimate: x / n, lower, upper, level };
}
