// Outcomes analysis of a registry cohort (issue 13 §1). Pure: records in, tables out. Each computation says
// what it counts; definitions are in docs/reference/analysis.md.
//  - Responders per instrument and timepoint: follow-up windows from config/registry.json, responder rules
//    from config/instruments.json (with the overrides of config/analysis.json), baseline required.
//  - Mean change from baseline (t interval), median and quartiles.
//  - Opioids: MME/day at baseline and each timepoint, share off opioids, change.
//  - Treatment failure: Kaplan–Meier (src/stats/survival.ts), censored at last contact.
//  - Adverse events per 100 procedures, by CTCAE grade, seriousness and relatedness.

import {
  DEFAULT_INSTRUMENT_CONFIG,
  type InstrumentConfig,
  type ResponderInstrument,
} from '../../instruments/config.ts';
import { isResponder, type ResponderRule } from '../../instruments/responder.ts';
import { clopperPearson, poissonExact, wilson } from '../../stats/binomial.ts';
import { summarize } from '../../stats/describe.ts';
import { kaplanMeier, kmAt } from '../../stats/survival.ts';
import { DEFAULT_REGISTRY_CONFIG, type RegistryConfig, type TimepointConfig } from '../config.ts';
import { parseIsoDate, type ScheduledVisit, scheduleVisit } from '../schedule.ts';
import { type AnalysisConfig, DEFAULT_ANALYSIS_CONFIG } from './config.ts';
import type { AnalysisRecord, AnalysisVisit, Relatedness } from './input.ts';

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

function dayNumberCache() {
  const m = new Map<string, number>();
  return (d: string): number => {
    let v = m.get(d);
    if (v === undefined) {
      v = parseIsoDate(d).getTime() / 86_400_000;
      m.set(d, v);
    }
    return v;
  };
}

/** A window as the analysis reads it: its bounds and due date as day numbers (days since 1970-01-01, UTC). */
interface Win {
  open: number;
  close: number;
  /** The closing date, yyyy-mm-dd (compared with the withdrawal date). */
  closeDate: string;
  targetDay: number;
}

/** Windows per procedure date, computed once per distinct date with schedule.ts's rules (scheduleVisit). */
function scheduleCache(tps: TimepointConfig[], day: (d: string) => number) {
  const m = new Map<string, Win[]>();
  return (procedureDate: string): Win[] => {
    let v = m.get(procedureDate);
    if (v === undefined) {
      v = tps.map((tp) => {
        const w: ScheduledVisit = scheduleVisit(procedureDate, tp);
        return {
          open: day(w.windowOpen),
          close: day(w.windowClose),
          closeDate: w.windowClose,
          targetDay: day(w.target),
        };
      });
      m.set(procedureDate, v);
    }
    return v;
  };
}

/**
 * Index of the visit in the window with a value (`value(j)` not null) that is closest to the due date, the
 * earlier one on a tie; −1 when none.
 */
function visitInWindow(
  visits: readonly AnalysisVisit[],
  days: readonly number[],
  w: Win,
  value: (v: AnalysisVisit) => number | null | undefined,
): number {
  let best = -1;
  let bestDist = 0;
  for (let j = 0; j < visits.length; j++) {
    const d = days[j]!;
    if (d < w.open || d > w.close) continue;
    const x = value(visits[j]!);
    if (x === undefined || x === null) continue;
    const dist = Math.abs(d - w.targetDay);
    if (best < 0 || dist < bestDist || (dist === bestDist && d < days[best]!)) {
      best = j;
      bestDist = dist;
    }
  }
  return best;
}

/** isResponder (the one implementation of the rule) memoised per (baseline, follow-up): scores repeat a lot. */
function verdictCache(inst: ResponderInstrument, rule: ResponderRule, config: InstrumentConfig) {
  const m = new Map<number, Map<number, boolean | null>>();
  return (b: number, f: number): boolean | null => {
    let inner = m.get(b);
    if (!inner) {
      inner = new Map();
      m.set(b, inner);
    }
    let v = inner.get(f);
    if (v === undefined) {
      v = isResponder(inst, b, f, rule, config).responder;
      inner.set(f, v);
    }
    return v;
  };
}

function proportion(x: number, n: number, level: number) {
  if (n === 0) return { pct: null, exact: null, wilson: null };
  const cp = clopperPearson(x, n, level);
  const w = wilson(x, n, level);
  return { pct: pct(x / n), exact: pctPair(cp.lower, cp.upper), wilson: pctPair(w.lower, w.upper) };
}

