// The outcome tables of a cohort (src/registry/analysis/core.ts analyzeCohort / cohortTables) on small
// cohorts in memory. Counts by hand from docs/reference/analysis.md §1–§4 and the windows of
// config/registry.json (procedure 2025-01-10: 1 m window 2025-02-03 .. 02-24, 3 m 2025-03-27 .. 05-08, 6 m
// closes 2025-08-24). Intervals from R 4.x (binom.test, prop.test(correct = FALSE), poisson.test, t.test,
// quantile type 7, survival::survfit(conf.type = "log-log")), × 100 for percentages:
//   binom.test(2, 3) 9.429932405025–99.159624134039; prop.test(2, 3) 20.765960080205–93.850805527960
//   binom.test(2, 5) 5.274495052632–85.336720036533; prop.test(2, 5) 11.762077423265–76.927571872399
//   binom.test(1, 1) 2.5–100;                        prop.test(1, 1) 20.654931437724–100
//   binom.test(1, 5) 0.505076337947–71.641793611809; prop.test(1, 5) 3.622410863243–62.446537023747
//   binom.test(1, 2) 1.257911709343–98.742088290657
//   binom.test(2, 6) 4.327186829274–77.722190449649; binom.test(1, 6) 0.421074451449–64.123457899767
//   binom.test(0, 6) 0–45.925812643990
//   poisson.test(3, 6) 10.311202048260–146.121217829039; poisson.test(2, 6) 4.036821309066–120.411461128733
//   poisson.test(1, 6) 0.421963466405–92.860723182315;   poisson.test(0, 6) 0–61.481324235232
//   t.test(c(-12, -10, -9)): sd 1.52752523165195, CI -14.1279163669301 … -6.53875029973658; quantile: -11, -10, -9.5
//   t.test(c(-30, -10)): CI -147.062047361747 … 107.062047361747
//   survfit(Surv(c(0, 31, 50, 90, 90, 90), c(0, 0, 1, 0, 0, 0))): S(50) = 0.75, 0.127946917595146–0.960548642285078
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { DEFAULT_ANALYSIS_CONFIG } from '../../src/registry/analysis/config.ts';
import { analyzeCohort, DAYS_PER_MONTH } from '../../src/registry/analysis/core.ts';
import type { AnalysisVisit } from '../../src/registry/analysis/input.ts';
import { assertClose } from './analysis-close.ts';
import { rec } from './analysis-unit-tables.ts';

const instrumentsJson = JSON.parse(readFileSync(new URL('../../config/instruments.json', import.meta.url), 'utf8'));

const visit = (date: string, scores: AnalysisVisit['scores'] = {}, mme: number | null = null): AnalysisVisit => ({
  date,
  scores,
  mme_per_day: mme,
});

const UNITS = {
  pct: 'percent (0-100); confidence intervals in percent',
  survival: 'proportion free of treatment failure (0-1)',
  change: 'score points, follow-up minus baseline',
};
const VERSIONS = { registry: 'registry-2025.1', instruments: 'instruments-2025.1', analysis: 'analysis-2025.1' };
const CATEGORIES = [
  'any',
  'grade 1',
  'grade 2',
  'grade 3',
  'grade 4',
  'grade 5',
  'grade 3 or higher',
  'serious',
  'not serious',
  'related',
  'not related',
  'relatedness not assessed',
];
const MONTHS = [1, 3, 6, 12, 24];

test('a month is 365.25 / 12 days', () => {
  assert.equal(DAYS_PER_MONTH, 30.4375);
});

test('an empty cohort: no rows for instruments, empty rows elsewhere, unknown never shown as 0', () => {
  const a = analyzeCohort([], { asOf: '2025-06-30' });
  assert.deepEqual(a, {
    as_of: '2025-06-30',
    patients: 0,
    procedures: 0,
    units: UNITS,
    rules: [],
    config_versions: VERSIONS,
    responders: [],
    change: [],
    opioids: MONTHS.map((m) => ({
      timepoint_months: m,
      n: 0,
      baseline_mean: null,
      followup_mean: null,
      followup_median: null,
      off_opioids: null,
      off_opioids_pct: null,
      off_opioids_ci_exact: null,
      baseline_users: null,
      baseline_users_off: null,
      change_mean: null,
      change_ci: null,
      change_median: null,
    })),
    survival: {
      event: 'treatment-failure',
      failure_events: ['reintervention'],
      conf_type: 'log-log',
      n: 0,
      events: 0,
      times: MONTHS.map((m) => ({ month: m, at_risk: 0, events: 0, survival: null, ci: null })),
      curve: [],
    },
    adverse_events: {
      procedures: 0,
      rows: CATEGORIES.map((category) => ({
        category,
        procedures_with_event: 0,
        per_100_procedures: null,
        ci_exact: null,
        events: 0,
        events_per_100: null,
        events_ci_exact: null,
      })),
    },
    completeness: MONTHS.map((m) => ({
      timepoint_months: m,
      eligible: 0,
      seen_in_window: 0,
      missed: 0,
      withdrawn: 0,
      not_yet_due: 0,
      pct: null,
    })),
    deidentified: false,
    small_cell: null,
  });
});

