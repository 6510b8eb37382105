// Effect sizes and their sampling variances, following metafor::escalc (R/escalc.r, metafor 3.8-1) with its
// defaults: add = 1/2 and to = "only0" (1/2 added to every cell of a 2×2 table — or to xi and ni−xi for single
// proportions — that has a zero cell; add = 0 by default for PAS and PFT), drop00 = FALSE, vtype = "LS".
// ±Inf and NaN results are set to missing (NaN here, NA in R), as escalc does.
//
// Formulas (all from escalc.r, where the original references are cited):
//   RR  log risk ratio          yi = log(ai/n1i) − log(ci/n2i), vi = 1/ai − 1/n1i + 1/ci − 1/n2i
//   OR  log odds ratio          yi = log(ai·di/(bi·ci)),        vi = 1/ai + 1/bi + 1/ci + 1/di
//   RD  risk difference         yi = p1 − p2,                    vi = p1(1−p1)/n1i + p2(1−p2)/n2i
//   PETO log OR (Peto)          yi = (ai − Ei)/Vi, vi = 1/Vi (Yusuf et al. 1985)
//   MD  mean difference         vi = sd1²/n1 + sd2²/n2
//   SMD Hedges' g               g = c(m)·d with exact c(m) = Γ(m/2)/(√(m/2)·Γ((m−1)/2)), m = n1+n2−2 (Hedges 1981);
//                               vi = 1/n1 + 1/n2 + g²/(2(n1+n2)) (vtype "LS")
//   ROM log ratio of means      vi = sd1²/(n1·m1²) + sd2²/(n2·m2²)
//   PR, PLN, PLO, PAS, PFT      single proportions (PFT: Freeman–Tukey double arcsine, vi = 1/(4n+2))
//   MN  mean                    vi = sd²/n
//   COR, ZCOR                   vi = (1−r²)²/(n−1) and 1/(n−3); vi set to NA when n ≤ 3
//   GEN                         yi and vi given directly

import gammaln from '@stdlib/math-base-special-gammaln';
import { MetaError } from './meta-error.ts';

export const MEASURES = [
  'RR',
  'OR',
  'RD',
  'PETO',
  'MD',
  'SMD',
  'ROM',
  'PR',
  'PLN',
  'PLO',
  'PAS',
  'PFT',
  'MN',
  'COR',
  'ZCOR',
  'GEN',
] as const;
export type Measure = (typeof MEASURES)[number];

export const TWO_BY_TWO: ReadonlySet<Measure> = new Set(['RR', 'OR', 'RD', 'PETO']);
export const PROPORTION: ReadonlySet<Measure> = new Set(['PR', 'PLN', 'PLO', 'PAS', 'PFT']);

/** One study's data, with metafor's argument names. Missing values: undefined, null or NaN. */
export interface StudyData {
  ai?: number | null;
  bi?: number | null;
  ci?: number | null;
  di?: number | null;
  n1i?: number | null;
  n2i?: number | null;
  m1i?: number | null;
  sd1i?: number | null;
  m2i?: number | null;
  sd2i?: number | null;
  xi?: number | null;
  /** PR…PFT: number of non-events (default ni − xi); MN: the mean. */
  mi?: number | null;
  sdi?: number | null;
  ni?: number | null;
  ri?: number | null;
  yi?: number | null;
  vi?: number | null;
  sei?: number | null;
}

export type ZeroRule = 'only0' | 'all' | 'if0all' | 'none';

export interface EscalcOptions {
  /** default 1/2 (0 for PAS and PFT), as escalc */
  add?: number;
  to?: ZeroRule;
  /** set tables with no events (or only events) in both arms to missing; default false */
  drop00?: boolean;
}

export interface EscalcResult {
  measure: Measure;
  /** NaN where the outcome cannot be computed (R: NA) */
  yi: Float64Array;
  vi: Float64Array;
  /** unadjusted total sample size per study (R: attr(yi, "ni")); NaN when unknown */
  ni: Float64Array;
}

const num = (x: number | null | undefined): number => (x === undefined || x === null ? Number.NaN : x);

/** Exact bias-correction factor for the SMD (metafor's .cmicalc; Hedges 1981): NA when m ≤ 1. */
export function cmicalc(m: number): number {
  if (!(m > 1)) return Number.NaN;
  return Math.exp(gammaln(m / 2) - Math.log(Math.sqrt(m / 2)) - gammaln((m - 1) / 2));
}

