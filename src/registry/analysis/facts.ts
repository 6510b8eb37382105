// The outcomes analysis in three steps (issue 13 §1, §5). Pure.
//  (a) recordFacts: one patient's contribution, worked out once with every analysis rule — the visit in the
//      window closest to the due date, the baseline-window visit, the responder verdict (src/instruments/
//      responder.ts isResponder), withdrawal, censoring at last contact, the adverse-event categories. It
//      does not depend on the as-of day except through the windows' closing dates, which it carries.
//  (b) addFacts: facts → sufficient statistics (counts, counts per value, Kaplan–Meier counts per day). The
//      only as-of logic is "has this window closed by as-of" (close < asOf).
//  (c) cohortTables (core.ts): statistics → the tables with their confidence intervals.
// The file path (`regenspine analyze`) runs a → b → c in memory. The database path stores (a) per patient
// (src/store/registry-analysis-facts.ts, migration 010), runs (b) as one SQL aggregation and (c) here; both
// meet in CohortStats, so they give the same numbers.
import { createHash } from 'node:crypto';
import {
  DEFAULT_INSTRUMENT_CONFIG,
  type InstrumentConfig,
  type ResponderInstrument,
} from '../../instruments/config.ts';
import { isResponder, type ResponderRule } from '../../instruments/responder.ts';
import { addCount } from '../../stats/describe.ts';
import type { ConfType } from '../../stats/survival.ts';
import { DEFAULT_REGISTRY_CONFIG, type RegistryConfig } from '../config.ts';
import { parseIsoDate, scheduleVisit } from '../schedule.ts';
import { type AnalysisConfig, DEFAULT_ANALYSIS_CONFIG } from './config.ts';
import { type AnalysisAdverseEvent, type AnalysisRecord, type AnalysisVisit, STRATA, type Stratum } from './input.ts';

/**
 * Bumped whenever recordFacts changes what it derives, so that stored facts of an older derivation are
 * rebuilt (it is part of the plan's key, as are the settings the facts are derived with).
 */
const FACTS_FORMAT = 1;

/** Adverse-event categories (CTCAE v5.0 grade, ICH E2A seriousness, Hillman 2010 relatedness), in order. */
export const AE_CATEGORIES: readonly { category: string; test: (a: AnalysisAdverseEvent) => boolean }[] = [
  { category: 'any', test: () => true },
  ...[1, 2, 3, 4, 5].map((g) => ({ category: `grade ${g}`, test: (a: AnalysisAdverseEvent) => a.grade === g })),
  { category: 'grade 3 or higher', test: (a) => a.grade >= 3 },
  { category: 'serious', test: (a) => a.serious },
  { category: 'not serious', test: (a) => !a.serious },
  { category: 'related', test: (a) => a.related === 'related' },
  { category: 'not related', test: (a) => a.related === 'not-related' },
  { category: 'relatedness not assessed', test: (a) => a.related === 'not-assessed' },
];

/** The settings of one analysis, resolved once: what recordFacts and cohortTables read. */
export interface AnalysisPlan {
  registry: RegistryConfig;
  instrumentsConfig: InstrumentConfig;
  analysis: AnalysisConfig;
  level: number;
  confType: ConfType;
  /** Index of the baseline timepoint (months 0) in the registry's timepoints, −1 when there is none. */
  baseIdx: number;
  /** The follow-up timepoints (months > 0): their months and index in the registry's timepoints. */
  followTps: { months: number; i: number }[];
  /** The configured instruments, in config order (a stored fact names an instrument by its index here). */
  instruments: ResponderInstrument[];
  rules: ResponderRule[];
  failureEvents: string[];
  /**
   * Digest of everything the facts are derived with (the windows, the instrument settings, the analysis's
   * instruments, responder overrides and failure events, FACTS_FORMAT): stored facts with another key are
   * stale. Level, interval type and small-cell size only shape the tables (c) and are not in it.
   */
  key: string;
  /** Memos of pure functions of the plan (dates repeat a lot across a cohort, scores too). */
  memo: {
    days: Map<string, number>;
    windows: Map<string, Win[]>;
    /** [instrument] baseline → follow-up → isResponder verdict */
    verdicts: Map<number, Map<number, boolean | null>>[];
  };
}

