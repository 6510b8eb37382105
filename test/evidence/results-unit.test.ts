// How a study's results are worded (src/evidence/results.ts): docs/evidence-model.md §Findings ("cards never
// compute a sentence from `statement`; they word every finding from its fields"), §Cards (counts with their
// denominators, "a percentage gets a denominator only from an explicit `n` row", reviews with their reported
// pooled estimates, vote counts and conclusions) and §Audit items §0.6 (Atluri's second-hand control value is
// marked). Expected sentences are assembled by hand from the synthetic fields below.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { Arm, Finding, Outcome, Study } from '../../src/domain/evidence.ts';
import { StudySchema } from '../../src/domain/evidence.ts';
import {
  armLabel,
  DESIGN_SHORT,
  denominatorOf,
  findingSentence,
  findingWhen,
  fmtNumber,
  fmtSigned,
  outcomeSentence,
  outcomeWhen,
  resultTier,
  reviewDescription,
  reviewSentences,
  studyResultSentences,
  timepointText,
  undefinedMeasures,
} from '../../src/evidence/results.ts';
import { known, makeStudy, P, unknown } from '../helpers/studies.ts';

const primary = { document: 'seed-002', locator: 'abstract', quote: 'q', source_tier: 'primary-abstract' as const };
const retold = { document: 'seed-000', locator: 'Table 3', quote: 'q', source_tier: 'narrative-review' as const };
const retold1 = { document: 'seed-001', locator: 'p. 2', quote: 'q', source_tier: 'narrative-review' as const };

const mkArm = (id: string, label: string, role: Arm['role'], n: number | null): Arm => ({
  id,
  label,
  role,
  therapies: role === 'treatment' ? ['mpc'] : ['saline'],
  n: n === null ? unknown : known(n),
  intervention: label,
});

const out = (over: Partial<Outcome>): Outcome => ({
  instrument: 'ODI',
  timepoint_months: null,
  arm: null,
  statistic: 'mean',
  value: 0,
  definition: null,
  provenance: P,
  ...over,
});

const fnd = (over: Partial<Finding>): Finding => ({
  outcome: 'pain (VAS)',
  instrument: 'VAS',
  timepoint: null,
  window: null,
  comparison: 'between-arms',
  arms: [],
  favours: null,
  change: null,
  significant: null,
  p: null,
  analysis: null,
  statement: 'a statement',
  provenance: P,
  ...over,
});

// three arms, like Amirdelfan's cells vs two controls
const threeArm = makeStudy('three', {
  design: 'rct',
  arms: [
    mkArm('mpc', 'MPC', 'treatment', 30),
    mkArm('saline', 'saline', 'control', 20),
    mkArm('ha', 'HA', 'control', 20),
  ],
});
const twoArm = makeStudy('two', {
  design: 'rct',
  arms: [mkArm('bmc', 'BMC', 'treatment', 25), mkArm('sham', 'sham', 'control', 25)],
});
const oneArm = makeStudy('one', { arms: [mkArm('t', 'BMC', 'treatment', 14)] });

const readStudy = (id: string): Study =>
  StudySchema.parse(JSON.parse(readFileSync(new URL(`../../data/evidence/${id}.json`, import.meta.url), 'utf8')));

