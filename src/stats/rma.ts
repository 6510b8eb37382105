// Random- and equal-effects meta-analysis and meta-regression: a port of metafor::rma.uni (R/rma.uni.r,
// metafor 3.8-1; Viechtbauer 2010, J Stat Softw 36(3)) for the normal–normal model
//   yi = xi'β + ui + εi,  ui ~ N(0, τ²),  εi ~ N(0, vi).
//
// τ² estimators: one function per method in TAU2_ESTIMATORS (tau2.ts, with their formulas and sources).
// The steps of a fit are separate functions below: design matrix, τ² (the table), coefficients and tests,
// heterogeneity() (QE, I², H²), fitStatistics() (log-likelihoods), pseudoR2(), prediction interval.
// I² = 100·τ²/(τ² + ṽ), H² = τ²/ṽ + 1 with typical variance ṽ = (k−p)/tr(P) (Higgins & Thompson 2002);
// for EE models I² = max(0, 100·(Q − (k−p))/Q), H² = Q/(k−p).
// Knapp & Hartung (2003): vb scaled by s² = Σwi(yi − xi'β)²/(k−p) (not truncated at 1, as metafor's
// test = "knha"), t distribution with k−p df; QM as F(m, k−p).
// Prediction interval (metafor's predict.rma): μ̂ ± crit·√(SE² + τ²), crit from z or t(k−p) as the test.
import { pchisqUpper, pfUpper, pnorm2, pt2, qnormUpper, qt } from './dist.ts';
import { invSPD, redundantColumns } from './linalg.ts';
import { MetaError } from './meta-error.ts';
import { fitOrThrow, setWeights, TAU2_ESTIMATORS, type Tau2Control, type Tau2Workspace } from './tau2.ts';
import { Wls } from './wls.ts';

export { MetaError } from './meta-error.ts';
export { mad, median, TAU2_ESTIMATORS, type Tau2Estimate, type Tau2Method } from './tau2.ts';
export { Wls } from './wls.ts';

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
  /** design matrix actually used, column-major (X[j*k + i]); a copy owned by this result */
  Xmat: Float64Array;
  warnings: string[];
}

const DBL_EPS = 2.220446049250313e-16;

/** Buffers of one fit: the τ² workspace plus a column of ones (for log det(X'X) in the REML likelihood). */
interface FitWorkspace extends Tau2Workspace {
  ones: Float64Array;
}

