// The synthesis on the curated evidence base: every "not computable" reason kind the real data give, with the
// expected wording typed from the seeds and the issue; effects typed from the seeds' numbers; reported analyses
// shown as reported and never pooled; the JSON contract of issue 9 §4; no effect from a number without provenance.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EvidenceBase } from '../../src/evidence/files.ts';
import { readEvidenceBase } from '../../src/evidence/files.ts';
import type { EffectInput } from '../../src/synthesis/effects.ts';
import { computeSof, type Sof } from '../../src/synthesis/sof.ts';

let base: EvidenceBase;
const sofs: Record<string, Sof> = {};
// set up once, at load (not in a top-level hook, which would apply to every file sharing the process)
await (async () => {
  base = await readEvidenceBase();
  assert.deepEqual(base.problems, []);
  for (const t of ['prp', 'bmc', 'msc'])
    sofs[t] = computeSof(base.studies, base.statements, { condition: 'chronic low back pain', therapy: t });
})();

const q = (t: string, id: string) => {
  const x = sofs[t]!.questions.find((y) => y.id === `chronic-low-back-pain.${t}.${id}`);
  assert.ok(x, `question ${id}: ${sofs[t]!.questions.map((y) => y.id).join('\n')}`);
  return x;
};
const nc = (t: string, id: string, study: string) => q(t, id).not_computable.filter((n) => n.study_id === study);

