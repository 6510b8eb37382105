import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { readValidStudies } from '../../src/app.ts';
import { computeCard } from '../../src/evidence/card.ts';
import { cardToMarkdown, cardToText } from '../../src/evidence/card-render.ts';
import { arm, known, makeStudy, P, unknown } from '../helpers/studies.ts';

describe('evidence card on synthetic studies', () => {
  const rct = makeStudy('rct-a', {
    design: 'rct',
    therapies: ['mpc', 'saline'],
    enrolled: known(30),
    followup_months: known(36),
    arms: [arm('cells', 'treatment', ['mpc'], 20), arm('placebo', 'control', ['saline'], 10)],
    adverse_events_reported: 'some',
    adverse_events: [
      {
        description: 'back pain flare',
        arm: 'cells',
        count: known(1),
        serious: false,
        relatedness: 'possible',
        resolution: null,
        provenance: P,
      },
      {
        description: 'infection',
        arm: 'cells',
        count: known(1),
        serious: true,
        relatedness: 'not-assessed',
        resolution: null,
        provenance: P,
      },
    ],
    outcomes: [
      {
        instrument: 'ODI',
        timepoint_months: 12,
        arm: 'cells',
        statistic: 'responder_pct',
        value: 60,
        definition: 'ODI -15',
        provenance: P,
      },
      {
        instrument: 'ODI',
        timepoint_months: 12,
        arm: 'placebo',
        statistic: 'responder_pct',
        value: 20,
        definition: 'ODI -15',
        provenance: P,
      },
    ],
  });
  const single = makeStudy('single-b', {
    enrolled: known(10),
    adverse_events_reported: 'none',
    adverse_events_provenance: P,
  });
  const silent = makeStudy('silent-c', {
    enrolled: unknown,
    arms: [arm('t', 'treatment', ['ad-msc'], null)],
    therapies: ['ad-msc'],
  });
  const prp = makeStudy('prp-d', { therapies: ['prp'], arms: [arm('t', 'treatment', ['prp'], 5)] });
  const review = makeStudy('review-e', { design: 'systematic-review', enrolled: known(1000), arms: [] });
  const trial = makeStudy('trial-f', {
    record_kind: 'registration',
    status: 'recruiting',
    enrolled: known(50),
    citation: { ...makeStudy('x').citation, nct: 'NCT01234567' },
  });
  const all = [rct, single, silent, prp, review, trial];

  test('counts designs, enrolled and treated patients; unknowns are flagged, not guessed', () => {
    const card = computeCard(all, 'chronic low back pain', 'msc');
    assert.deepEqual(card.study_ids, ['rct-a', 'single-b', 'silent-c']);
    assert.equal(card.studies, 3);
    assert.equal(card.randomized, 1);
    assert.equal(card.uncontrolled, 2);
    assert.equal(card.patients_enrolled, 40);
    assert.deepEqual(card.patients_enrolled_unknown, ['silent-c']);
    assert.equal(card.patients_treated, null, 'one study does not say how many were treated');
    assert.equal(card.patients_treated_known, 30);
    assert.deepEqual(card.reviews, ['review-e']);
    assert.deepEqual(
      card.ongoing.map((t) => t.id),
      ['trial-f'],
    );
  });

  test('never says "no adverse event" when a study reports one; reports relatedness and an exact CI', () => {
    const card = computeCard(all, 'chronic low back pain', 'msc');
    assert.equal(card.safety.events.length, 2);
    assert.equal(card.safety.related_events, 1);
    assert.equal(card.safety.serious_events, 1);
    assert.ok(!/no (treatment[- ]associated )?adverse event/i.test(card.headline));
    // Related events over treated patients in studies that reported on safety: 1 / (20 + 10).
    const ci = card.safety.related_interval!;
    assert.equal(ci.x, 1);
    assert.equal(ci.n, 30);
    // R: binom.test(1, 30)$conf.int = 0.0008435709 0.1721695
    assert.ok(Math.abs(ci.lower - 0.0008435709) < 1e-9);
    assert.ok(Math.abs(ci.upper - 0.1721695) < 1e-6);
    assert.deepEqual(card.safety.not_reported, ['silent-c']);
    const silence = card.insights.find((i) => i.text.includes('silence is not safety'));
    assert.deepEqual(silence?.study_ids, ['silent-c']);
  });

  test('outcomes separate treated and control arms', () => {
    const card = computeCard(all, 'chronic low back pain', 'msc');
    const odi = card.outcomes.find((o) => o.instrument === 'ODI')!;
    assert.equal(odi.responder_pct_treated!.max, 60);
    assert.equal(odi.responder_pct_control!.max, 20);
  });

  test('every insight names its studies, and only studies on the card', () => {
    const card = computeCard(all, 'chronic low back pain', 'msc');
    const allowed = new Set([...card.study_ids, ...card.reviews, ...card.ongoing.map((t) => t.id)]);
    for (const i of card.insights) {
      if (i.kind === 'scope') continue;
      assert.ok(i.study_ids.length > 0, `insight without study ids: ${i.text}`);
      for (const id of i.study_ids) assert.ok(allowed.has(id), `${id} is not on the card`);
    }
    assert.match(card.therapy_note ?? '', /BMC/);
    assert.match(cardToText(card), /\[rct-a/);
    assert.match(cardToMarkdown(card), /\(#rct-a\)/);
  });

  test('property: patients_enrolled is the sum of known enrollments, whatever the order', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 1, max: 500 })), { minLength: 0, maxLength: 12 }), (ns) => {
        const studies = ns.map((n, i) => makeStudy(`s${i}`, { enrolled: n === null ? unknown : known(n) }));
        const card = computeCard(studies, 'chronic low back pain', 'bmc');
        const reversed = computeCard([...studies].reverse(), 'chronic low back pain', 'bmc');
        const sum = ns.reduce<number>((a, n) => a + (n ?? 0), 0);
        assert.equal(card.patients_enrolled, sum);
        assert.equal(reversed.patients_enrolled, sum);
        assert.equal(card.patients_enrolled_unknown.length, ns.filter((n) => n === null).length);
      }),
    );
  });
});

describe('evidence card on the curated evidence base', () => {
  test('the msc card reports the adverse events the seeds report (seed 000 on Amirdelfan 2021)', async () => {
    const studies = await readValidStudies();
    const card = computeCard(studies, 'chronic low back pain', 'msc');
    assert.ok(card.study_ids.includes('amirdelfan-2021'));
    assert.ok(card.study_ids.includes('atluri-2022'));
    const amir = card.safety.events.filter((e) => e.study_id === 'amirdelfan-2021');
    assert.ok(
      amir.some((e) => /infection/i.test(e.description)),
      'implant-site infection is on the card',
    );
    assert.ok(
      amir.some((e) => e.relatedness === 'possible'),
      'the possibly product-related flare is on the card',
    );
    assert.ok((card.safety.related_events ?? 0) >= 1);
    assert.ok(!/no (treatment[- ]associated )?adverse event/i.test(card.headline));
    assert.match(card.therapy_note ?? '', /BMC/);
  });
});
