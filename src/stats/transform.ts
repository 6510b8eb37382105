// Back-transformations of pooled estimates to the natural scale, as metafor's transf.* functions:
// exp (RR, OR, PETO, ROM, PLN), transf.ilogit (PLO), transf.iarcsin (PAS), transf.ztor (ZCOR), and for PFT
// transf.ipft.hm: the inverse of the Freeman–Tukey double arcsine with the harmonic mean of the sample sizes
// (Miller 1978; metafor R/transf.r).
import type { Measure } from './escalc.ts';

export function ilogit(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function iarcsin(x: number): number {
  // transf.iarcsin: sin(x)^2, with x truncated to [0, π/2]
  const z = Math.sin(x) ** 2;
  if (x < 0) return 0;
  if (x > Math.PI / 2) return 1;
  return z;
}

export function ztor(x: number): number {
  return Math.tanh(x);
}

/** transf.pft(p, n): Freeman–Tukey transform of a proportion */
export function pft(p: number, n: number): number {
  const x = p * n;
  return 0.5 * (Math.asin(Math.sqrt(x / (n + 1))) + Math.asin(Math.sqrt((x + 1) / (n + 1))));
}

/** transf.ipft(x, n): inverse Freeman–Tukey for sample size n (Miller 1978) */
export function ipft(x: number, n: number): number {
  const s = Math.sin(2 * x);
  let z = 0.5 * (1 - Math.sign(Math.cos(2 * x)) * Math.sqrt(1 - (s + (s - 1 / s) / n) ** 2));
  if (Number.isNaN(z)) z = Number.NaN;
  if (x > pft(1, n)) z = 1;
  if (x < pft(0, n)) z = 0;
  return z;
}

/** harmonic mean of the sample sizes, as transf.ipft.hm: 1/mean(1/ni, na.rm = TRUE) */
export function harmonicMean(ni: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < ni.length; i++) {
    const v = ni[i]!;
    if (!Number.isNaN(v)) {
      s += 1 / v;
      n++;
    }
  }
  return n / s;
}

export interface BackTransform {
  label: string;
  f: (x: number) => number;
  /** true when the natural scale is a ratio (log axis in plots) */
  ratio: boolean;
}

/** The back-transformation metafor users apply for a measure, or null when the analysis scale is natural. */
export function backTransform(measure: Measure, ni?: ArrayLike<number>): BackTransform | null {
  switch (measure) {
    case 'RR':
    case 'OR':
    case 'PETO':
    case 'ROM':
      return {
        label: measure === 'RR' ? 'risk ratio' : measure === 'ROM' ? 'ratio of means' : 'odds ratio',
        f: Math.exp,
        ratio: true,
      };
    case 'PLN':
      return { label: 'proportion', f: Math.exp, ratio: false };
    case 'PLO':
      return { label: 'proportion', f: ilogit, ratio: false };
    case 'PAS':
      return { label: 'proportion', f: iarcsin, ratio: false };
    case 'PFT': {
      if (!ni || ni.length === 0) return null;
      const nhm = harmonicMean(ni);
      return { label: 'proportion', f: (x) => ipft(x, nhm), ratio: false };
    }
    case 'ZCOR':
      return { label: 'correlation', f: ztor, ratio: false };
    default:
      return null;
  }
}