describe('numbers and timepoints as printed', () => {
  test('a negative number is printed with the minus sign U+2212, zero and positives without a sign', () => {
    assert.equal(fmtSigned(-1.47), '\u22121.47');
    assert.equal(fmtSigned(-2), '\u22122');
    assert.equal(fmtSigned(0), '0');
    assert.equal(fmtSigned(0.81), '0.81');
  });

  test('non-integers keep six significant digits, integers print whole', () => {
    // 1/3 = 0.333333… → six significant digits
    assert.equal(fmtNumber(1 / 3), '0.333333');
    assert.equal(fmtNumber(40), '40');
    assert.equal(fmtNumber(2.5), '2.5');
  });

  test('a timepoint keeps the unit the source used, singular for one', () => {
    assert.equal(timepointText({ value: 1, unit: 'months' }), '1 month');
    assert.equal(timepointText({ value: 1, unit: 'weeks' }), '1 week');
    assert.equal(timepointText({ value: 8, unit: 'days' }), '8 days');
    assert.equal(timepointText({ value: 0.5, unit: 'months' }), '0.5 months');
    assert.equal(timepointText(null), null);
    assert.equal(timepointText(undefined), null);
  });

  test('an outcome row is timed by its v2 timepoint, else weeks, else months, else its window', () => {
    assert.equal(outcomeWhen(out({ timepoint: { value: 8, unit: 'days' }, timepoint_months: 0 })), 'at 8 days');
    assert.equal(outcomeWhen(out({ timepoint_weeks: 6, timepoint_months: 1.5 })), 'at 6 weeks');
    assert.equal(outcomeWhen(out({ timepoint_months: 12 })), 'at 12 months');
    assert.equal(outcomeWhen(out({ timepoint_months: 0 })), 'at 0 months');
    assert.equal(outcomeWhen(out({ window: 'within 8 weeks' })), 'within 8 weeks');
    assert.equal(outcomeWhen(out({})), null);
  });

  test('a finding is timed by its timepoint and its window together', () => {
    assert.equal(
      findingWhen(fnd({ timepoint: { value: 3, unit: 'months' }, window: 'after a second injection' })),
      'at 3 months, after a second injection',
    );
    assert.equal(findingWhen(fnd({ window: 'within the first 8 days' })), 'within the first 8 days');
    assert.equal(findingWhen(fnd({ timepoint: { value: 2, unit: 'weeks' } })), 'at 2 weeks');
    assert.equal(findingWhen(fnd({})), null);
  });

  test('every design has its short reader-facing name; not-stated says so', () => {
    // docs/evidence-model.md §Studies: the ten designs
    assert.deepEqual(DESIGN_SHORT, {
      rct: 'RCT',
      'non-randomized-controlled': 'non-randomized controlled',
      'single-arm': 'single-arm',
      'case-series': 'case series',
      'case-report': 'case report',
      'systematic-review': 'systematic review',
      'meta-analysis': 'meta-analysis',
      'narrative-review': 'narrative review',
      registry: 'registry',
      'not-stated': 'design not stated',
    });
  });

  test('an arm is named by its label; an id that is no arm stays as written', () => {
    assert.equal(armLabel(threeArm, 'ha'), 'HA');
    assert.equal(armLabel(threeArm, 'usual-care'), 'usual-care');
  });
});