test('a bad as-of day is refused', () => {
  assert.throws(() => analyzeCohort([], { asOf: '2025-02-30' }));
});

describe('six patients, ODI only, as of 2025-06-30', () => {
  const cohort = [
    // ODI 40 → 28 (−12) at 3 m: a responder; MME 30 → 0
    rec('P1', {
      visits: [visit('2025-01-09', { ODI: 40 }, 30), visit('2025-04-10', { ODI: 28 }, 0)],
      adverse_events: [{ grade: 2, serious: false, related: 'related' }],
    }),
    // ODI 40 → 30: exactly the 10-point MCID, a responder; MME 20 → 10
    rec('P2', {
      visits: [visit('2025-01-09', { ODI: 40 }, 20), visit('2025-04-10', { ODI: 30 }, 10)],
      adverse_events: [
        { grade: 1, serious: false, related: 'not-assessed' },
        { grade: 1, serious: false, related: 'not-assessed' },
      ],
    }),
    // ODI 40 → 31: −9 (22.5 %), not a responder; re-intervention on day 50
    rec('P3', {
      visits: [visit('2025-01-09', { ODI: 40 }), visit('2025-04-10', { ODI: 31 })],
      events: [{ type: 'reintervention', date: '2025-03-01' }],
    }),
    // withdrawn 2025-03-01: missed at 1 m (window closed 02-24 before), withdrawn at 3 m; censored at day 0
    rec('P4', { visits: [visit('2025-01-09', { ODI: 50 }, 0)], withdrawn: '2025-03-01' }),
    // ODI 20 → 14 at 1 m (−6 = 30 %): a responder at 1 m; no 3 m visit: missed; censored day 31
    rec('P5', { visits: [visit('2025-01-09', { ODI: 20 }), visit('2025-02-10', { ODI: 14 })] }),
    // no baseline
    rec('P6', { visits: [visit('2025-04-10', { ODI: 10 })] }),
  ];
  const a = analyzeCohort(cohort, { asOf: '2025-06-30' });

  test('the rule shown is the configured ODI rule, and only instruments the records hold are tabled', () => {
    assert.deepEqual(a.rules, [
      {
        instrument: 'ODI',
        absolute: 10,
        relativePct: 30,
        combine: 'any',
        source: instrumentsJson.responder.ODI.source,
      },
    ]);
    assert.deepEqual(
      a.responders.map((r) => [r.instrument, r.timepoint_months]),
      MONTHS.map((m) => ['ODI', m]),
    );
    assert.deepEqual(
      a.change.map((r) => [r.instrument, r.timepoint_months]),
      MONTHS.map((m) => ['ODI', m]),
    );
    assert.deepEqual(
      [a.patients, a.procedures, a.as_of, a.deidentified, a.small_cell],
      [6, 6, '2025-06-30', false, null],
    );
    assert.deepEqual(a.units, UNITS);
    assert.deepEqual(a.config_versions, VERSIONS);
  });

  test('responders at 1 and 3 months; 6 months not yet due', () => {
    const notDue = (m: number) => ({
      instrument: 'ODI',
      timepoint_months: m,
      eligible: 0,
      assessed: 0,
      responders: 0,
      non_responders: 0,
      not_evaluable: 0,
      missing: { missed: 0, withdrawn: 0 },
      not_yet_due: 5,
      no_baseline: 1,
      pct: null,
      ci_exact: null,
      ci_wilson: null,
      worst_case_pct: null,
      worst_case_ci_exact: null,
      worst_case_ci_wilson: null,
    });
    assertClose(a.responders, [
      {
        instrument: 'ODI',
        timepoint_months: 1,
        eligible: 5,
        assessed: 1,
        responders: 1,
        non_responders: 0,
        not_evaluable: 0,
        missing: { missed: 4, withdrawn: 0 },
        not_yet_due: 0,
        no_baseline: 1,
        pct: 100,
        ci_exact: [2.5, 100],
        ci_wilson: [20.654931437724, 100],
        worst_case_pct: 20,
        worst_case_ci_exact: [0.505076337947, 71.641793611809],
        worst_case_ci_wilson: [3.622410863243, 62.446537023747],
      },
      {
        instrument: 'ODI',
        timepoint_months: 3,
        eligible: 5,
        assessed: 3,
        responders: 2,
        non_responders: 1,
        not_evaluable: 0,
        missing: { missed: 1, withdrawn: 1 },
        not_yet_due: 0,
        no_baseline: 1,
        pct: (2 / 3) * 100,
        ci_exact: [9.429932405025, 99.159624134039],
        ci_wilson: [20.7659600802, 93.85080552796],
        worst_case_pct: 40,
        worst_case_ci_exact: [5.274495052632, 85.336720036533],
        worst_case_ci_wilson: [11.762077423265, 76.927571872399],
      },
      notDue(6),
      notDue(12),
      notDue(24),
    ]);
  });

  test('change from baseline: one value has no SD or interval; none gives no quartiles', () => {
    const empty = (m: number) => ({
      instrument: 'ODI',
      timepoint_months: m,
      n: 0,
      mean: null,
      ci: null,
      sd: null,
      median: null,
      iqr: null,
    });
    assertClose(a.change, [
      { instrument: 'ODI', timepoint_months: 1, n: 1, mean: -6, ci: null, sd: null, median: -6, iqr: [-6, -6] },
      {
        instrument: 'ODI',
        timepoint_months: 3,
        n: 3,
        mean: -31 / 3,
        ci: [-14.1279163669301, -6.53875029973658],
        sd: 1.52752523165195,
        median: -10,
        iqr: [-11, -9.5],
      },
      empty(6),
      empty(12),
      empty(24),
    ]);
  });

  test('opioids: pairs recorded at baseline and 3 months only; an unrecorded MME is not 0', () => {
    const empty = (m: number) => ({
      timepoint_months: m,
      n: 0,
      baseline_mean: null,
      followup_mean: null,
      followup_median: null,
      off_opioids: null,
      off_opioids_pct: null,
      off_opioids_ci_exact: null,
      baseline_users: null,
      baseline_users_off: null,
      change_mean: null,
      change_ci: null,
      change_median: null,
    });
    assertClose(a.opioids, [
      empty(1),
      {
        timepoint_months: 3,
        n: 2,
        baseline_mean: 25,
        followup_mean: 5,
        followup_median: 5,
        off_opioids: 1,
        off_opioids_pct: 50,
        off_opioids_ci_exact: [1.257911709343, 98.742088290657],
        baseline_users: 2,
        baseline_users_off: 1,
        change_mean: -20,
        change_ci: [-147.062047361747, 107.062047361747],
        change_median: -20,
      },
      empty(6),
      empty(12),
      empty(24),
    ]);
  });

  test('treatment failure: censored at 0, 31 and 90 days, a failure at 50', () => {
    const ci50: [number, number] = [0.127946917595146, 0.960548642285078];
    assertClose(
      a.survival,
      {
        event: 'treatment-failure',
        failure_events: ['reintervention'],
        conf_type: 'log-log',
        n: 6,
        events: 1,
        // 1 m = day 30.44: 5 still at risk (days 31, 50, 90 ×3), S = 1 (limits 1 before the first event, as
        // summary.survfit reports them); 3 m = day 91.3 is past the longest follow-up (90): S not given
        times: [
          { month: 1, at_risk: 5, events: 0, survival: 1, ci: [1, 1] },
          { month: 3, at_risk: 0, events: 1, survival: null, ci: null },
          { month: 6, at_risk: 0, events: 0, survival: null, ci: null },
          { month: 12, at_risk: 0, events: 0, survival: null, ci: null },
          { month: 24, at_risk: 0, events: 0, survival: null, ci: null },
        ],
        curve: [
          { day: 0, survival: 1, lower: 1, upper: 1, at_risk: 6 },
          { day: 31, survival: 1, lower: 1, upper: 1, at_risk: 5 },
          { day: 50, survival: 0.75, lower: ci50[0], upper: ci50[1], at_risk: 4 },
          { day: 90, survival: 0.75, lower: ci50[0], upper: ci50[1], at_risk: 3 },
        ],
      },
      1e-9,
    );
  });

  test('adverse events per 100 procedures (6 procedures)', () => {
    const row = (category: string, w: number, e: number, ci: number[], eci: number[]) => ({
      category,
      procedures_with_event: w,
      per_100_procedures: (100 * w) / 6,
      ci_exact: ci,
      events: e,
      events_per_100: (100 * e) / 6,
      events_ci_exact: eci,
    });
    const b0 = [0, 45.92581264399];
    const b1 = [0.421074451449, 64.123457899767];
    const b2 = [4.327186829274, 77.722190449649];
    const p0 = [0, 61.481324235232];
    const p1 = [0.421963466405, 92.860723182315];
    const p2 = [4.036821309066, 120.411461128733];
    const p3 = [10.31120204826, 146.121217829039];
    assertClose(a.adverse_events, {
      procedures: 6,
      rows: [
        row('any', 2, 3, b2, p3),
        row('grade 1', 1, 2, b1, p2),
        row('grade 2', 1, 1, b1, p1),
        row('grade 3', 0, 0, b0, p0),
        row('grade 4', 0, 0, b0, p0),
        row('grade 5', 0, 0, b0, p0),
        row('grade 3 or higher', 0, 0, b0, p0),
        row('serious', 0, 0, b0, p0),
        row('not serious', 2, 3, b2, p3),
        row('related', 1, 1, b1, p1),
        row('not related', 0, 0, b0, p0),
        row('relatedness not assessed', 1, 2, b1, p2),
      ],
    });
  });

  test('completeness: any visit in the window, of the eligible (seen + missed + withdrawn)', () => {
    const notDue = (m: number) => ({
      timepoint_months: m,
      eligible: 0,
      seen_in_window: 0,
      missed: 0,
      withdrawn: 0,
      not_yet_due: 6,
      pct: null,
    });
    assertClose(a.completeness, [
      // 1 m: P5 seen; P1–P4 and P6 missed (P4 withdrew after the window closed)
      { timepoint_months: 1, eligible: 6, seen_in_window: 1, missed: 5, withdrawn: 0, not_yet_due: 0, pct: 100 / 6 },
      // 3 m: P1, P2, P3, P6 seen; P5 missed; P4 withdrawn
      { timepoint_months: 3, eligible: 6, seen_in_window: 4, missed: 1, withdrawn: 1, not_yet_due: 0, pct: 400 / 6 },
      notDue(6),
      notDue(12),
      notDue(24),
    ]);
  });
});

