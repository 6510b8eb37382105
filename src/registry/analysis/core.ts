// Outcomes analysis of a registry cohort (issue 13 §1). Pure: records in, tables out. Each computation says
// what it counts; definitions are in docs/reference/analysis.md.
//  - Responders per instrument and timepoint: follow-up windows from config/registry.json, responder rules
//    from config/instruments.json (with the overrides of config/analysis.json), baseline required.
//  - Mean change from baseline (t interval), median and quartiles.
//  - Opioids: MME/day at baseline and each timepoint, share off opioids, change.
//  - Treatment failure: Kaplan–Meier (src/stats/survival.ts), censored at last contact.
//  - Adverse events per 100 procedures, by CTCAE grade, seriousness and relatedness.

import type { InstrumentConfig, ResponderInstrument } from '../../instruments/config.ts';
import { isResponder } from '../../instruments/responder.ts';
import { clopperPearson, poissonExact, wilson } from '../../stats/binomial.ts';
import { addCount, summarizeCounts } from '../../stats/describe.ts';
import { kaplanMeierCounts, kmAt } from '../../stats/survival.ts';
import type { RegistryConfig } from '../config.ts';
import { parseIsoDate } from '../schedule.ts';
import type { AnalysisConfig } from './config.ts';
import {
  AE_CATEGORIES,
  type AnalysisPlan,
  addFacts,
  analysisPlan,
  type CohortStats,
  emptyStats,
  recordFacts,
} from './facts.ts';
import type { AnalysisRecord } from './input.ts';

export interface AnalysisOptions {
  /** The day the analysis is as of: a timepoint whose window has not closed by then is "not yet due". */
  asOf: string;
  registry?: RegistryConfig;
  instruments?: InstrumentConfig;
  analysis?: AnalysisConfig;
}

type Pair = [number, number];

export interface ResponderRow {
  instrument: ResponderInstrument;
  timepoint_months: number;
  /** With a baseline score, and the window closed by as_of (or already assessed). */
  eligible: number | null;
  /** A score for the instrument in the timepoint's window. */
  assessed: number | null;
  responders: number | null;
  non_responders: number | null;
  /** Assessed, but no criterion of the rule can be decided (e.g. NRS baseline 1 cannot fall 2 points). */
  not_evaluable: number | null;
  missing: { missed: number | null; withdrawn: number | null };
  /** Window still open (or not yet reached) on as_of and not yet assessed: not counted as eligible. */
  not_yet_due: number | null;
  /** Patients with no baseline score for the instrument: left out of every count above. */
  no_baseline: number | null;
  /** Complete case: responders / (responders + non-responders), percent. */
  pct: number | null;
  ci_exact: Pair | null;
  ci_wilson: Pair | null;
  /** Worst case: missing counted as non-responders, responders / (eligible − not evaluable), percent. */
  worst_case_pct: number | null;
  worst_case_ci_exact: Pair | null;
  worst_case_ci_wilson: Pair | null;
  suppressed?: boolean;
}

export interface ChangeRow {
  instrument: ResponderInstrument;
  timepoint_months: number;
  /** Follow-up minus baseline, in score points (negative = lower score; for ODI and NRS lower is better). */
  n: number | null;
  mean: number | null;
  ci: Pair | null;
  sd: number | null;
  median: number | null;
  iqr: Pair | null;
  suppressed?: boolean;
}

export interface OpioidRow {
  timepoint_months: number;
  /** Patients with MME/day recorded at baseline and at this timepoint. */
  n: number | null;
  baseline_mean: number | null;
  followup_mean: number | null;
  followup_median: number | null;
  /** Share with 0 MME/day at the timepoint (percent), exact CI. */
  off_opioids: number | null;
  off_opioids_pct: number | null;
  off_opioids_ci_exact: Pair | null;
  /** Among patients on opioids at baseline: how many were off at the timepoint. */
  baseline_users: number | null;
  baseline_users_off: number | null;
  /** Follow-up − baseline MME/day, mean with t CI, median. */
  change_mean: number | null;
  change_ci: Pair | null;
  change_median: number | null;
  suppressed?: boolean;
}

export interface SurvivalTimeRow {
  month: number;
  at_risk: number | null;
  events: number | null;
  survival: number | null;
  ci: Pair | null;
  suppressed?: boolean;
}

export interface SurvivalResult {
  event: 'treatment-failure';
  failure_events: string[];
  conf_type: string;
  n: number | null;
  events: number | null;
  times: SurvivalTimeRow[];
  /** The step function for the chart: days since procedure. */
  curve: { day: number; survival: number; lower: number | null; upper: number | null; at_risk: number }[];
}

