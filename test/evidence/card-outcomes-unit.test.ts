// The card's per-outcome insights (src/evidence/card-outcomes.ts), read from hand-built Summary-of-Findings
// questions. Rules: docs/evidence-model.md §Cards ("insights of kind `outcome` are one per main outcome ×
// comparison (what changed, against what, how sure, in how many patients) … none on the cross-therapy `all`
// card"), docs/reference/evidence-grading.md §2.1–2.2 (certainty levels; domains rated down; large effect rates
// up), docs/reference/sof-absolute-effects.md (per 1,000 with comparator, "fewer"/"more"). Expected sentences are
// assembled by hand; numbers are rounded to two decimals with the working in comments.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bestMainCertainty, outcomeInsights } from '../../src/evidence/card-outcomes.ts';
import type { Sof, SofQuestion } from '../../src/synthesis/sof.ts';
import { known, makeStudy, P, unknown } from '../helpers/studies.ts';

type Q = SofQuestion;
const effect = (over: Partial<NonNullable<Q['effect']>>) =>
  ({
    measure: 'MD',
    estimate: 0,
    ci_lb: 0,
    ci_ub: 0,
    k: 1,
    method: 'REML',
    pi_lb: null,
    pi_ub: null,
    i2: null,
    tau2: null,
    body: 'comparative',
    participants: null,
    software: 'test',
    ...over,
  }) as NonNullable<Q['effect']>;

const finding = (over: Partial<Q['findings'][number]>): Q['findings'][number] => ({
  study_id: 'a',
  favours: null,
  change: null,
  significant: null,
  p: null,
  control_arm_only: false,
  sentence: 'a sentence.',
  provenance: P,
  ...over,
});

function q(over: Partial<Q>): Q {
  return {
    id: 'q',
    outcome: 'pain',
    domain: 'pain',
    target: 'disc',
    timepoint: '≤ 3 months',
    comparison: 'vs placebo',
    comparison_kind: 'placebo',
    study_ids: ['a'],
    participants: null,
    effect: null,
    absolute: null,
    absolute_reason: null,
    study_effects: [],
    not_computable: [],
    findings: [],
    reported_analyses: [],
    certainty: 'low',
    start: 'high',
    start_reason: 'randomised',
    domains: [],
    override: null,
    statement: '',
    warnings: [],
    ...over,
  };
}
const sof = (questions: Q[]): Sof => ({
  schema: 'regenspine.sof/1',
  condition: 'chronic low back pain',
  therapy: 'prp',
  target: null,
  method: 'REML' as Sof['method'],
  questions,
  asipp: [],
});
const dom = (domain: string, steps: number) => ({ domain, steps, inputs: {}, reason: 'r' }) as Q['domains'][number];

const studies = [
  makeStudy('a', { enrolled: known(30) }),
  makeStudy('b', { enrolled: known(20) }),
  makeStudy('c', { enrolled: unknown }),
  makeStudy('d', { enrolled: unknown }),
  makeStudy('r1', { design: 'meta-analysis', review: {} as never }),
  makeStudy('r2', { design: 'systematic-review', review: {} as never }),
];