test('completeness: the withdrawn count in the eligible denominator', () => {
  // 3 m: one seen, two withdrawn before the window closed, none missed → 1 / 3
  const a = analyzeCohort(
    [
      rec('W1', { visits: [visit('2025-04-10')] }),
      rec('W2', { withdrawn: '2025-02-01' }),
      rec('W3', { withdrawn: '2025-05-08' }),
    ],
    { asOf: '2025-06-30' },
  );
  assertClose(a.completeness[1], {
    timepoint_months: 3,
    eligible: 3,
    seen_in_window: 1,
    missed: 0,
    withdrawn: 2,
    not_yet_due: 0,
    pct: 100 / 3,
  });
});

test('NRS drops the 30 % alternative (config/analysis.json); failure events listed once', () => {
  const a = analyzeCohort([rec('N1', { visits: [visit('2025-01-09', { NRS: 6 }), visit('2025-04-10', { NRS: 5 })] })], {
    asOf: '2025-06-30',
    analysis: {
      ...DEFAULT_ANALYSIS_CONFIG,
      failureEvents: {
        ...DEFAULT_ANALYSIS_CONFIG.failureEvents,
        value: ['reintervention', 'surgery', 'reintervention'],
      },
    },
  });
  assert.deepEqual(a.rules, [
    {
      instrument: 'NRS',
      absolute: 2,
      relativePct: null,
      combine: 'any',
      source: `caller-supplied rule over: ${instrumentsJson.responder.NRS.source}`,
    },
  ]);
  assert.deepEqual(a.survival.failure_events, ['reintervention', 'surgery']);
  const r = a.responders[1]!;
  // 6 → 5: one point, not a responder (16.7 % would not count either)
  // binom.test(0, 1) 0–97.5; prop.test(0, 1, correct = FALSE) 0–79.345068562276 (1 − the 1/1 lower limit)
  assertClose(
    [r.responders, r.non_responders, r.pct, r.ci_exact, r.ci_wilson],
    [0, 1, 0, [0, 97.5], [0, 79.345068562276]],
  );
});

test('every patient not evaluable: no complete-case or worst-case percentage', () => {
  // NRS baseline 1 cannot fall 2 points (docs/reference/instruments.md §2.1)
  const a = analyzeCohort([rec('E1', { visits: [visit('2025-01-09', { NRS: 1 }), visit('2025-04-10', { NRS: 0 })] })], {
    asOf: '2025-06-30',
  });
  const r = a.responders[1]!;
  assert.deepEqual(
    [r.eligible, r.assessed, r.not_evaluable, r.pct, r.ci_exact, r.ci_wilson, r.worst_case_pct, r.worst_case_ci_exact],
    [1, 1, 1, null, null, null, null, null],
  );
});
