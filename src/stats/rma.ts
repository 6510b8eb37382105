// Random- and equal-effects meta-analysis and meta-regression: a port of metafor::rma.uni (R/rma.uni.r,
// metafor 3.8-1; Viechtbauer 2010, J Stat Softw 36(3)) for the normal–normal model
//   yi = xi'β + ui + εi,  ui ~ N(0, τ²),  εi ~ N(0, vi).
//
// τ² estimators (formulas as coded in rma.uni.r; P = W − WX(X'WX)⁻¹X'W):
//   DL   DerSimonian & Laird (1986): τ² = (Q − (k−p)) / tr(P), W = diag(1/vi)
//   HE   Hedges (1983) / Hedges–Olkin: τ² = (RSS_OLS − tr(P_I V)) / (k−p)
//   HS   Hunter & Schmidt (2004): τ² = (Q − k) / Σwi
//   SJ   Sidik & Jonkman (2005): τ² = τ₀² · Q(τ₀²)/(k−p), τ₀² = mean squared deviation of yi
//   PM   Paule & Mandel (1982): root of Q(τ²) = k−p by uniroot (tolerance .Machine$double.eps^0.25)
//   ML, REML, EB: Fisher scoring from the HE estimate with step-halving at 0, threshold 1e-5,
//        maxiter 100 (rma.uni control defaults; Viechtbauer 2005, J Educ Behav Stat 30:261–293); EB is the
//        Morris (1983) empirical Bayes estimator. ML/REML check ll(0) > ll(τ²) ("stuck at a local maximum").
// Standard errors of τ² as in rma.uni.r. τ² is truncated at 0.
// I² = 100·τ²/(τ² + ṽ), H² = τ²/ṽ + 1 with typical variance ṽ = (k−p)/tr(P) (Higgins & Thompson 2002);
// for EE models I² = max(0, 100·(Q − (k−p))/Q), H² = Q/(k−p).
// Knapp & Hartung (2003): vb scaled by s² = Σwi(yi − xi'β)²/(k−p) (not truncated at 1, as metafor's
// test = "knha"), t distribution with k−p df; QM as F(m, k−p).
// Prediction interval (metafor's predict.rma): μ̂ ± crit·√(SE² + τ²), crit from z or t(k−p) as the test.
import { pchisqUpper, pfUpper, pnorm2, pt2, qnormUpper, qt } from './dist.ts';
import { invSPD, redundantColumns } from './linalg.ts';
import { R_TOL, uniroot } from './zeroin.ts';

export const METHODS = ['EE', 'FE', 'DL', 'HE', 'HS', 'SJ', 'ML', 'REML', 'EB', 'PM'] as const;
export type Method = (typeof METHODS)[number];
export type Test = 'z' | 'knha';

export interface RmaOptions {
  method?: Method;
  test?: Test;
  /** confidence level in percent (default 95) */
  level?: number;
  /** moderator columns (each of length k), without the intercept */
  mods?: readonly (readonly number[])[];
  modNames?: readonly string[];
  /** include an intercept (default true) */
  intercept?: boolean;
  /** skip the pseudo-R² (needs an extra intercept-only fit) */
  skipR2?: boolean;
  /** Fisher scoring control (defaults as rma.uni: threshold 1e-5, maxiter 100, stepadj 1) */
  control?: { threshold?: number; maxiter?: number; stepadj?: number; tau2Init?: number };
}

export interface Prediction {
  pred: number;
  se: number;
  ciLb: number;
  ciUb: number;
  /** NaN for EE models */
  piLb: number;
  piUb: number;
}

