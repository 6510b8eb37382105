// Anticipated absolute effects of a Summary-of-Findings row (issue 9 §4): "risk with comparator" and
// "difference per 1,000" with its 95% CI, from a pooled (or single-study) RR, OR or RD and the comparator arms'
// observed risk. Pure. Formulas: Cochrane Handbook 5.1 §11.5.5 (and its successor, Cochrane Handbook v6
// ch. 14, "Completing 'Summary of findings' tables"), vendored in docs/reference/sof-absolute-effects.md:
//   assumed comparator risk (ACR) = the median comparator-group risk of the studies (Handbook 5.1 §11.5.6.3);
//   RR: risk with intervention = ACR × RR;
//   OR: risk with intervention = OR × ACR / (1 − ACR + OR × ACR);
//   RD: risk with intervention = ACR + RD;
//   difference = risk with intervention − ACR; each CI limit from the same formula at the CI limit of the ratio.
// Continuous outcomes keep their mean difference (the MD is already absolute); single-arm proportions have no
// comparator; an effect without the comparator arms' counts has no observed comparator risk. Each is null with
// the reason, never an assumed risk the data do not give.
import type { StudyEffect } from './effects.ts';
import type { PooledEffect } from './pool.ts';

export const PER = 1000;

export interface Interval {
  estimate: number;
  ci_lb: number;
  ci_ub: number;
}

export interface AbsoluteEffect {
  /** the relative measure the absolute effect is computed from */
  basis: 'RR' | 'OR' | 'RD';
  per: typeof PER;
  /** the assumed comparator risk per 1,000: the median observed comparator-arm risk */
  risk_with_comparator: number;
  /** how the comparator risk was had: each arm's events/n */
  comparator_risk_from: { study_id: string; events: number; n: number }[];
  risk_with_intervention: Interval;
  /** risk with intervention − risk with comparator, per 1,000 (negative = fewer) */
  difference: Interval;
  formula: string;
  source: string;
}

export type AbsoluteResult = { value: AbsoluteEffect; reason: null } | { value: null; reason: string };

export const ABSOLUTE_SOURCE =
  'Cochrane Handbook 5.1 §11.5.5 and §11.5.6.3 (Schünemann et al.); Cochrane Handbook v6 ch. 14; docs/reference/sof-absolute-effects.md';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Risk with intervention (a proportion) from an assumed comparator risk and a relative effect. */
export function interventionRisk(basis: 'RR' | 'OR' | 'RD', acr: number, effect: number): number {
  if (basis === 'RR') return acr * effect;
  if (basis === 'OR') return (effect * acr) / (1 - acr + effect * acr);
  return acr + effect;
}

/** Absolute effects per 1,000 from a relative effect with its CI and an assumed comparator risk (a proportion). */
export function absoluteFromRelative(
  basis: 'RR' | 'OR' | 'RD',
  effect: Interval,
  acr: number,
): Pick<AbsoluteEffect, 'risk_with_comparator' | 'risk_with_intervention' | 'difference' | 'formula'> {
  const r = (x: number) => interventionRisk(basis, acr, x);
  // Ratios are monotone increasing in the risk with intervention, so the CI limits map to the CI limits.
  const ri = { estimate: PER * r(effect.estimate), ci_lb: PER * r(effect.ci_lb), ci_ub: PER * r(effect.ci_ub) };
  const base = PER * acr;
  const formula = {
    RR: 'risk with intervention = ACR × RR; difference = ACR × (RR − 1); per 1,000',
    OR: 'risk with intervention = OR × ACR / (1 − ACR + OR × ACR); difference = that − ACR; per 1,000',
    RD: 'risk with intervention = ACR + RD; difference = RD; per 1,000',
  }[basis];
  return {
    risk_with_comparator: base,
    risk_with_intervention: ri,
    difference: { estimate: ri.estimate - base, ci_lb: ri.ci_lb - base, ci_ub: ri.ci_ub - base },
    formula,
  };
}

/** The absolute effect of a SoF row from its pooled effect and the study effects pooled, or why there is none. */
export function absoluteEffect(pooled: PooledEffect | null, effects: readonly StudyEffect[]): AbsoluteResult {
  if (!pooled) return { value: null, reason: 'no effect estimate' };
  if (pooled.body === 'single-arm' || pooled.measure === 'PLO')
    return { value: null, reason: 'single-arm proportion: there is no comparator, so no absolute difference' };
  if (pooled.measure === 'MD' || pooled.measure === 'SMD')
    return {
      value: null,
      reason: `continuous outcome: the ${pooled.measure === 'MD' ? 'mean difference is itself the absolute effect' : 'standardised mean difference has no natural unit'}`,
    };
  if (pooled.measure !== 'RR' && pooled.measure !== 'OR' && pooled.measure !== 'RD')
    return { value: null, reason: `no absolute effect for ${pooled.measure}` };
  const withCounts = effects.filter((e) => e.comparator !== null);
  if (withCounts.length === 0)
    return {
      value: null,
      reason:
        'the comparator arms’ events and sizes are not given (an effect as reported), so there is no observed comparator risk',
    };
  const from = withCounts.map((e) => ({ study_id: e.study_id, events: e.comparator!.events, n: e.comparator!.n }));
  const acr = median(from.map((x) => x.events / x.n));
  if (pooled.measure !== 'RD' && acr === 0)
    return {
      value: null,
      reason: 'the observed comparator risk is 0: a ratio applied to it gives 0 whatever the ratio',
    };
  const a = absoluteFromRelative(pooled.measure, pooled, acr);
  return {
    value: {
      basis: pooled.measure,
      per: PER,
      comparator_risk_from: from,
      ...a,
      formula: `ACR = median comparator-arm risk of ${from.length} ${from.length === 1 ? 'study' : 'studies'}; ${a.formula}`,
      source: ABSOLUTE_SOURCE,
    },
    reason: null,
  };
}
