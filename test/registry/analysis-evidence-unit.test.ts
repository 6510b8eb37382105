// "Beside the evidence" (src/registry/analysis/evidence.ts, docs/reference/analysis.md §6): a clinic's
// responder row next to a curated study's arm only for the same statistic (responder_pct), the same instrument
// (ODI or NRS) and a registry timepoint; opioid use beside the studies' opioid findings. Studies here are
// hand-built in memory (the fields the comparison reads), tables from analysis-unit-tables.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Study } from '../../src/domain/evidence.ts';
import { evidenceComparisons, opioidComparison } from '../../src/registry/analysis/evidence.ts';
import { opioidRow, responderRow, tables } from './analysis-unit-tables.ts';

const COMMON = [
  'The registry has no control group: a change after the procedure is not an effect of the procedure (natural course, regression to the mean and co-interventions also change scores).',
  "The clinic's patients were not selected as the study's were: indications, severity, prior treatment and product differ.",
  'Complete-case percentages leave out patients who missed the visit; the worst-case percentage beside them counts those patients as non-responders.',
];
const prov = (document: string, locator = 'Abstract', quote = 'a quote') => ({ document, locator, quote });

type O = {
  instrument: string;
  statistic: string;
  timepoint_months: number | null;
  arm: string | null;
  value: number;
  unit?: string;
  definition: string | null;
  undefined_measure?: boolean;
  provenance: ReturnType<typeof prov>;
};
const outcome = (over: Partial<O>): O => ({
  instrument: 'ODI',
  statistic: 'responder_pct',
  timepoint_months: 3,
  arm: 'bmc',
  value: 60,
  definition: 'MCID in ODI',
  provenance: prov('seed-002', 'Results', '60% of the BMC group'),
  ...over,
});
const study = (over: {
  id: string;
  authors?: string[];
  year?: number | null;
  design?: string;
  outcomes?: O[];
  findings?: unknown[];
}): Study =>
  ({
    id: over.id,
    citation: { authors: over.authors ?? ['Atluri S', 'Murphy MB'], year: over.year === undefined ? 2022 : over.year },
    design: over.design ?? 'rct',
    arms: [
      { id: 'bmc', label: 'BMC injection', role: 'intervention' },
      { id: 'ctrl', label: 'Conservative care', role: 'control' },
    ],
    outcomes: over.outcomes ?? [],
    findings: over.findings,
  }) as unknown as Study;

const a = tables({
  rules: [
    { instrument: 'ODI', absolute: 10, relativePct: 30, combine: 'any', source: 'x' },
    { instrument: 'NRS', absolute: 2, relativePct: null, combine: 'any', source: 'y' },
  ],
  responders: [
    responderRow({ instrument: 'ODI', timepoint_months: 3, assessed: 29 }),
    responderRow({ instrument: 'ODI', timepoint_months: 6, assessed: 30 }),
    responderRow({ instrument: 'NRS', timepoint_months: 3, assessed: null }),
    responderRow({ instrument: 'NRS', timepoint_months: 12, assessed: 40 }),
  ],
});
const defs = (rule: string, odi: boolean) =>
  `Definitions differ: the registry counts ${rule} from baseline (config instruments-2025.1, analysis-2025.1); the studies' definitions are quoted beside their numbers${odi ? ' and may use another threshold' : ''}.`;

