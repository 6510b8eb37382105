// Evidence cards (src/evidence/card.ts) on a hand-built evidence base whose every count is worked out below.
// Rules: docs/evidence-model.md §Cards and §Relatedness ("a card counts an event as related only at possible or
// stronger; events of unstated relatedness are listed as such, never counted as unrelated, and an unknown
// seriousness makes the card's serious_events null"), §Studies (not-stated designs are listed, never counted;
// none-serious / none-related), §Derived values ("cards mark derived arm sizes"), and docs/reference/evidence-audit.md
// §0.4–§0.5 as summarised in the evidence model's audit table. Exact binomial intervals from R binom.test.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Arm, EvidenceLevel, Outcome, Study } from '../../src/domain/evidence.ts';
import { THERAPY_GROUPS } from '../../src/domain/vocabulary.ts';
import {
  asOfText,
  citationText,
  computeCard,
  evidenceLevelsFor,
  pctSmart,
  studyTitle,
} from '../../src/evidence/card.ts';
import { known, makeStudy, P, unknown } from '../helpers/studies.ts';

const mkArm = (id: string, label: string, role: Arm['role'], therapies: Arm['therapies'], n: Arm['n']): Arm => ({
  id,
  label,
  role,
  therapies,
  n,
  intervention: label,
});
const retold = { ...P, source_tier: 'narrative-review' as const };

// --- an MSC evidence base without outcome rows (so no outcome is graded and the card level is "none") ---
const amir = makeStudy('amir-x', {
  design: 'rct',
  design_provenance: retold,
  enrolled: known(100),
  followup_months: known(24),
  therapies: ['mpc', 'saline'],
  allocation_ratio: { arms: ['mpc', 'saline'], parts: [3, 2], provenance: P },
  arms: [
    mkArm('mpc', 'MPC', 'treatment', ['mpc'], {
      value: 30,
      derivation: { rule: 'sum', formula: '30', inputs: [{ name: 'n', value: 30, provenance: P }] },
    }),
    mkArm('saline', 'saline', 'control', ['saline'], known(20)),
  ],
  adverse_events_reported: 'some',
  adverse_events: [
    {
      description: 'Back pain exacerbation, mild',
      arm: 'mpc',
      count: known(2),
      serious: false,
      relatedness: 'possible',
      attribution: { product: 'possible', procedure: 'not-stated' },
      resolution: null,
      provenance: P,
    },
    {
      description: 'Infection (implant site)',
      arm: null,
      count: known(1),
      serious: null,
      relatedness: 'not-stated',
      resolution: null,
      provenance: P,
    },
  ],
});
const kumar = makeStudy('kumar-x', {
  enrolled: known(10),
  followup_months: known(12),
  therapies: ['ad-msc'],
  arms: [mkArm('t', 'AD-MSC', 'treatment', ['ad-msc'], known(10))],
  adverse_events_reported: 'none',
  adverse_events_provenance: P,
});
const bates = makeStudy('bates-x', {
  design: 'not-stated',
  enrolled: unknown,
  followup_months: known(6),
  arms: [mkArm('t', 'BMC', 'treatment', ['bmc'], unknown)],
  adverse_events_reported: 'none-serious',
  adverse_events_provenance: P,
});
const cs = makeStudy('cs-x', {
  design: 'case-series',
  enrolled: known(40),
  followup_months: unknown,
  targets: [],
  arms: [mkArm('t', 'BMC', 'treatment', ['bmc'], known(40))],
  rob_inputs: [
    { domain: 'setting', value: 'private clinic', provenance: P },
    { domain: 'blinding', value: 'open-label', provenance: P },
    { domain: 'funding', value: 'industry', provenance: P },
    { domain: 'randomisation', value: 'open-label', provenance: P },
  ],
  adverse_events_reported: 'none-related',
  adverse_events_provenance: P,
});
const nr = makeStudy('nr-x', {
  design: 'case-report',
  enrolled: known(1),
  followup_months: known(36),
  arms: [mkArm('t', 'UC-MSC', 'treatment', ['uc-msc'], known(1))],
});
const nct = makeStudy('nct-x', {
  design: 'rct',
  record_kind: 'registration',
  status: 'recruiting',
  phase: 'II',
  enrolled: known(60),
  citation: { ...makeStudy('nct-x').citation, nct: 'NCT01234567' },
  status_as_of: { date: '2022-06-27', basis: 'seed-000 accepted 27 June 2022', provenance: P },
  arms: [mkArm('t', 'MPC', 'treatment', ['mpc'], unknown)],
});
const zhang = makeStudy('zhang-x', {
  design: 'rct',
  record_kind: 'protocol',
  status: 'not-yet-recruiting',
  enrolled: unknown,
  arms: [mkArm('t', 'BM-MSC', 'treatment', ['bm-msc'], unknown)],
});
const rev = makeStudy('rev-x', {
  design: 'meta-analysis',
  therapies: ['mpc'],
  arms: [],
  review: {
    included_studies: known(12),
    included_rcts: known(4),
    participants: unknown,
    pooled: [],
    vote_counts: [],
    conclusions: [],
    included_study_ids: [],
  },
});
const prpStudy = makeStudy('prp-x', { therapies: ['prp'], arms: [mkArm('t', 'PRP', 'treatment', ['prp'], known(5))] });
const asipp: EvidenceLevel = {
  id: 'asipp',
  kind: 'evidence-level',
  body: 'ASIPP',
  scheme: 'ASIPP levels of evidence',
  level: 'IV',
  therapies: ['prp', 'msc-other'],
  targets: ['facet', 'epidural', 'sacroiliac'],
  statement: 'Level IV evidence.',
  reported_by: 'seed-000 (Kaye 2022)',
  provenance: P,
};
const base = [amir, kumar, bates, cs, nr, nct, zhang, rev, prpStudy];

