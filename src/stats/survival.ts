// Kaplan–Meier estimate of a survival function with Greenwood standard errors and pointwise confidence
// intervals. Pure. Kaplan EL, Meier P. J Am Stat Assoc 1958;53:457–481; Greenwood M. Rep Public Health Med
// Subj 1926;33. Written as R's survival::survfit(Surv(time, status) ~ 1) computes it, so that
// scripts/r/analysis-fixtures.R can check it:
//   S(t) = ∏_{tᵢ ≤ t} (1 − dᵢ/nᵢ)            (nᵢ at risk just before tᵢ: time ≥ tᵢ; censored at tᵢ are at risk)
//   se(log S)(t) = √ Σ_{tᵢ ≤ t} dᵢ / (nᵢ(nᵢ − dᵢ))   (Greenwood, on the log scale: survfit's `std.err`)
// Confidence intervals (survfit's conf.type):
//   "log-log": S^exp(∓z·se/log S)  (Kalbfleisch & Prentice; stays inside (0, 1))
//   "log":     S·exp(∓z·se), upper capped at 1 (survfit's default)
//   "plain":   S ∓ z·S·se, clipped to [0, 1]
// At S = 1 the interval is [1, 1]; where S = 0 or the variance is infinite (every patient at risk failed) the
// log-log and log limits are undefined (R: NA) and are returned as null.
import { qnormUpper } from './dist.ts';

export type ConfType = 'log-log' | 'log' | 'plain';

export interface SurvivalObservation {
  /** Time from origin to event or censoring (≥ 0). */
  time: number;
  /** true = the event happened at `time`; false = censored (last known event-free at `time`). */
  event: boolean;
}

export interface KmStep {
  time: number;
  at_risk: number;
  events: number;
  censored: number;
  survival: number;
  /** Greenwood standard error of log S (survfit's std.err); null when infinite. */
  se_log: number | null;
  lower: number | null;
  upper: number | null;
}

export interface KmSummaryRow {
  time: number;
  /** At risk at `time` (observations with time ≥ t), survfit's summary n.risk. */
  at_risk: number;
  /** Events in (previous summary time, time], summary.survfit's n.event. */
  events: number;
  survival: number | null;
  lower: number | null;
  upper: number | null;
}

export interface KmFit {
  n: number;
  events: number;
  conf_type: ConfType;
  level: number;
  steps: KmStep[];
  /** Largest observed time (events or censorings). */
  max_time: number;
}

function limits(s: number, se: number | null, z: number, type: ConfType): [number | null, number | null] {
  if (s >= 1) return [1, 1];
  if (se === null || s <= 0) return type === 'plain' && s <= 0 ? [0, 0] : [null, null];
  if (type === 'log-log') {
    const ls = Math.log(s);
    return [s ** Math.exp((-z * se) / ls), s ** Math.exp((z * se) / ls)];
  }
  if (type === 'log') return [s * Math.exp(-z * se), Math.min(1, s * Math.exp(z * se))];
  return [Math.max(0, s - z * s * se), Math.min(1, s + z * s * se)];
}

export function kaplanMeier(obs: readonly SurvivalObservation[], confType: ConfType = 'log-log', level = 0.95): KmFit {
  const byTime = new Map<number, { events: number; censored: number }>();
  for (const [i, o] of obs.entries()) {
    if (!(Number.isFinite(o.time) && o.time >= 0))
      throw new RangeError(`observation ${i}: time must be finite and >= 0`);
    let c = byTime.get(o.time);
    if (!c) {
      c = { events: 0, censored: 0 };
      byTime.set(o.time, c);
    }
    if (o.event) c.events++;
    else c.censored++;
  }
  return kaplanMeierCounts(
    [...byTime].map(([time, c]) => ({ time, ...c })),
    confType,
    level,
  );
}

/** Events and censorings at one time: the sufficient statistic of a Kaplan–Meier fit. */
export interface SurvivalCount {
  time: number;
  events: number;
  censored: number;
}

/**
 * kaplanMeier from counts per distinct time (the outcomes analysis counts them in the database as in
 * memory): the same product-limit and Greenwood sums, over the times in ascending order.
 */
export function kaplanMeierCounts(
  counts: readonly SurvivalCount[],
  confType: ConfType = 'log-log',
  level = 0.95,
): KmFit {
  for (const c of counts) {
    if (!(Number.isFinite(c.time) && c.time >= 0)) throw new RangeError(`time ${c.time} must be finite and >= 0`);
    if (!(Number.isInteger(c.events) && c.events >= 0 && Number.isInteger(c.censored) && c.censored >= 0))
      throw new RangeError(`time ${c.time}: counts must be non-negative integers`);
  }
  const z = qnormUpper((1 - level) / 2);
  const sorted = counts.filter((c) => c.events + c.censored > 0).sort((a, b) => a.time - b.time);
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i]!.time === sorted[i - 1]!.time) throw new RangeError(`time ${sorted[i]!.time} is given twice`);
  const steps: KmStep[] = [];
  let atRisk = 0;
  for (const c of sorted) atRisk += c.events + c.censored;
  const n = atRisk;
  let s = 1;
  let varSum = 0;
  let infinite = false;
  let totalEvents = 0;
  for (const { time: t, events: d, censored: c } of sorted) {
    if (d > 0) {
      s *= 1 - d / atRisk;
      if (atRisk === d) infinite = true;
      else varSum += d / (atRisk * (atRisk - d));
    }
    totalEvents += d;
    const se = infinite ? null : Math.sqrt(varSum);
    const [lower, upper] = limits(s, se, z, confType);
    steps.push({ time: t, at_risk: atRisk, events: d, censored: c, survival: s, se_log: se, lower, upper });
    atRisk -= d + c;
  }
  return {
    n,
    events: totalEvents,
    conf_type: confType,
    level,
    steps,
    max_time: sorted.at(-1)?.time ?? 0,
  };
}

/**
 * The fit at given times, as summary(survfit, times = …): S at the last step at or before t, at risk at t,
 * events since the previous requested time. Beyond the largest observed time R drops the row (extend = FALSE);
 * here it is kept with survival null, so a reader sees that nobody was followed that long.
 */
export function kmAt(fit: KmFit, times: readonly number[]): KmSummaryRow[] {
  const out: KmSummaryRow[] = [];
  let prev = Number.NEGATIVE_INFINITY;
  for (const t of [...times].sort((a, b) => a - b)) {
    let last: KmStep | null = null;
    let events = 0;
    let atRisk = 0;
    for (const st of fit.steps) {
      if (st.time <= t) {
        last = st;
        if (st.time > prev) events += st.events;
      }
      if (st.time >= t) atRisk += st.events + st.censored;
    }
    prev = t;
    if (fit.n === 0 || t > fit.max_time) {
      out.push({ time: t, at_risk: atRisk, events, survival: null, lower: null, upper: null });
      continue;
    }
    out.push({
      time: t,
      at_risk: atRisk,
      events,
      survival: last ? last.survival : 1,
      lower: last ? last.lower : 1,
      upper: last ? last.upper : 1,
    });
  }
  return out;
}
