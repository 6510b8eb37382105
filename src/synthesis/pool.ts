// Pooling of comparable study effects with the engine in src/stats (metafor's rma.uni). Pure.
// Default REML with the Knapp–Hartung adjustment (Cochrane's current default, issue 9 §2); proportions on the
// logit scale (PLO) and back-transformed; warnings for k < 5, zero cells and a boundary τ².
import pkg from '../../package.json' with { type: 'json' };
import { type Method, rma } from '../stats/rma.ts';
import { ilogit } from '../stats/transform.ts';
import type { StudyEffect } from './effects.ts';

export interface PooledEffect {
  measure: string;
  estimate: number;
  ci_lb: number;
  ci_ub: number;
  k: number;
  method: string;
  pi_lb: number | null;
  pi_ub: number | null;
  i2: number | null;
  tau2: number | null;
  /** "single-arm" when every effect is a single-arm proportion: never a comparison with control */
  body: 'comparative' | 'single-arm';
  participants: number | null;
  software: string;
  warnings: string[];
}

const back = (measure: string) =>
  measure === 'PLO' ? ilogit : measure === 'RR' || measure === 'OR' ? Math.exp : (x: number) => x;

/** Pool k ≥ 2 effects of one measure; k = 1 gives that study's effect, labelled "single study (not pooled)". */
export function poolEffects(effects: readonly StudyEffect[], method: Method = 'REML'): PooledEffect | null {
  if (effects.length === 0) return null;
  const measure = effects[0]!.measure;
  if (effects.some((e) => e.measure !== measure)) throw new Error('poolEffects: effects of different measures');
  const body = measure === 'PLO' ? 'single-arm' : 'comparative';
  const participants = effects.every((e) => Number.isFinite(e.n)) ? effects.reduce((a, e) => a + e.n, 0) : null;
  const software = `regenspine ${pkg.version} src/stats rma.uni (metafor algorithms)`;
  if (effects.length === 1) {
    const e = effects[0]!;
    return {
      measure,
      estimate: e.estimate,
      ci_lb: e.ci_lb,
      ci_ub: e.ci_ub,
      k: 1,
      method: 'single study (not pooled)',
      pi_lb: null,
      pi_ub: null,
      i2: null,
      tau2: null,
      body,
      participants,
      software,
      warnings: [],
    };
  }
  // Sort by study id so that the result cannot depend on the order the files were read in.
  const sorted = [...effects].sort((a, b) => a.study_id.localeCompare(b.study_id));
  const test = method === 'EE' || method === 'FE' ? 'z' : 'knha';
  const yi = sorted.map((e) => e.yi);
  const vi = sorted.map((e) => e.vi);
  const notes: string[] = [];
  let r: ReturnType<typeof rma>;
  try {
    r = rma(yi, vi, { method, test, skipR2: true });
  } catch (e) {
    if (!/did not converge/.test((e as Error).message)) throw e;
    // metafor's own remedy for a Fisher-scoring failure (help(rma), "control"): a smaller step and more
    // iterations; the same estimator, so the answer is the one rma would give once it converges. Said so.
    r = rma(yi, vi, { method, test, skipR2: true, control: { stepadj: 0.5, maxiter: 1000 } });
    notes.push(`${method} did not converge with the default control; refitted with stepadj 0.5, maxiter 1000`);
  }
  const f = back(measure);
  const warnings: string[] = [...notes, ...r.warnings];
  if (r.k < 5) warnings.push(`k = ${r.k} < 5: τ² and the Knapp–Hartung interval are estimated from very few studies`);
  if (sorted.some((e) => e.events === 0 || (e.events !== null && e.events === e.n) || e.comparator?.events === 0))
    warnings.push('zero cell: 1/2 added to the cells of that study (escalc default)');
  if (r.tau2Boundary) warnings.push('τ² estimated at the boundary (0)');
  const p = r.pred!;
  return {
    measure,
    estimate: f(p.pred),
    ci_lb: f(p.ciLb),
    ci_ub: f(p.ciUb),
    k: r.k,
    method: `${method}${test === 'knha' ? ' + Knapp–Hartung' : ''}`,
    pi_lb: Number.isFinite(p.piLb) ? f(p.piLb) : null,
    pi_ub: Number.isFinite(p.piUb) ? f(p.piUb) : null,
    i2: r.I2,
    tau2: r.tau2,
    body,
    participants,
    software,
    warnings,
  };
}
