// Anticipated absolute effects of a SoF row (src/synthesis/absolute.ts) against published worked examples
// (docs/reference/sof-absolute-effects.md): Cochrane Handbook 5.1 §11.5.5 (RR 0.75 applied to 80% and 20%)
// and the SoF table of the Cochrane review of compression stockings for DVT in airline passengers (Clarke et
// al. 2006, CD004002; Handbook 5.1 Figure 11.5.a). Expected numbers are the published ones, rounded as printed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Outcome, Study } from '../../src/domain/evidence.ts';
import { absoluteEffect, absoluteFromRelative } from '../../src/synthesis/absolute.ts';
import { questionForest } from '../../src/synthesis/forest.ts';
import { poolEffects } from '../../src/synthesis/pool.ts';
import { computeSof } from '../../src/synthesis/sof.ts';
import { arm, makeStudy, P } from '../helpers/studies.ts';

const per1000 = (x: number) => Math.round(x);

describe('absolute effects from a relative effect (Cochrane Handbook 5.1 §11.5.5)', () => {
  test('RR 0.75: a comparator risk of 80% becomes 60% (200 fewer per 1,000), 20% becomes 15% (50 fewer)', () => {
    const rr = { estimate: 0.75, ci_lb: 0.75, ci_ub: 0.75 };
    const hi = absoluteFromRelative('RR', rr, 0.8);
    assert.equal(per1000(hi.risk_with_comparator), 800);
    assert.equal(per1000(hi.risk_with_intervention.estimate), 600);
    assert.equal(per1000(hi.difference.estimate), -200);
    const lo = absoluteFromRelative('RR', rr, 0.2);
    assert.equal(per1000(lo.risk_with_intervention.estimate), 150);
    assert.equal(per1000(lo.difference.estimate), -50);
  });
  test('compression stockings SoF (Clarke 2006, CD004002): OR 0.10 (0.04 to 0.25) at 10 and 30 per 1,000', () => {
    const or = { estimate: 0.1, ci_lb: 0.04, ci_ub: 0.25 };
    const low = absoluteFromRelative('OR', or, 10 / 1000).risk_with_intervention;
    assert.deepEqual([low.estimate, low.ci_lb, low.ci_ub].map(per1000), [1, 0, 3]);
    const high = absoluteFromRelative('OR', or, 30 / 1000).risk_with_intervention;
    assert.deepEqual([high.estimate, high.ci_lb, high.ci_ub].map(per1000), [3, 1, 8]);
  });
  test('compression stockings SoF: superficial vein thrombosis OR 0.45 (0.18 to 1.13) at 13 per 1,000 → 6 (2 to 15)', () => {
    const r = absoluteFromRelative('OR', { estimate: 0.45, ci_lb: 0.18, ci_ub: 1.13 }, 13 / 1000);
    assert.deepEqual(
      [r.risk_with_intervention.estimate, r.risk_with_intervention.ci_lb, r.risk_with_intervention.ci_ub].map(per1000),
      [6, 2, 15],
    );
    // the difference per 1,000 is the corresponding risk minus the assumed risk: 6 − 13 = 7 fewer
    assert.equal(per1000(r.difference.estimate), -7);
  });
  test('RD: the difference is the risk difference itself', () => {
    const r = absoluteFromRelative('RD', { estimate: -0.05, ci_lb: -0.1, ci_ub: 0 }, 0.2);
    assert.deepEqual([r.difference.estimate, r.difference.ci_lb, r.difference.ci_ub].map(per1000), [-50, -100, 0]);
  });
});

const row = (o: Partial<Outcome>): Outcome => ({
  instrument: 'VAS',
  timepoint_months: 6,
  arm: 't',
  statistic: 'responder_n',
  value: 0,
  definition: '≥ 50% pain relief',
  provenance: P,
  ...o,
});
const rct = (id: string, t: number, c: number, n = 25): Study =>
  makeStudy(id, {
    design: 'rct',
    therapies: ['bmc', 'saline'],
    arms: [arm('t', 'treatment', ['bmc'], n), arm('c', 'control', ['saline'], n)],
    outcomes: [row({ value: t }), row({ arm: 'c', value: c })],
  });

