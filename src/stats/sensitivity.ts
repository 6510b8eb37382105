// Leave-one-out and cumulative meta-analysis: ports of metafor::leave1out.rma.uni and cumul.rma.uni
// (metafor 3.8-1) for intercept-only models. Each row is a refit with the model's method, test and level;
// a refit that fails becomes a row with `error` (metafor: NA row), never a silent number.
import { MetaError, type Method, type RmaResult, rma, type Test } from './rma.ts';

export interface RefitRow {
  /** index of the study left out (leave-one-out) or last added (cumulative), in the model's study order */
  index: number;
  k: number;
  estimate: number;
  se: number;
  /** z value, or t value for test = knha */
  zval: number;
  pval: number;
  ciLb: number;
  ciUb: number;
  Q: number;
  Qp: number;
  tau2: number;
  I2: number;
  H2: number;
  warnings: string[];
  error?: string;
}

export interface RefitOptions {
  method: Method;
  test: Test;
  level: number;
}

function optsOf(fit: RmaResult): RefitOptions {
  return { method: fit.method, test: fit.test, level: fit.level };
}

function row(index: number, yi: number[], vi: number[], o: RefitOptions): RefitRow {
  try {
    const r = rma(yi, vi, { method: o.method, test: o.test, level: o.level });
    return {
      index,
      k: r.k,
      estimate: r.beta[0]!,
      se: r.se[0]!,
      zval: r.zval[0]!,
      pval: r.pval[0]!,
      ciLb: r.ciLb[0]!,
      ciUb: r.ciUb[0]!,
      Q: r.QE,
      Qp: r.QEp,
      tau2: r.tau2,
      I2: r.I2,
      H2: r.H2,
      warnings: r.warnings,
    };
  } catch (e) {
    const N = Number.NaN;
    return {
      index,
      k: yi.length,
      estimate: N,
      se: N,
      zval: N,
      pval: N,
      ciLb: N,
      ciUb: N,
      Q: N,
      Qp: N,
      tau2: N,
      I2: N,
      H2: N,
      warnings: [],
      error: (e as Error).message,
    };
  }
}

function requireIntOnly(fit: RmaResult): void {
  if (!fit.intOnly) throw new MetaError('Method only applicable to models without moderators.');
}

/** leave1out(fit): the model refitted k times, each time without one study. */
export function leave1out(fit: RmaResult): RefitRow[] {
  requireIntOnly(fit);
  if (fit.k === 1) throw new MetaError('Stopped because k = 1.');
  const o = optsOf(fit);
  const out: RefitRow[] = [];
  for (let i = 0; i < fit.k; i++) {
    const yi = fit.yi.filter((_, j) => j !== i);
    const vi = fit.vi.filter((_, j) => j !== i);
    out.push(row(i, yi, vi, o));
  }
  return out;
}

/**
 * cumul(fit, order): studies added one at a time in the given order (default: the order of the data; `order`
 * lists study indices, as R's order(order) would produce). The first row is a k = 1 fit (τ² = 0, z test).
 */
export function cumul(fit: RmaResult, order?: readonly number[]): RefitRow[] {
  requireIntOnly(fit);
  const idx = order ? [...order] : fit.yi.map((_, i) => i);
  if (idx.length !== fit.k || new Set(idx).size !== fit.k || idx.some((i) => !(i >= 0 && i < fit.k)))
    throw new MetaError('order must be a permutation of the study indices');
  const o = optsOf(fit);
  const out: RefitRow[] = [];
  for (let n = 1; n <= idx.length; n++) {
    const sel = idx.slice(0, n);
    out.push(
      row(
        idx[n - 1]!,
        sel.map((i) => fit.yi[i]!),
        sel.map((i) => fit.vi[i]!),
        o,
      ),
    );
  }
  return out;
}