export interface AeRow {
  category: string;
  /** Procedures with at least one such event, per 100 procedures with an exact binomial CI. */
  procedures_with_event: number | null;
  per_100_procedures: number | null;
  ci_exact: Pair | null;
  /** Events counted (a procedure can have several), per 100 procedures with an exact Poisson CI. */
  events: number | null;
  events_per_100: number | null;
  events_ci_exact: Pair | null;
  suppressed?: boolean;
}

export interface CompletenessRow {
  timepoint_months: number;
  eligible: number | null;
  /** Any visit in the window (with or without scores). */
  seen_in_window: number | null;
  missed: number | null;
  withdrawn: number | null;
  not_yet_due: number | null;
  pct: number | null;
  suppressed?: boolean;
}

export interface CohortAnalysis {
  as_of: string;
  patients: number | null;
  procedures: number | null;
  units: { pct: string; survival: string; change: string };
  rules: {
    instrument: ResponderInstrument;
    absolute: number | null;
    relativePct: number | null;
    combine: string;
    source: string;
  }[];
  config_versions: { registry: string; instruments: string; analysis: string };
  responders: ResponderRow[];
  change: ChangeRow[];
  opioids: OpioidRow[];
  survival: SurvivalResult;
  adverse_events: { procedures: number | null; rows: AeRow[] };
  completeness: CompletenessRow[];
  deidentified: boolean;
  small_cell: number | null;
}

/** Average Gregorian month in days (365.25 / 12), to read Kaplan–Meier times in months. */
export const DAYS_PER_MONTH = 365.25 / 12;

const pct = (x: number): number => 100 * x;
const pctPair = (lo: number, hi: number): Pair => [100 * lo, 100 * hi];

function proportion(x: number, n: number, level: number) {
  if (n === 0) return { pct: null, exact: null, wilson: null };
  const cp = clopperPearson(x, n, level);
  const w = wilson(x, n, level);
  return { pct: pct(x / n), exact: pctPair(cp.lower, cp.upper), wilson: pctPair(w.lower, w.upper) };
}

/** The analysis of records in memory: (a) recordFacts, (b) addFacts, (c) cohortTables (facts.ts). */
export function analyzeCohort(records: readonly AnalysisRecord[], opts: AnalysisOptions): CohortAnalysis {
  parseIsoDate(opts.asOf);
  const plan = analysisPlan(opts);
  const stats = emptyStats(plan);
  for (const r of records) addFacts(stats, recordFacts(r, plan), opts.asOf);
  return cohortTables(stats, plan, opts.asOf);
}