describe('one insight per main outcome and comparison', () => {
  test('a pooled comparative effect: comparator named, certainty with the domains rated down, patients summed', () => {
    // estimate −1.234 → −1.23, CI −2.5 to 0.031 → 0.03 (two decimals, minus sign U+2212); 30 + 20 = 50 patients
    const insight = outcomeInsights(
      sof([
        q({
          study_ids: ['b', 'a'],
          effect: effect({ estimate: -1.234, ci_lb: -2.5, ci_ub: 0.031, k: 2 }),
          findings: [
            finding({ comparator_label: 'saline', control_arm_only: true }),
            finding({ comparator_label: null }),
          ],
          domains: [
            dom('risk-of-bias', 1),
            dom('inconsistency', 0),
            dom('large-effect', 1),
            dom('publication-bias', 2),
          ],
        }),
      ]),
      studies,
      'PRP',
    );
    assert.deepEqual(insight, [
      {
        text: 'pain, PRP vs placebo / sham / vehicle (saline): ≤ 3 months: MD \u22121.23 (95% CI \u22122.5 to 0.03; pooled from 2 studies). How sure: low certainty (computed GRADE suggestion; rated down for risk of bias, publication bias). In 2 studies with 50 patients enrolled.',
        study_ids: ['a', 'b'],
      },
    ]);
  });

  test('windows of one outcome and comparison are one insight; certainty ranges; a reviewer judgement is counted', () => {
    const insight = outcomeInsights(
      sof([
        q({
          timepoint: '≤ 3 months',
          effect: effect({ measure: 'RR', estimate: 0.7649, ci_lb: 0.5, ci_ub: 1.1, k: 1 }),
          study_effects: [{ study_id: 'a' } as Q['study_effects'][number]],
          // docs/reference/sof-absolute-effects.md: 200 per 1,000 with comparator, 50 fewer
          absolute: {
            risk_with_comparator: 200,
            difference: { estimate: -50, ci_lb: -120, ci_ub: 10 },
          } as Q['absolute'],
          findings: [finding({ comparator_label: 'saline' })],
          certainty: 'low',
          domains: [dom('imprecision', 1)],
        }),
        q({
          timepoint: '6 months',
          target: 'sacroiliac-joint',
          study_ids: ['c'],
          reported_analyses: [
            { study_id: 'c', measure: 'SMD', estimate: 0.5, ci_lb: null, ci_ub: 0.9 } as Q['reported_analyses'][number],
          ],
          findings: [finding({ comparator_label: 'saline' }), finding({ comparator_label: 'sham' })],
          certainty: 'moderate',
          domains: [dom('imprecision', 2), dom('indirectness', 1)],
          override: { file: {} as never, stale: [] },
        }),
        q({
          outcome: 'function',
          domain: 'function',
          comparison_kind: 'active',
          study_ids: ['d'],
          certainty: 'very-low',
        }),
        q({ outcome: 'infection', domain: 'adverse-events', effect: effect({ estimate: 1 }) }),
      ]),
      studies,
      'PRP',
    );
    assert.deepEqual(insight, [
      {
        // RR 0.7649 → 0.76 (two decimals); c has no known enrollment: at least 30
        text: `pain, PRP vs placebo / sham / vehicle (saline; sham): ≤ 3 months: RR 0.76 (95% CI 0.5 to 1.1; one study, a; 200 per 1,000 with comparator; 50 fewer per 1,000 (95% CI 120 fewer to 10 more)). 6 months, target sacroiliac joint: SMD 0.5, as reported by c. How sure: certainty low to moderate (computed GRADE suggestion; rated down for imprecision, indirectness); a reviewer judgement is on file for 1 of these. In 2 studies with at least 30 patients enrolled (enrollment not reported for c).`,
        study_ids: ['a', 'c'],
      },
      {
        text: 'function, PRP vs active comparator: ≤ 3 months: no result with a direction. How sure: very low certainty (computed GRADE suggestion). In 1 study whose enrollment is not reported (d).',
        study_ids: ['d'],
      },
    ]);
  });

  test('a single-arm proportion is a percentage of treated patients with its counts, never a comparison', () => {
    // 0.456 → 46%, 0.3 → 30%, 0.62 → 62%; counts only from single-arm proportions with events
    const [insight] = outcomeInsights(
      sof([
        q({
          outcome: 'responders',
          domain: 'responder',
          comparison_kind: 'none',
          study_ids: ['a', 'b'],
          effect: effect({ measure: 'PLO', estimate: 0.456, ci_lb: 0.3, ci_ub: 0.62, k: 2, body: 'single-arm' }),
          study_effects: [
            { study_id: 'a', measure: 'PLO', events: 10, n: 14 },
            { study_id: 'b', measure: 'PLO', events: 12, n: 20 },
            { study_id: 'b', measure: 'PLO', events: null, n: 20 },
            { study_id: 'a', measure: 'RR', events: 3, n: 14 },
          ] as Q['study_effects'],
          certainty: 'very-low',
        }),
      ]),
      studies,
      'BMC',
    );
    assert.equal(
      insight!.text,
      'responders, BMC without a comparator (single arm or change from baseline): ≤ 3 months: 46% of treated patients (95% CI 30% to 62%; 10 of 14, a; 12 of 20, b) — single-arm, no comparison with control. How sure: very low certainty (computed GRADE suggestion). In 2 studies with 50 patients enrolled.',
    );
  });

  test('a review-reported estimate with its CI, counted as a review, not as patients', () => {
    // data/evidence/xuan-2020.json: MD −1.47 (95% CI −2.12 to −0.81)
    const [insight] = outcomeInsights(
      sof([
        q({
          comparison_kind: 'control-unspecified',
          study_ids: ['r2', 'r1'],
          reported_analyses: [
            {
              study_id: 'r1',
              measure: 'MD',
              estimate: -1.47,
              ci_lb: -2.12,
              ci_ub: -0.81,
            } as Q['reported_analyses'][number],
          ],
        }),
      ]),
      studies,
      'PRP',
      false,
    );
    assert.deepEqual(insight, {
      text: 'pain, PRP vs control (type not stated): ≤ 3 months: MD \u22121.47 (95% CI \u22122.12 to \u22120.81), as reported by r1. Certainty is not graded across different interventions. In 2 reviews (r1, r2).',
      study_ids: ['r1', 'r2'],
    });
  });

  test('direction-only findings are worded with who did better, and significance', () => {
    const [insight] = outcomeInsights(
      sof([
        q({
          study_ids: ['a', 'r1'],
          findings: [
            finding({ favours: 'intervention', comparator_label: 'saline', significant: true, when: 'at 3 months' }),
            finding({ study_id: 'b', favours: 'neither', significant: false }),
          ],
        }),
      ]),
      studies,
      'PRP',
    );
    assert.equal(
      insight!.text,
      'pain, PRP vs placebo / sham / vehicle (saline): ≤ 3 months: direction only, no size of effect: a reports PRP better than saline (at 3 months); statistically significant; b reports no difference between PRP and the comparator; not statistically significant. How sure: low certainty (computed GRADE suggestion). In 1 study with 30 patients enrolled and a review (r1).',
    );
  });

  test('control-arm responses are given as their sentences, without the final full stop', () => {
    const [insight] = outcomeInsights(
      sof([
        q({
          study_ids: ['a'],
          findings: [
            finding({ control_arm_only: true, change: 'improved', sentence: 'pain: saline: improved from baseline.' }),
            finding({
              study_id: 'b',
              control_arm_only: true,
              change: 'improved',
              sentence: 'pain: sham improved 2.5 points',
            }),
          ],
        }),
      ]),
      studies,
      'PRP',
    );
    assert.equal(
      insight!.text,
      'pain, PRP vs placebo / sham / vehicle: ≤ 3 months: a: pain: saline: improved from baseline; b: pain: sham improved 2.5 points. How sure: low certainty (computed GRADE suggestion). In 1 study with 30 patients enrolled.',
    );
  });

  test('rows that cannot give an estimate say why, each reason once, in words', () => {
    const nc = (kind: string) => ({ study_id: 'a', kind, reason: 'r', provenance: P }) as Q['not_computable'][number];
    const [insight] = outcomeInsights(
      sof([q({ not_computable: [nc('sd-not-reported'), nc('p-value-only'), nc('sd-not-reported')] })]),
      studies,
      'PRP',
    );
    assert.equal(
      insight!.text,
      'pain, PRP vs placebo / sham / vehicle: ≤ 3 months: no estimate can be computed (sd not reported; p value only). How sure: low certainty (computed GRADE suggestion). In 1 study with 30 patients enrolled.',
    );
  });

  test('a change the source does not place against control or baseline is worded as such; high certainty', () => {
    const improved = finding({ change: 'improved', significant: true, when: 'at 6 months' });
    const insights = outcomeInsights(
      sof([
        // an id that is no curated study adds no patients
        q({ comparison_kind: 'unclear', study_ids: ['ghost', 'a'], findings: [improved], certainty: 'high' }),
        q({ comparison_kind: 'none', findings: [improved], certainty: 'high' }),
      ]),
      studies,
      'PRP',
    );
    assert.deepEqual(insights, [
      {
        text: 'pain, PRP comparator unclear (control or baseline): ≤ 3 months: direction only, no size of effect: a reports that patients given PRP improved (at 6 months); statistically significant; the source does not say whether against the control group or from baseline. How sure: high certainty (computed GRADE suggestion). In 1 study with 30 patients enrolled.',
        study_ids: ['a', 'ghost'],
      },
      {
        text: 'pain, PRP without a comparator (single arm or change from baseline): ≤ 3 months: direction only, no size of effect: a reports improvement from baseline with PRP (at 6 months); statistically significant, with no comparison against control. How sure: high certainty (computed GRADE suggestion). In 1 study with 30 patients enrolled.',
        study_ids: ['a'],
      },
    ]);
  });

  test('a CI with its upper limit missing is not shown; several studies of unknown enrollment are named', () => {
    const insights = outcomeInsights(
      sof([
        q({
          study_ids: ['c', 'd'],
          reported_analyses: [
            { study_id: 'c', measure: 'SMD', estimate: 0.5, ci_lb: 0.1, ci_ub: null } as Q['reported_analyses'][number],
          ],
        }),
        q({ outcome: 'function', domain: 'function', study_ids: ['d', 'a', 'c'] }),
      ]),
      studies,
      'PRP',
    );
    assert.deepEqual(
      insights.map((i) => i.text),
      [
        'pain, PRP vs placebo / sham / vehicle: ≤ 3 months: SMD 0.5, as reported by c. How sure: low certainty (computed GRADE suggestion). In 2 studies whose enrollment is not reported (c, d).',
        // a 30 known; c and d unknown
        'function, PRP vs placebo / sham / vehicle: ≤ 3 months: no result with a direction. How sure: low certainty (computed GRADE suggestion). In 3 studies with at least 30 patients enrolled (enrollment not reported for c, d).',
      ],
    );
  });

  test('every main outcome domain is spoken to; adverse events and other domains are not', () => {
    const domains = ['pain', 'function', 'responder', 'quality-of-life', 'opioid-use', 'imaging', 'treatment-failure'];
    const qs = [...domains, 'adverse-events', 'other'].map((d) => q({ outcome: d, domain: d }));
    assert.deepEqual(
      outcomeInsights(sof(qs), studies, 'PRP').map((i) => i.text.split(',')[0]),
      domains,
    );
  });
});

describe('the card certainty', () => {
  test('the best certainty of a main outcome with a result; outcomes without one, or not main, do not count', () => {
    // docs/reference/evidence-grading.md §2.1: high > moderate > low > very low
    const withResult = { effect: effect({}) };
    assert.equal(
      bestMainCertainty(
        sof([
          q({ certainty: 'high', domain: 'adverse-events', ...withResult }),
          q({ certainty: 'moderate' }),
          q({ certainty: 'very-low', ...withResult }),
          q({ certainty: 'low', findings: [finding({})] }),
        ]),
      ),
      'low',
    );
    assert.equal(
      bestMainCertainty(
        sof([
          q({ certainty: 'very-low', ...withResult }),
          q({ certainty: 'moderate', reported_analyses: [{} as Q['reported_analyses'][number]] }),
        ]),
      ),
      'moderate',
    );
    assert.equal(bestMainCertainty(sof([q({ certainty: 'high', domain: 'imaging', ...withResult })])), 'high');
    assert.equal(bestMainCertainty(sof([q({ certainty: 'high' })])), null);
    assert.equal(bestMainCertainty(sof([])), null);
  });
});
