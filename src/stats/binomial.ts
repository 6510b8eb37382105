// Confidence intervals for a binomial proportion (exact Clopper–Pearson, Wilson score) and a Poisson rate.
// Exact (Clopper–Pearson) interval:
// Clopper CJ, Pearson ES. Biometrika 1934;26:404–413. Limits are beta quantiles:
//   lower = Beta^{-1}(α/2; x, n−x+1), upper = Beta^{-1}(1−α/2; x+1, n−x), with 0 and 1 at x = 0 and x = n.
// This matches R's binom.test(x, n)$conf.int.
import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import { qchisq, qnormUpper } from './dist.ts';

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

/**
 * Wilson score interval without continuity correction (Wilson EB. J Am Stat Assoc 1927;22:209–212), written as
 * R's prop.test(x, n, correct = FALSE)$conf.int computes it (stats:::prop.test, two-sided):
 *   z = qnorm((1 + level)/2), z22n = z²/(2n), p = x/n,
 *   limits = (p + z22n ± z·√(p(1−p)/n + z22n/(2n))) / (1 + 2·z22n), with 0 at x = 0 and 1 at x = n.
 */
export function wilson(x: number, n: number, level = 0.95): ProportionInterval {
  if (!Number.isInteger(x) || !Number.isInteger(n) || n <= 0 || x < 0 || x > n) {
    throw new RangeError(`wilson needs integers 0 <= x <= n, n > 0 (got x=${x}, n=${n})`);
  }
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1) (got ${level})`);
  const z = qnormUpper((1 - level) / 2);
  const p = x / n;
  const z22n = (z * z) / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z22n / (2 * n));
  const lower = p <= 0 ? 0 : (p + z22n - half) / (1 + 2 * z22n);
  const upper = p >= 1 ? 1 : (p + z22n + half) / (1 + 2 * z22n);
  return { x, n, estimate: p, lower, upper, level };
}

export interface RateInterval {
  events: number;
  exposure: number;
  rate: number;
  lower: number;
  upper: number;
  level: number;
}

/**
 * Exact (Garwood 1936, Biometrika 28:437–442) interval for a Poisson count x over an exposure T, as R's
 * poisson.test(x, T)$conf.int: lower = qgamma(α/2, x)/T (0 at x = 0), upper = qgamma(1 − α/2, x + 1)/T,
 * with qgamma(p, k) = qchisq(p, 2k)/2.
 */
export function poissonExact(x: number, exposure: number, level = 0.95): RateInterval {
  if (!Number.isInteger(x) || x < 0 || !(exposure > 0)) {
    throw new RangeError(`poissonExact needs an integer count >= 0 and exposure > 0 (got ${x}, ${exposure})`);
  }
  const alpha = 1 - level;
  const lower = x === 0 ? 0 : qchisq(alpha / 2, 2 * x) / 2 / exposure;
  const upper = qchisq(1 - alpha / 2, 2 * (x + 1)) / 2 / exposure;
  return { events: x, exposure, rate: x / exposure, lower, upper, level };
}