interface IntOnlyBuffers {
  ws: Wls;
  ones: Float64Array;
  yi: Float64Array;
  vi: Float64Array;
  ymc: Float64Array;
  w: Float64Array;
}
// Buffers for intercept-only fits, keyed by k: the common case, and the whole of a batch. They are handed to
// one synchronous rma() call at a time as its explicit workspace (intercept-only fits never recurse), and
// nothing in them is returned: every array in an RmaResult is a fresh copy. The design matrix (all ones) is
// never written after creation.
const intOnlyCache = new Map<number, IntOnlyBuffers>();
function intOnlyBuffers(k: number): IntOnlyBuffers {
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

export interface Heterogeneity {
  QE: number;
  QEp: number;
  I2: number;
  H2: number;
  /** typical within-study variance ṽ = (k−p)/tr(P) */
  vt: number;
}

/**
 * Cochran's QE test of residual heterogeneity with I² and H² (Higgins & Thompson 2002) as rma.uni computes
 * them: QE from the fit with w = 1/vi; I² = 100·τ²/(ṽ + τ²), H² = τ²/ṽ + 1, or for EE models
 * I² = max(0, 100·(QE − (k−p))/QE), H² = QE/(k−p). NaN (with a warning) when some vi ≤ 0.
 */
export function heterogeneity(d: Tau2Workspace, tau2: number, isEE: boolean, warnings: string[]): Heterogeneity {
  const { k, p, ws, w } = d;
  if (!d.allvipos) {
    warnings.push('Cannot compute Q-test, I^2, or H^2 when there are non-positive sampling variances in the data.');
    return { QE: Number.NaN, QEp: Number.NaN, I2: Number.NaN, H2: Number.NaN, vt: Number.NaN };
  }
  if (!(k > p)) return { QE: 0, QEp: 1, I2: 0, H2: 1, vt: 0 };
  setWeights(d, 0);
  fitOrThrow(d, d.ymc);
  const QE = Math.max(0, ws.rss);
  const QEp = pchisqUpper(QE, k - p);
  const vt = (k - p) / ws.trP(w);
  if (isEE) return { QE, QEp, I2: Math.max(0, (100 * (QE - (k - p))) / QE), H2: QE / (k - p), vt };
  return { QE, QEp, I2: (100 * tau2) / (vt + tau2), H2: tau2 / vt + 1, vt };
}

/**
 * Log-likelihoods at the final τ² (rma.uni fit.stats, REMLf = TRUE): rssF is Σwi(yi − xi'β̂)² of the final
 * fit. Leaves w = 1/(vi + τ²).
 */
export function fitStatistics(d: FitWorkspace, tau2: number, rssF: number): { llML: number; llREML: number } {
  const { k, p, ws, w, vi } = d;
  setWeights(d, tau2);
  let slv = 0;
  for (let i = 0; i < k; i++) slv += Math.log(vi[i]! + tau2);
  const llML = -0.5 * k * Math.log(2 * Math.PI) - 0.5 * slv - 0.5 * rssF;
  ws.xtdx(d.ones, ws.M);
  const ldXX = invSPD(ws.M, p, ws.G1, ws.work);
  ws.xtdx(w, ws.M);
  const ldXWX = invSPD(ws.M, p, ws.G1, ws.work);
  const llREML = -0.5 * (k - p) * Math.log(2 * Math.PI) + 0.5 * ldXX - 0.5 * slv - 0.5 * ldXWX - 0.5 * rssF;
  return { llML, llREML };
}

/**
 * Pseudo-R² in percent (rma.uni r2def "1": Raudenbush 1994) for a model with moderators and an intercept:
 * 100·(τ²₀ − τ²)/τ²₀ with τ²₀ from the intercept-only refit (0 when τ²₀ = 0, NaN when the refit fails);
 * for EE models the adjusted R² of the weighted least-squares regression (summary(lm(yi ~ X, weights = wi))).
 */
export function pseudoR2(
  d: Tau2Workspace,
  tau2: number,
  rssF: number,
  fit: { method: Method; test: Test; level: number; control: RmaOptions['control'] },
): number {
  const { k, p, yi, w } = d;
  if (fit.method === 'EE' || fit.method === 'FE') {
    let ss = 0;
    let mean = 0;
    for (let i = 0; i < k; i++) mean += yi[i]!;
    mean /= k;
    for (let i = 0; i < k; i++) ss += (yi[i]! - mean) ** 2;
    if (ss === 0) return 0;
    setWeights(d, 0);
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
    return Math.max(0, 100 * adj);
  }
  try {
    const r0 = rma(yi, d.vi, {
      method: fit.method,
      test: fit.test,
      level: fit.level,
      skipR2: true,
      control: fit.control,
    });
    if (r0.tau2 === 0) return 0;
    return Math.max(0, 100 * ((r0.tau2 - tau2) / r0.tau2));
  } catch {
    return Number.NaN;
  }
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
  const control: Tau2Control = {
    threshold: opts.control?.threshold ?? 1e-5,
    maxiter: opts.control?.maxiter ?? 100,
    stepadj: opts.control?.stepadj ?? 1,
    tau2Init: opts.control?.tau2Init,
  };
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
  const scratch = simple ? intOnlyBuffers(k) : null;
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
  const design = designMatrix(k, keep, intercept, modsIn, opts.modNames, scratch?.ws ?? null, warnings);
  const { ws, names } = design;
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

  const d: FitWorkspace = {
    k,
    p,
    ws,
    yi,
    vi,
    ymc,
    w: scratch ? scratch.w : new Float64Array(k),
    ones: scratch ? scratch.ones : new Float64Array(k).fill(1),
    allvipos,
  };
  const w = d.w;

  // ---- τ² estimation (k = 1: τ² cannot be estimated)
  let tau2 = 0;
  let seTau2 = Number.NaN;
  let iterations = 0;
  let boundary = false;
  if (!isEE && k > 1) {
    const est = TAU2_ESTIMATORS[method](d, control, warnings);
    tau2 = est.tau2;
    seTau2 = est.seTau2;
    iterations = est.iterations;
    if (tau2 === 0) boundary = true;
  }
  if (!isEE && k > 1 && boundary)
    warnings.push('tau^2 estimated at the boundary (0): the fit equals the equal-effects model.');
  if (k === 1 && !isEE) warnings.push('k = 1: tau^2 cannot be estimated and is set to 0.');

  // ---- model fit
  setWeights(d, tau2);
  for (let i = 0; i < k; i++)
    if (!Number.isFinite(w[i]!)) throw new MetaError('Division by zero when computing the inverse variance weights.');
  fitOrThrow(d, yi);
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
  const { QM, QMp } = omnibus(beta, vb, btt, test, ddf);
  const m = btt.length;

  const het = heterogeneity(d, tau2, isEE, warnings);
  const { llML, llREML } = fitStatistics(d, tau2, rssF);

  let R2: number | null = null;
  if (!intOnly && intIncl && !opts.skipR2) R2 = pseudoR2(d, tau2, rssF, { method, test, level, control: opts.control });

  // prediction interval (predict.rma)
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
    I2: het.I2,
    H2: het.H2,
    QE: het.QE,
    QEp: het.QEp,
    vt: het.vt,
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
    // a copy: for intercept-only fits ws.X is the cached design shared by every later fit of the same k
    Xmat: Float64Array.from(ws.X),
    warnings,
  };
}