describe('the MSC card of a hand-built evidence base', () => {
  const card = computeCard(base, 'chronic low back pain', 'msc', [asipp]);

  test('designs are counted, not-stated listed apart; enrolled and treated patients with the unknowns named', () => {
    // primary: amir (rct), kumar (single-arm), bates (not stated), cs (case series), nr (case report)
    assert.deepEqual(card.study_ids, ['amir-x', 'kumar-x', 'bates-x', 'cs-x', 'nr-x']);
    assert.equal(card.studies, 5);
    assert.deepEqual(card.designs, { rct: 1, 'single-arm': 1, 'case-series': 1, 'case-report': 1 });
    assert.deepEqual([card.randomized, card.controlled, card.uncontrolled], [1, 1, 3]);
    assert.deepEqual(card.design_not_stated, ['bates-x']);
    // 100 + 10 + 40 + 1 = 151 enrolled; treated 30 + 10 + 40 + 1 = 81, bates unknown
    assert.equal(card.patients_enrolled, 151);
    assert.deepEqual(card.patients_enrolled_unknown, ['bates-x']);
    assert.equal(card.patients_treated, null);
    assert.equal(card.patients_treated_known, 81);
    assert.deepEqual(card.patients_treated_unknown, ['bates-x']);
    assert.deepEqual(card.patients_treated_derived, ['amir-x']);
    assert.deepEqual(card.comparators, [{ study_id: 'amir-x', arm: 'saline', label: 'saline' }]);
    assert.deepEqual(card.durability, { longest_followup_months: 36, study_ids: ['nr-x'] });
    assert.equal(card.condition, 'chronic low back pain');
    assert.equal(card.therapy, 'msc');
    assert.equal(card.therapy_label, 'Mesenchymal stem/stromal cell therapies');
    assert.equal(card.therapy_note, THERAPY_GROUPS.msc!.note);
  });

  test('safety: events with denominators; related counted only at possible or stronger; seriousness unknown → null', () => {
    assert.deepEqual(card.safety.reported_events, ['amir-x']);
    assert.deepEqual(card.safety.reported_none, ['kumar-x']);
    assert.deepEqual(card.safety.reported_none_serious, ['bates-x']);
    assert.deepEqual(card.safety.reported_none_related, ['cs-x']);
    assert.deepEqual(card.safety.not_reported, ['nr-x']);
    assert.deepEqual(card.safety.events, [
      {
        study_id: 'amir-x',
        description: 'Back pain exacerbation, mild',
        arm: 'mpc',
        count: 2,
        relatedness: 'possible',
        attribution: { product: 'possible', procedure: 'not-stated' },
        serious: false,
        denominator: 30,
      },
      {
        // a whole-study event: all arms, 30 + 20
        study_id: 'amir-x',
        description: 'Infection (implant site)',
        arm: null,
        count: 1,
        relatedness: 'not-stated',
        attribution: null,
        serious: null,
        denominator: 50,
      },
    ]);
    assert.equal(card.safety.related_events, 2);
    assert.equal(card.safety.serious_events, null);
    // related patients over treated in the studies that settle relatedness (some, none, none-related):
    // 2 / (30 + 10 + 40); R: binom.test(2, 80)$conf.int = 0.003042086 0.087407156
    const ci = card.safety.related_interval!;
    assert.deepEqual([ci.x, ci.n, ci.study_ids], [2, 80, ['amir-x', 'kumar-x', 'cs-x']]);
    assert.ok(Math.abs(ci.lower - 0.003042086165) < 1e-9);
    assert.ok(Math.abs(ci.upper - 0.087407155931) < 1e-9);
  });

  test('every insight but the per-outcome ones, word for word, in order', () => {
    const texts = card.insights
      .filter((i) => i.kind !== 'outcome' && i.kind !== 'certainty')
      .map((i) => [i.kind, i.text, i.study_ids]);
    const none = 'no result is given in the curated sources.';
    assert.deepEqual(texts, [
      ['scope', THERAPY_GROUPS.msc!.note, []],
      [
        'evidence-base',
        '5 published studies: 1 randomized controlled trial, 1 single-arm study, 1 case series, 1 case report, 1 of design not stated in the sources (bates-x). At least 151 patients were enrolled (enrollment not reported for bates-x); at least 81 received the therapy (the number treated is not reported for bates-x). Arm sizes of amir-x are derived from the stated total and allocation ratio or remainder. Comparators: saline (amir-x).',
        ['amir-x', 'kumar-x', 'bates-x', 'cs-x', 'nr-x'],
      ],
      // strongest design first: rct, single-arm, case series, case report, not stated
      ['study', `amir-x (RCT, 100 enrolled; MPC 30 (derived); saline 20; target: disc): ${none}`, ['amir-x']],
      ['study', `kumar-x (single-arm, 10 enrolled; AD-MSC 10; target: disc): ${none}`, ['kumar-x']],
      [
        'study',
        `cs-x (case series, 40 enrolled; BMC 40; target not stated; private clinic; open-label): ${none}`,
        ['cs-x'],
      ],
      ['study', `nr-x (case report, 1 enrolled; UC-MSC 1; target: disc): ${none}`, ['nr-x']],
      [
        'study',
        `bates-x (design not stated, enrollment not reported; BMC n not stated; target: disc): ${none}`,
        ['bates-x'],
      ],
      [
        'durability',
        // follow-up stated for amir 24, kumar 12, bates 6, nr 36; kumar and bates end by 12 months
        'Longest follow-up: 36 months (nr-x). 2 of 4 studies with a stated follow-up ended by 12 months. Controlled follow-up beyond 12 months: amir-x (RCT, 24 months).',
        ['amir-x', 'kumar-x', 'bates-x', 'nr-x'],
      ],
      [
        'safety',
        'Adverse events were reported in 1 study. amir-x: Back pain exacerbation, mild (2 of 30, MPC; relatedness to the product: possible; to the procedure: not stated; not serious); Infection (implant site) (1 of 50, all arms; relatedness not stated in the source; seriousness not stated).',
        ['amir-x'],
      ],
      [
        'safety',
        // 2/80 = 2.5%; 0.304% → "0.30%" (below 1%: two decimals); 8.74% → "8.7%"
        '2 of 80 treated patients in the 3 studies that reported on adverse events (amir-x, kumar-x, cs-x) had an event judged possibly, probably or definitely related to treatment: 2.5% (exact 95% CI 0.30% to 8.7%). Events whose relatedness the source does not state are not counted as related: infection (1, amir-x).',
        ['amir-x', 'kumar-x', 'cs-x'],
      ],
      [
        'safety',
        'Seriousness is not stated for 1 of the 2 reported events, so the number of serious events is unknown (not zero).',
        ['amir-x'],
      ],
      ['safety', '1 study stated that no adverse event occurred: kumar-x (10 treated).', ['kumar-x']],
      [
        'safety',
        '1 study stated only that no serious (or severe) adverse event occurred: bates-x; non-serious events are neither reported nor excluded.',
        ['bates-x'],
      ],
      [
        'safety',
        '1 study stated that no adverse event related to the injection occurred: cs-x (40 treated); unrelated events are neither reported nor excluded.',
        ['cs-x'],
      ],
      [
        'safety',
        '1 study did not report on adverse events in the sources curated (nr-x): silence is not safety.',
        ['nr-x'],
      ],
      [
        'evidence-level',
        'ASIPP, as reported by seed-000 (second-hand): level IV for PRP and MSCs in lumbar facet joint, lumbar epidural, sacroiliac joint injections — "Level IV evidence." This is a guideline grading, not a GRADE certainty; it says nothing about intradiscal injection.',
        [],
      ],
      [
        'ongoing',
        '1 registered trial and 1 published protocol without published results plan to enroll at least 60 patients (estimated enrollment as registered); status as listed in seed-000, as of 27 June 2022; it may have changed since.',
        ['nct-x', 'zhang-x'],
      ],
      [
        'reviews',
        '1 review of this question is curated (rev-x); their patients are not added to the counts above, and because the sources do not say which studies they include, their results may overlap with the studies above.',
        ['rev-x'],
      ],
      ['reviews', `rev-x (meta-analysis of 12 studies (4 RCTs)): ${none}`, ['rev-x']],
    ]);
  });

  test('certainty: no outcome graded, so "none"; the reasons for caution, each worked out', () => {
    assert.deepEqual(card.certainty, {
      level: 'none',
      reasons: [
        '3 of 5 studies had no control group',
        'the design of 1 is not stated',
        // kumar 10, cs 40, nr 1
        '3 of 5 studies enrolled fewer than 50 patients',
        'enrollment unknown for 1',
        'different products (mpc, ad-msc, bmc, uc-msc)',
        'results of 1 of 5 studies are known only second-hand, from narrative reviews',
      ],
    });
    const cert = card.insights.filter((i) => i.kind === 'certainty');
    assert.equal(cert.length, 1);
    assert.deepEqual(cert[0]!.study_ids, card.study_ids);
    assert.ok(cert[0]!.text.endsWith(`Reasons for caution across the evidence: ${card.certainty.reasons.join('; ')}.`));
    assert.ok(cert[0]!.text.includes('no main outcome is rated above none.'));
  });

  test('the headline: designs, patients, each safety state, the certainty', () => {
    assert.equal(
      card.headline,
      '5 published studies of mesenchymal stem/stromal cell therapies for chronic low back pain (1 randomized, 3 without a control group, 1 of design not stated): enrolled at least 151 patients, at least 81 treated; 1 study reported adverse events (2 patients with an event judged possibly or more related, of 80 treated), 1 stated that none occurred, 1 that none was serious, 1 that none was related to the injection, 1 did not report on safety; GRADE certainty per outcome at most none (computed suggestion).',
    );
  });

  test('ongoing trials, reviews, evidence levels and citations of the card', () => {
    assert.deepEqual(card.ongoing, [
      { id: 'nct-x', nct: 'NCT01234567', phase: 'II', enrolled: 60, status: 'recruiting' },
      { id: 'zhang-x', nct: null, phase: null, enrolled: null, status: 'not-yet-recruiting' },
    ]);
    assert.deepEqual(card.reviews, ['rev-x']);
    assert.deepEqual(card.evidence_levels, [asipp]);
    assert.deepEqual(
      card.citations.map((c) => c.id),
      ['amir-x', 'kumar-x', 'bates-x', 'cs-x', 'nr-x', 'nct-x', 'zhang-x', 'rev-x'],
    );
    assert.deepEqual(card.citations[5], {
      id: 'nct-x',
      text: 'Doe J. (2020) Study nct-x. NCT01234567',
      pmid: null,
      doi: null,
      nct: 'NCT01234567',
    });
  });
});