export function analysisPlan(
  opts: { registry?: RegistryConfig; instruments?: InstrumentConfig; analysis?: AnalysisConfig } = {},
): AnalysisPlan {
  const registry = opts.registry ?? DEFAULT_REGISTRY_CONFIG;
  const instrumentsConfig = opts.instruments ?? DEFAULT_INSTRUMENT_CONFIG;
  const analysis = opts.analysis ?? DEFAULT_ANALYSIS_CONFIG;
  const tps = registry.followup.timepoints.value;
  const instruments = [...analysis.instruments.value];
  const rules = instruments.map((inst) => ({ ...(analysis.responderOverrides.value[inst] ?? {}) }));
  const failureEvents = [...analysis.failureEvents.value];
  const key = createHash('sha256')
    .update(
      JSON.stringify({
        format: FACTS_FORMAT,
        timepoints: tps,
        instruments: instrumentsConfig,
        analysed: instruments,
        rules,
        failureEvents,
      }),
    )
    .digest('hex')
    .slice(0, 32);
  return {
    registry,
    instrumentsConfig,
    analysis,
    level: analysis.level.value,
    confType: analysis.confType.value,
    baseIdx: tps.findIndex((t) => t.months === 0),
    followTps: tps.map((t, i) => ({ months: t.months, i })).filter((x) => x.months > 0),
    instruments,
    rules,
    failureEvents,
    key,
    memo: { days: new Map(), windows: new Map(), verdicts: instruments.map(() => new Map()) },
  };
}

/** One instrument at one follow-up timepoint for one patient. */
export type ScoreFact =
  | { state: 'no-baseline' }
  | { state: 'responder' | 'non-responder' | 'not-evaluable'; delta: number }
  /** No score in the window: missed or withdrawn once the window has closed (`close` < as-of), else not yet due. */
  | { state: 'pending'; close: string; withdrawn: boolean };

/** Follow-up completeness at one timepoint: any visit in the window, or the window's closing date. */
export type VisitFact = { seen: true } | { seen: false; close: string; withdrawn: boolean };

export interface RecordFacts {
  strata: Record<Stratum, string | null>;
  /** Per plan instrument: whether the record holds any score of it (an analysis shows only instruments held). */
  present: boolean[];
  /** [instrument][follow-up timepoint] */
  scores: ScoreFact[][];
  /** [follow-up timepoint] */
  visits: VisitFact[];
  /** [follow-up timepoint]: MME/day at baseline and at the timepoint, when both are recorded. */
  mme: ({ base: number; fu: number } | null)[];
  /** Time to treatment failure or censoring, days since the procedure. */
  km: { days: number; event: boolean };
  /** Per AE_CATEGORIES: events of that category. */
  ae: number[];
}

/** Days since 1970-01-01 (UTC) of a yyyy-mm-dd date. */
function dayOf(d: string, plan: AnalysisPlan): number {
  let v = plan.memo.days.get(d);
  if (v === undefined) {
    v = parseIsoDate(d).getTime() / 86_400_000;
    plan.memo.days.set(d, v);
  }
  return v;
}

interface Win {
  open: number;
  close: number;
  closeDate: string;
  target: number;
}

/**
 * Index of the visit in the window with a value (`value(v)` not null) that is closest to the due date, the
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
    const dist = Math.abs(d - w.target);
    if (best < 0 || dist < bestDist || (dist === bestDist && d < days[best]!)) {
      best = j;
      bestDist = dist;
    }
  }
  return best;
}

/** The record's windows: per registry timepoint, its bounds (schedule.ts scheduleVisit) as day numbers. */
function windowsOf(procedureDate: string, plan: AnalysisPlan): Win[] {
  let v = plan.memo.windows.get(procedureDate);
  if (v === undefined) {
    v = plan.registry.followup.timepoints.value.map((tp) => {
      const w = scheduleVisit(procedureDate, tp);
      return {
        open: dayOf(w.windowOpen, plan),
        close: dayOf(w.windowClose, plan),
        closeDate: w.windowClose,
        target: dayOf(w.target, plan),
      };
    });
    plan.memo.windows.set(procedureDate, v);
  }
  return v;
}