export interface RmaResult {
  model: 'rma.uni';
  method: Method;
  test: Test;
  level: number;
  k: number;
  p: number;
  intOnly: boolean;
  coefNames: string[];
  beta: number[];
  se: number[];
  /** z values, or t values when test = knha */
  zval: number[];
  pval: number[];
  ciLb: number[];
  ciUb: number[];
  vb: number[][];
  tau2: number;
  seTau2: number;
  I2: number;
  H2: number;
  QE: number;
  QEp: number;
  /** typical within-study variance used for I² */
  vt: number;
  QM: number;
  QMdf: [number, number];
  QMp: number;
  /** pseudo-R² in percent (meta-regression with intercept only; null otherwise) */
  R2: number | null;
  s2w: number;
  /** df of the t/F tests (NaN for z) */
  ddf: number;
  crit: number;
  yi: number[];
  vi: number[];
  /** weights in percent */
  weights: number[];
  /** intercept-only models: the summary estimate with CI and prediction interval */
  pred: Prediction | null;
  iterations: number;
  /** true when τ² was truncated at 0 or the iteration ended on the boundary */
  tau2Boundary: boolean;
  llML: number;
  llREML: number;
  /** design matrix actually used, column-major (X[j*k + i]) */
  Xmat: Float64Array;
  warnings: string[];
}

const DBL_EPS = 2.220446049250313e-16;

/** Workspace for the weighted least-squares quantities of one design matrix. */
export class Wls {
  readonly k: number;
  readonly p: number;
  /** column-major design, X[j*k + i] */
  readonly X: Float64Array;
  readonly A: Float64Array; // (X'WX)^-1
  readonly M: Float64Array;
  readonly G1: Float64Array;
  readonly G2: Float64Array;
  readonly work: Float64Array;
  readonly beta: Float64Array;
  readonly r: Float64Array; // residuals y - Xβ
  readonly h: Float64Array; // x_i' A x_i
  readonly d: Float64Array; // scratch
  readonly d2: Float64Array;
  logdet = 0;
  sumw = 0;
  rss = 0;

  constructor(X: Float64Array, k: number, p: number) {
    this.k = k;
    this.p = p;
    this.X = X;
    const pp = p * p;
    this.A = new Float64Array(pp);
    this.M = new Float64Array(pp);
    this.G1 = new Float64Array(pp);
    this.G2 = new Float64Array(pp);
    this.work = new Float64Array(pp);
    this.beta = new Float64Array(p);
    this.r = new Float64Array(k);
    this.h = new Float64Array(k);
    this.d = new Float64Array(k);
    this.d2 = new Float64Array(k);
  }

  /** M = X' diag(d) X */
  xtdx(d: Float64Array, out: Float64Array): void {
    const { k, p, X } = this;
    if (p === 1) {
      let s = 0;
      for (let i = 0; i < k; i++) s += d[i]! * X[i]! * X[i]!;
      out[0] = s;
      return;
    }
    for (let a = 0; a < p; a++) {
      for (let b = 0; b <= a; b++) {
        let s = 0;
        const oa = a * k;
        const ob = b * k;
        for (let i = 0; i < k; i++) s += d[i]! * X[oa + i]! * X[ob + i]!;
        out[a * p + b] = s;
        out[b * p + a] = s;
      }
    }
  }

  /**
   * Weighted fit of y on X with weights w: A, β, residuals, RSS = Σw r², leverages h, log det(X'WX).
   * Returns false when X'WX is not positive definite.
   */
  fit(w: Float64Array, y: Float64Array): boolean {
    const { k, p, X, A, M, beta, r, h } = this;
    let sw = 0;
    for (let i = 0; i < k; i++) sw += w[i]!;
    this.sumw = sw;
    this.xtdx(w, M);
    const ld = invSPD(M, p, A, this.work);
    if (Number.isNaN(ld)) return false;
    this.logdet = ld;
    // β = A X'W y
    if (p === 1) {
      let s = 0;
      for (let i = 0; i < k; i++) s += w[i]! * X[i]! * y[i]!;
      beta[0] = A[0]! * s;
    } else {
      const xwy = this.G1; // scratch p-vector
      for (let a = 0; a < p; a++) {
        let s = 0;
        const oa = a * k;
        for (let i = 0; i < k; i++) s += w[i]! * X[oa + i]! * y[i]!;
        xwy[a] = s;
      }
      for (let a = 0; a < p; a++) {
        let s = 0;
        for (let b = 0; b < p; b++) s += A[a * p + b]! * xwy[b]!;
        beta[a] = s;
      }
    }
    let rss = 0;
    for (let i = 0; i < k; i++) {
      let fitted = 0;
      let hi = 0;
      for (let a = 0; a < p; a++) {
        const xa = X[a * k + i]!;
        fitted += xa * beta[a]!;
        let s = 0;
        for (let b = 0; b < p; b++) s += A[a * p + b]! * X[b * k + i]!;
        hi += xa * s;
      }
      const ri = y[i]! - fitted;
      r[i] = ri;
      h[i] = hi;
      rss += w[i]! * ri * ri;
    }
    this.rss = rss;
    return true;
  }