describe('responder comparisons', () => {
  test('same instrument, statistic and registry timepoint; arms, units and provenance carried; months sorted', () => {
    const s = study({
      id: 'atluri-2022',
      outcomes: [
        outcome({ timepoint_months: 6, arm: null, value: 55, unit: 'percent', definition: null }),
        outcome({}),
        outcome({ arm: 'ctrl', value: 20 }),
        outcome({ statistic: 'mean_change' }), // another statistic
        outcome({ instrument: 'VAS' }), // not compared
        outcome({ timepoint_months: 9 }), // not a registry timepoint
        outcome({ timepoint_months: null }),
        outcome({ undefined_measure: true }),
        outcome({ arm: 'gone' }), // an arm id the study does not list
      ],
    });
    const c = evidenceComparisons(a, [s]);
    const rule = 'a fall of at least 10 points or at least 30%';
    const arm = (o: Partial<ReturnType<typeof published>>) => ({ ...published(), ...o });
    function published() {
      return {
        study_id: 'atluri-2022',
        study_label: 'Atluri et al. 2022',
        design: 'rct',
        arm_id: 'bmc' as string | null,
        arm_label: 'BMC injection',
        arm_role: 'intervention' as string | null,
        value: 60,
        unit: '%',
        definition: 'MCID in ODI' as string | null,
        provenance: { document: 'seed-002', locator: 'Results', quote: '60% of the BMC group' },
      };
    }
    assert.deepEqual(c, [
      {
        instrument: 'ODI',
        timepoint_months: 3,
        metric: `ODI responders (minimal clinically important change; the registry counts ${rule})`,
        clinic: a.responders[0],
        published: [
          arm({}),
          arm({ arm_id: 'ctrl', arm_label: 'Conservative care', arm_role: 'control', value: 20 }),
          arm({ arm_id: 'gone', arm_label: 'whole study population', arm_role: null }),
        ],
        caveats: [
          ...COMMON,
          defs(rule, true),
          "Few of the clinic's patients were assessed at 3 months (29): the interval is wide.",
        ],
      },
      {
        instrument: 'ODI',
        timepoint_months: 6,
        metric: `ODI responders (minimal clinically important change; the registry counts ${rule})`,
        clinic: a.responders[1],
        published: [
          arm({
            arm_id: null,
            arm_label: 'whole study population',
            arm_role: null,
            value: 55,
            unit: 'percent',
            definition: null,
          }),
        ],
        caveats: [...COMMON, defs(rule, true)], // 30 assessed: no "few" caveat
      },
    ]);
  });

  test('NRS: "greater than 2 points" is stricter; a figure quoted from seed-001 is flagged; no clinic row', () => {
    const s = study({
      id: 'bates-2022',
      authors: ['Bates D'],
      year: null,
      design: 'cohort',
      outcomes: [
        outcome({ instrument: 'NRS', timepoint_months: 3, definition: 'a reduction Greater than 2 points' }),
        outcome({ instrument: 'NRS', timepoint_months: 12, provenance: prov('seed-001', 'Table 2', 'q') }),
        outcome({ instrument: 'NRS', timepoint_months: 24 }), // 24 m: no clinic row at 24 months → not a registry month here
      ],
    });
    const c = evidenceComparisons(a, [s]);
    const rule = 'a fall of at least 2 points';
    assert.deepEqual(
      c.map((x) => [x.instrument, x.timepoint_months, x.metric, x.clinic, x.published.map((p) => p.study_label)]),
      [
        ['NRS', 3, `NRS pain responders (the registry counts ${rule})`, a.responders[2], ['Bates']],
        ['NRS', 12, `NRS pain responders (the registry counts ${rule})`, a.responders[3], ['Bates']],
      ],
    );
    assert.deepEqual(c[0]!.caveats, [
      ...COMMON,
      defs(rule, false),
      '"Greater than 2 points" (as a study words it) is stricter than the registry\'s "at least 2 points".',
    ]);
    assert.deepEqual(c[1]!.caveats, [
      ...COMMON,
      defs(rule, false),
      'One published figure is quoted from a narrative review, not from the trial report itself.',
    ]);
    assert.equal(c[0]!.published[0]!.design, 'cohort');
  });

  test('one arm worded "greater than", or quoted from seed-001, among others is enough for its caveat', () => {
    const s = study({
      id: 'mixed',
      outcomes: [
        outcome({ instrument: 'NRS', arm: 'bmc', definition: 'greater than 2 points' }),
        outcome({ instrument: 'NRS', arm: 'ctrl', definition: 'at least 2 points' }),
        outcome({ instrument: 'NRS', arm: null, provenance: prov('seed-001', 'Table 1', 'q') }),
      ],
    });
    const c = evidenceComparisons(a, [s]);
    assert.equal(c.length, 1);
    assert.deepEqual(c[0]!.caveats.slice(3), [
      defs('a fall of at least 2 points', false),
      '"Greater than 2 points" (as a study words it) is stricter than the registry\'s "at least 2 points".',
      'One published figure is quoted from a narrative review, not from the trial report itself.',
    ]);
  });

  test('a registry month without a clinic row for the instrument: clinic null', () => {
    const only = tables({ responders: [responderRow({ instrument: 'ODI', timepoint_months: 3, assessed: 50 })] });
    const s = study({ id: 'x', outcomes: [outcome({ instrument: 'NRS' })] });
    const c = evidenceComparisons(only, [s]);
    assert.equal(c.length, 1);
    assert.equal(c[0]!.clinic, null);
    assert.equal(c[0]!.metric, 'NRS pain responders (the registry counts no rule configured)');
  });

  test('rule wording: both criteria joined by "and" when all must be met; a study without authors is named by id', () => {
    const all = tables({
      rules: [{ instrument: 'ODI', absolute: 10, relativePct: 30, combine: 'all', source: 'x' }],
      responders: [responderRow({ assessed: 100 })],
    });
    const c = evidenceComparisons(all, [
      study({ id: 'nct03122119', authors: [], year: 2021, outcomes: [outcome({})] }),
    ]);
    assert.equal(
      c[0]!.metric,
      'ODI responders (minimal clinically important change; the registry counts a fall of at least 10 points and at least 30%)',
    );
    assert.equal(c[0]!.published[0]!.study_label, 'nct03122119 2021');
    const rel = tables({
      rules: [{ instrument: 'ODI', absolute: null, relativePct: 30, combine: 'any', source: 'x' }],
      responders: [responderRow({ assessed: 100 })],
    });
    assert.equal(
      evidenceComparisons(rel, [study({ id: 's', outcomes: [outcome({})] })])[0]!.metric,
      'ODI responders (minimal clinically important change; the registry counts at least 30%)',
    );
  });

  test('no studies, or no matching outcome: no comparisons', () => {
    assert.deepEqual(evidenceComparisons(a, []), []);
    assert.deepEqual(evidenceComparisons(a, [study({ id: 's', outcomes: [outcome({ statistic: 'mean' })] })]), []);
  });
});

