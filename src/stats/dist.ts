// Distribution functions with R-level accuracy (pnorm, qnorm, pt, qt, pchisq, qchisq, pf).
// Notes measured on this machine: @stdlib's normal quantile loses accuracy in the far tails, so qnorm is
// computed as −√2·erfcinv(2p); upper tails use the upper incomplete gamma/beta functions directly rather
// than `1 − cdf` (which cancels catastrophically for small p-values).
import betainc from '@stdlib/math-base-special-betainc';
import erfc from '@stdlib/math-base-special-erfc';
import erfcinv from '@stdlib/math-base-special-erfcinv';
import gammainc from '@stdlib/math-base-special-gammainc';
import chisqQuantile from '@stdlib/stats-base-dists-chisquare-quantile';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

const SQRT2 = Math.SQRT2;

/** P(Z > x) for standard normal Z (R: pnorm(x, lower.tail=FALSE)). */
export function pnormUpper(x: number): number {
  return 0.5 * erfc(x / SQRT2);
}

/** P(Z ≤ x) (R: pnorm(x)). */
export function pnorm(x: number): number {
  return 0.5 * erfc(-x / SQRT2);
}

/** Standard normal quantile (R: qnorm(p)). */
export function qnorm(p: number): number {
  return -SQRT2 * erfcinv(2 * p);
}

/** Upper normal quantile: z with P(Z > z) = p (R: qnorm(p, lower.tail=FALSE)). */
export function qnormUpper(p: number): number {
  return SQRT2 * erfcinv(2 * p);
}

/** Two-sided normal p-value 2·P(Z > |z|). */
export function pnorm2(z: number): number {
  return erfc(Math.abs(z) / SQRT2);
}

/** P(χ²_df > x) (R: pchisq(x, df, lower.tail=FALSE)). */
export function pchisqUpper(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return Number.NaN;
  if (x <= 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  return gammainc(x / 2, df / 2, true, true);
}

/** P(χ²_df ≤ x) (R: pchisq(x, df)). */
export function pchisq(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return Number.NaN;
  if (x <= 0) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  return gammainc(x / 2, df / 2, true, false);
}

/** χ² quantile (R: qchisq(p, df)). */
export function qchisq(p: number, df: number): number {
  return chisqQuantile(p, df);
}

/** Two-sided t p-value 2·P(T_df > |t|) (R: 2*pt(abs(t), df, lower.tail=FALSE)). */
export function pt2(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (!Number.isFinite(t)) return 0;
  const t2 = t * t;
  const x = df / (df + t2);
  // P(|T| > t) = I_x(df/2, 1/2); use the complementary form when x is close to 1.
  if (x < 0.5) return betainc(x, df / 2, 0.5);
  return betainc(t2 / (df + t2), 0.5, df / 2, true, true);
}

/** P(T_df ≤ t) (R: pt(t, df)). */
export function pt(t: number, df: number): number {
  const h = 0.5 * pt2(t, df);
  return t >= 0 ? 1 - h : h;
}

/** t quantile (R: qt(p, df)). */
export function qt(p: number, df: number): number {
  return tQuantile(p, df);
}

/** P(F_{d1,d2} > f) (R: pf(f, d1, d2, lower.tail=FALSE)). */
export function pfUpper(f: number, d1: number, d2: number): number {
  if (Number.isNaN(f) || !(d1 > 0) || !(d2 > 0)) return Number.NaN;
  if (f <= 0) return 1;
  if (f === Number.POSITIVE_INFINITY) return 0;
  const x = d2 / (d2 + d1 * f);
  if (x < 0.5) return betainc(x, d2 / 2, d1 / 2);
  return betainc((d1 * f) / (d2 + d1 * f), d1 / 2, d2 / 2, true, true);
}
