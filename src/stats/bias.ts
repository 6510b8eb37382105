// Small-study effects / publication bias, ports of metafor 3.8-1:
//   regtest   Egger's regression test, metafor's default model = "rma", predictor = "sei": the model's method and
//             test with the standard error as moderator (Egger et al. 1997; Sterne & Egger 2005); the intercept is
//             the "limit estimate" as sei → 0.
//   ranktest  Begg & Mazumdar (1994) rank correlation: Kendall's τ between standardized outcomes and vi, with
//             cor.test's exact p-value (Mahonian counts, as R's pkendall) when there are no ties (metafor sets
//             exact = TRUE), else the normal approximation with a warning.
//   trimfill  Duval & Tweedie (2000) trim and fill, estimator L0 (R0 and Q0 too); the side is chosen as metafor does
//             (sign of the sei slope in a meta-regression with √vi as moderator).
// Tests of funnel-plot asymmetry have low power with fewer than 10 studies (Cochrane Handbook 10.4.3.1): a warning
// says so rather than refusing.
import { pnorm, pnormUpper } from './dist.ts';
import { MetaError, type RmaResult, rma } from './rma.ts';

const FEW = 'fewer than 10 studies: tests for funnel plot asymmetry have low power (Cochrane Handbook 10.4.3.1)';

export interface RegtestResult {
  /** z (or t for knha) statistic and p-value of the sei coefficient */
  zval: number;
  pval: number;
  /** df of the t test (NaN for z) */
  ddf: number;
  /** limit estimate (intercept) with its CI */
  est: number;
  ciLb: number;
  ciUb: number;
  fit: RmaResult;
  warnings: string[];
}

function requireIntOnly(fit: RmaResult): void {
  if (!fit.intOnly) throw new MetaError('Only applicable to models without moderators.');
}

/** regtest(fit): Egger's regression test with metafor's defaults (model "rma", predictor "sei"). */
export function regtest(fit: RmaResult): RegtestResult {
  requireIntOnly(fit);
  const sei = fit.vi.map(Math.sqrt);
  if (fit.k < 3) throw new MetaError(`Egger's test needs at least 3 studies (k = ${fit.k}).`);
  const r = rma(fit.yi, fit.vi, {
    mods: [sei],
    modNames: ['sei'],
    method: fit.method,
    test: fit.test,
    level: fit.level,
    skipR2: true,
  });
  if (r.p !== 2) throw new MetaError("Egger's test is not possible: the standard errors of all studies are equal.");
  const warnings = [...r.warnings];
  if (fit.k < 10) warnings.push(FEW);
  return {
    zval: r.zval[1]!,
    pval: r.pval[1]!,
    ddf: r.ddf,
    est: r.beta[0]!,
    ciLb: r.ciLb[0]!,
    ciUb: r.ciUb[0]!,
    fit: r,
    warnings,
  };
}

export interface RanktestResult {
  tau: number;
  pval: number;
  exact: boolean;
  warnings: string[];
}

/** Kendall's τ-b as R's cor(x, y, method = "kendall"). */
export function kendallTau(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  let s = 0;
  let tx = 0;
  let ty = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const a = Math.sign(x[i]! - x[j]!);
      const b = Math.sign(y[i]! - y[j]!);
      s += a * b;
      tx += a * a;
      ty += b * b;
    }
  return s / (Math.sqrt(tx) * Math.sqrt(ty));
}

/** P(T ≤ q) for Kendall's statistic T (number of concordant pairs) under independence, n ≤ 170 (R: pkendall). */
export function pkendall(q: number, n: number): number {
  const u = (n * (n - 1)) / 2;
  const qq = Math.floor(q + 1e-7);
  if (qq < 0) return 0;
  if (qq > u) return 1;
  // Mahonian numbers: permutations of m elements with j inversions, for j ≤ qq
  let row = new Float64Array(qq + 1);
  row[0] = 1;
  for (let m = 2; m <= n; m++) {
    const next = new Float64Array(qq + 1);
    let run = 0; // sliding sum of row[j−m+1 .. j]
    for (let j = 0; j <= qq; j++) {
      run += row[j]!;
      if (j - m >= 0) run -= row[j - m]!;
      next[j] = run;
    }
    row = next;
  }
  let p = 0;
  for (let j = 0; j <= qq; j++) p += row[j]!;
  let fact = 1;
  for (let m = 2; m <= n; m++) fact *= m;
  return p / fact;
}