  /** tr(A·X'D1X·A·X'D2X) */
  trAMAM(d1: Float64Array, d2: Float64Array): number {
    const { p, A, G1, G2, M, work } = this;
    if (p === 1) {
      this.xtdx(d1, M);
      const m1 = M[0]!;
      this.xtdx(d2, M);
      return A[0]! * m1 * A[0]! * M[0]!;
    }
    this.xtdx(d1, M);
    matmul(A, M, G1, p);
    this.xtdx(d2, M);
    matmul(A, M, G2, p);
    let s = 0;
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) s += G1[i * p + j]! * G2[j * p + i]!;
    void work;
    return s;
  }

  /** tr(P) for the weights of the last fit: Σw − Σ w² h */
  trP(w: Float64Array): number {
    let s = 0;
    for (let i = 0; i < this.k; i++) s += w[i]! - w[i]! * w[i]! * this.h[i]!;
    return s;
  }

  /** tr(PP) = Σw² − 2 tr(A X'W³X) + tr(A X'W²X A X'W²X) */
  trPP(w: Float64Array): number {
    const { k, h, d } = this;
    let s = 0;
    for (let i = 0; i < k; i++) {
      const wi = w[i]!;
      s += wi * wi - 2 * wi * wi * wi * h[i]!;
      d[i] = wi * wi;
    }
    return s + this.trAMAM(d, d);
  }

  /** y'PPy = Σ (w r)² */
  yPPy(w: Float64Array): number {
    let s = 0;
    for (let i = 0; i < this.k; i++) {
      const t = w[i]! * this.r[i]!;
      s += t * t;
    }
    return s;
  }

  /** tr(PV) = Σ v (w − w² h) */
  trPV(w: Float64Array, v: Float64Array): number {
    let s = 0;
    for (let i = 0; i < this.k; i++) s += v[i]! * (w[i]! - w[i]! * w[i]! * this.h[i]!);
    return s;
  }

  /** sum(PV * t(PV)) = tr(PVPV) = Σ w²v² − 2 tr(A X'W³V²X) + tr(A X'W²VX A X'W²VX) */
  trPVPV(w: Float64Array, v: Float64Array): number {
    const { k, h, d } = this;
    let s = 0;
    for (let i = 0; i < k; i++) {
      const wv = w[i]! * v[i]!;
      s += wv * wv - 2 * w[i]! * wv * wv * h[i]!;
      d[i] = w[i]! * wv;
    }
    return s + this.trAMAM(d, d);
  }

  /** sum(PV * P) = tr(VPP) = Σ v w² − 2 tr(A X'VW³X) + tr(A X'W²X A X'W²VX) */
  trVPP(w: Float64Array, v: Float64Array): number {
    const { k, h, d, d2 } = this;
    let s = 0;
    for (let i = 0; i < k; i++) {
      const w2 = w[i]! * w[i]!;
      s += v[i]! * w2 - 2 * v[i]! * w2 * w[i]! * h[i]!;
      d[i] = w2;
      d2[i] = w2 * v[i]!;
    }
    return s + this.trAMAM(d, d2);
  }
}

function matmul(a: Float64Array, b: Float64Array, out: Float64Array, p: number): void {
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let q = 0; q < p; q++) s += a[i * p + q]! * b[q * p + j]!;
      out[i * p + j] = s;
    }
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

