// Hand-built outcome tables (the CohortAnalysis shape of src/registry/analysis/core.ts) for the unit tests of
// suppression, the text tables and the charts: every number here is typed in, none is computed by the code.
import type {
  AeRow,
  ChangeRow,
  CohortAnalysis,
  CompletenessRow,
  OpioidRow,
  ResponderRow,
  SurvivalTimeRow,
} from '../../src/registry/analysis/core.ts';
import type { AnalysisRecord } from '../../src/registry/analysis/input.ts';

export const responderRow = (over: Partial<ResponderRow> = {}): ResponderRow => ({
  instrument: 'ODI',
  timepoint_months: 3,
  eligible: 15,
  assessed: 10,
  responders: 5,
  non_responders: 5,
  not_evaluable: 0,
  missing: { missed: 5, withdrawn: 0 },
  not_yet_due: 0,
  no_baseline: 0,
  pct: 50,
  ci_exact: [18.7086, 81.2914],
  ci_wilson: [23.6593, 76.3407],
  worst_case_pct: 33.3333,
  worst_case_ci_exact: [11.8222, 61.6619],
  worst_case_ci_wilson: [15.1828, 58.29],
  ...over,
});

export const changeRow = (over: Partial<ChangeRow> = {}): ChangeRow => ({
  instrument: 'ODI',
  timepoint_months: 3,
  n: 5,
  mean: -9.25,
  ci: [-13.228, -5.272],
  sd: 2.5,
  median: -9.5,
  iqr: [-10.5, -8.25],
  ...over,
});

export const opioidRow = (over: Partial<OpioidRow> = {}): OpioidRow => ({
  timepoint_months: 3,
  n: 10,
  baseline_mean: 30,
  followup_mean: 12.5,
  followup_median: 10,
  off_opioids: 5,
  off_opioids_pct: 50,
  off_opioids_ci_exact: [18.7086, 81.2914],
  baseline_users: 10,
  baseline_users_off: 5,
  change_mean: -17.5,
  change_ci: [-25, -10],
  change_median: -20,
  ...over,
});

export const timeRow = (over: Partial<SurvivalTimeRow> = {}): SurvivalTimeRow => ({
  month: 3,
  at_risk: 10,
  events: 0,
  survival: 1,
  ci: [1, 1],
  ...over,
});

export const aeRow = (over: Partial<AeRow> = {}): AeRow => ({
  category: 'any',
  procedures_with_event: 5,
  per_100_procedures: 50,
  ci_exact: [18.7086, 81.2914],
  events: 6,
  events_per_100: 60,
  events_ci_exact: [22.02, 130.6],
  ...over,
});

export const completenessRow = (over: Partial<CompletenessRow> = {}): CompletenessRow => ({
  timepoint_months: 3,
  eligible: 10,
  seen_in_window: 5,
  missed: 5,
  withdrawn: 0,
  not_yet_due: 0,
  pct: 50,
  ...over,
});

export const tables = (over: Partial<CohortAnalysis> = {}): CohortAnalysis => ({
  as_of: '2025-06-30',
  patients: 10,
  procedures: 10,
  units: {
    pct: 'percent (0-100); confidence intervals in percent',
    survival: 'proportion free of treatment failure (0-1)',
    change: 'score points, follow-up minus baseline',
  },
  rules: [{ instrument: 'ODI', absolute: 10, relativePct: 30, combine: 'any', source: 'Ostelo 2008' }],
  config_versions: { registry: 'registry-2025.1', instruments: 'instruments-2025.1', analysis: 'analysis-2025.1' },
  responders: [responderRow()],
  change: [changeRow()],
  opioids: [opioidRow()],
  survival: {
    event: 'treatment-failure',
    failure_events: ['reintervention'],
    conf_type: 'log-log',
    n: 10,
    events: 5,
    times: [timeRow()],
    curve: [{ day: 50, survival: 0.9, lower: 0.5, upper: 0.99, at_risk: 10 }],
  },
  adverse_events: { procedures: 10, rows: [aeRow()] },
  completeness: [completenessRow()],
  deidentified: false,
  small_cell: null,
  ...over,
});

/** One analysis record (a PRP patient treated 2025-01-10 with nothing else recorded), changed by `over`. */
export const rec = (patient: string, over: Partial<AnalysisRecord> = {}): AnalysisRecord => ({
  patient,
  procedure_date: '2025-01-10',
  therapy: 'PRP',
  visits: [],
  events: [],
  last_contact: null,
  withdrawn: null,
  site: null,
  product_class: null,
  target: null,
  pain_generator: null,
  adverse_events: [],
  ...over,
});
