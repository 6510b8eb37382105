// τ² estimators of metafor::rma.uni (R/rma.uni.r, metafor 3.8-1; Viechtbauer 2010, J Stat Softw 36(3)), one
// function per method, as a table keyed by the method name. P = W − WX(X'WX)⁻¹X'W:
//   DL   DerSimonian & Laird (1986): τ² = (Q − (k−p)) / tr(P), W = diag(1/vi)
//   HE   Hedges (1983) / Hedges–Olkin: τ² = (RSS_OLS − tr(P_I V)) / (k−p)
//   HS   Hunter & Schmidt (2004): τ² = (Q − k) / Σwi
//   SJ   Sidik & Jonkman (2005): τ² = τ₀² · Q(τ₀²)/(k−p), τ₀² = mean squared deviation of yi
//   PM   Paule & Mandel (1982): root of Q(τ²) = k−p by uniroot (tolerance .Machine$double.eps^0.25)
//   ML, REML, EB: Fisher scoring from the HE estimate with step-halving at 0, threshold 1e-5,
//        maxiter 100 (rma.uni control defaults; Viechtbauer 2005, J Educ Behav Stat 30:261–293); EB is the
//        Morris (1983) empirical Bayes estimator. ML/REML check ll(0) > ll(τ²) ("stuck at a local maximum").
// Standard errors of τ² as in rma.uni.r. τ² is truncated at 0.
//
// Every estimator works only on the workspace it is given (no module state) and returns plain numbers.
import { MetaError } from './meta-error.ts';
import type { Wls } from './wls.ts';
import { R_TOL, uniroot } from './zeroin.ts';

/** The data and buffers of one fit. The estimators overwrite `w` and the `ws` fit; they never keep them. */
export interface Tau2Workspace {
  k: number;
  p: number;
  /** WLS workspace over the design matrix actually used */
  ws: Wls;
  yi: Float64Array;
  vi: Float64Array;
  /** mean-centred outcomes (rma.uni: ymci), used for every τ² computation */
  ymc: Float64Array;
  /** weight buffer, length k */
  w: Float64Array;
  /** every vi > 0 */
  allvipos: boolean;
}

/** Fisher scoring control (defaults as rma.uni: threshold 1e-5, maxiter 100, stepadj 1). */
export interface Tau2Control {
  threshold: number;
  maxiter: number;
  stepadj: number;
  tau2Init?: number | undefined;
}

export interface Tau2Estimate {
  tau2: number;
  seTau2: number;
  iterations: number;
}

export type Tau2Method = 'EE' | 'DL' | 'HE' | 'HS' | 'SJ' | 'ML' | 'REML' | 'EB' | 'PM';
export type Tau2Estimator = (d: Tau2Workspace, control: Tau2Control, warnings: string[]) => Tau2Estimate;

/** w = 1/(vi + τ²) */
export function setWeights(d: Tau2Workspace, tau2: number): void {
  const { k, vi, w } = d;
  for (let i = 0; i < k; i++) w[i] = 1 / (vi[i]! + tau2);
}

/** Weighted fit of y with the current weights; rma.uni stops when X'WX is singular. */
export function fitOrThrow(d: Tau2Workspace, y: Float64Array): void {
  if (!d.ws.fit(d.w, y)) throw new MetaError('Model matrix not of full rank. Cannot fit model.');
}

function requirePos(d: Tau2Workspace, name: string): void {
  if (!d.allvipos)
    throw new MetaError(`${name} estimator cannot be used when there are non-positive sampling variances in the data.`);
}