export function analyzeCohort(records: readonly AnalysisRecord[], opts: AnalysisOptions): CohortAnalysis {
  const registry = opts.registry ?? DEFAULT_REGISTRY_CONFIG;
  const instrumentsCfg = opts.instruments ?? DEFAULT_INSTRUMENT_CONFIG;
  const cfg = opts.analysis ?? DEFAULT_ANALYSIS_CONFIG;
  const level = cfg.level.value;
  const asOf = opts.asOf;
  parseIsoDate(asOf);
  const allTps = registry.followup.timepoints.value;
  const baseIdx = allTps.findIndex((t) => t.months === 0);
  const followTps = allTps.map((t, i) => ({ t, i })).filter((x) => x.t.months > 0);
  const day = dayNumberCache();
  const sched = scheduleCache(allTps, day);
  const asOfDay = day(asOf);

  // Rules: the configured threshold with the analysis overrides; each verified once here (isResponder throws
  // for an instrument without a threshold) so that a missing rule is one clear error, not one per patient.
  // Only instruments the records hold (a table of empty rows for instruments never collected says nothing).
  const present = new Set<string>();
  for (const r of records) for (const v of r.visits) for (const k in v.scores) present.add(k);
  const rules = new Map<ResponderInstrument, ResponderRule>();
  for (const inst of cfg.instruments.value)
    if (present.has(inst)) rules.set(inst, { ...(cfg.responderOverrides.value[inst] ?? {}) });
  const ruleInfo = [...rules.entries()].map(([inst, rule]) => {
    const probe = isResponder(inst, 0, 0, rule, instrumentsCfg).rule;
    return {
      instrument: inst,
      absolute: probe.absolute,
      relativePct: probe.relativePct,
      combine: probe.combine,
      source: probe.source,
    };
  });

  // One pass over the records: each record's visit days, windows and baselines are worked out once.
  const insts = [...rules.keys()];
  const verdicts = insts.map((inst) => verdictCache(inst, rules.get(inst)!, instrumentsCfg));
  const newCounts = () => ({
    eligible: 0,
    assessed: 0,
    responders: 0,
    non_responders: 0,
    not_evaluable: 0,
    missing: { missed: 0, withdrawn: 0 },
    not_yet_due: 0,
    no_baseline: 0,
  });
  const counts = insts.map(() => followTps.map(newCounts));
  const deltas: number[][][] = insts.map(() => followTps.map(() => []));
  const mme = followTps.map(() => ({
    base: [] as number[],
    fu: [] as number[],
    delta: [] as number[],
    off: 0,
    users: 0,
    usersOff: 0,
  }));
  const seen = followTps.map(() => ({ eligible: 0, seen: 0, missed: 0, withdrawn: 0, notYet: 0 }));
  const mmeOf = (v: AnalysisVisit) => v.mme_per_day;
  for (const r of records) {
    const windows = sched(r.procedure_date);
    const days = r.visits.map((v) => day(v.date));
    const base = baseIdx >= 0 ? windows[baseIdx]! : null;
    const closed = followTps.map(({ i }) => windows[i]!.close < asOfDay);
    const withdrawnBy = followTps.map(({ i }) => r.withdrawn !== null && r.withdrawn <= windows[i]!.closeDate);
    for (let k = 0; k < insts.length; k++) {
      const inst = insts[k]!;
      const score = (v: AnalysisVisit) => v.scores[inst];
      const bj = base ? visitInWindow(r.visits, days, base, score) : -1;
      if (bj < 0) {
        for (const c of counts[k]!) c.no_baseline++;
        continue;
      }
      const b = r.visits[bj]!.scores[inst]!;
      for (let t = 0; t < followTps.length; t++) {
        const c = counts[k]![t]!;
        const fj = visitInWindow(r.visits, days, windows[followTps[t]!.i]!, score);
        if (fj < 0) {
          if (!closed[t]) c.not_yet_due++;
          else {
            c.eligible++;
            if (withdrawnBy[t]) c.missing.withdrawn++;
            else c.missing.missed++;
          }
          continue;
        }
        const f = r.visits[fj]!.scores[inst]!;
        c.eligible++;
        c.assessed++;
        deltas[k]![t]!.push(f - b);
        const v = verdicts[k]!(b, f);
        if (v === true) c.responders++;
        else if (v === false) c.non_responders++;
        else c.not_evaluable++;
      }
    }
    // Opioids: MME recorded at baseline and at the timepoint.
    const mb = base ? visitInWindow(r.visits, days, base, mmeOf) : -1;
    for (let t = 0; t < followTps.length; t++) {
      const w = windows[followTps[t]!.i]!;
      if (mb >= 0) {
        const mf = visitInWindow(r.visits, days, w, mmeOf);
        if (mf >= 0) {
          const bv = r.visits[mb]!.mme_per_day!;
          const fv = r.visits[mf]!.mme_per_day!;
          const o = mme[t]!;
          o.base.push(bv);
          o.fu.push(fv);
          o.delta.push(fv - bv);
          if (fv === 0) o.off++;
          if (bv > 0) {
            o.users++;
            if (fv === 0) o.usersOff++;
          }
        }
      }
      // Completeness: any visit in the window.
      const sc = seen[t]!;
      let any = false;
      for (const d of days)
        if (d >= w.open && d <= w.close) {
          any = true;
          break;
        }
      if (any) {
        sc.eligible++;
        sc.seen++;
      } else if (!closed[t]) sc.notYet++;
      else {
        sc.eligible++;
        if (withdrawnBy[t]) sc.withdrawn++;
        else sc.missed++;
      }
    }
  }

  const responders: ResponderRow[] = [];
  const change: ChangeRow[] = [];
  for (let k = 0; k < insts.length; k++) {
    for (let t = 0; t < followTps.length; t++) {
      const row = counts[k]![t]!;
      const months = followTps[t]!.t.months;
      const cc = proportion(row.responders, row.responders + row.non_responders, level);
      const wc = proportion(row.responders, row.eligible - row.not_evaluable, level);
      responders.push({
        instrument: insts[k]!,
        timepoint_months: months,
        ...row,
        pct: cc.pct,
        ci_exact: cc.exact,
        ci_wilson: cc.wilson,
        worst_case_pct: wc.pct,
        worst_case_ci_exact: wc.exact,
        worst_case_ci_wilson: wc.wilson,
      });
      const s = summarize(deltas[k]![t]!, level);
      change.push({
        instrument: insts[k]!,
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

  const opioids: OpioidRow[] = followTps.map(({ t }, j) => {
    const o = mme[j]!;
    const n = o.fu.length;
    const sb = summarize(o.base, level);
    const sf = summarize(o.fu, level);
    const sd = summarize(o.delta, level);
    const offP = n > 0 ? clopperPearson(o.off, n, level) : null;
    return {
      timepoint_months: t.months,
      n,
      baseline_mean: sb.mean,
      followup_mean: sf.mean,
      followup_median: sf.median,
      off_opioids: n > 0 ? o.off : null,
      off_opioids_pct: offP ? pct(offP.estimate) : null,
      off_opioids_ci_exact: offP ? pctPair(offP.lower, offP.upper) : null,
      baseline_users: n > 0 ? o.users : null,
      baseline_users_off: n > 0 ? o.usersOff : null,
      change_mean: sd.mean,
      change_ci: sd.ci,
      change_median: sd.median,
    };
  });

  // ---- treatment failure (Kaplan–Meier) ---------------------------------------------------------------
  const failureTypes = new Set(cfg.failureEvents.value);
  const obs = records.map((r) => {
    const p = day(r.procedure_date);
    const fail = r.events
      .filter((e) => failureTypes.has(e.type))
      .map((e) => e.date)
      .sort()[0];
    if (fail) return { time: day(fail) - p, event: true };
    // Censored at the last contact; without one, at the latest date the record shows the patient in follow-up.
    let last = r.last_contact ?? r.procedure_date;
    if (!r.last_contact) {
      for (const v of r.visits) if (v.date > last) last = v.date;
      for (const e of r.events) if (e.date > last) last = e.date;
    }
    return { time: Math.max(0, day(last) - p), event: false };
  });
  const km = kaplanMeier(obs, cfg.confType.value, level);
  const months = followTps.map((x) => x.t.months);
  const survival: SurvivalResult = {
    event: 'treatment-failure',
    failure_events: [...failureTypes],
    conf_type: cfg.confType.value,
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
  const procedures = records.length;
  const cats: { category: string; test: (a: { grade: number; serious: boolean; related: Relatedness }) => boolean }[] =
    [
      { category: 'any', test: () => true },
      ...[1, 2, 3, 4, 5].map((g) => ({ category: `grade ${g}`, test: (a: { grade: number }) => a.grade === g })),
      { category: 'grade 3 or higher', test: (a) => a.grade >= 3 },
      { category: 'serious', test: (a) => a.serious },
      { category: 'not serious', test: (a) => !a.serious },
      { category: 'related', test: (a) => a.related === 'related' },
      { category: 'not related', test: (a) => a.related === 'not-related' },
      { category: 'relatedness not assessed', test: (a) => a.related === 'not-assessed' },
    ];
  const aeRows: AeRow[] = cats.map(({ category, test }) => {
    let withEvent = 0;
    let events = 0;
    for (const r of records) {
      if (r.adverse_events.length === 0) continue;
      let k = 0;
      for (const ae of r.adverse_events) if (test(ae)) k++;
      events += k;
      if (k > 0) withEvent++;
    }
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

  const completeness: CompletenessRow[] = followTps.map(({ t }, j) => {
    const c = seen[j]!;
    return {
      timepoint_months: t.months,
      eligible: c.eligible,
      seen_in_window: c.seen,
      missed: c.missed,
      withdrawn: c.withdrawn,
      not_yet_due: c.notYet,
      pct: c.eligible > 0 ? pct(c.seen / c.eligible) : null,
    };
  });

  return {
    as_of: asOf,
    patients: records.length,
    procedures,
    units: {
      pct: 'percent (0-100); confidence intervals in percent',
      survival: 'proportion free of treatment failure (0-1)',
      change: 'score points, follow-up minus baseline',
    },
    rules: ruleInfo,
    config_versions: { registry: registry.version, instruments: instrumentsCfg.version, analysis: cfg.version },
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