/** ranktest(fit): Begg and Mazumdar's rank correlation test as metafor (exact = TRUE). */
export function ranktest(fit: RmaResult): RanktestResult {
  const { yi, vi } = fit;
  const n = yi.length;
  if (n < 3) throw new MetaError(`The rank correlation test needs at least 3 studies (k = ${n}).`);
  const warnings: string[] = [];
  if (n < 10) warnings.push(FEW);
  let sw = 0;
  let swy = 0;
  for (let i = 0; i < n; i++) {
    sw += 1 / vi[i]!;
    swy += yi[i]! / vi[i]!;
  }
  const theta = swy / sw;
  const vb = 1 / sw;
  const ys = yi.map((y, i) => (y - theta) / Math.sqrt(vi[i]! - vb));
  const tau = kendallTau(ys, vi);
  if (!Number.isFinite(tau)) return { tau: Number.NaN, pval: Number.NaN, exact: false, warnings };
  const ties = new Set(ys).size < n || new Set(vi).size < n;
  if (!ties && n <= 170) {
    const q = Math.round(((tau + 1) * n * (n - 1)) / 4);
    const p = q > (n * (n - 1)) / 4 ? 1 - pkendall(q - 1, n) : pkendall(q, n);
    return { tau, pval: Math.min(2 * p, 1), exact: true, warnings };
  }
  warnings.push(ties ? 'Cannot compute exact p-value with ties' : 'normal approximation for k > 170');
  const count = (v: readonly number[]): number[] => {
    const m = new Map<number, number>();
    for (const x of v) m.set(x, (m.get(x) ?? 0) + 1);
    return [...m.values()].filter((c) => c > 1);
  };
  const xt = count(ys);
  const yt = count(vi);
  const sum = (a: number[], f: (t: number) => number) => a.reduce((s, t) => s + f(t), 0);
  const T0 = (n * (n - 1)) / 2;
  const T1 = sum(xt, (t) => t * (t - 1)) / 2;
  const T2 = sum(yt, (t) => t * (t - 1)) / 2;
  const S = tau * Math.sqrt((T0 - T1) * (T0 - T2));
  const v0 = n * (n - 1) * (2 * n + 5);
  const vt = sum(xt, (t) => t * (t - 1) * (2 * t + 5));
  const vu = sum(yt, (t) => t * (t - 1) * (2 * t + 5));
  const v1 = sum(xt, (t) => t * (t - 1)) * sum(yt, (t) => t * (t - 1));
  const v2 = sum(xt, (t) => t * (t - 1) * (t - 2)) * sum(yt, (t) => t * (t - 1) * (t - 2));
  const varS = (v0 - vt - vu) / 18 + v1 / (2 * n * (n - 1)) + v2 / (9 * n * (n - 1) * (n - 2));
  const z = S / Math.sqrt(varS);
  return { tau, pval: 2 * Math.min(pnorm(z), pnormUpper(z)), exact: false, warnings };
}

export type TrimfillEstimator = 'L0' | 'R0' | 'Q0';

export interface TrimfillResult {
  k0: number;
  seK0: number;
  side: 'left' | 'right';
  estimator: TrimfillEstimator;
  /** the model on observed + filled studies (the original model when k0 = 0) */
  fit: RmaResult;
  /** outcomes and variances of the filled (imputed) studies */
  yiFill: number[];
  viFill: number[];
  /** R0 only: p-value for k0 */
  pK0: number;
  iterations: number;
  warnings: string[];
}