describe('findings worded from their fields', () => {
  test('a change in every arm names all arms and says that the control arms improved too (placebo response)', () => {
    // docs/evidence-model.md §Findings: "A control arm that improved is a placebo/vehicle/natural-course response"
    const f = fnd({
      comparison: 'within-arm',
      arms: ['mpc', 'saline', 'ha'],
      change: 'improved',
      timepoint: { value: 12, unit: 'months' },
    });
    assert.equal(
      findingSentence(threeArm, f),
      'pain (VAS) (at 12 months): all 3 arms (MPC, saline and HA): improved from baseline — control arms (saline and HA) improved too',
    );
  });

  test('a null result in both arms reads "no change in both arms", with significance and analysis', () => {
    const f = fnd({
      outcome: 'disc height',
      comparison: 'within-arm',
      arms: ['bmc', 'sham'],
      change: 'no-change',
      significant: false,
      analysis: 'per protocol',
      timepoint: { value: 6, unit: 'months' },
    });
    assert.equal(
      findingSentence(twoArm, f),
      'disc height (at 6 months): no change in both arms (BMC and sham) (not significant); per protocol',
    );
  });

  test('a change in some arms lists them without "all"; one control arm is singular', () => {
    const two = fnd({ comparison: 'within-arm', arms: ['mpc', 'saline'], change: 'improved', significant: true });
    assert.equal(
      findingSentence(threeArm, two),
      'pain (VAS): MPC and saline: improved from baseline (significant) — control arm (saline) improved too',
    );
    const ctl = fnd({ comparison: 'within-arm', arms: ['ha'], change: 'improved', window: 'within the first 8 days' });
    assert.equal(
      findingSentence(threeArm, ctl),
      'pain (VAS) (within the first 8 days): HA: improved from baseline — control arm (HA) improved too',
    );
  });

  test('a treatment arm alone that is stable or improved, worsened, or changed, has no placebo note', () => {
    const stable = fnd({
      outcome: 'ODI',
      comparison: 'within-arm',
      arms: ['bmc'],
      change: 'stable-or-improved',
      significant: true,
      p: 'p < 0.05',
    });
    assert.equal(findingSentence(twoArm, stable), 'ODI: BMC: stable or improved from baseline (significant, p < 0.05)');
    const worse = fnd({ comparison: 'within-arm', arms: ['sham'], change: 'worsened', significant: null });
    assert.equal(findingSentence(twoArm, worse), 'pain (VAS): sham: worsened from baseline');
    const changed = fnd({ comparison: 'within-arm', arms: ['bmc'], change: null });
    assert.equal(findingSentence(twoArm, changed), 'pain (VAS): BMC: changed from baseline');
  });

  test('the single arm of a one-arm study is named alone, not as "all 1 arms"', () => {
    const f = fnd({ comparison: 'within-arm', arms: ['t'], change: 'improved', significant: true, p: 'p = 0.001' });
    assert.equal(findingSentence(oneArm, f), 'pain (VAS): BMC: improved from baseline (significant, p = 0.001)');
  });

  test('a between-arm finding says which arm it favours over which, with significance and analysis', () => {
    const f = fnd({
      arms: ['mpc', 'saline', 'ha'],
      favours: 'mpc',
      significant: true,
      p: 'p = 0.018',
      analysis: 'when correcting for post-treatment interventions',
      timepoint: { value: 24, unit: 'months' },
    });
    assert.equal(
      findingSentence(threeArm, f),
      'pain (VAS) (at 24 months): favours MPC over saline and HA (significant, p = 0.018); when correcting for post-treatment interventions',
    );
  });

  test('a comparator named in words stands in when the favoured arm is the only arm listed', () => {
    const f = fnd({
      comparison: 'dose',
      arms: ['mpc'],
      favours: 'mpc',
      comparator: 'the lower dose',
      significant: false,
    });
    assert.equal(findingSentence(threeArm, f), 'pain (VAS): favours MPC over the lower dose (not significant)');
    const g = fnd({ arms: ['mpc'], favours: 'mpc' });
    assert.equal(findingSentence(threeArm, g), 'pain (VAS): favours MPC over the comparator (significance not stated)');
  });

  test('"neither" is a null result between arms, "mixed" a mixed one', () => {
    // docs/evidence-model.md: "Null results are findings with no-change or favours: neither"
    const neither = fnd({
      comparison: 'dose',
      arms: ['mpc', 'saline'],
      favours: 'neither',
      significant: false,
      analysis: 'ITT',
    });
    assert.equal(
      findingSentence(threeArm, neither),
      'pain (VAS): no difference between MPC and saline (not significant); ITT',
    );
    const mixed = fnd({ arms: ['bmc', 'sham'], favours: 'mixed', p: 'p = 0.2', analysis: 'adjusted' });
    assert.equal(
      findingSentence(twoArm, mixed),
      'pain (VAS): mixed results between BMC and sham (significance not stated, p = 0.2); adjusted',
    );
  });

  test('a subgroup or unclear finding keeps the curated statement without its final full stop', () => {
    const sub = fnd({
      comparison: 'subgroup',
      arms: ['mpc'],
      statement: 'Patients with 2.5 points more pain at baseline improved more.',
      significant: true,
      p: 'p = 0.03',
    });
    assert.equal(
      findingSentence(threeArm, sub),
      'pain (VAS): Patients with 2.5 points more pain at baseline improved more (MPC; significant, p = 0.03)',
    );
    const unclear = fnd({
      comparison: 'unclear',
      arms: ['bmc'],
      statement: 'Pain fell by 1.5 points.',
      significant: false,
      timepoint: { value: 1, unit: 'months' },
    });
    assert.equal(
      findingSentence(twoArm, unclear),
      'pain (VAS) (at 1 month): Pain fell by 1.5 points (not significant)',
    );
  });
});

