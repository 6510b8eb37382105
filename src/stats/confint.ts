// Q-profile confidence intervals for τ² (and I², H²): a port of the default type="QP" branch of
// metafor::confint.rma.uni (R/confint.rma.uni.r; Viechtbauer 2007, Stat Med 26:37–52). The bounds solve
// Q(τ²) = χ²_{k−p; 1−α/2} (lower) and Q(τ²) = χ²_{k−p; α/2} (upper), with Q(τ²) = Σ wi(τ²)(yi − xi'β̂(τ²))²,
// found with R's uniroot (tol = .Machine$double.eps^0.25, maxiter = 1000) on [0, max(100, 10·τ̂²)];
// a bound that falls outside the search interval is reported as the interval end, as metafor does.

import { qchisq } from './dist.ts';
import { MetaError } from './meta-error.ts';
import type { RmaResult } from './rma.ts';
import { Wls } from './wls.ts';
import { R_TOL, uniroot } from './zeroin.ts';

export interface Tau2CI {
  tau2Lb: number;
  tau2Ub: number;
  I2Lb: number;
  I2Ub: number;
  H2Lb: number;
  H2Ub: number;
  /** '<' or '>' when the bound is at the end of the search interval (metafor prints these) */
  lbSign: '' | '<' | '>';
  ubSign: '' | '<' | '>';
  /** true when the CI is the null set {0} */
  ciNull: boolean;
  warnings: string[];
}

export function confintTau2(r: RmaResult, level = 95): Tau2CI {
  const { k, p } = r;
  const warnings: string[] = [];
  if (!(k > p)) throw new MetaError('Cannot compute a CI for tau^2 when k <= p.');
  for (const v of r.vi)
    if (!(v > 0))
      throw new MetaError('Cannot compute CI for tau^2 when there are non-positive sampling variances in the data.');
  const alpha = 1 - level / 100;
  const yi = Float64Array.from(r.yi);
  const vi = Float64Array.from(r.vi);
  const ws = new Wls(r.Xmat, k, p);
  const w = new Float64Array(k);
  const QE = (t2: number): number => {
    for (let i = 0; i < k; i++) w[i] = 1 / (vi[i]! + t2);
    ws.fit(w, yi);
    return ws.rss;
  };
  const critU = qchisq(1 - alpha / 2, k - p);
  const critL = qchisq(alpha / 2, k - p);
  const tau2Min = Math.min(0, r.tau2);
  const tau2Max = Math.max(100, r.tau2 * 10, tau2Min * 10);
  const qMax = QE(tau2Max);
  const qMin = QE(tau2Min);
  let lb = Number.NaN;
  let ub = Number.NaN;
  let lbSign: Tau2CI['lbSign'] = '';
  let ubSign: Tau2CI['ubSign'] = '';
  let ciNull = false;
  const solve = (target: number): number => {
    try {
      const res = uniroot((t) => QE(t) - target, tau2Min, tau2Max, R_TOL, 1000);
      return res.root;
    } catch {
      return Number.NaN;
    }
  };
  if (qMin < critL) {
    lb = ub = tau2Min;
    lbSign = ubSign = '<';
    if (tau2Min <= 0) ciNull = true;
  } else if (qMax > critL) {
    ub = tau2Max;
    ubSign = '>';
  } else {
    ub = solve(critL);
  }
  if (qMax > critU) {
    lb = ub = tau2Max;
    lbSign = ubSign = '>';
  } else if (qMin < critU) {
    lb = tau2Min;
    if (tau2Min > 0) lbSign = '<';
  } else {
    lb = solve(critU);
  }
  if (Number.isNaN(lb)) warnings.push('Error in iterative search for the lower bound.');
  if (Number.isNaN(ub)) warnings.push('Error in iterative search for the upper bound.');
  if (ciNull)
    warnings.push('The Q-profile CI for tau^2 is the null set (Q is below the lower critical value at tau^2 = 0).');
  const vt = r.vt;
  return {
    tau2Lb: lb,
    tau2Ub: ub,
    I2Lb: (100 * lb) / (vt + lb),
    I2Ub: (100 * ub) / (vt + ub),
    H2Lb: lb / vt + 1,
    H2Ub: ub / vt + 1,
    lbSign,
    ubSign,
    ciNull,
    warnings,
  };
}