interface IntOnlyScratch {
  ws: Wls;
  ones: Float64Array;
  yi: Float64Array;
  vi: Float64Array;
  ymc: Float64Array;
  w: Float64Array;
}
// Workspaces for intercept-only fits, keyed by k. Only used inside one synchronous rma() call (intercept-only
// fits never recurse), so sharing them is safe; the design matrix (all ones) is never written after creation.
const intOnlyCache = new Map<number, IntOnlyScratch>();
function intOnlyScratch(k: number): IntOnlyScratch {
  let c = intOnlyCache.get(k);
  if (c === undefined) {
    const ones = new Float64Array(k).fill(1);
    c = {
      ws: new Wls(Float64Array.from(ones), k, 1),
      ones,
      yi: new Float64Array(k),
      vi: new Float64Array(k),
      ymc: new Float64Array(k),
      w: new Float64Array(k),
    };
    if (intOnlyCache.size < 256) intOnlyCache.set(k, c);
  }
  return c;
}

/** Error thrown when a model cannot be fitted (the cases where rma.uni stops). */
export class MetaError extends Error {}

// t quantiles are costly (incomplete beta inversion) and the same few (α, df) pairs recur: memoise them.
const tCritCache = new Map<number, Map<number, number>>();
function tCrit(alpha: number, df: number): number {
  if (!(df > 0)) return Number.NaN;
  let byDf = tCritCache.get(alpha);
  if (byDf === undefined) {
    byDf = new Map();
    if (tCritCache.size < 64) tCritCache.set(alpha, byDf);
  }
  let v = byDf.get(df);
  if (v === undefined) {
    v = qt(1 - alpha / 2, df);
    if (byDf.size < 4096) byDf.set(df, v);
  }
  return v;
}

/**
 * Fits metafor's rma.uni to outcomes yi with sampling variances vi. Studies with a missing (NaN) yi, vi or
 * moderator are dropped first, with a warning, as rma.uni does (na.action = "na.omit").
 */
