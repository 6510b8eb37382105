// The forest plot of a SoF question: the study effects it pooled, re-fitted with the same engine and method
// (src/stats rma) and drawn by src/stats/forest.ts. Pure. The analysis-scale values come back from each effect's
// CI: a computed effect's CI is estimate ± z·SE on the analysis scale (logit, log or identity; effects.ts), so
// the midpoint of the transformed limits is yi and their half-width / z is its SE; an effect as reported keeps
// its reported estimate, with the SE from its CI, as effects.ts pools it.

import { qnorm } from '../stats/dist.ts';
import type { Measure } from '../stats/escalc.ts';
import { type ArmCounts, forestSvg } from '../stats/forest.ts';
import { type Method, rma } from '../stats/rma.ts';
import type { SofQuestion } from './sof.ts';

const Z975 = qnorm(0.975);
const scale = (measure: string): ((x: number) => number) =>
  measure === 'PLO'
    ? (p: number) => Math.log(p / (1 - p))
    : measure === 'RR' || measure === 'OR'
      ? Math.log
      : (x: number) => x;

export interface QuestionForest {
  svg: string;
  /** the studies in plot order, with their weights (%) */
  rows: {
    study_id: string;
    estimate: number;
    ci_lb: number;
    ci_ub: number;
    weight: number;
    events: number | null;
    n: number | null;
  }[];
  measure: string;
}

/** The forest plot of a question with ≥ 2 effects of its pooled measure, or null. */
export function questionForest(q: SofQuestion, method: Method): QuestionForest | null {
  const e = q.effect;
  if (!e || e.k < 2) return null;
  const used = q.study_effects
    .filter((x) => x.measure === e.measure)
    .filter((x, i, all) => all.findIndex((y) => y.study_id === x.study_id) === i)
    .sort((a, b) => a.study_id.localeCompare(b.study_id));
  if (used.length < 2) return null;
  const f = scale(e.measure);
  const yi = used.map((x) => (x.as_reported ? f(x.estimate) : (f(x.ci_lb) + f(x.ci_ub)) / 2));
  const vi = used.map((x) => ((f(x.ci_ub) - f(x.ci_lb)) / (2 * Z975)) ** 2);
  const test = method === 'EE' || method === 'FE' ? 'z' : 'knha';
  let fit: ReturnType<typeof rma>;
  try {
    fit = rma(yi, vi, { method, test, skipR2: true });
  } catch {
    // as pool.ts: metafor's remedy for a Fisher-scoring failure
    fit = rma(yi, vi, { method, test, skipR2: true, control: { stepadj: 0.5, maxiter: 1000 } });
  }
  const counts: ArmCounts[] | undefined = used.every((x) => x.comparator && x.events !== null)
    ? used.map((x) => ({ e1: x.events!, n1: x.n - x.comparator!.n, e2: x.comparator!.events, n2: x.comparator!.n }))
    : undefined;
  const ni = used.map((x) => (Number.isFinite(x.n) ? x.n : Number.NaN));
  const single = e.measure === 'PLO';
  const svg = forestSvg({
    measure: e.measure as Measure,
    labels: used.map((x) => (single && x.events !== null ? `${x.study_id} (${x.events}/${x.n})` : x.study_id)),
    ni,
    fit,
    title: `${q.outcome}, ${q.timepoint}: ${single ? 'single-arm proportions (no comparator)' : q.comparison}`,
    ...(counts ? { counts, armNames: ['Treatment', 'Comparator'] as [string, string] } : {}),
    ...(single ? {} : { favoursLeft: '', favoursRight: '' }),
  });
  return {
    svg,
    measure: e.measure,
    rows: used.map((x, i) => ({
      study_id: x.study_id,
      estimate: x.estimate,
      ci_lb: x.ci_lb,
      ci_ub: x.ci_ub,
      weight: fit.weights[i]!,
      events: x.events,
      n: Number.isFinite(x.n) ? x.n : null,
    })),
  };
}