describe('outcome rows with their denominators', () => {
  test('rows that are only denominators, or whose measure is undefined, are not results', () => {
    // docs/evidence-model.md §Studies: undefined_measure is "kept, never shown as a result"
    assert.equal(outcomeSentence(threeArm, out({ statistic: 'n', arm: 'mpc', value: 28 })), null);
    assert.equal(outcomeSentence(threeArm, out({ statistic: 'pct', value: 71, undefined_measure: true })), null);
    const s = makeStudy('u', { outcomes: [out({ value: 1 }), out({ value: 71, undefined_measure: true })] });
    assert.deepEqual(undefinedMeasures(s), [s.outcomes[1]]);
  });

  test('a responder count is "k of n" over the arm, or over an explicit n row of the same measure', () => {
    const o = out({
      statistic: 'responder_n',
      arm: 'mpc',
      value: 18,
      timepoint_months: 12,
      definition: '≥15-point ODI gain',
    });
    assert.equal(outcomeSentence(threeArm, o), 'ODI (MPC, at 12 months): 18 of 30; ≥15-point ODI gain');
    const withN = {
      ...threeArm,
      outcomes: [
        out({ statistic: 'n', arm: 'mpc', value: 26, label: 'analysed' }),
        out({ statistic: 'n', arm: 'saline', value: 19 }),
        out({ statistic: 'n', arm: 'mpc', value: 27, instrument: 'VAS' }),
        out({ statistic: 'n', arm: 'mpc', value: 25 }),
      ],
    };
    assert.equal(denominatorOf(withN, o), 25);
    assert.equal(outcomeSentence(withN, o), 'ODI (MPC, at 12 months): 18 of 25; ≥15-point ODI gain');
    const labelled = out({ statistic: 'count', arm: 'mpc', value: 20, label: 'analysed' });
    assert.equal(outcomeSentence(withN, labelled), 'analysed (MPC): 20 of 26');
  });

  test('a count for the whole population of a several-arm study has no denominator', () => {
    const o = out({ statistic: 'count', value: 5, timepoint_months: 6 });
    assert.equal(denominatorOf(threeArm, o), null);
    assert.equal(outcomeSentence(threeArm, o), 'ODI (all patients, at 6 months): 5 (denominator not stated)');
  });

  test("a count in a single-group study takes the group's n, and no arm is named", () => {
    // docs/evidence-model.md: "A single-group study has one treatment arm with its n (Akeda 14 …)"
    const o = out({ statistic: 'count', value: 10, timepoint_months: 12 });
    assert.equal(denominatorOf(oneArm, o), 14);
    assert.equal(outcomeSentence(oneArm, o), 'ODI (at 12 months): 10 of 14');
  });

  test('an arm of unknown size leaves the count without a denominator', () => {
    const s = makeStudy('x', { arms: [mkArm('a', 'A', 'treatment', null), mkArm('b', 'B', 'control', 5)] });
    assert.equal(
      outcomeSentence(s, out({ statistic: 'count', arm: 'a', value: 3 })),
      'ODI (A): 3 (denominator not stated)',
    );
  });

  test("a percentage gets a denominator only from an explicit n row, never from the arm's size", () => {
    // docs/evidence-model.md §Cards: "a percentage gets a denominator only from an explicit `n` row"
    const pct = out({ statistic: 'responder_pct', arm: 'mpc', value: 60, timepoint_months: 12 });
    assert.equal(
      outcomeSentence(threeArm, pct),
      'ODI (MPC, at 12 months): 60% (number analysed not stated; 30 in the group)',
    );
    const withN = { ...threeArm, outcomes: [out({ statistic: 'n', arm: 'mpc', value: 25 })] };
    assert.equal(outcomeSentence(withN, pct), 'ODI (MPC, at 12 months): 60% of 25');
    // 47% of the 22-patient cohort (evidence model: "47% of 22 → error") stays a percentage
    const cohort = makeStudy('c', { arms: [mkArm('t', 'cohort', 'treatment', 22)] });
    assert.equal(
      outcomeSentence(cohort, out({ statistic: 'responder_pct', value: 47 })),
      'ODI: 47% (number analysed not stated; 22 in the group)',
    );
    assert.equal(
      outcomeSentence(threeArm, out({ statistic: 'responder_pct', value: 40 })),
      'ODI (all patients): 40% (number analysed not stated)',
    );
  });

  test('an n row of another measure, arm or label is not the denominator of a percentage', () => {
    const pct = out({ statistic: 'responder_pct', arm: 'mpc', value: 60, timepoint_months: 12 });
    const others = {
      ...threeArm,
      outcomes: [
        out({ statistic: 'n', arm: 'mpc', value: 27, instrument: 'VAS' }),
        out({ statistic: 'n', arm: 'saline', value: 19 }),
        out({ statistic: 'n', arm: 'mpc', value: 26, label: 'analysed' }),
      ],
    };
    assert.equal(
      outcomeSentence(others, pct),
      'ODI (MPC, at 12 months): 60% (number analysed not stated; 30 in the group)',
    );
  });

  test('percentages, grades, p values and other statistics, with units, definitions and caveats', () => {
    assert.equal(outcomeSentence(oneArm, out({ statistic: 'pct', value: 35, label: 'leg pain' })), 'leg pain: 35%');
    assert.equal(
      outcomeSentence(oneArm, out({ statistic: 'pct_change', value: 42.5, definition: 'from baseline' })),
      'ODI: 42.5%; from baseline',
    );
    // a fall is written with the minus sign U+2212, as the other signed statistics (fmtSigned), not a hyphen
    assert.equal(outcomeSentence(oneArm, out({ statistic: 'pct_change', value: -20 })), 'ODI: \u221220%');
    assert.equal(outcomeSentence(oneArm, out({ statistic: 'grade', value: 3, instrument: 'MRI' })), 'MRI: grade 3');
    assert.equal(
      outcomeSentence(threeArm, out({ statistic: 'p_value', arm: 'mpc', comparator_arm: 'saline', value: 0.02 })),
      'ODI (MPC): p = 0.02 vs saline',
    );
    assert.equal(outcomeSentence(oneArm, out({ statistic: 'p_value', value: 0.001 })), 'ODI: p = 0.001');
    assert.equal(
      outcomeSentence(oneArm, out({ statistic: 'mean_change', value: -2.5, unit: 'points', timepoint_months: 3 })),
      'ODI (at 3 months): mean change \u22122.5 points',
    );
    assert.equal(
      outcomeSentence(threeArm, out({ statistic: 'md', arm: 'mpc', value: 4, unit: '%' })),
      'ODI (MPC): md 4',
    );
    assert.equal(outcomeSentence(oneArm, out({ statistic: 'mean', value: 3.2 })), 'ODI: mean 3.2');
    assert.equal(
      outcomeSentence(oneArm, out({ statistic: 'pct', value: 40, caveat: 'low confidence: read from a figure' })),
      'ODI: 40% [low confidence: read from a figure]',
    );
  });

  test("a value retold by a narrative review is marked when the study's other results come from its abstract", () => {
    // docs/evidence-model.md §Audit items §0.6: "Atluri's second-hand control value is marked"
    const second = out({ statistic: 'mean', value: 6.1, arm: 'sham', provenance: retold });
    const s = { ...twoArm, outcomes: [out({ statistic: 'mean', value: 3, arm: 'bmc', provenance: primary }), second] };
    assert.equal(
      outcomeSentence(s, second),
      "ODI (sham): mean 6.1 [second-hand: from seed-000, a narrative review, not the study's abstract]",
    );
    const allRetold = { ...twoArm, outcomes: [second] };
    assert.equal(outcomeSentence(allRetold, second), 'ODI (sham): mean 6.1');
    const firstHand = out({ statistic: 'mean', value: 3, arm: 'bmc', provenance: primary });
    assert.equal(outcomeSentence(s, firstHand), 'ODI (BMC): mean 3');
  });
});