export function rma(yiIn: ArrayLike<number>, viIn: ArrayLike<number>, opts: RmaOptions = {}): RmaResult {
  const warnings: string[] = [];
  const method: Method = opts.method ?? 'REML';
  const isEE = method === 'EE' || method === 'FE';
  let test: Test = opts.test ?? 'z';
  const level = opts.level ?? 95;
  const alpha = level > 1 ? 1 - level / 100 : 1 - level;
  const threshold = opts.control?.threshold ?? 1e-5;
  const maxiter = opts.control?.maxiter ?? 100;
  const stepadj = opts.control?.stepadj ?? 1;
  const intercept = opts.intercept ?? true;
  const modsIn = opts.mods ?? [];

  // ---- drop studies with missing values
  const kAll = yiIn.length;
  if (viIn.length !== kAll) throw new MetaError('Length of yi and vi do not match.');
  for (const m of modsIn)
    if (m.length !== kAll) throw new MetaError('Number of rows of the moderators does not match k.');
  let keep: number[] | null = null; // null: every study is used
  for (let i = 0; i < kAll; i++) {
    let ok = !Number.isNaN(yiIn[i]!) && !Number.isNaN(viIn[i]!);
    for (const m of modsIn) if (Number.isNaN(m[i]!)) ok = false;
    if (ok) keep?.push(i);
    else if (keep === null) {
      keep = [];
      for (let j = 0; j < i; j++) keep.push(j);
    }
  }
  const k = keep === null ? kAll : keep.length;
  if (k < kAll) warnings.push('Studies with NAs omitted from model fitting.');
  if (k < 1) throw new MetaError('Processing terminated since k = 0.');
  // intercept-only designs (the common case, and the whole of a batch) reuse a cached workspace per k
  const simple = intercept && modsIn.length === 0;
  const scratch = simple ? intOnlyScratch(k) : null;
  const yi = scratch ? scratch.yi : new Float64Array(k);
  const vi = scratch ? scratch.vi : new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const src = keep === null ? j : keep[j]!;
    yi[j] = yiIn[src]!;
    vi[j] = viIn[src]!;
  }
  let allvipos = true;
  for (let i = 0; i < k; i++) {
    if (vi[i]! <= 0) allvipos = false;
  }
  if (!allvipos) {
    warnings.push('There are outcomes with non-positive sampling variances.');
    for (let i = 0; i < k; i++)
      if (vi[i]! < 0) {
        vi[i] = 0;
        warnings.push('Negative sampling variances constrained to zero.');
      }
  }
  if (k === 1 && test !== 'z') {
    warnings.push('Setting argument test="z" since k=1.');
    test = 'z';
  }

  // ---- design matrix
  let X: Float64Array;
  let names: string[];
  let ws: Wls;
  if (scratch) {
    X = scratch.ws.X;
    names = ['intrcpt'];
    ws = scratch.ws;
  } else {
    let cols: Float64Array[] = [];
    names = [];
    if (intercept) {
      cols.push(new Float64Array(k).fill(1));
      names.push('intrcpt');
    }
    modsIn.forEach((m, j) => {
      cols.push(keep === null ? Float64Array.from(m) : Float64Array.from(keep, (i) => m[i]!));
      names.push(opts.modNames?.[j] ?? `X${j + 1}`);
    });
    if (cols.length === 0) throw new MetaError('Model has no intercept and no moderators.');
    const red = redundantColumns(cols, k);
    if (red.some((x) => x)) {
      warnings.push('Redundant predictors dropped from the model.');
      cols = cols.filter((_, j) => !red[j]);
      names = names.filter((_, j) => !red[j]);
    }
    const pc = cols.length;
    X = new Float64Array(k * pc);
    for (let j = 0; j < pc; j++) X.set(cols[j]!, j * k);
    ws = new Wls(X, k, pc);
  }
  const p = ws.p;
  const intIncl = intercept;
  const intOnly = p === 1 && intercept;
  if (!(intOnly && k === 1)) {
    if (isEE ? p > k : p + 1 > k)
      throw new MetaError('Number of parameters to be estimated is larger than the number of observations.');
  }

  let vmax = Number.NEGATIVE_INFINITY;
  let vmin = Number.POSITIVE_INFINITY;
  for (let i = 0; i < k; i++) {
    vmax = Math.max(vmax, vi[i]!);
    vmin = Math.min(vmin, vi[i]!);
  }
  if (Number.isFinite(vmax / vmin) && vmax / vmin >= 1e7)
    warnings.push(
      'Ratio of largest to smallest sampling variance extremely large. May not be able to obtain stable results.',
    );

  // mean-centred outcomes for the τ² computations (as rma.uni: ymci)
  let ybar = 0;
  for (let i = 0; i < k; i++) ybar += yi[i]!;
  ybar /= k;
  const ymc = scratch ? scratch.ymc : new Float64Array(k);
  for (let i = 0; i < k; i++) ymc[i] = yi[i]! - ybar;

  const w = scratch ? scratch.w : new Float64Array(k);
  const setW = (tau2: number): void => {
    for (let i = 0; i < k; i++) w[i] = 1 / (vi[i]! + tau2);
  };
  const fitOrThrow = (y: Float64Array): void => {
    if (!ws.fit(w, y)) throw new MetaError('Model matrix not of full rank. Cannot fit model.');
  };
  const requirePos = (name: string): void => {
    if (!allvipos)
      throw new MetaError(
        `${name} estimator cannot be used when there are non-positive sampling variances in the data.`,
      );
  };

  // ---- τ² estimation
  let tau2 = 0;
  let seTau2 = Number.NaN;
  let iterations = 0;
  let boundary = false;
  if (!isEE && k > 1) {
    switch (method) {
      case 'HS': {
        requirePos('HS');
        setW(0);
        fitOrThrow(ymc);
        tau2 = Math.max(0, (ws.rss - k) / ws.sumw);
        const trP = ws.trP(w);
        const trPP = ws.trPP(w);
        seTau2 = Math.sqrt((1 / ws.sumw ** 2) * (2 * (k - p) + 4 * tau2 * trP + 2 * tau2 * tau2 * trPP));
        break;
      }
      case 'HE': {
        w.fill(1);
        fitOrThrow(ymc);
        const trPV = ws.trPV(w, vi);
        tau2 = Math.max(0, (ws.rss - trPV) / (k - p));
        seTau2 = Math.sqrt((1 / (k - p) ** 2) * (2 * ws.trPVPV(w, vi) + 4 * tau2 * trPV + 2 * tau2 * tau2 * (k - p)));
        break;
      }
      case 'DL': {
        requirePos('DL');
        setW(0);
        fitOrThrow(ymc);
        const trP = ws.trP(w);
        tau2 = Math.max(0, (ws.rss - (k - p)) / trP);
        seTau2 = Math.sqrt((1 / trP ** 2) * (2 * (k - p) + 4 * tau2 * trP + 2 * tau2 * tau2 * ws.trPP(w)));
        break;
      }
      case 'SJ': {
        // τ₀² = var(ymci)·(k−1)/k
        let ss = 0;
        for (let i = 0; i < k; i++) ss += ymc[i]! * ymc[i]!;
        const tau20 = (ss / (k - 1)) * ((k - 1) / k);
        setW(tau20);
        fitOrThrow(ymc);
        tau2 = Math.max(0, (tau20 * ws.rss) / (k - p));
        seTau2 = Math.sqrt(
          ((tau20 * tau20) / (k - p) ** 2) *
            (2 * ws.trPVPV(w, vi) + 4 * tau2 * ws.trVPP(w, vi) + 2 * tau2 * tau2 * ws.trPP(w)),
        );
        break;
      }
      case 'PM': {
        requirePos('PM');
        const target = k - p;
        const tau2max = Math.max(100, 10 * mad(yi) ** 2);
        const qe = (t2: number): number => {
          setW(t2);
          fitOrThrow(ymc);
          return ws.rss - target;
        };
        if (qe(0) < 0) {
          tau2 = 0;
        } else if (qe(tau2max) > 0) {
          throw new MetaError("Value of 'tau2.max' too low. Try increasing 'tau2.max' or switch to another 'method'.");
        } else {
          const res = uniroot(qe, 0, tau2max, R_TOL, maxiter);
          if (res.iter < 0) warnings.push('uniroot() did not converge in the PM estimation.');
          tau2 = res.root;
          iterations = res.iter;
        }
        tau2 = Math.max(0, tau2);
        setW(tau2);
        let sw = 0;
        for (let i = 0; i < k; i++) sw += w[i]!;
        seTau2 = Math.sqrt((2 * k * k) / (k - p) / (sw * sw));
        break;
      }
      case 'ML':
      case 'REML':
      case 'EB': {
        // initial value: HE estimate (or user value)
        if (opts.control?.tau2Init !== undefined) tau2 = opts.control.tau2Init;
        else {
          w.fill(1);
          fitOrThrow(ymc);
          tau2 = Math.max(0, (ws.rss - ws.trPV(w, vi)) / (k - p));
        }
        let change = threshold + 1;
        let conv = true;
        while (change > threshold) {
          iterations++;
          const old = tau2;
          setW(tau2);
          for (let i = 0; i < k; i++)
            if (!Number.isFinite(w[i]!))
              throw new MetaError('Division by zero when computing the inverse variance weights.');
          fitOrThrow(ymc);
          let adj: number;
          if (method === 'ML') {
            let sw2 = 0;
            for (let i = 0; i < k; i++) sw2 += w[i]! * w[i]!;
            adj = (ws.yPPy(w) - ws.sumw) / sw2;
          } else if (method === 'REML') {
            adj = (ws.yPPy(w) - ws.trP(w)) / ws.trPP(w);
          } else {
            adj = ((ws.rss * k) / (k - p) - k) / ws.sumw;
          }
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
        if (!conv)
          throw new MetaError("Fisher scoring algorithm did not converge. See 'help(rma)' for possible remedies.");
        if ((method === 'ML' || method === 'REML') && allvipos) {
          const ll = (t2: number): number => {
            setW(t2);
            fitOrThrow(ymc);
            let slv = 0;
            for (let i = 0; i < k; i++) slv += Math.log(vi[i]! + t2);
            if (method === 'ML') return -0.5 * k * Math.log(2 * Math.PI) - 0.5 * slv - 0.5 * ws.rss;
            return -0.5 * (k - p) * Math.log(2 * Math.PI) - 0.5 * slv - 0.5 * ws.logdet - 0.5 * ws.rss;
          };
          const ll0 = ll(0);
          const llt = ll(tau2);
          if (ll0 - llt > R_TOL && tau2 > threshold) {
            warnings.push(
              'Fisher scoring algorithm may have gotten stuck at a local maximum. Setting tau^2 = 0. Check the profile likelihood plot with profile().',
            );
            tau2 = 0;
          }
        }
        tau2 = Math.max(0, tau2);
        setW(tau2);
        fitOrThrow(ymc);
        if (method === 'ML') {
          let sw2 = 0;
          for (let i = 0; i < k; i++) sw2 += w[i]! * w[i]!;
          seTau2 = Math.sqrt(2 / sw2);
        } else if (method === 'REML') {
          seTau2 = Math.sqrt(2 / ws.trPP(w));
        } else {
          seTau2 = Math.sqrt((2 * k * k) / (k - p) / (ws.sumw * ws.sumw));
        }
        break;
      }
    }
    if (tau2 === 0) boundary = true;
  }
  if (!isEE && k > 1 && boundary)
    warnings.push('tau^2 estimated at the boundary (0): the fit equals the equal-effects model.');
  if (k === 1 && !isEE) warnings.push('k = 1: tau^2 cannot be estimated and is set to 0.');

  // ---- model fit
  setW(tau2);
  for (let i = 0; i < k; i++)
    if (!Number.isFinite(w[i]!)) throw new MetaError('Division by zero when computing the inverse variance weights.');
  fitOrThrow(yi);
  const beta = Array.from(ws.beta);
  const rssF = ws.rss;
  const sumW = ws.sumw;
  const weights = Array.from(w, (x) => (100 * x) / sumW);
  let s2w = 1;
  if (test === 'knha') {
    s2w = rssF <= DBL_EPS ? 0 : rssF / (k - p);
    if (isEE) warnings.push(`Knapp & Hartung method is not meant to be used in the context of ${method} models.`);
  }
  const vb: number[][] = [];
  for (let a = 0; a < p; a++) {
    const row: number[] = [];
    for (let b = 0; b < p; b++) row.push(s2w * ws.A[a * p + b]!);
    vb.push(row);
  }
  const ddf = test === 'knha' ? k - p : Number.NaN;
  const se = vb.map((row, j) => Math.sqrt(row[j]!));
  const zval = beta.map((b, j) => b / se[j]!);
  let pval: number[];
  let crit: number;
  if (test === 'knha') {
    pval = zval.map((z) => (ddf > 0 ? pt2(z, ddf) : Number.NaN));
    crit = tCrit(alpha, ddf);
  } else {
    pval = zval.map((z) => pnorm2(z));
    crit = qnormUpper(alpha / 2);
  }
  const ciLb = beta.map((b, j) => b - crit * se[j]!);
  const ciUb = beta.map((b, j) => b + crit * se[j]!);

  // omnibus test of the moderators (btt = all but the intercept, or the intercept alone when p = 1)
  const btt: number[] = [];
  if (p > 1) for (let j = intIncl ? 1 : 0; j < p; j++) btt.push(j);
  else btt.push(0);
  const m = btt.length;
  let QM = Number.NaN;
  {
    const sub = new Float64Array(m * m);
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) sub[a * m + b] = vb[btt[a]!]![btt[b]!]!;
    const inv = new Float64Array(m * m);
    if (!Number.isNaN(invSPD(sub, m, inv, new Float64Array(m * m)))) {
      let q = 0;
      for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) q += beta[btt[a]!]! * inv[a * m + b]! * beta[btt[b]!]!;
      QM = q;
    }
  }
  let QMp: number;
  if (test === 'knha') {
    QM /= m;
    QMp = ddf > 0 ? pfUpper(QM, m, ddf) : Number.NaN;
  } else {
    QMp = pchisqUpper(QM, m);
  }

  // ---- heterogeneity
  let QE = Number.NaN;
  let QEp = Number.NaN;
  let I2 = Number.NaN;
  let H2 = Number.NaN;
  let vt = Number.NaN;
  if (allvipos) {
    if (k > p) {
      setW(0);
      fitOrThrow(ymc);
      QE = Math.max(0, ws.rss);
      QEp = pchisqUpper(QE, k - p);
      vt = (k - p) / ws.trP(w);
      if (isEE) {
        I2 = Math.max(0, (100 * (QE - (k - p))) / QE);
        H2 = QE / (k - p);
      } else {
        I2 = (100 * tau2) / (vt + tau2);
        H2 = tau2 / vt + 1;
      }
    } else {
      QE = 0;
      QEp = 1;
      I2 = 0;
      H2 = 1;
      vt = 0;
    }
  } else {
    warnings.push('Cannot compute Q-test, I^2, or H^2 when there are non-positive sampling variances in the data.');
  }

  // ---- log-likelihoods (rma.uni fit.stats; REMLf = TRUE)
  setW(tau2);
  let slv = 0;
  for (let i = 0; i < k; i++) slv += Math.log(vi[i]! + tau2);
  const llML = -0.5 * k * Math.log(2 * Math.PI) - 0.5 * slv - 0.5 * rssF;
  ws.xtdx(scratch ? scratch.ones : new Float64Array(k).fill(1), ws.M);
  const ldXX = invSPD(ws.M, p, ws.G1, ws.work);
  ws.xtdx(w, ws.M);
  const ldXWX = invSPD(ws.M, p, ws.G1, ws.work);
  const llREML = -0.5 * (k - p) * Math.log(2 * Math.PI) + 0.5 * ldXX - 0.5 * slv - 0.5 * ldXWX - 0.5 * rssF;

  // ---- pseudo-R² (r2def "1": Raudenbush 1994) for models with moderators and an intercept
  let R2: number | null = null;
  if (!intOnly && intIncl && !opts.skipR2) {
    if (isEE) {
      // adjusted R² of the weighted least-squares regression (summary(lm(yi ~ X, weights = wi)))
      let ss = 0;
      let mean = 0;
      for (let i = 0; i < k; i++) mean += yi[i]!;
      mean /= k;
      for (let i = 0; i < k; i++) ss += (yi[i]! - mean) ** 2;
      if (ss === 0) R2 = 0;
      else {
        setW(0);
        let swt = 0;
        let wm = 0;
        for (let i = 0; i < k; i++) {
          swt += w[i]!;
          wm += w[i]! * yi[i]!;
        }
        wm /= swt;
        let tss = 0;
        for (let i = 0; i < k; i++) tss += w[i]! * (yi[i]! - wm) ** 2;
        const adj = 1 - rssF / (k - p) / (tss / (k - 1));
        R2 = Math.max(0, 100 * adj);
      }
    } else {
      try {
        const r0 = rma(yi, vi, { method, test, level, skipR2: true, control: opts.control });
        if (r0.tau2 === 0) R2 = 0;
        else R2 = Math.max(0, 100 * ((r0.tau2 - tau2) / r0.tau2));
      } catch {
        R2 = Number.NaN;
      }
    }
  }

  let pred: Prediction | null = null;
  if (intOnly) {
    const piLb = isEE ? Number.NaN : beta[0]! - crit * Math.sqrt(se[0]! ** 2 + tau2);
    const piUb = isEE ? Number.NaN : beta[0]! + crit * Math.sqrt(se[0]! ** 2 + tau2);
    pred = { pred: beta[0]!, se: se[0]!, ciLb: ciLb[0]!, ciUb: ciUb[0]!, piLb, piUb };
  }

  return {
    model: 'rma.uni',
    method,
    test,
    level,
    k,
    p,
    intOnly,
    coefNames: names,
    beta,
    se,
    zval,
    pval,
    ciLb,
    ciUb,
    vb,
    tau2,
    seTau2,
    I2,
    H2,
    QE,
    QEp,
    vt,
    QM,
    QMdf: [m, ddf],
    QMp,
    R2,
    s2w,
    ddf,
    crit,
    yi: Array.from(yi),
    vi: Array.from(vi),
    weights,
    pred,
    iterations,
    tau2Boundary: boundary,
    llML,
    llREML,
    Xmat: X,
    warnings,
  };
}
