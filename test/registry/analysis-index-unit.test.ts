// The analysis entry points (src/registry/analysis/index.ts): analyze over records with strata and small-cell
// suppression, stratifiedTables over statistics, and the plain-text tables of `regenspine analyze --format
// text`. Tables are hand-built (analysis-unit-tables.ts); a withheld value prints as "—", never as 0
// (docs/reference/analysis.md §5; smallCell 5 in config/analysis.json).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addFacts, analysisPlan, emptyStats, recordFacts } from '../../src/registry/analysis/facts.ts';
import { analysisText, analyze, stratifiedTables } from '../../src/registry/analysis/index.ts';
import type { AnalysisRecord, AnalysisVisit } from '../../src/registry/analysis/input.ts';
import {
  aeRow,
  changeRow,
  completenessRow,
  opioidRow,
  rec,
  responderRow,
  tables,
  timeRow,
} from './analysis-unit-tables.ts';

const visit = (date: string, scores: AnalysisVisit['scores'] = {}): AnalysisVisit => ({
  date,
  scores,
  mme_per_day: null,
});

describe('analyze', () => {
  // five at site A (3 m ODI 40 → 25: responders), two without a site
  const cohort = [
    ...[1, 2, 3, 4, 5].map((i) =>
      rec(`A${i}`, { site: 'A', visits: [visit('2025-01-09', { ODI: 40 }), visit('2025-04-10', { ODI: 25 })] }),
    ),
    rec('N1', { therapy: 'BMC', visits: [visit('2025-01-09', { ODI: 40 }), visit('2025-04-10', { ODI: 25 })] }),
    rec('N2', { visits: [visit('2025-01-09', { ODI: 40 }), visit('2025-04-10', { ODI: 25 })] }),
  ];

  test('no strata: the overall analysis and no groups', () => {
    const s = analyze(cohort, { asOf: '2025-06-30' });
    assert.deepEqual(s.by, []);
    assert.deepEqual(s.groups, []);
    assert.equal(s.overall.patients, 7);
    assert.equal(s.overall.deidentified, false);
    assert.equal(s.overall.responders[1]!.responders, 7);
  });

  test('by site: groups sorted by label, a missing site is "not recorded"', () => {
    const s = analyze(cohort, { asOf: '2025-06-30', by: ['site'] });
    assert.deepEqual(s.by, ['site']);
    assert.deepEqual(
      s.groups.map((g) => [g.label, g.key, g.analysis.patients, g.analysis.responders[1]!.responders]),
      [
        ['A', { site: 'A' }, 5, 5],
        ['not recorded', { site: 'not recorded' }, 2, 2],
      ],
    );
  });

  test('two strata, de-identified: cells under 5 withheld in every group and overall', () => {
    const s = analyze(cohort, { asOf: '2025-06-30', by: ['therapy', 'site'], deidentified: true });
    assert.deepEqual(
      s.groups.map((g) => [g.label, g.key, g.analysis.patients, g.analysis.responders[1]!.responders]),
      [
        ['BMC × not recorded', { therapy: 'BMC', site: 'not recorded' }, null, null],
        ['PRP × A', { therapy: 'PRP', site: 'A' }, 5, 5],
        ['PRP × not recorded', { therapy: 'PRP', site: 'not recorded' }, null, null],
      ],
    );
    assert.deepEqual(
      [s.overall.patients, s.overall.responders[1]!.responders, s.overall.deidentified, s.overall.small_cell],
      [7, 7, true, 5],
    );
    assert.ok(s.groups.every((g) => g.analysis.deidentified && g.analysis.small_cell === 5));
  });

  test('a bad as-of day is refused', () => {
    assert.throws(() => analyze(cohort, { asOf: '2025-13-01' }));
  });

  test('stratifiedTables sorts the groups by label and leaves them out without strata', () => {
    const plan = analysisPlan();
    const stats = (rs: AnalysisRecord[]) => {
      const s = emptyStats(plan);
      for (const r of rs) addFacts(s, recordFacts(r, plan), '2025-06-30');
      return s;
    };
    const overall = stats(cohort);
    const groups = [
      { key: { site: 'not recorded' }, label: 'not recorded', stats: stats(cohort.slice(5)) },
      { key: { site: 'A' }, label: 'A', stats: stats(cohort.slice(0, 5)) },
    ];
    const s = stratifiedTables({ overall, groups }, plan, { asOf: '2025-06-30', by: ['site'] });
    assert.deepEqual(
      s.groups.map((g) => [g.label, g.analysis.patients, g.analysis.deidentified]),
      [
        ['A', 5, false],
        ['not recorded', 2, false],
      ],
    );
    assert.equal(s.overall.as_of, '2025-06-30');
    const none = stratifiedTables({ overall, groups }, plan, { asOf: '2025-06-30' });
    assert.deepEqual([none.by, none.groups], [[], []]);
  });
});

