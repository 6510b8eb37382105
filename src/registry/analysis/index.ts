// The outcomes analysis: one entry point over records (the `regenspine analyze` contract) and one over
// statistics (the database path, src/store/registry-analysis-facts.ts), with optional strata and small-cell
// suppression. Pure.
import type { InstrumentConfig } from '../../instruments/config.ts';
import type { RegistryConfig } from '../config.ts';
import { parseIsoDate } from '../schedule.ts';
import type { AnalysisConfig } from './config.ts';
import { type CohortAnalysis, cohortTables } from './core.ts';
import { type AnalysisPlan, addFacts, analysisPlan, type CohortStats, emptyStats, recordFacts } from './facts.ts';
import type { AnalysisRecord } from './input.ts';
import { byLabel, groupOf, type Stratum, suppressSmallCells } from './strata.ts';

export type { CohortAnalysis } from './core.ts';
export type { AnalysisRecord } from './input.ts';

export interface AnalyzeOptions {
  asOf: string;
  /** Zero, one or two strata: each group is analysed separately. */
  by?: readonly Stratum[];
  /** Small cells suppressed (config analysis smallCell) — every de-identified output. */
  deidentified?: boolean;
  registry?: RegistryConfig;
  instruments?: InstrumentConfig;
  analysis?: AnalysisConfig;
}

export interface StratifiedAnalysis {
  by: Stratum[];
  overall: CohortAnalysis;
  groups: { key: Partial<Record<Stratum, string>>; label: string; analysis: CohortAnalysis }[];
}

/** Statistics of a cohort and of its groups by `by` (each group keyed by its label). */
export interface StratifiedStats {
  overall: CohortStats;
  groups: { key: Partial<Record<Stratum, string>>; label: string; stats: CohortStats }[];
}

/** (c) for a cohort and its groups, small cells suppressed when de-identified. */
export function stratifiedTables(
  s: StratifiedStats,
  plan: AnalysisPlan,
  opts: { asOf: string; by?: readonly Stratum[]; deidentified?: boolean },
): StratifiedAnalysis {
  const run = (st: CohortStats) => {
    const a = cohortTables(st, plan, opts.asOf);
    return opts.deidentified ? suppressSmallCells(a, plan.analysis.smallCell.value) : a;
  };
  const by = [...(opts.by ?? [])];
  return {
    by,
    overall: run(s.overall),
    groups:
      by.length === 0
        ? []
        : [...s.groups].sort(byLabel).map((g) => ({ key: g.key, label: g.label, analysis: run(g.stats) })),
  };
}

/** The analysis of records in memory (the `regenspine analyze` contract): facts → statistics → tables. */
export function analyze(records: readonly AnalysisRecord[], opts: AnalyzeOptions): StratifiedAnalysis {
  parseIsoDate(opts.asOf);
  const plan = analysisPlan(opts);
  const by = [...(opts.by ?? [])];
  const overall = emptyStats(plan);
  const groups = new Map<string, StratifiedStats['groups'][number]>();
  for (const r of records) {
    const f = recordFacts(r, plan);
    addFacts(overall, f, opts.asOf);
    if (by.length === 0) continue;
    const { key, label } = groupOf(f.strata, by);
    let g = groups.get(label);
    if (!g) {
      g = { key, label, stats: emptyStats(plan) };
      groups.set(label, g);
    }
    addFacts(g.stats, f, opts.asOf);
  }
  return stratifiedTables({ overall, groups: [...groups.values()] }, plan, { ...opts, by });
}

const f = (x: number | null | undefined, d = 1) => (x === null || x === undefined ? '—' : x.toFixed(d));
const ci = (p: [number, number] | null, d = 1) => (p ? `${f(p[0], d)}–${f(p[1], d)}` : '—');

/** Plain-text tables of one analysis (the --format text of `regenspine analyze`). */
export function analysisText(a: CohortAnalysis, title = 'all patients'): string {
  const out: string[] = [];
  out.push(
    `# ${title}: ${a.patients ?? '<small>'} patients, as of ${a.as_of}${a.deidentified ? ` (de-identified; cells under ${a.small_cell} suppressed)` : ''}`,
  );
  out.push('', 'Responders (complete case; worst case counts missing as non-responders), % with 95% CI');
  out.push(
    'instrument  month  eligible  assessed  resp  non-resp  n/e  missed  withdrawn  not-due  pct    exact CI     Wilson CI    worst%',
  );
  for (const r of a.responders) {
    out.push(
      [
        r.instrument.padEnd(10),
        String(r.timepoint_months).padStart(5),
        String(r.eligible ?? '—').padStart(8),
        String(r.assessed ?? '—').padStart(8),
        String(r.responders ?? '—').padStart(4),
        String(r.non_responders ?? '—').padStart(8),
        String(r.not_evaluable ?? '—').padStart(3),
        String(r.missing.missed ?? '—').padStart(6),
        String(r.missing.withdrawn ?? '—').padStart(9),
        String(r.not_yet_due ?? '—').padStart(7),
        f(r.pct).padStart(5),
        ci(r.ci_exact).padStart(11),
        ci(r.ci_wilson).padStart(11),
        f(r.worst_case_pct).padStart(6),
      ].join('  '),
    );
  }
  out.push('', 'Change from baseline (follow-up − baseline, points): mean (95% t CI), median [IQR]');
  for (const c of a.change)
    out.push(
      `${c.instrument.padEnd(10)} ${String(c.timepoint_months).padStart(3)} m  n=${c.n ?? '—'}  ${f(c.mean, 2)} (${ci(c.ci, 2)})  ${f(c.median, 2)} [${ci(c.iqr, 2)}]`,
    );
  out.push('', 'Opioids (MME/day, patients recorded at baseline and the timepoint)');
  for (const o of a.opioids)
    out.push(
      `${String(o.timepoint_months).padStart(3)} m  n=${o.n ?? '—'}  baseline ${f(o.baseline_mean)}  follow-up ${f(o.followup_mean)}  off opioids ${f(o.off_opioids_pct)}% (${ci(o.off_opioids_ci_exact)})  change ${f(o.change_mean)} (${ci(o.change_ci)})`,
    );
  out.push(
    '',
    `Freedom from treatment failure (${a.survival.failure_events.join(', ')}), Kaplan–Meier, ${a.survival.conf_type} 95% CI`,
  );
  for (const t of a.survival.times)
    out.push(
      `${String(t.month).padStart(3)} m  at risk ${t.at_risk ?? '—'}  events ${t.events ?? '—'}  S ${f(t.survival, 3)} (${ci(t.ci, 3)})`,
    );
  out.push('', `Adverse events per 100 procedures (${a.adverse_events.procedures ?? '—'} procedures), exact 95% CI`);
  for (const r of a.adverse_events.rows)
    out.push(
      `${r.category.padEnd(26)} procedures ${String(r.procedures_with_event ?? '—').padStart(4)}  ${f(r.per_100_procedures)} (${ci(r.ci_exact)})  events ${String(r.events ?? '—').padStart(4)}  ${f(r.events_per_100)} (${ci(r.events_ci_exact)})`,
    );
  out.push('', 'Follow-up completeness (any visit in the window)');
  for (const c of a.completeness)
    out.push(
      `${String(c.timepoint_months).padStart(3)} m  eligible ${c.eligible ?? '—'}  seen ${c.seen_in_window ?? '—'}  missed ${c.missed ?? '—'}  withdrawn ${c.withdrawn ?? '—'}  not yet due ${c.not_yet_due ?? '—'}  ${f(c.pct)}%`,
    );
  return out.join('\n');
}