function addFor(measure: Measure, opts: EscalcOptions): number {
  if (opts.add !== undefined) return opts.add;
  return measure === 'PAS' || measure === 'PFT' ? 0 : 0.5;
}

/** metafor::escalc for one measure over a list of studies. Throws on invalid input (as escalc stops). */
export function escalc(measure: Measure, data: readonly StudyData[], opts: EscalcOptions = {}): EscalcResult {
  const k = data.length;
  const yi = new Float64Array(k);
  const vi = new Float64Array(k);
  const niOut = new Float64Array(k);
  const add = addFor(measure, opts);
  const to: ZeroRule = opts.to ?? 'only0';
  const drop00 = opts.drop00 ?? false;

  if (TWO_BY_TWO.has(measure)) {
    const A = new Float64Array(k);
    const B = new Float64Array(k);
    const C = new Float64Array(k);
    const D = new Float64Array(k);
    let any0 = false;
    for (let i = 0; i < k; i++) {
      const r = data[i]!;
      const ai = num(r.ai);
      const ci = num(r.ci);
      let bi = num(r.bi);
      let di = num(r.di);
      const n1i = num(r.n1i);
      const n2i = num(r.n2i);
      if (r.bi === undefined || r.bi === null) bi = n1i - ai;
      if (r.di === undefined || r.di === null) di = n2i - ci;
      if (ai > n1i || ci > n2i)
        throw new MetaError('One or more event counts are larger than the corresponding group sizes.');
      if (ai < 0 || bi < 0 || ci < 0 || di < 0) throw new MetaError('One or more counts are negative.');
      A[i] = ai;
      B[i] = bi;
      C[i] = ci;
      D[i] = di;
      niOut[i] = ai + bi + ci + di;
      if (drop00 && ((ai === 0 && ci === 0) || (bi === 0 && di === 0))) {
        A[i] = B[i] = C[i] = D[i] = Number.NaN;
      }
      if (A[i] === 0 || B[i] === 0 || C[i] === 0 || D[i] === 0) any0 = true;
    }
    for (let i = 0; i < k; i++) {
      let ai = A[i]!;
      let bi = B[i]!;
      let ci = C[i]!;
      let di = D[i]!;
      const has0 = ai === 0 || bi === 0 || ci === 0 || di === 0;
      if (to === 'all' || (to === 'only0' && has0) || (to === 'if0all' && any0)) {
        ai += add;
        bi += add;
        ci += add;
        di += add;
      }
      const n1i = ai + bi;
      const n2i = ci + di;
      const p1 = ai / n1i;
      const p2 = ci / n2i;
      let y: number;
      let v: number;
      switch (measure) {
        case 'RR':
          y = Math.log(p1) - Math.log(p2);
          v = 1 / ai - 1 / n1i + 1 / ci - 1 / n2i;
          break;
        case 'OR':
          y = Math.log(p1 / (1 - p1)) - Math.log(p2 / (1 - p2));
          v = 1 / ai + 1 / bi + 1 / ci + 1 / di;
          break;
        case 'RD':
          y = p1 - p2;
          v = (p1 * (1 - p1)) / n1i + (p2 * (1 - p2)) / n2i;
          break;
        default: {
          // PETO
          const ni = n1i + n2i;
          const xt = ai + ci;
          const yt = bi + di;
          const Ei = (xt * n1i) / ni;
          const Vi = (xt * yt * (n1i / ni) * (n2i / ni)) / (ni - 1);
          y = (ai - Ei) / Vi;
          v = 1 / Vi;
        }
      }
      yi[i] = y;
      vi[i] = v;
    }
  } else if (measure === 'MD' || measure === 'SMD' || measure === 'ROM') {
    for (let i = 0; i < k; i++) {
      const r = data[i]!;
      const m1i = num(r.m1i);
      const m2i = num(r.m2i);
      const sd1i = num(r.sd1i);
      const sd2i = num(r.sd2i);
      const n1i = num(r.n1i);
      const n2i = num(r.n2i);
      if (sd1i < 0 || sd2i < 0) throw new MetaError('One or more standard deviations are negative.');
      if (n1i < 0 || n2i < 0) throw new MetaError('One or more sample sizes are negative.');
      const ni = n1i + n2i;
      niOut[i] = ni;
      if (measure === 'MD') {
        yi[i] = m1i - m2i;
        vi[i] = (sd1i * sd1i) / n1i + (sd2i * sd2i) / n2i;
      } else if (measure === 'SMD') {
        const mi = ni - 2;
        const sdpi = Math.sqrt(((n1i - 1) * sd1i * sd1i + (n2i - 1) * sd2i * sd2i) / mi);
        const g = cmicalc(mi) * ((m1i - m2i) / sdpi);
        yi[i] = g;
        vi[i] = 1 / n1i + 1 / n2i + (g * g) / (2 * ni);
      } else {
        yi[i] = Math.log(m1i / m2i);
        vi[i] = (sd1i * sd1i) / (n1i * m1i * m1i) + (sd2i * sd2i) / (n2i * m2i * m2i);
      }
    }
  } else if (PROPORTION.has(measure)) {
    const X = new Float64Array(k);
    const M = new Float64Array(k);
    let any0 = false;
    for (let i = 0; i < k; i++) {
      const r = data[i]!;
      const xi = num(r.xi);
      const ni = num(r.ni);
      const mi = r.mi === undefined || r.mi === null ? ni - xi : r.mi;
      if (xi > ni) throw new MetaError('One or more event counts are larger than the corresponding group sizes.');
      if (xi < 0 || mi < 0) throw new MetaError('One or more counts are negative.');
      X[i] = xi;
      M[i] = mi;
      niOut[i] = xi + mi;
      if (xi === 0 || mi === 0) any0 = true;
    }
    for (let i = 0; i < k; i++) {
      let xi = X[i]!;
      let mi = M[i]!;
      const has0 = xi === 0 || mi === 0;
      if (to === 'all' || (to === 'only0' && has0) || (to === 'if0all' && any0)) {
        xi += add;
        mi += add;
      }
      const ni = xi + mi;
      const pr = xi / ni;
      switch (measure) {
        case 'PR':
          yi[i] = pr;
          vi[i] = (pr * (1 - pr)) / ni;
          break;
        case 'PLN':
          yi[i] = Math.log(pr);
          vi[i] = 1 / xi - 1 / ni;
          break;
        case 'PLO':
          yi[i] = Math.log(pr / (1 - pr));
          vi[i] = 1 / xi + 1 / mi;
          break;
        case 'PAS':
          yi[i] = Math.asin(Math.sqrt(pr));
          vi[i] = 1 / (4 * ni);
          break;
        default:
          // PFT (Freeman & Tukey 1950)
          yi[i] = 0.5 * (Math.asin(Math.sqrt(xi / (ni + 1))) + Math.asin(Math.sqrt((xi + 1) / (ni + 1))));
          vi[i] = 1 / (4 * ni + 2);
      }
    }
  } else if (measure === 'MN') {
    for (let i = 0; i < k; i++) {
      const r = data[i]!;
      const mi = num(r.mi);
      const sdi = num(r.sdi);
      const ni = num(r.ni);
      if (sdi < 0) throw new MetaError('One or more standard deviations are negative.');
      if (ni < 0) throw new MetaError('One or more sample sizes are negative.');
      niOut[i] = ni;
      yi[i] = mi;
      vi[i] = (sdi * sdi) / ni;
    }
  } else if (measure === 'COR' || measure === 'ZCOR') {
    for (let i = 0; i < k; i++) {
      const r = data[i]!;
      const ri = num(r.ri);
      const ni = num(r.ni);
      if (Math.abs(ri) > 1) throw new MetaError('One or more correlations are > 1 or < -1.');
      if (ni <= 0) throw new MetaError('One or more sample sizes are <= 0.');
      niOut[i] = ni;
      if (measure === 'COR') {
        yi[i] = ri;
        vi[i] = (1 - ri * ri) ** 2 / (ni - 1);
      } else {
        yi[i] = 0.5 * Math.log((1 + ri) / (1 - ri));
        vi[i] = 1 / (ni - 3);
      }
      if (ni <= 3) vi[i] = Number.NaN; // metafor 3.8-1: vi <- NA when ni <= 3
    }
  } else {
    // GEN: yi with vi (or sei²)
    for (let i = 0; i < k; i++) {
      const r = data[i]!;
      yi[i] = num(r.yi);
      const v = r.vi === undefined || r.vi === null ? num(r.sei) ** 2 : r.vi;
      vi[i] = v;
      niOut[i] = num(r.ni);
    }
  }

  // ±Inf and NaN → missing; negative variances → missing (escalc's final checks)
  for (let i = 0; i < k; i++) {
    const y = yi[i]!;
    const v = vi[i]!;
    if (!Number.isFinite(y) || !Number.isFinite(v)) {
      yi[i] = Number.NaN;
      vi[i] = Number.NaN;
    } else if (v < 0) vi[i] = Number.NaN;
  }
  return { measure, yi, vi, ni: niOut };
}