describe('not computable, by kind, on the real data', () => {
  test('percent-not-whole-count: 47% of 22 (intradiscal PRP cohort, seed-000)', () => {
    const [n] = nc('prp', 'disc.responder-pain.none.6m', 'intradiscal-prp-cohort-22');
    assert.equal(n?.kind, 'percent-not-whole-count');
    // the wording: "47% of 22 is not a whole number of patients: the denominator at 6 months is unknown"
    assert.match(
      n!.reason,
      /^47% of 22 is not a whole number of patients \(10 of 22 = 45%, 11 of 22 = 50%\): the denominator at 6 months is unknown$/,
    );
  });
  test('arm-size-not-given: Atluri 67% vs 8% ODI MCID at 12 months (arm sizes not in the seeds)', () => {
    const [n] = nc('bmc', 'multiple.responder-function.conventional-care.12m', 'atluri-2022');
    assert.equal(n?.kind, 'arm-size-not-given');
    assert.match(n!.reason, /^between-arm risk ratio not computable: .*arm size not given/);
  });
  test('p-value-only: Amirdelfan VAS 6M MPC vs saline, p = 0.018 at 12 months (seed-000)', () => {
    const ns = nc('msc', 'disc.pain.placebo.12m', 'amirdelfan-2021');
    assert.deepEqual(
      ns.map((n) => n.kind),
      ['p-value-only', 'p-value-only'],
    );
    assert.match(ns[0]!.reason, /^only a p value is reported \(p = 0\.018/);
  });
  test('not-split-by-arm: Amirdelfan 17 of 100 treatment failures over 3 years', () => {
    const [n] = nc('msc', 'disc.treatment-failure.placebo.gt12m', 'amirdelfan-2021');
    assert.equal(n?.kind, 'not-split-by-arm');
    assert.match(n!.reason, /^17 is for the whole study population/);
  });
  test('single-patient-grade: Yan 2024 facet synovitis grade 1 at 12 months (one patient)', () => {
    const [n] = nc('msc', 'facet.imaging.none.12m', 'yan-2024');
    assert.equal(n?.kind, 'single-patient-grade');
  });
  test('not-an-effect-measure and undefined-measure: Orozco 85% of maximal improvement; "approaching 71%" efficacy', () => {
    assert.ok(nc('msc', 'disc.other.none.le3m', 'orozco-2011').some((n) => n.kind === 'not-an-effect-measure'));
    assert.ok(nc('msc', 'disc.other.none.unstated', 'orozco-2011').some((n) => n.kind === 'undefined-measure'));
  });
});

describe('effects computed from quoted numbers', () => {
  test('Akeda 2017: 71% of 14 → 10 of 14 (percent-of-denominator, docs/evidence-model.md), single-arm', () => {
    const e = q('prp', 'disc.responder-pain.none.unstated').study_effects.find((x) => x.study_id === 'akeda-2017')!;
    assert.equal(e.measure, 'PLO');
    assert.equal(e.events, 10);
    assert.equal(e.n, 14);
    assert.equal(e.derived_from[0]!.derivation?.rule, 'percent-of-denominator');
  });
  test('Bates 2022: 7 of 9 reported reduced pain at one year (quoted count, not the 78%)', () => {
    const e = q('msc', 'disc.responder-pain.none.12m').study_effects.find((x) => x.study_id === 'bates-2022')!;
    assert.equal(e.events, 7);
    assert.equal(e.n, 9);
  });
  test('single-arm bodies pooled as single-arm: Kumar 6/10 and Orozco 9/10, logit scale, REML + Knapp–Hartung', () => {
    const x = q('msc', 'disc.responder-composite.none.unstated');
    assert.deepEqual(x.study_effects.map((e) => [e.study_id, e.events, e.n]).sort(), [
      ['kumar-2017', 6, 10],
      ['orozco-2011', 9, 10],
    ]);
    assert.equal(x.effect?.body, 'single-arm');
    assert.equal(x.effect?.k, 2);
    assert.equal(x.effect?.method, 'REML + Knapp–Hartung');
    assert.ok(x.warnings.some((w) => /k = 2 < 5/.test(w)));
    assert.ok(x.warnings.some((w) => /different definitions/.test(w)));
    assert.match(x.statement, /no comparison with control|not an effect compared with control/);
  });
  test('no effect is ever computed from a number without provenance', () => {
    const ok = (i: EffectInput): boolean =>
      (i.provenance !== null && i.provenance.quote.length > 0) ||
      i.derivation?.inputs.every((d) => d.provenance.quote.length > 0) === true;
    for (const s of Object.values(sofs))
      for (const x of s.questions)
        for (const e of x.study_effects)
          for (const i of e.derived_from) assert.ok(ok(i), `${x.id} ${e.study_id} ${i.name}`);
  });
});

describe('inconsistency on the real data', () => {
  test('Ruiz-Lopez: steroid better at 1 month, PRP at 3 months (seed-000) is a time course, not rated down', () => {
    const d = q('prp', 'epidural.pain.active.le3m').domains.find((x) => x.domain === 'inconsistency')!;
    assert.equal(d.steps, 0);
    assert.match(d.reason, /ruiz-lopez-2020: the direction changes between timepoints/);
  });
});

describe('direction-only findings in the plain-language statement (never a number)', () => {
  test('Singla 2017: PRP better than steroid at 6 weeks and 3 months, significant (seed-000)', () => {
    const x = q('prp', 'sacroiliac.pain.active.le3m');
    assert.equal(x.effect, null);
    assert.match(
      x.statement,
      /singla-2017 reports PRP better than Group S \(steroid\) \(6 weeks, 3 months\); statistically significant/,
    );
    assert.match(
      x.statement,
      /^We do not know whether PRP changes pain; the evidence is very uncertain\. Direction only/,
    );
    // no number is invented: the only digits are the timepoints
    assert.deepEqual(x.statement.match(/\d+(\.\d+)?/g), ['2017', '6', '3']);
  });
  test('Ruiz-Lopez 2020: steroid better at 1 month, PRP at 3 months, significance not stated (seed-000)', () => {
    const x = q('prp', 'epidural.pain.active.le3m');
    assert.match(x.statement, /Control group \(triamcinolone\) better than PRP \(1 month\); significance not stated/);
    assert.match(x.statement, /PRP better than Control group \(triamcinolone\) \(3 months\); significance not stated/);
  });
  test('Tuakli-Wosornu 2016: the source does not say against what the PRP group improved (seed-000) — not called "from baseline"', () => {
    const x = q('prp', 'disc.pain.unclear.le3m');
    assert.match(
      x.statement,
      /tuakli-wosornu-2016 reports that patients given PRP improved .*; statistically significant; the source does not say whether against the control group or from baseline/,
    );
    assert.ok(!/from baseline with PRP/.test(x.statement));
  });
  test('the forest plot refits the pooled effect exactly (Kumar 6/10, Orozco 9/10)', async () => {
    const { questionForest } = await import('../../src/synthesis/forest.ts');
    const x = q('msc', 'disc.responder-composite.none.unstated');
    const f = questionForest(x, 'REML')!;
    assert.deepEqual(
      f.rows.map((r) => [r.study_id, r.events, r.n]),
      [
        ['kumar-2017', 6, 10],
        ['orozco-2011', 9, 10],
      ],
    );
    assert.match(f.svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // the plot's pooled line shows the SoF's pooled estimate
    const est = x.effect!.estimate.toFixed(2);
    assert.ok(f.svg.includes(`<text x=`) && f.svg.includes(`${est} [`), est);
    assert.ok(Math.abs(f.rows.reduce((a, r) => a + r.weight, 0) - 100) < 1e-9);
    assert.equal(questionForest(q('prp', 'disc.responder-pain.none.unstated'), 'REML'), null);
  });
  test('absolute effects on the real data: none computable, each with its reason', () => {
    for (const s of Object.values(sofs))
      for (const x of s.questions) {
        assert.equal(x.absolute, null, x.id);
        assert.ok((x.absolute_reason ?? '').length > 0, x.id);
      }
  });
});

describe('reported analyses', () => {
  test('Xuan 2020: MD −1.47 (95% CI −2.12 to −0.81) within 8 weeks, shown as reported, never pooled', () => {
    const x = q('prp', 'not-stated.pain.control-unspecified.le3m');
    assert.deepEqual(
      x.reported_analyses.map((r) => [r.study_id, r.measure, r.estimate, r.ci_lb, r.ci_ub, r.when]),
      [['xuan-2020', 'MD', -1.47, -2.12, -0.81, 'within 8 weeks']],
    );
    assert.equal(x.effect, null);
    assert.deepEqual(x.study_effects, []);
  });
});

describe('JSON contract (issue 9 §4)', () => {
  test('keys', () => {
    const s = sofs.prp!;
    for (const k of ['condition', 'therapy', 'questions', 'asipp']) assert.ok(k in s, k);
    for (const x of s.questions) {
      for (const k of [
        'id',
        'outcome',
        'timepoint',
        'comparison',
        'study_ids',
        'participants',
        'effect',
        'study_effects',
        'not_computable',
        'reported_analyses',
        'certainty',
        'domains',
        'override',
        'statement',
      ])
        assert.ok(k in x, `${x.id}: ${k}`);
      assert.ok(['high', 'moderate', 'low', 'very-low'].includes(x.certainty));
      for (const d of x.domains) for (const k of ['domain', 'steps', 'reason']) assert.ok(k in d);
      for (const e of x.study_effects)
        for (const k of ['study_id', 'measure', 'estimate', 'ci_lb', 'ci_ub', 'derived_from']) assert.ok(k in e);
      for (const n of x.not_computable) for (const k of ['study_id', 'reason']) assert.ok(k in n);
      for (const r of x.reported_analyses)
        for (const k of ['study_id', 'measure', 'estimate', 'ci_lb', 'ci_ub', 'provenance']) assert.ok(k in r);
      if (x.effect)
        for (const k of ['measure', 'estimate', 'ci_lb', 'ci_ub', 'k', 'method', 'pi_lb', 'pi_ub', 'i2'])
          assert.ok(k in x.effect);
    }
    for (const a of s.asipp) for (const k of ['target', 'level', 'trace', 'stated']) assert.ok(k in a);
  });
  test('ASIPP on the curated studies: PRP disc III (1 RCT, 2 observational, as §1.3); epidural and sacroiliac shown beside the stated IV', () => {
    const a = Object.fromEntries(sofs.prp!.asipp.map((r) => [r.target, r]));
    assert.equal(a.disc?.level, 'III');
    assert.equal(a.epidural?.stated?.level, 'IV');
    assert.equal(a.sacroiliac?.stated?.level, 'IV');
    assert.notEqual(a.epidural?.level, 'IV');
    assert.match(a.epidural!.differs!, /states IV/);
  });
  test('a stated level is shown even where no curated study exists (MSC epidural: stated IV, computed V)', () => {
    const a = Object.fromEntries(sofs.msc!.asipp.map((r) => [r.target, r]));
    assert.equal(a.epidural?.stated?.level, 'IV');
    assert.equal(a.epidural?.level, 'V');
  });
});