/** R's round() at 0 digits (IEC 60559: halves to even) */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** trimfill(fit): Duval and Tweedie's trim-and-fill as metafor's trimfill.rma.uni. */
export function trimfill(
  fit: RmaResult,
  opts: { side?: 'left' | 'right'; estimator?: TrimfillEstimator; maxiter?: number } = {},
): TrimfillResult {
  requireIntOnly(fit);
  if (fit.k === 1) throw new MetaError('Stopped because k = 1.');
  const estimator = opts.estimator ?? 'L0';
  const maxiter = opts.maxiter ?? 100;
  const method = fit.method;
  const warnings: string[] = [];
  if (fit.k < 10) warnings.push(FEW);
  let side = opts.side;
  if (side === undefined) {
    const r = rma(fit.yi, fit.vi, { mods: [fit.vi.map(Math.sqrt)], method, skipR2: true });
    side = r.p === 2 && r.beta[1]! < 0 ? 'right' : 'left';
  }
  const flip = side === 'right' ? -1 : 1;
  const ix = fit.yi.map((_, i) => i).sort((a, b) => flip * fit.yi[a]! - flip * fit.yi[b]!);
  const yi = ix.map((i) => flip * fit.yi[i]!);
  const vi = ix.map((i) => fit.vi[i]!);
  const k = yi.length;
  let k0sav = -1;
  let k0 = 0;
  let seK0 = Number.NaN;
  let iter = 0;
  let beta = Number.NaN;
  let yic: number[] = [];
  while (Math.abs(k0 - k0sav) > 0) {
    k0sav = k0;
    iter++;
    if (iter > maxiter) throw new MetaError('Trim and fill algorithm did not converge.');
    beta = rma(yi.slice(0, k - k0), vi.slice(0, k - k0), { method }).beta[0]!;
    yic = yi.map((y) => y - beta);
    const order = yic.map((_, i) => i).sort((a, b) => Math.abs(yic[a]!) - Math.abs(yic[b]!));
    const rank = new Array<number>(k);
    order.forEach((i, r) => {
      rank[i] = r + 1;
    });
    const rs = yic.map((y, i) => Math.sign(y) * rank[i]!);
    let k0raw: number;
    if (estimator === 'R0') {
      let mx = Number.NEGATIVE_INFINITY;
      for (const r of rs) if (r < 0) mx = Math.max(mx, -r);
      k0raw = k - mx - 1;
      seK0 = Math.sqrt(2 * Math.max(0, k0raw) + 2);
    } else {
      const Sr = rs.reduce((s, r) => (r > 0 ? s + r : s), 0);
      k0raw =
        estimator === 'L0' ? (4 * Sr - k * (k + 1)) / (2 * k - 1) : k - 1 / 2 - Math.sqrt(2 * k * k - 4 * Sr + 1 / 4);
      const q = k0raw;
      const varSr =
        (1 / 24) *
        (k * (k + 1) * (2 * k + 1) + 10 * q ** 3 + 27 * q ** 2 + 17 * q - 18 * k * q ** 2 - 18 * k * q + 6 * k * k * q);
      seK0 =
        estimator === 'L0'
          ? (4 * Math.sqrt(varSr)) / (2 * k - 1)
          : (2 * Math.sqrt(varSr)) / Math.sqrt((k - 1 / 2) ** 2 - q * (2 * k - q - 1));
    }
    k0 = Math.max(0, roundHalfEven(k0raw));
    seK0 = Math.max(0, seK0);
  }
  let pK0 = Number.NaN;
  if (estimator === 'R0') {
    let s = 0;
    for (let m = -1; m <= k0 - 1; m++) s += 0.5 ** (m + 2); // choose(m+1, m+1) = 1
    pK0 = 1 - s;
  }
  if (k0 === 0) {
    return { k0, seK0, side, estimator, fit, yiFill: [], viFill: [], pK0, iterations: iter, warnings };
  }
  const yiFill: number[] = [];
  const viFill: number[] = [];
  for (let i = k - k0; i < k; i++) {
    const c = side === 'right' ? -(yic[i]! - beta) : yic[i]! - beta;
    yiFill.push(-c);
    viFill.push(vi[i]!);
  }
  const filled = rma([...fit.yi, ...yiFill], [...fit.vi, ...viFill], { method });
  return { k0, seK0, side, estimator, fit: filled, yiFill, viFill, pK0, iterations: iter, warnings };
}