describe('text tables', () => {
  const HEAD_RESP = 'Responders (complete case; worst case counts missing as non-responders), % with 95% CI';
  const COLS =
    'instrument  month  eligible  assessed  resp  non-resp  n/e  missed  withdrawn  not-due  pct    exact CI     Wilson CI    worst%';

  test('every table, one decimal for percentages, two for score points, three for survival', () => {
    const text = analysisText(tables());
    assert.deepEqual(text.split('\n'), [
      '# all patients: 10 patients, as of 2025-06-30',
      '',
      HEAD_RESP,
      COLS,
      'ODI             3        15        10     5         5    0       5          0        0   50.0    18.7–81.3    23.7–76.3    33.3',
      '',
      'Change from baseline (follow-up − baseline, points): mean (95% t CI), median [IQR]',
      'ODI          3 m  n=5  -9.25 (-13.23–-5.27)  -9.50 [-10.50–-8.25]',
      '',
      'Opioids (MME/day, patients recorded at baseline and the timepoint)',
      '  3 m  n=10  baseline 30.0  follow-up 12.5  off opioids 50.0% (18.7–81.3)  change -17.5 (-25.0–-10.0)',
      '',
      'Freedom from treatment failure (reintervention), Kaplan–Meier, log-log 95% CI',
      '  3 m  at risk 10  events 0  S 1.000 (1.000–1.000)',
      '',
      'Adverse events per 100 procedures (10 procedures), exact 95% CI',
      'any                        procedures    5  50.0 (18.7–81.3)  events    6  60.0 (22.0–130.6)',
      '',
      'Follow-up completeness (any visit in the window)',
      '  3 m  eligible 10  seen 5  missed 5  withdrawn 0  not yet due 0  50.0%',
    ]);
  });

  test('withheld and unknown values print as —; the title says the cells suppressed', () => {
    const t = tables({
      patients: null,
      procedures: null,
      deidentified: true,
      small_cell: 5,
      responders: [
        responderRow({
          instrument: 'NRS',
          timepoint_months: 12,
          eligible: null,
          assessed: null,
          responders: null,
          non_responders: null,
          not_evaluable: null,
          missing: { missed: null, withdrawn: null },
          not_yet_due: 7,
          no_baseline: null,
          pct: null,
          ci_exact: null,
          ci_wilson: null,
          worst_case_pct: null,
          worst_case_ci_exact: null,
          worst_case_ci_wilson: null,
          suppressed: true,
        }),
      ],
      change: [changeRow({ n: null, mean: null, ci: null, sd: null, median: null, iqr: null })],
      opioids: [
        opioidRow({
          timepoint_months: 24,
          n: null,
          baseline_mean: null,
          followup_mean: null,
          off_opioids_pct: null,
          off_opioids_ci_exact: null,
          change_mean: null,
          change_ci: null,
        }),
      ],
      survival: {
        ...tables().survival,
        failure_events: ['reintervention', 'surgery'],
        conf_type: 'plain',
        times: [timeRow({ month: 24, at_risk: null, events: null, survival: null, ci: null })],
      },
      adverse_events: {
        procedures: null,
        rows: [
          aeRow({
            category: 'grade 1',
            procedures_with_event: null,
            per_100_procedures: null,
            ci_exact: null,
            events: null,
            events_per_100: null,
            events_ci_exact: null,
          }),
        ],
      },
      completeness: [
        completenessRow({
          timepoint_months: 1,
          eligible: null,
          seen_in_window: null,
          missed: null,
          withdrawn: null,
          not_yet_due: null,
          pct: null,
        }),
      ],
    });
    assert.deepEqual(analysisText(t, 'PRP × disc').split('\n'), [
      '# PRP × disc: <small> patients, as of 2025-06-30 (de-identified; cells under 5 suppressed)',
      '',
      HEAD_RESP,
      COLS,
      'NRS            12         —         —     —         —    —       —          —        7      —            —            —       —',
      '',
      'Change from baseline (follow-up − baseline, points): mean (95% t CI), median [IQR]',
      'ODI          3 m  n=—  — (—)  — [—]',
      '',
      'Opioids (MME/day, patients recorded at baseline and the timepoint)',
      ' 24 m  n=—  baseline —  follow-up —  off opioids —% (—)  change — (—)',
      '',
      'Freedom from treatment failure (reintervention, surgery), Kaplan–Meier, plain 95% CI',
      ' 24 m  at risk —  events —  S — (—)',
      '',
      'Adverse events per 100 procedures (— procedures), exact 95% CI',
      'grade 1                    procedures    —  — (—)  events    —  — (—)',
      '',
      'Follow-up completeness (any visit in the window)',
      '  1 m  eligible —  seen —  missed —  withdrawn —  not yet due —  —%',
    ]);
  });
});