describe('smaller cards', () => {
  test('no primary study: the headline says so, and there is no certainty', () => {
    const card = computeCard([nct], 'chronic low back pain', 'prp');
    assert.equal(
      card.headline,
      'No published study of platelet-rich plasma and platelet-rich fibrin for chronic low back pain with its own results is in the evidence base.',
    );
    assert.equal(card.certainty.level, 'none');
    assert.deepEqual(card.certainty.reasons, []);
    assert.deepEqual(
      card.insights.map((i) => [i.kind, i.text]),
      [['certainty', 'No published study with its own results was found in the curated evidence.']],
    );
    assert.equal(card.therapy_note, null);
    assert.deepEqual(card.durability, { longest_followup_months: null, study_ids: [] });
  });

  test('all treated known, no controls, no related event: the exact upper bound of a zero rate', () => {
    const a = makeStudy('a-x', {
      therapies: ['prp'],
      enrolled: known(10),
      followup_months: known(3.5),
      arms: [mkArm('t', 'PRP', 'treatment', ['prp'], known(10))],
      adverse_events_reported: 'none',
      adverse_events_provenance: P,
    });
    const card = computeCard([a], 'chronic low back pain', 'prp');
    assert.equal(card.patients_treated, 10);
    const texts = card.insights.filter((i) => i.kind !== 'outcome').map((i) => i.text);
    assert.equal(
      texts[0],
      '1 published study: 1 single-arm study. 10 patients were enrolled; 10 of them received platelet-rich plasma and platelet-rich fibrin; the rest were controls. No study had a control group.',
    );
    // durability: 3.5 months printed with one decimal; no controlled study beyond 12 months
    assert.ok(
      texts.includes(
        'Longest follow-up: 3.5 months (a-x). 1 of 1 studies with a stated follow-up ended by 12 months. No controlled study followed patients beyond 12 months.',
      ),
    );
    // R: binom.test(0, 10)$conf.int upper = 0.3084971 → 30.8%
    assert.ok(
      texts.includes(
        'No event judged related to treatment was reported in 10 treated patients of the studies that reported on adverse events (a-x); the exact 95% CI for the rate still reaches 30.8%.',
      ),
    );
    assert.equal(
      card.headline,
      '1 published study of platelet-rich plasma and platelet-rich fibrin for chronic low back pain (0 randomized, 1 without a control group): enrolled 10 patients, 10 treated; 1 stated that none occurred; GRADE certainty per outcome at most none (computed suggestion).',
    );
    assert.deepEqual(card.certainty.reasons, [
      '1 of 1 studies had no control group',
      'no randomized controlled trial',
      '1 of 1 studies enrolled fewer than 50 patients',
    ]);
  });

  test('related events whose denominator is unknown are counted without a rate; no one treated is known', () => {
    const a = makeStudy('u-x', {
      therapies: ['prp'],
      design: 'non-randomized-controlled',
      enrolled: unknown,
      arms: [
        mkArm('t', 'PRP', 'treatment', ['prp'], unknown),
        mkArm('c', 'usual care', 'control', ['conventional-care'], known(5)),
      ],
      adverse_events_reported: 'some',
      adverse_events: [
        {
          description: 'flare',
          arm: 't',
          count: known(1),
          serious: true,
          relatedness: 'probable',
          attribution: { product: 'probable', procedure: 'probable' },
          resolution: null,
          provenance: P,
        },
        {
          description: 'headache',
          arm: 'c',
          count: known(1),
          serious: false,
          relatedness: 'unlikely',
          resolution: null,
          provenance: P,
        },
        {
          description: 'fever',
          arm: 'c',
          count: unknown,
          serious: false,
          relatedness: 'not-assessed',
          resolution: null,
          provenance: P,
        },
      ],
    });
    const card = computeCard([a], 'chronic low back pain', 'prp');
    assert.equal(card.safety.related_events, 1);
    assert.equal(card.safety.serious_events, 1);
    assert.equal(card.safety.related_interval, null);
    assert.deepEqual(
      card.safety.events.map((e) => e.denominator),
      [null, 5, 5],
    );
    const texts = card.insights.filter((i) => i.kind !== 'outcome').map((i) => i.text);
    assert.equal(
      texts[0],
      '1 published study: 1 non-randomized controlled study. Enrollment is not reported in the curated sources; the number who received the therapy is not reported (u-x). Comparators: usual care (u-x).',
    );
    assert.ok(
      texts.includes(
        'Adverse events were reported in 1 study. u-x: flare (1, PRP; relatedness probable in the source; serious); headache (1 of 5, usual care; judged unlikely to be related; not serious); fever (number not reported, usual care; relatedness not assessed; not serious).',
      ),
    );
    assert.ok(
      texts.includes(
        '1 patient had an event judged possibly, probably or definitely related to treatment; the number of treated patients it is out of is not known. Events whose relatedness the source does not state are not counted as related: fever (number not reported, u-x).',
      ),
    );
    assert.equal(
      card.headline,
      '1 published study of platelet-rich plasma and platelet-rich fibrin for chronic low back pain (0 randomized, 1 non-randomized controlled, 0 without a control group): enrollment not reported, number treated not reported; 1 study reported adverse events (1 patient with an event judged possibly or more related); GRADE certainty per outcome at most none (computed suggestion).',
    );
  });

  test('results of a study are listed with what is left out; outcome ranges never mix timepoints or definitions', () => {
    const abs = { ...P, source_tier: 'primary-abstract' as const };
    const o = (over: Partial<Outcome>): Outcome => ({
      instrument: 'ODI',
      timepoint_months: 12,
      arm: null,
      statistic: 'responder_pct',
      value: 0,
      definition: 'ODI ≥ 30%',
      provenance: abs,
      ...over,
    });
    const p1 = makeStudy('p1', {
      design: 'rct',
      therapies: ['prp', 'steroid'],
      enrolled: known(40),
      arms: [
        mkArm('prp', 'PRP', 'treatment', ['prp'], known(20)),
        mkArm('ctl', 'steroid', 'control', ['steroid'], known(20)),
      ],
      outcomes: [
        o({ arm: 'prp', value: 60 }),
        o({ arm: 'ctl', value: 30 }),
        o({
          instrument: 'VAS',
          statistic: 'mean_change',
          arm: 'prp',
          timepoint_months: 6,
          value: -3,
          definition: null,
        }),
        o({ instrument: 'VAS', statistic: 'mean_change', arm: null, timepoint_months: 6, value: -2, definition: null }),
        o({ instrument: 'other', label: 'success rate', statistic: 'pct', value: 71, undefined_measure: true }),
        o({ statistic: 'pct', value: 71, undefined_measure: true, caveat: 'approaching 71%' }),
      ],
    });
    const p2 = makeStudy('p2', {
      therapies: ['prp'],
      enrolled: known(15),
      arms: [mkArm('t', 'PRP', 'treatment', ['prp'], known(15))],
      outcomes: [
        o({ value: 73.3 }),
        o({ arm: 't', timepoint_months: 3, value: 40 }),
        o({ instrument: 'other', label: 'walking distance', statistic: 'mean', value: 5, definition: null }),
        o({ statistic: 'n', arm: 't', value: 15, definition: null }),
      ],
    });
    const card = computeCard([p2, p1], 'chronic low back pain', 'prp');
    const p1Line = card.insights.find((i) => i.kind === 'study' && i.study_ids[0] === 'p1')!.text;
    assert.equal(
      p1Line,
      'p1 (RCT, 40 enrolled; PRP 20; steroid 20; target: disc; results from its abstract (test)): ' +
        'ODI (PRP, at 12 months): 60% (number analysed not stated; 20 in the group); ODI ≥ 30%; ' +
        'ODI (steroid, at 12 months): 30% (number analysed not stated; 20 in the group); ODI ≥ 30%; ' +
        'VAS (PRP, at 6 months): mean change \u22123; VAS (all patients, at 6 months): mean change \u22122. ' +
        'Not shown as results: success rate; approaching 71%.',
    );
    const row = (
      study_id: string,
      arm: string | null,
      timepoint_months: number,
      value: number,
      definition: string | null,
    ) => ({
      study_id,
      arm,
      timepoint_months,
      value,
      definition,
    });
    assert.deepEqual(card.outcomes, [
      {
        instrument: 'ODI',
        when: 'at 12 months',
        definition: 'ODI ≥ 30%',
        study_ids: ['p2', 'p1'],
        timepoints_months: [12],
        // p2's whole-population value counts as treated: everyone in p2 received PRP
        responder_pct_treated: {
          min: 60,
          max: 73.3,
          values: [row('p2', null, 12, 73.3, 'ODI ≥ 30%'), row('p1', 'prp', 12, 60, 'ODI ≥ 30%')],
        },
        responder_pct_control: { min: 30, max: 30, values: [row('p1', 'ctl', 12, 30, 'ODI ≥ 30%')] },
        mean_change_treated: null,
      },
      {
        instrument: 'ODI',
        when: 'at 3 months',
        definition: 'ODI ≥ 30%',
        study_ids: ['p2'],
        timepoints_months: [3],
        responder_pct_treated: { min: 40, max: 40, values: [row('p2', 't', 3, 40, 'ODI ≥ 30%')] },
        responder_pct_control: null,
        mean_change_treated: null,
      },
      {
        // the whole-population change of a two-arm study is not a treated-arm value
        instrument: 'VAS',
        when: 'at 6 months',
        definition: null,
        study_ids: ['p1'],
        timepoints_months: [6],
        responder_pct_treated: null,
        responder_pct_control: null,
        mean_change_treated: { min: -3, max: -3, values: [row('p1', 'prp', 6, -3, null)] },
      },
      {
        instrument: 'walking distance',
        when: 'at 12 months',
        definition: null,
        study_ids: ['p2'],
        timepoints_months: [12],
        responder_pct_treated: null,
        responder_pct_control: null,
        mean_change_treated: null,
      },
    ]);
  });

  test('the cross-therapy card is not rated', () => {
    const card = computeCard([kumar, prpStudy], 'chronic low back pain', 'all');
    assert.equal(card.certainty.level, 'none');
    const cert = card.insights.find((i) => i.kind === 'certainty')!;
    assert.equal(
      cert.text,
      "No rating: certainty is not assessed across different interventions (PRP and cell therapies); see each therapy's card. Reasons for caution: 2 of 2 studies had no control group; no randomized controlled trial; 2 of 2 studies enrolled fewer than 50 patients; different products (ad-msc, prp).",
    );
    assert.ok(card.headline.endsWith('; not rated across different interventions.'));
  });
});