describe('opioid comparison', () => {
  test("the clinic's MME rows beside the studies' opioid-use findings, arm ids read as labels", () => {
    const finding = (instrument: string, arms: string[], statement: string) => ({
      instrument,
      arms,
      statement,
      provenance: prov('seed-003', 'Discussion', 'opioid use fell'),
    });
    const withOpioids = tables({ opioids: [opioidRow(), opioidRow({ timepoint_months: 6 })] });
    const o = opioidComparison(withOpioids, [
      study({
        id: 'kumar-2017',
        authors: ['Kumar H', 'Ha DH', 'Lee EJ'],
        year: 2017,
        findings: [
          finding('opioid-use', ['bmc', 'other'], 'Opioid use fell in the BMC arm.'),
          finding('ODI', ['bmc'], 'ODI improved.'),
        ],
      }),
      study({ id: 'no-findings' }),
    ]);
    assert.deepEqual(o, {
      clinic: withOpioids.opioids,
      published: [
        {
          study_id: 'kumar-2017',
          study_label: 'Kumar et al. 2017',
          arm_labels: ['BMC injection', 'other'],
          statement: 'Opioid use fell in the BMC arm.',
          provenance: { document: 'seed-003', locator: 'Discussion', quote: 'opioid use fell' },
        },
      ],
      caveats: [
        COMMON[0],
        COMMON[1],
        'The studies state a direction of change without numbers; the registry reports MME/day (CDC 2022 factors) for patients with opioid use recorded at baseline and at the timepoint.',
        'A follow-up visit without opioid entries is "not recorded", not "no opioids": such visits are left out.',
      ],
    });
  });
});