/** isResponder (the one statement of the rule) for instrument k, memoised per (baseline, follow-up). */
function verdict(plan: AnalysisPlan, k: number, b: number, f: number): boolean | null {
  const byBase = plan.memo.verdicts[k]!;
  let inner = byBase.get(b);
  if (!inner) {
    inner = new Map();
    byBase.set(b, inner);
  }
  let v = inner.get(f);
  if (v === undefined) {
    v = isResponder(plan.instruments[k]!, b, f, plan.rules[k]!, plan.instrumentsConfig).responder;
    inner.set(f, v);
  }
  return v;
}

/** (a) One record's contribution to the analysis. */
export function recordFacts(r: AnalysisRecord, plan: AnalysisPlan): RecordFacts {
  const windows = windowsOf(r.procedure_date, plan);
  const days = r.visits.map((v) => dayOf(v.date, plan));
  const base = plan.baseIdx >= 0 ? windows[plan.baseIdx]! : null;
  const withdrawnBy = plan.followTps.map(({ i }) => r.withdrawn !== null && r.withdrawn <= windows[i]!.closeDate);
  const present = plan.instruments.map((inst) => r.visits.some((v) => inst in v.scores));
  const scores = plan.instruments.map((inst, k): ScoreFact[] => {
    const score = (v: AnalysisVisit) => v.scores[inst];
    const bj = base ? visitInWindow(r.visits, days, base, score) : -1;
    if (bj < 0) return plan.followTps.map(() => ({ state: 'no-baseline' }));
    const b = r.visits[bj]!.scores[inst]!;
    return plan.followTps.map(({ i }, t): ScoreFact => {
      const w = windows[i]!;
      const fj = visitInWindow(r.visits, days, w, score);
      if (fj < 0) return { state: 'pending', close: w.closeDate, withdrawn: withdrawnBy[t]! };
      const f = r.visits[fj]!.scores[inst]!;
      const v = verdict(plan, k, b, f);
      return { state: v === true ? 'responder' : v === false ? 'non-responder' : 'not-evaluable', delta: f - b };
    });
  });
  const mmeOf = (v: AnalysisVisit) => v.mme_per_day;
  const mb = base ? visitInWindow(r.visits, days, base, mmeOf) : -1;
  const mme = plan.followTps.map(({ i }) => {
    if (mb < 0) return null;
    const mf = visitInWindow(r.visits, days, windows[i]!, mmeOf);
    return mf < 0 ? null : { base: r.visits[mb]!.mme_per_day!, fu: r.visits[mf]!.mme_per_day! };
  });
  const visits = plan.followTps.map(({ i }, t): VisitFact => {
    const w = windows[i]!;
    return days.some((d) => d >= w.open && d <= w.close)
      ? { seen: true }
      : { seen: false, close: w.closeDate, withdrawn: withdrawnBy[t]! };
  });
  // Treatment failure: the first failure event; otherwise censored at the last contact, or without one at the
  // latest date the record shows the patient in follow-up.
  const p = dayOf(r.procedure_date, plan);
  const failureTypes = new Set(plan.failureEvents);
  const fail = r.events
    .filter((e) => failureTypes.has(e.type))
    .map((e) => e.date)
    .sort()[0];
  let km: RecordFacts['km'];
  if (fail) km = { days: dayOf(fail, plan) - p, event: true };
  else {
    let last = r.last_contact ?? r.procedure_date;
    if (!r.last_contact) {
      for (const v of r.visits) if (v.date > last) last = v.date;
      for (const e of r.events) if (e.date > last) last = e.date;
    }
    km = { days: Math.max(0, dayOf(last, plan) - p), event: false };
  }
  const ae = AE_CATEGORIES.map(({ test }) => {
    let k = 0;
    for (const a of r.adverse_events) if (test(a)) k++;
    return k;
  });
  const strata = Object.fromEntries(STRATA.map((s) => [s, r[s] ?? null])) as Record<Stratum, string | null>;
  return { strata, present, scores, visits, mme, km, ae };
}