describe('all results of a primary study', () => {
  test('numbers first, then findings; denominator rows are not results', () => {
    const f = fnd({ arms: ['bmc', 'sham'], favours: 'bmc', significant: true });
    const s = {
      ...twoArm,
      outcomes: [out({ statistic: 'n', arm: 'bmc', value: 24 }), out({ statistic: 'count', arm: 'bmc', value: 12 })],
      findings: [f],
    };
    assert.deepEqual(studyResultSentences(s), [
      'ODI (BMC): 12 of 24',
      'pain (VAS): favours BMC over sham (significant)',
    ]);
  });

  test('p-value rows are left out when a finding states a p, kept when none does', () => {
    const pRow = out({ statistic: 'p_value', arm: 'bmc', comparator_arm: 'sham', value: 0.04 });
    const noP = fnd({ arms: ['bmc', 'sham'], favours: 'bmc', significant: true });
    const withP = fnd({ arms: ['bmc', 'sham'], favours: 'bmc', significant: true, p: 'p = 0.04' });
    assert.deepEqual(studyResultSentences({ ...twoArm, outcomes: [pRow], findings: [noP] }), [
      'ODI (BMC): p = 0.04 vs sham',
      'pain (VAS): favours BMC over sham (significant)',
    ]);
    assert.deepEqual(studyResultSentences({ ...twoArm, outcomes: [pRow], findings: [noP, withP] }), [
      'pain (VAS): favours BMC over sham (significant)',
      'pain (VAS): favours BMC over sham (significant, p = 0.04)',
    ]);
    assert.deepEqual(studyResultSentences({ ...twoArm, outcomes: [pRow, out({ statistic: 'pct', value: 9 })] }), [
      'ODI (BMC): p = 0.04 vs sham',
      'ODI (all patients): 9%',
    ]);
  });

  test('a responder percentage is dropped only beside the count of the same arm, measure, label and timepoint', () => {
    const base = { instrument: 'ODI' as const, arm: 'bmc', timepoint_months: 12 };
    const count = out({ ...base, statistic: 'responder_n', value: 15 });
    const pct = out({ ...base, statistic: 'responder_pct', value: 60 });
    assert.deepEqual(studyResultSentences({ ...twoArm, outcomes: [count, pct] }), [
      'ODI (BMC, at 12 months): 15 of 25',
    ]);
    // a percentage at another timepoint, arm, instrument or label says something else: kept
    const other = [
      out({ ...base, statistic: 'responder_pct', value: 50, timepoint_months: 6 }),
      out({ ...base, statistic: 'responder_pct', value: 20, arm: 'sham' }),
      out({ ...base, statistic: 'responder_pct', value: 55, instrument: 'VAS' }),
      out({ ...base, statistic: 'responder_pct', value: 65, label: 'ODI ≥ 30%' }),
      out({ ...base, statistic: 'pct', value: 70 }),
    ];
    assert.deepEqual(studyResultSentences({ ...twoArm, outcomes: [count, ...other] }), [
      'ODI (BMC, at 12 months): 15 of 25',
      'ODI (BMC, at 6 months): 50% (number analysed not stated; 25 in the group)',
      'ODI (sham, at 12 months): 20% (number analysed not stated; 25 in the group)',
      'VAS (BMC, at 12 months): 55% (number analysed not stated; 25 in the group)',
      'ODI ≥ 30% (BMC, at 12 months): 65% (number analysed not stated; 25 in the group)',
      'ODI (BMC, at 12 months): 70%',
    ]);
    // a labelled count does not hide an unlabelled percentage
    const labelledCount = out({ ...base, statistic: 'responder_n', value: 15, label: 'strict' });
    assert.deepEqual(studyResultSentences({ ...twoArm, outcomes: [labelledCount, pct] }), [
      'strict (BMC, at 12 months): 15 of 25',
      'ODI (BMC, at 12 months): 60% (number analysed not stated; 25 in the group)',
    ]);
  });
});