describe('titles, citations, dates and percentages', () => {
  const cit = (over: Partial<Study['citation']>) =>
    makeStudy('cit-1', { citation: { ...makeStudy('x').citation, ...over } });

  test('a study without a title is labelled by its first author and year, or its id, and says so', () => {
    assert.equal(studyTitle(cit({ title: 'Intradiscal PRP' })), 'Intradiscal PRP');
    assert.equal(
      studyTitle(cit({ title: null, authors: ['Akeda K', 'Ohishi K'], year: 2017 })),
      'Akeda K 2017 (title not given in the curated sources)',
    );
    assert.equal(
      studyTitle(cit({ title: null, authors: [], year: null })),
      'cit-1 (title not given in the curated sources)',
    );
    assert.equal(
      studyTitle(cit({ title: null, authors: [], year: 2019 })),
      '2019 (title not given in the curated sources)',
    );
  });

  test('a citation: up to two authors, else et al.; year; title and journal with one final full stop; identifiers', () => {
    assert.equal(
      citationText(
        cit({
          authors: ['Atluri S', 'Murphy MB', 'Dragella R'],
          year: 2022,
          title: 'Evaluation.',
          journal: 'Pain Physician.',
          pmid: '35322978',
          doi: '10.1234/x',
          nct: 'NCT01234567',
        }),
      ),
      'Atluri S et al. (2022) Evaluation. Pain Physician. PMID 35322978; doi:10.1234/x; NCT01234567',
    );
    assert.equal(
      citationText(cit({ authors: ['Akeda K', 'Ohishi K'], year: null, title: null, journal: null })),
      'Akeda K, Ohishi K. [title not given in the curated sources].',
    );
    assert.equal(citationText(cit({ authors: [], year: 2020, title: 'T', journal: 'J' })), '(2020) T. J.');
  });

  test('dates as of: day month year, month year, or the year', () => {
    // seed-000: accepted 27 June 2022
    assert.equal(asOfText('2022-06-27'), '27 June 2022');
    assert.equal(asOfText('2022-01'), 'January 2022');
    assert.equal(asOfText('2022-12-01'), '1 December 2022');
    assert.equal(asOfText('2021'), '2021');
  });

  test('a small rate keeps two decimals so it is not shown as 0.0%', () => {
    // R: binom.test(1, 71)$conf.int lower = 0.0003565 → 0.04%; upper 0.0759934 → 7.6%
    assert.equal(pctSmart(0.0003565252746), '0.04%');
    assert.equal(pctSmart(0.0759934161211), '7.6%');
    assert.equal(pctSmart(0), '0%');
    assert.equal(pctSmart(0.01), '1.0%');
    assert.equal(pctSmart(0.00999), '1.00%');
  });

  test('evidence levels concern a card when one of their therapies is in its group', () => {
    const other: EvidenceLevel = { ...asipp, id: 'other', therapies: ['steroid'] };
    assert.deepEqual(evidenceLevelsFor([asipp, other, { ...nct, kind: 'citation' } as never], ['prp', 'prf']), [asipp]);
    assert.deepEqual(evidenceLevelsFor([asipp, other], ['bmc']), []);
  });
});