describe('absolute effects in the SoF', () => {
  const ID = 'chronic-low-back-pain.bmc.disc.responder-pain.placebo.6m';
  test('one RCT, 15/25 vs 5/25: comparator risk 200 per 1,000, 600 with BMC, 400 more (RR 3 × 0.2)', () => {
    const sof = computeSof([rct('a', 15, 5)], [], { condition: 'chronic low back pain', therapy: 'bmc' });
    const q = sof.questions.find((x) => x.id === ID)!;
    assert.equal(q.effect?.measure, 'RR');
    const a = q.absolute!;
    assert.equal(a.basis, 'RR');
    assert.equal(per1000(a.risk_with_comparator), 200);
    assert.equal(per1000(a.risk_with_intervention.estimate), 600);
    assert.equal(per1000(a.difference.estimate), 400);
    // the CI limits are the RR CI limits applied to the same comparator risk
    assert.ok(Math.abs(a.difference.ci_lb - (200 * q.effect!.ci_lb - 200)) < 1e-9);
    assert.ok(Math.abs(a.difference.ci_ub - (200 * q.effect!.ci_ub - 200)) < 1e-9);
    assert.deepEqual(a.comparator_risk_from, [{ study_id: 'a', events: 5, n: 25 }]);
    assert.equal(q.absolute_reason, null);
  });
  test('pooled RR: the assumed comparator risk is the median comparator risk (4/25, 5/25, 10/25 → 200 per 1,000)', () => {
    const sof = computeSof([rct('a', 12, 4), rct('b', 15, 5), rct('c', 18, 10)], [], {
      condition: 'chronic low back pain',
      therapy: 'bmc',
    });
    const q = sof.questions.find((x) => x.id === ID)!;
    assert.equal(q.effect?.k, 3);
    assert.equal(per1000(q.absolute!.risk_with_comparator), 200);
    assert.ok(Math.abs(q.absolute!.risk_with_intervention.estimate - 200 * q.effect!.estimate) < 1e-9);
    // its forest plot shows events/total per arm (12/25 vs 4/25 …) and the same pooled RR
    const f = questionForest(q, 'REML')!;
    assert.deepEqual(
      f.rows.map((r) => [r.study_id, r.events, r.n]),
      [
        ['a', 12, 50],
        ['b', 15, 50],
        ['c', 18, 50],
      ],
    );
    for (const t of ['12/25', '4/25', '10/25', 'Treatment', 'Comparator', `${q.effect!.estimate.toFixed(2)} [`])
      assert.ok(f.svg.includes(t), t);
  });
  test('null with the reason: single-arm, continuous, and an RR reported without comparator counts', () => {
    const plo = poolEffects([
      {
        study_id: 's',
        measure: 'PLO',
        estimate: 0.6,
        ci_lb: 0.3,
        ci_ub: 0.8,
        yi: Math.log(1.5),
        vi: 0.1,
        n: 10,
        events: 6,
        comparator: null,
        instrument: 'VAS',
        definition: null,
        when: null,
        as_reported: false,
        derived_from: [],
      },
    ]);
    assert.match(absoluteEffect(plo, []).reason ?? '', /^single-arm proportion/);
    const md = { ...plo!, measure: 'MD', body: 'comparative' as const };
    assert.match(absoluteEffect(md, []).reason ?? '', /^continuous outcome: the mean difference is itself/);
    const rr = { ...plo!, measure: 'RR', body: 'comparative' as const };
    assert.match(absoluteEffect(rr, []).reason ?? '', /comparator arms’ events and sizes are not given/);
    assert.equal(absoluteEffect(null, []).reason, 'no effect estimate');
  });
});