describe('reviews', () => {
  test('Xuan 2020: the reported MD within 8 weeks with its CI, and what the sources do not give', () => {
    // data/evidence/xuan-2020.json, seed-001: "mean difference: −1.47; 95% CI, −2.12 to −0.81", "within 8 weeks"
    const xuan = readStudy('xuan-2020');
    assert.deepEqual(reviewSentences(xuan, { findings: false }), [
      'reported pooled estimate, PRP injections vs control groups (type not stated), pain score within 8 weeks: MD \u22121.47 (95% CI \u22122.12 to \u22120.81); scale, number of studies, number of patients and heterogeneity not given in the sources',
    ]);
  });

  test('Machado 2023: a systematic review of 40 studies (13 RCTs), 11 of 13 positive, its conclusion quoted', () => {
    // seed-001: "a 2023 systematic review of 40 trials … Among 13 randomized controlled trials analyzed, 11 showed
    // significant improvement in pain and function"
    const machado = readStudy('machado-2023');
    assert.equal(reviewDescription(machado), 'systematic review of 40 studies (13 RCTs)');
    assert.deepEqual(reviewSentences(machado), [
      'vote count: 11 of 13 randomized trials showed significant improvement in pain and function (a count of trials, not a pooled estimate)',
      'states: "favorable safety and efficacy outcomes in PRP-treated patients across various spinal pain sources, including discogenic and facet joint-related pain" (no numbers in the sources)',
    ]);
  });

  const pooled = (over: Record<string, unknown>) => ({
    outcome: 'pain',
    measure: 'SMD' as const,
    estimate: 0.5,
    ci_lower: null,
    ci_upper: null,
    intervention: 'MSC',
    comparator: 'placebo',
    timepoint: null,
    window: null,
    scale: null,
    heterogeneity: null,
    provenance: P,
    ...over,
  });
  const review = (over: Record<string, unknown>) =>
    makeStudy('rev', {
      design: 'meta-analysis',
      arms: [],
      review: {
        included_studies: unknown,
        included_rcts: unknown,
        participants: unknown,
        pooled: [],
        vote_counts: [],
        conclusions: [],
        included_study_ids: [],
        ...over,
      },
    });

  test('a fully reported pooled estimate names its timepoint and scale and lacks nothing', () => {
    const s = review({
      pooled: [
        pooled({
          timepoint: { value: 6, unit: 'months' },
          window: 'after one injection',
          scale: 'VAS 0–10',
          studies: known(5),
          participants: known(300),
          heterogeneity: 'I² = 40%',
          ci_lower: 0.2,
          ci_upper: 0.8,
        }),
      ],
    });
    assert.deepEqual(reviewSentences(s), [
      'reported pooled estimate, MSC vs placebo, pain at 6 months, after one injection: SMD 0.5 (95% CI 0.2 to 0.8) on VAS 0–10',
    ]);
  });

  test('a CI with one limit missing is not printed; counts given as null are missing', () => {
    const s = review({
      pooled: [pooled({ ci_lower: -1, scale: 'ODI', studies: unknown, participants: known(80), heterogeneity: 'low' })],
    });
    assert.deepEqual(reviewSentences(s), [
      'reported pooled estimate, MSC vs placebo, pain: SMD 0.5 on ODI; number of studies not given in the sources',
    ]);
    const t = review({ pooled: [pooled({ ci_upper: 1, scale: 'ODI', studies: known(3), heterogeneity: 'low' })] });
    assert.deepEqual(reviewSentences(t), [
      'reported pooled estimate, MSC vs placebo, pain: SMD 0.5 on ODI; number of patients not given in the sources',
    ]);
  });

  test('a vote count of studies, and an outcome already worded as significant, read naturally', () => {
    const s = review({
      vote_counts: [
        { outcome: 'function', positive: 3, of: 5, unit: 'studies', statement: 's', provenance: P },
        { outcome: 'significant pain relief', positive: 2, of: 4, unit: 'rcts', statement: 's', provenance: P },
      ],
    });
    assert.deepEqual(reviewSentences(s), [
      'vote count: 3 of 5 studies showed significant improvement in function (a count of trials, not a pooled estimate)',
      'vote count: 2 of 4 randomized trials showed significant pain relief (a count of trials, not a pooled estimate)',
    ]);
  });

  test("a review's findings come after pooled estimates and vote counts, before conclusions, unless left out", () => {
    const s = {
      ...review({
        vote_counts: [{ outcome: 'pain', positive: 1, of: 2, unit: 'rcts', statement: 's', provenance: P }],
        conclusions: [{ text: 'PRP is safe', provenance: P }],
      }),
      findings: [fnd({ comparison: 'unclear', statement: 'Pain improved.' })],
    };
    const vote =
      'vote count: 1 of 2 randomized trials showed significant improvement in pain (a count of trials, not a pooled estimate)';
    const states = 'states: "PRP is safe" (no numbers in the sources)';
    assert.deepEqual(reviewSentences(s), [vote, 'pain (VAS): Pain improved (significance not stated)', states]);
    assert.deepEqual(reviewSentences(s, { findings: true }), [
      vote,
      'pain (VAS): Pain improved (significance not stated)',
      states,
    ]);
    assert.deepEqual(reviewSentences(s, { findings: false }), [vote, states]);
    // a study without a review section has only its findings
    assert.deepEqual(reviewSentences({ ...twoArm, findings: [fnd({ comparison: 'unclear', statement: 'x.' })] }), [
      'pain (VAS): x (significance not stated)',
    ]);
    assert.deepEqual(reviewSentences(twoArm), []);
  });

  test('a review is described by its design and the counts the sources give', () => {
    assert.equal(
      reviewDescription(review({ included_studies: known(12), included_rcts: known(4) })),
      'meta-analysis of 12 studies (4 RCTs)',
    );
    assert.equal(reviewDescription(review({})), 'meta-analysis');
    assert.equal(reviewDescription(review({ included_rcts: known(0) })), 'meta-analysis (0 RCTs)');
    // the v1 included_studies stands in when the review section does not give the number
    const v1 = { ...review({}), design: 'not-stated' as const, included_studies: known(7) };
    assert.equal(reviewDescription(v1), 'review (type not stated) of 7 studies');
    const noReview = makeStudy('nr', { design: 'narrative-review', included_studies: known(0) });
    assert.equal(reviewDescription(noReview), 'narrative review of 0 studies');
    assert.equal(reviewDescription(makeStudy('nr2', { design: 'systematic-review' })), 'systematic review');
  });
});