// ---- (b) sufficient statistics ------------------------------------------------------------------------

export interface ScoreCell {
  no_baseline: number;
  responders: number;
  non_responders: number;
  not_evaluable: number;
  missed: number;
  withdrawn: number;
  not_yet_due: number;
  /** Follow-up − baseline of the assessed, as counts per value. */
  deltas: Map<number, number>;
}

export interface VisitCell {
  seen: number;
  missed: number;
  withdrawn: number;
  not_yet_due: number;
}

export interface CohortStats {
  patients: number;
  /** Per plan instrument: patients holding any score of it. */
  present: number[];
  scores: ScoreCell[][];
  visits: VisitCell[];
  /** Per follow-up timepoint: MME/day pairs as baseline → follow-up → count. */
  mme: Map<number, Map<number, number>>[];
  /** Days → events and censorings. */
  km: Map<number, { events: number; censored: number }>;
  /** Per AE_CATEGORIES: patients (procedures) with at least one such event, and events. */
  ae: { with_event: number; events: number }[];
}

export function emptyStats(plan: AnalysisPlan): CohortStats {
  return {
    patients: 0,
    present: plan.instruments.map(() => 0),
    scores: plan.instruments.map(() =>
      plan.followTps.map(() => ({
        no_baseline: 0,
        responders: 0,
        non_responders: 0,
        not_evaluable: 0,
        missed: 0,
        withdrawn: 0,
        not_yet_due: 0,
        deltas: new Map(),
      })),
    ),
    visits: plan.followTps.map(() => ({ seen: 0, missed: 0, withdrawn: 0, not_yet_due: 0 })),
    mme: plan.followTps.map(() => new Map()),
    km: new Map(),
    ae: AE_CATEGORIES.map(() => ({ with_event: 0, events: 0 })),
  };
}

/** (b) Adds one record's facts to the statistics of a cohort as of `asOf` (yyyy-mm-dd). */
export function addFacts(s: CohortStats, f: RecordFacts, asOf: string): void {
  s.patients++;
  for (let k = 0; k < f.scores.length; k++) {
    if (f.present[k]) s.present[k]!++;
    for (let t = 0; t < f.scores[k]!.length; t++) {
      const c = s.scores[k]![t]!;
      const x = f.scores[k]![t]!;
      switch (x.state) {
        case 'no-baseline':
          c.no_baseline++;
          break;
        case 'pending':
          // the one as-of rule: a window not closed by as-of is not yet due
          if (!(x.close < asOf)) c.not_yet_due++;
          else if (x.withdrawn) c.withdrawn++;
          else c.missed++;
          break;
        default:
          if (x.state === 'responder') c.responders++;
          else if (x.state === 'non-responder') c.non_responders++;
          else c.not_evaluable++;
          addCount(c.deltas, x.delta);
      }
    }
  }
  for (let t = 0; t < f.visits.length; t++) {
    const c = s.visits[t]!;
    const v = f.visits[t]!;
    if (v.seen) c.seen++;
    else if (!(v.close < asOf)) c.not_yet_due++;
    else if (v.withdrawn) c.withdrawn++;
    else c.missed++;
    const m = f.mme[t];
    if (m) {
      let inner = s.mme[t]!.get(m.base);
      if (!inner) {
        inner = new Map();
        s.mme[t]!.set(m.base, inner);
      }
      addCount(inner, m.fu);
    }
  }
  let km = s.km.get(f.km.days);
  if (!km) {
    km = { events: 0, censored: 0 };
    s.km.set(f.km.days, km);
  }
  if (f.km.event) km.events++;
  else km.censored++;
  for (let j = 0; j < f.ae.length; j++) {
    const k = f.ae[j]!;
    if (k > 0) {
      s.ae[j]!.with_event++;
      s.ae[j]!.events += k;
    }
  }
}