/**
 * The design matrix actually used (column-major) and its WLS workspace: the cached intercept-only workspace
 * when given, else an intercept column (if any) and the moderators of the kept studies, with redundant
 * (linearly dependent) columns dropped as rma.uni does.
 */
function designMatrix(
  k: number,
  keep: number[] | null,
  intercept: boolean,
  modsIn: readonly (readonly number[])[],
  modNames: readonly string[] | undefined,
  cached: Wls | null,
  warnings: string[],
): { ws: Wls; names: string[] } {
  if (cached) return { ws: cached, names: ['intrcpt'] };
  let cols: Float64Array[] = [];
  let names: string[] = [];
  if (intercept) {
    cols.push(new Float64Array(k).fill(1));
    names.push('intrcpt');
  }
  modsIn.forEach((m, j) => {
    cols.push(keep === null ? Float64Array.from(m) : Float64Array.from(keep, (i) => m[i]!));
    names.push(modNames?.[j] ?? `X${j + 1}`);
  });
  if (cols.length === 0) throw new MetaError('Model has no intercept and no moderators.');
  const red = redundantColumns(cols, k);
  if (red.some((x) => x)) {
    warnings.push('Redundant predictors dropped from the model.');
    cols = cols.filter((_, j) => !red[j]);
    names = names.filter((_, j) => !red[j]);
  }
  const pc = cols.length;
  const X = new Float64Array(k * pc);
  for (let j = 0; j < pc; j++) X.set(cols[j]!, j * k);
  return { ws: new Wls(X, k, pc), names };
}

/**
 * Omnibus Wald test of the coefficients btt: QM = b'V⁻¹b ~ χ²(m), or with Knapp–Hartung QM/m ~ F(m, k−p).
 * QM is NaN when the sub-matrix of vb is not positive definite.
 */
function omnibus(
  beta: readonly number[],
  vb: readonly (readonly number[])[],
  btt: readonly number[],
  test: Test,
  ddf: number,
): { QM: number; QMp: number } {
  const m = btt.length;
  let QM = Number.NaN;
  const sub = new Float64Array(m * m);
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) sub[a * m + b] = vb[btt[a]!]![btt[b]!]!;
  const inv = new Float64Array(m * m);
  if (!Number.isNaN(invSPD(sub, m, inv, new Float64Array(m * m)))) {
    let q = 0;
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) q += beta[btt[a]!]! * inv[a * m + b]! * beta[btt[b]!]!;
    QM = q;
  }
  if (test === 'knha') {
    QM /= m;
    return { QM, QMp: ddf > 0 ? pfUpper(QM, m, ddf) : Number.NaN };
  }
  return { QM, QMp: pchisqUpper(QM, m) };
}