describe('where the results come from', () => {
  test('first-hand abstract and second-hand narrative review are told apart, each document once', () => {
    const s = {
      ...twoArm,
      outcomes: [out({ provenance: primary }), out({ provenance: primary })],
      findings: [fnd({ provenance: retold }), fnd({ provenance: retold1 }), fnd({ provenance: retold })],
    };
    assert.equal(
      resultTier(s),
      'results from its abstract (seed-002) and a narrative review, second-hand (seed-000, seed-001)',
    );
    assert.equal(
      resultTier({ ...twoArm, findings: [fnd({ provenance: retold })] }),
      'results from a narrative review, second-hand (seed-000)',
    );
    assert.equal(
      resultTier({ ...twoArm, outcomes: [out({ provenance: primary })] }),
      'results from its abstract (seed-002)',
    );
  });

  test('two first-hand documents are listed apart', () => {
    const other = { ...primary, document: 'seed-004' };
    assert.equal(
      resultTier({ ...twoArm, outcomes: [out({ provenance: primary }), out({ provenance: other })] }),
      'results from its abstract (seed-002, seed-004)',
    );
  });

  test('no results, or results only from other kinds of document, say nothing', () => {
    assert.equal(resultTier(twoArm), null);
    const registry = { document: 'ctgov', locator: 'record', quote: 'q', source_tier: 'registry' as const };
    assert.equal(resultTier({ ...twoArm, outcomes: [out({ provenance: registry })] }), null);
  });
});