/** (c) The tables of a cohort from its sufficient statistics. */
export function cohortTables(stats: CohortStats, plan: AnalysisPlan, asOf: string): CohortAnalysis {
  const level = plan.level;
  const followTps = plan.followTps;

  // Rules: the configured threshold with the analysis overrides; each verified here (isResponder throws
  // for an instrument without a threshold) so that a missing rule is one clear error. Only instruments the
  // records hold (a table of empty rows for instruments never collected says nothing).
  const ks = plan.instruments.map((_, k) => k).filter((k) => stats.present[k]! > 0);
  const ruleInfo = ks.map((k) => {
    const inst = plan.instruments[k]!;
    const probe = isResponder(inst, 0, 0, plan.rules[k]!, plan.instrumentsConfig).rule;
    return {
      instrument: inst,
      absolute: probe.absolute,
      relativePct: probe.relativePct,
      combine: probe.combine,
      source: probe.source,
    };
  });

  const responders: ResponderRow[] = [];
  const change: ChangeRow[] = [];
  for (const k of ks) {
    for (let t = 0; t < followTps.length; t++) {
      const c = stats.scores[k]![t]!;
      const months = followTps[t]!.months;
      const assessed = c.responders + c.non_responders + c.not_evaluable;
      const eligible = assessed + c.missed + c.withdrawn;
      const cc = proportion(c.responders, c.responders + c.non_responders, level);
      const wc = proportion(c.responders, eligible - c.not_evaluable, level);
      responders.push({
        instrument: plan.instruments[k]!,
        timepoint_months: months,
        eligible,
        assessed,
        responders: c.responders,
        non_responders: c.non_responders,
        not_evaluable: c.not_evaluable,
        missing: { missed: c.missed, withdrawn: c.withdrawn },
        not_yet_due: c.not_yet_due,
        no_baseline: c.no_baseline,
        pct: cc.pct,
        ci_exact: cc.exact,
        ci_wilson: cc.wilson,
        worst_case_pct: wc.pct,
        worst_case_ci_exact: wc.exact,
        worst_case_ci_wilson: wc.wilson,
      });
      const s = summarizeCounts(c.deltas, level);
      change.push({
        instrument: plan.instruments[k]!,
        timepoint_months: months,
        n: s.n,
        mean: s.mean,
        ci: s.ci,
        sd: s.sd,
        median: s.median,
        iqr: s.q1 === null || s.q3 === null ? null : [s.q1, s.q3],
      });
    }
  }

  const opioids: OpioidRow[] = followTps.map(({ months }, j) => {
    const base = new Map<number, number>();
    const fu = new Map<number, number>();
    const delta = new Map<number, number>();
    let n = 0;
    let off = 0;
    let users = 0;
    let usersOff = 0;
    for (const [bv, inner] of stats.mme[j]!)
      for (const [fv, c] of inner) {
        n += c;
        addCount(base, bv, c);
        addCount(fu, fv, c);
        addCount(delta, fv - bv, c);
        if (fv === 0) off += c;
        if (bv > 0) {
          users += c;
          if (fv === 0) usersOff += c;
        }
      }
    const sb = summarizeCounts(base, level);
    const sf = summarizeCounts(fu, level);
    const sd = summarizeCounts(delta, level);
    const offP = n > 0 ? clopperPearson(off, n, level) : null;
    return {
      timepoint_months: months,
      n,
      baseline_mean: sb.mean,
      followup_mean: sf.mean,
      followup_median: sf.median,
      off_opioids: n > 0 ? off : null,
      off_opioids_pct: offP ? pct(offP.estimate) : null,
      off_opioids_ci_exact: offP ? pctPair(offP.lower, offP.upper) : null,
      baseline_users: n > 0 ? users : null,
      baseline_users_off: n > 0 ? usersOff : null,
      change_mean: sd.mean,
      change_ci: sd.ci,
      change_median: sd.median,
    };
  });

  // ---- treatment failure (Kaplan–Meier) ---------------------------------------------------------------
  const km = kaplanMeierCounts(
    [...stats.km].map(([time, c]) => ({ time, ...c })),
    plan.confType,
    level,
  );
  const months = followTps.map((x) => x.months);
  const survival: SurvivalResult = {
    event: 'treatment-failure',
    failure_events: [...new Set(plan.failureEvents)],
    conf_type: plan.confType,
    n: km.n,
    events: km.events,
    times: kmAt(
      km,
      months.map((m) => m * DAYS_PER_MONTH),
    ).map((row, j) => ({
      month: months[j]!,
      at_risk: row.at_risk,
      events: row.events,
      survival: row.survival,
      ci: row.lower === null || row.upper === null ? null : [row.lower, row.upper],
    })),
    curve: km.steps.map((s) => ({
      day: s.time,
      survival: s.survival,
      lower: s.lower,
      upper: s.upper,
      at_risk: s.at_risk,
    })),
  };

  // ---- adverse events ------------------------------------------------------------------------------
  const procedures = stats.patients;
  const aeRows: AeRow[] = AE_CATEGORIES.map(({ category }, j) => {
    const { with_event: withEvent, events } = stats.ae[j]!;
    if (procedures === 0)
      return {
        category,
        procedures_with_event: 0,
        per_100_procedures: null,
        ci_exact: null,
        events: 0,
        events_per_100: null,
        events_ci_exact: null,
      };
    const cp = clopperPearson(withEvent, procedures, level);
    const po = poissonExact(events, procedures, level);
    return {
      category,
      procedures_with_event: withEvent,
      per_100_procedures: pct(cp.estimate),
      ci_exact: pctPair(cp.lower, cp.upper),
      events,
      events_per_100: pct(po.rate),
      events_ci_exact: pctPair(po.lower, po.upper),
    };
  });

  const completeness: CompletenessRow[] = followTps.map(({ months }, j) => {
    const c = stats.visits[j]!;
    const eligible = c.seen + c.missed + c.withdrawn;
    return {
      timepoint_months: months,
      eligible,
      seen_in_window: c.seen,
      missed: c.missed,
      withdrawn: c.withdrawn,
      not_yet_due: c.not_yet_due,
      pct: eligible > 0 ? pct(c.seen / eligible) : null,
    };
  });

  return {
    as_of: asOf,
    patients: stats.patients,
    procedures,
    units: {
      pct: 'percent (0-100); confidence intervals in percent',
      survival: 'proportion free of treatment failure (0-1)',
      change: 'score points, follow-up minus baseline',
    },
    rules: ruleInfo,
    config_versions: {
      registry: plan.registry.version,
      instruments: plan.instrumentsConfig.version,
      analysis: plan.analysis.version,
    },
    responders,
    change,
    opioids,
    survival,
    adverse_events: { procedures, rows: aeRows },
    completeness,
    deidentified: false,
    small_cell: null,
  };
}