/** R's median */
export function median(x: ArrayLike<number>): number {
  const s = Array.from(x).sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return Number.NaN;
  const h = n >> 1;
  return n % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/** R's mad() (constant 1.4826) */
export function mad(x: ArrayLike<number>): number {
  const m = median(x);
  const dev = Array.from(x, (v) => Math.abs(v - m));
  return 1.4826 * median(dev);
}

/** Equal-effects model: no τ². */
export function tau2EE(): Tau2Estimate {
  return { tau2: 0, seTau2: Number.NaN, iterations: 0 };
}

export function tau2HS(d: Tau2Workspace): Tau2Estimate {
  const { k, p, ws, w } = d;
  requirePos(d, 'HS');
  setWeights(d, 0);
  fitOrThrow(d, d.ymc);
  const tau2 = Math.max(0, (ws.rss - k) / ws.sumw);
  const trP = ws.trP(w);
  const trPP = ws.trPP(w);
  const seTau2 = Math.sqrt((1 / ws.sumw ** 2) * (2 * (k - p) + 4 * tau2 * trP + 2 * tau2 * tau2 * trPP));
  return { tau2, seTau2, iterations: 0 };
}

export function tau2HE(d: Tau2Workspace): Tau2Estimate {
  const { k, p, ws, w, vi } = d;
  w.fill(1);
  fitOrThrow(d, d.ymc);
  const trPV = ws.trPV(w, vi);
  const tau2 = Math.max(0, (ws.rss - trPV) / (k - p));
  const seTau2 = Math.sqrt((1 / (k - p) ** 2) * (2 * ws.trPVPV(w, vi) + 4 * tau2 * trPV + 2 * tau2 * tau2 * (k - p)));
  return { tau2, seTau2, iterations: 0 };
}

export function tau2DL(d: Tau2Workspace): Tau2Estimate {
  const { k, p, ws, w } = d;
  requirePos(d, 'DL');
  setWeights(d, 0);
  fitOrThrow(d, d.ymc);
  const trP = ws.trP(w);
  const tau2 = Math.max(0, (ws.rss - (k - p)) / trP);
  const seTau2 = Math.sqrt((1 / trP ** 2) * (2 * (k - p) + 4 * tau2 * trP + 2 * tau2 * tau2 * ws.trPP(w)));
  return { tau2, seTau2, iterations: 0 };
}

export function tau2SJ(d: Tau2Workspace): Tau2Estimate {
  const { k, p, ws, w, vi, ymc } = d;
  // τ₀² = var(ymci)·(k−1)/k
  let ss = 0;
  for (let i = 0; i < k; i++) ss += ymc[i]! * ymc[i]!;
  const tau20 = (ss / (k - 1)) * ((k - 1) / k);
  setWeights(d, tau20);
  fitOrThrow(d, ymc);
  const tau2 = Math.max(0, (tau20 * ws.rss) / (k - p));
  const seTau2 = Math.sqrt(
    ((tau20 * tau20) / (k - p) ** 2) *
      (2 * ws.trPVPV(w, vi) + 4 * tau2 * ws.trVPP(w, vi) + 2 * tau2 * tau2 * ws.trPP(w)),
  );
  return { tau2, seTau2, iterations: 0 };
}

export function tau2PM(d: Tau2Workspace, control: Tau2Control, warnings: string[]): Tau2Estimate {
  const { k, p, ws, w } = d;
  requirePos(d, 'PM');
  const target = k - p;
  const tau2max = Math.max(100, 10 * mad(d.yi) ** 2);
  const qe = (t2: number): number => {
    setWeights(d, t2);
    fitOrThrow(d, d.ymc);
    return ws.rss - target;
  };
  let tau2: number;
  let iterations = 0;
  if (qe(0) < 0) {
    tau2 = 0;
  } else if (qe(tau2max) > 0) {
    throw new MetaError("Value of 'tau2.max' too low. Try increasing 'tau2.max' or switch to another 'method'.");
  } else {
    const res = uniroot(qe, 0, tau2max, R_TOL, control.maxiter);
    if (res.iter < 0) warnings.push('uniroot() did not converge in the PM estimation.');
    tau2 = res.root;
    iterations = res.iter;
  }
  tau2 = Math.max(0, tau2);
  setWeights(d, tau2);
  let sw = 0;
  for (let i = 0; i < k; i++) sw += w[i]!;
  const seTau2 = Math.sqrt((2 * k * k) / (k - p) / (sw * sw));
  return { tau2, seTau2, iterations };
}

/** One Fisher scoring method: its step (before stepadj), its SE at the final τ², and its log-likelihood check. */
interface Scoring {
  name: 'ML' | 'REML' | 'EB';
  step(d: Tau2Workspace): number;
  se(d: Tau2Workspace): number;
  /** log-likelihood at τ² after a fit with w = 1/(vi + τ²) (ML, REML: rma.uni's local-maximum check) */
  ll?(d: Tau2Workspace, t2: number): number;
}

function sumSq(w: Float64Array, k: number): number {
  let s = 0;
  for (let i = 0; i < k; i++) s += w[i]! * w[i]!;
  return s;
}

function sumLogV(d: Tau2Workspace, t2: number): number {
  let slv = 0;
  for (let i = 0; i < d.k; i++) slv += Math.log(d.vi[i]! + t2);
  return slv;
}

const ML: Scoring = {
  name: 'ML',
  step: (d) => (d.ws.yPPy(d.w) - d.ws.sumw) / sumSq(d.w, d.k),
  se: (d) => Math.sqrt(2 / sumSq(d.w, d.k)),
  ll: (d, t2) => -0.5 * d.k * Math.log(2 * Math.PI) - 0.5 * sumLogV(d, t2) - 0.5 * d.ws.rss,
};
const REML: Scoring = {
  name: 'REML',
  step: (d) => (d.ws.yPPy(d.w) - d.ws.trP(d.w)) / d.ws.trPP(d.w),
  se: (d) => Math.sqrt(2 / d.ws.trPP(d.w)),
  ll: (d, t2) => -0.5 * (d.k - d.p) * Math.log(2 * Math.PI) - 0.5 * sumLogV(d, t2) - 0.5 * d.ws.logdet - 0.5 * d.ws.rss,
};
const EB: Scoring = {
  name: 'EB',
  step: (d) => ((d.ws.rss * d.k) / (d.k - d.p) - d.k) / d.ws.sumw,
  se: (d) => Math.sqrt((2 * d.k * d.k) / (d.k - d.p) / (d.ws.sumw * d.ws.sumw)),
};

function fisherScoring(m: Scoring, d: Tau2Workspace, control: Tau2Control, warnings: string[]): Tau2Estimate {
  const { k, p, ws, w, vi, ymc } = d;
  const { threshold, maxiter, stepadj } = control;
  // initial value: HE estimate (or user value)
  let tau2: number;
  if (control.tau2Init !== undefined) tau2 = control.tau2Init;
  else {
    w.fill(1);
    fitOrThrow(d, ymc);
    tau2 = Math.max(0, (ws.rss - ws.trPV(w, vi)) / (k - p));
  }
  let iterations = 0;
  let change = threshold + 1;
  let conv = true;
  while (change > threshold) {
    iterations++;
    const old = tau2;
    setWeights(d, tau2);
    for (let i = 0; i < k; i++)
      if (!Number.isFinite(w[i]!)) throw new MetaError('Division by zero when computing the inverse variance weights.');
    fitOrThrow(d, ymc);
    let adj = m.step(d);
    adj *= stepadj;
    if (Number.isNaN(adj)) adj = 0;
    while (tau2 + adj < 0) adj /= 2;
    tau2 = tau2 + adj;
    change = Math.abs(old - tau2);
    if (iterations > maxiter) {
      conv = false;
      break;
    }
  }
  if (!conv) throw new MetaError("Fisher scoring algorithm did not converge. See 'help(rma)' for possible remedies.");
  const ll = m.ll;
  if (ll !== undefined && d.allvipos) {
    const at = (t2: number): number => {
      setWeights(d, t2);
      fitOrThrow(d, ymc);
      return ll(d, t2);
    };
    const ll0 = at(0);
    const llt = at(tau2);
    if (ll0 - llt > R_TOL && tau2 > threshold) {
      warnings.push(
        'Fisher scoring algorithm may have gotten stuck at a local maximum. Setting tau^2 = 0. Check the profile likelihood plot with profile().',
      );
      tau2 = 0;
    }
  }
  tau2 = Math.max(0, tau2);
  setWeights(d, tau2);
  fitOrThrow(d, ymc);
  return { tau2, seTau2: m.se(d), iterations };
}

export const tau2ML: Tau2Estimator = (d, c, warn) => fisherScoring(ML, d, c, warn);
export const tau2REML: Tau2Estimator = (d, c, warn) => fisherScoring(REML, d, c, warn);
export const tau2EB: Tau2Estimator = (d, c, warn) => fisherScoring(EB, d, c, warn);

/** One estimator per τ² method (metafor's `method` argument; 'FE' is an alias of 'EE'). */
export const TAU2_ESTIMATORS: Readonly<Record<Tau2Method, Tau2Estimator>> = Object.freeze({
  EE: tau2EE,
  DL: tau2DL,
  HE: tau2HE,
  HS: tau2HS,
  SJ: tau2SJ,
  ML: tau2ML,
  REML: tau2REML,
  EB: tau2EB,
  PM: tau2PM,
});
