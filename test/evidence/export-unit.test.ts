// The evidence export "regenspine.evidence/2" (src/evidence/export.ts), checked key by key against
// docs/evidence-model.md §Export: every v1 key kept, numbers flattened with their provenance beside them
// (`provenance.n` is `{"derived": true}` when derived), the v2 keys per study, arm, outcome, adverse event and
// finding, and §Migrating from v1 for migrateExportV1. Expected objects are written out by hand.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Statement, Study } from '../../src/domain/evidence.ts';
import {
  EXPORT_SCHEMA,
  EXPORT_SCHEMA_V1,
  exportEvidence,
  exportEvidenceLevel,
  exportStudy,
  migrateExportV1,
} from '../../src/evidence/export.ts';
import { known, makeStudy, P } from '../helpers/studies.ts';

const Q = (quote: string) => ({
  document: 'seed-000',
  locator: 'Table 3',
  quote,
  source_tier: 'narrative-review' as const,
});
const ratioInput = { name: 'randomized', value: 100, provenance: Q('100 patients') };
const derivedN = {
  value: 30,
  derivation: { rule: 'allocation-ratio' as const, formula: '100 × 3 / (3 + 3 + 2 + 2)', inputs: [ratioInput] },
};

const full: Study = makeStudy('full-a', {
  design: 'rct',
  phase: 'II',
  status: 'completed',
  enrolled: { value: 100, provenance: Q('100 patients') },
  enrolled_kind: 'actual',
  followup_months: { value: null, null_reason: 'not stated' },
  status_as_of: { date: '2022-06-27', basis: 'seed-000 accepted 27 June 2022', provenance: Q('accepted') },
  allocation_ratio: { arms: ['mpc', 'saline'], parts: [3, 2], provenance: Q('3:2') },
  arms: [
    { id: 'mpc', label: 'MPC', role: 'treatment', therapies: ['mpc'], n: derivedN, intervention: 'cells' },
    { id: 'saline', label: 'saline', role: 'control', therapies: ['saline'], n: known(20), intervention: 'saline' },
    {
      id: 'ha',
      label: 'HA',
      role: 'control',
      therapies: ['saline'],
      n: { value: null, null_reason: 'not given' },
      intervention: 'hyaluronic acid',
    },
  ],
  outcomes: [
    {
      instrument: 'VAS',
      label: 'back pain',
      timepoint_months: 0.25,
      timepoint: { value: 8, unit: 'days' },
      window: 'within the first 8 days',
      measure: 'disc-height-index',
      analysis: 'ITT',
      caveat: 'approximate',
      undefined_measure: true,
      arm: 'mpc',
      comparator_arm: 'saline',
      statistic: 'md',
      value: -1.5,
      unit: 'cm',
      definition: 'difference in means',
      dispersion: { type: 'sd', value: 0.4 },
      provenance: P,
    },
    {
      instrument: 'ODI',
      timepoint_months: 1.5,
      timepoint_weeks: 6,
      arm: null,
      statistic: 'mean',
      value: 30,
      definition: null,
      provenance: P,
    },
    {
      instrument: 'ODI',
      timepoint_months: 12,
      arm: 'saline',
      statistic: 'mean',
      value: 28,
      definition: null,
      provenance: P,
    },
    {
      instrument: 'NRS',
      timepoint_months: null,
      arm: null,
      statistic: 'mean',
      value: 4,
      definition: null,
      provenance: P,
    },
  ],
  findings: [
    {
      outcome: 'pain (VAS)',
      instrument: 'VAS',
      measure: 'water-content',
      timepoint: { value: 24, unit: 'months' },
      window: null,
      comparison: 'between-arms',
      arms: ['mpc', 'saline'],
      comparator: 'saline injection',
      favours: 'mpc',
      change: null,
      significant: true,
      p: 'p = 0.018',
      analysis: 'corrected',
      statement: 'MPC better.',
      provenance: P,
    },
    {
      outcome: 'MRI',
      instrument: null,
      timepoint: null,
      window: 'throughout',
      comparison: 'within-arm',
      arms: ['ha'],
      favours: null,
      change: 'no-change',
      significant: null,
      p: null,
      analysis: null,
      statement: 'No change.',
      provenance: P,
    },
  ],
  adverse_events_reported: 'some',
  adverse_events: [
    {
      description: 'back pain exacerbation',
      arm: 'mpc',
      count: known(2),
      serious: false,
      relatedness: 'possible',
      attribution: { product: 'possible', procedure: 'not-stated' },
      onset: 'at 1 month',
      resolution: 'resolved',
      provenance: P,
    },
    {
      description: 'infection',
      arm: null,
      count: known(1),
      serious: null,
      relatedness: 'not-stated',
      resolution: null,
      provenance: P,
    },
  ],
  adverse_events_provenance: Q('events'),
  summary: 'An RCT.',
  rob_inputs: [{ domain: 'blinding', value: 'double-blind', provenance: P }],
  related_records: [{ relation: 'possible-follow-up', study_id: null, citation: 'Pettine 2016', provenance: P }],
  notes: ['a note'],
});

describe('export of one study (regenspine.evidence/2)', () => {
  test('every v1 and v2 key of a fully curated study, numbers flattened and provenance beside them', () => {
    assert.deepEqual(exportStudy(full), {
      id: 'full-a',
      citation: {
        authors: ['Doe J'],
        year: 2020,
        title: 'Study full-a',
        journal: null,
        pmid: null,
        doi: null,
        nct: null,
      },
      design: 'rct',
      phase: 'II',
      status: 'completed',
      conditions: ['chronic low back pain'],
      therapies: ['bmc'],
      targets: ['disc'],
      enrolled: 100,
      enrolled_kind: 'actual',
      followup_months: null,
      arms: [
        {
          id: 'mpc',
          label: 'MPC',
          role: 'treatment',
          therapies: ['mpc'],
          n: 30,
          n_derivation: { rule: 'allocation-ratio', formula: '100 × 3 / (3 + 3 + 2 + 2)', inputs: [ratioInput] },
          intervention: 'cells',
          provenance: { n: { derived: true } },
        },
        {
          id: 'saline',
          label: 'saline',
          role: 'control',
          therapies: ['saline'],
          n: 20,
          n_derivation: null,
          intervention: 'saline',
          provenance: { n: P },
        },
        {
          id: 'ha',
          label: 'HA',
          role: 'control',
          therapies: ['saline'],
          n: null,
          n_derivation: null,
          intervention: 'hyaluronic acid',
          provenance: { n: { null_reason: 'not given' } },
        },
      ],
      products: [],
      outcomes: [
        {
          instrument: 'VAS',
          label: 'back pain',
          timepoint_months: 0.25,
          timepoint: { value: 8, unit: 'days' },
          window: 'within the first 8 days',
          measure: 'disc-height-index',
          analysis: 'ITT',
          arm: 'mpc',
          comparator_arm: 'saline',
          statistic: 'md',
          value: -1.5,
          unit: 'cm',
          definition: 'difference in means',
          dispersion: { type: 'sd', value: 0.4 },
          caveat: 'approximate',
          undefined_measure: true,
          provenance: P,
        },
        {
          instrument: 'ODI',
          label: null,
          timepoint_months: 1.5,
          timepoint: { value: 6, unit: 'weeks' },
          window: null,
          measure: null,
          analysis: null,
          arm: null,
          comparator_arm: null,
          statistic: 'mean',
          value: 30,
          unit: null,
          definition: null,
          dispersion: null,
          caveat: null,
          undefined_measure: false,
          provenance: P,
        },
        {
          instrument: 'ODI',
          label: null,
          timepoint_months: 12,
          timepoint: { value: 12, unit: 'months' },
          window: null,
          measure: null,
          analysis: null,
          arm: 'saline',
          comparator_arm: null,
          statistic: 'mean',
          value: 28,
          unit: null,
          definition: null,
          dispersion: null,
          caveat: null,
          undefined_measure: false,
          provenance: P,
        },
        {
          instrument: 'NRS',
          label: null,
          timepoint_months: null,
          timepoint: null,
          window: null,
          measure: null,
          analysis: null,
          arm: null,
          comparator_arm: null,
          statistic: 'mean',
          value: 4,
          unit: null,
          definition: null,
          dispersion: null,
          caveat: null,
          undefined_measure: false,
          provenance: P,
        },
      ],
      adverse_events: [
        {
          description: 'back pain exacerbation',
          arm: 'mpc',
          count: 2,
          serious: false,
          relatedness: 'possible',
          attribution: { product: 'possible', procedure: 'not-stated' },
          onset: 'at 1 month',
          resolution: 'resolved',
          provenance: P,
        },
        {
          description: 'infection',
          arm: null,
          count: 1,
          serious: null,
          relatedness: 'not-stated',
          attribution: null,
          onset: null,
          resolution: null,
          provenance: P,
        },
      ],
      adverse_events_reported: 'some',
      limitations: [],
      summary: 'An RCT.',
      provenance: {
        citation: P,
        design: P,
        enrolled: Q('100 patients'),
        followup_months: { null_reason: 'not stated' },
        adverse_events: Q('events'),
      },
      record_kind: 'publication',
      status_as_of: { date: '2022-06-27', basis: 'seed-000 accepted 27 June 2022', provenance: Q('accepted') },
      allocation_ratio: { arms: ['mpc', 'saline'], parts: [3, 2], provenance: Q('3:2') },
      findings: [
        {
          outcome: 'pain (VAS)',
          instrument: 'VAS',
          measure: 'water-content',
          timepoint: { value: 24, unit: 'months' },
          window: null,
          comparison: 'between-arms',
          arms: ['mpc', 'saline'],
          comparator: 'saline injection',
          favours: 'mpc',
          change: null,
          significant: true,
          p: 'p = 0.018',
          analysis: 'corrected',
          statement: 'MPC better.',
          provenance: P,
        },
        {
          outcome: 'MRI',
          instrument: null,
          measure: null,
          timepoint: null,
          window: 'throughout',
          comparison: 'within-arm',
          arms: ['ha'],
          comparator: null,
          favours: null,
          change: 'no-change',
          significant: null,
          p: null,
          analysis: null,
          statement: 'No change.',
          provenance: P,
        },
      ],
      included_studies: null,
      review: null,
      rob_inputs: [{ domain: 'blinding', value: 'double-blind', provenance: P }],
      related_records: [{ relation: 'possible-follow-up', study_id: null, citation: 'Pettine 2016', provenance: P }],
      notes: ['a note'],
    });
  });

  test('a minimal study exports null (never zero) for what it does not state', () => {
    const s = makeStudy('min-b');
    const e = exportStudy(s);
    assert.equal(e.enrolled_kind, null);
    assert.equal(e.summary, null);
    assert.equal(e.status_as_of, null);
    assert.equal(e.allocation_ratio, null);
    assert.equal(e.included_studies, null);
    assert.equal(e.review, null);
    assert.deepEqual(e.notes, []);
    assert.deepEqual(e.provenance, { citation: P, design: P, enrolled: P, followup_months: P, adverse_events: null });
    assert.deepEqual(e.arms, [
      {
        id: 't',
        label: 't',
        role: 'treatment',
        therapies: ['bmc'],
        n: 10,
        n_derivation: null,
        intervention: 't',
        provenance: { n: P },
      },
    ]);
  });

  test('the citation is exported as a copy', () => {
    const s = makeStudy('copy-c');
    const e = exportStudy(s);
    assert.deepEqual(e.citation, s.citation);
    assert.notEqual(e.citation, s.citation);
  });

  test('a review exports its counts, pooled estimates with plain numbers, and the provenance of each count', () => {
    // docs/evidence-model.md: `included_studies` (a number or null; for reviews), `review`
    const pooled = {
      outcome: 'pain score',
      measure: 'MD' as const,
      estimate: -1.47,
      ci_lower: -2.12,
      ci_upper: -0.81,
      intervention: 'PRP',
      comparator: 'control',
      timepoint: null,
      window: 'within 8 weeks',
      scale: null,
      studies: known(6),
      participants: { value: null, null_reason: 'not stated' },
      heterogeneity: null,
      provenance: P,
    };
    const vote = { outcome: 'pain', positive: 11, of: 13, unit: 'rcts' as const, statement: 's', provenance: P };
    const conclusion = { text: 'favorable', provenance: P };
    const s = makeStudy('rev-d', {
      design: 'systematic-review',
      arms: [],
      included_studies: known(99),
      review: {
        included_studies: known(40),
        included_rcts: known(13),
        participants: { value: null, null_reason: 'not stated' },
        pooled: [pooled, { ...pooled, studies: undefined, participants: undefined, outcome: 'function' }],
        vote_counts: [vote],
        conclusions: [conclusion],
        included_study_ids: ['xuan-2020'],
      },
    });
    const e = exportStudy(s);
    assert.equal(e.included_studies, 40);
    assert.deepEqual(e.review, {
      included_studies: 40,
      included_rcts: 13,
      participants: null,
      pooled: [
        { ...pooled, studies: 6, participants: null },
        { ...pooled, outcome: 'function', studies: null, participants: null },
      ],
      vote_counts: [vote],
      conclusions: [conclusion],
      included_study_ids: ['xuan-2020'],
      provenance: { included_studies: P, included_rcts: P, participants: { null_reason: 'not stated' } },
    });
  });

  test("a review section without the number of studies falls back to v1's included_studies", () => {
    const unknownN = { value: null, null_reason: 'not stated' };
    const review = {
      included_studies: unknownN,
      included_rcts: unknownN,
      participants: unknownN,
      pooled: [],
      vote_counts: [],
      conclusions: [],
      included_study_ids: [],
    };
    assert.equal(
      exportStudy(makeStudy('r1', { design: 'meta-analysis', included_studies: known(12), review })).included_studies,
      12,
    );
    assert.equal(
      exportStudy(makeStudy('r2', { design: 'meta-analysis', included_studies: known(7) })).included_studies,
      7,
    );
    assert.equal(exportStudy(makeStudy('r3', { design: 'meta-analysis', review })).included_studies, null);
  });
});

describe('the whole export', () => {
  const level: Statement = {
    id: 'asipp-level-iv',
    kind: 'evidence-level',
    body: 'ASIPP',
    scheme: 'ASIPP levels of evidence',
    level: 'IV',
    therapies: ['prp', 'bmc'],
    targets: ['facet'],
    statement: 'level IV',
    reported_by: 'seed-000',
    provenance: P,
    notes: ['second-hand'],
  };
  const unverifiable: Statement = {
    id: 'six-year',
    kind: 'unverifiable',
    claim: 'a 6-year study',
    cited_as: '[51]',
    why_unverifiable: 'not identified',
    therapies: ['bmc'],
    provenance: P,
  };
  const citation: Statement = {
    id: 'pmid-1',
    kind: 'citation',
    citation: { authors: ['Pettine K'], year: 2016, title: 'Two-year', journal: null, pmid: '1', doi: null, nct: null },
    links: [{ study_id: 'pettine-2015', relation: 'possible-follow-up', basis: 'same cohort' }],
    relevant: true,
    provenance: P,
  };

  test('statements are sorted by kind into evidence levels, unverifiable statements and citation records', () => {
    const out = exportEvidence([makeStudy('s1')], [citation, level, unverifiable]);
    assert.equal(out.schema, 'regenspine.evidence/2');
    assert.equal(EXPORT_SCHEMA, 'regenspine.evidence/2');
    assert.deepEqual(
      out.studies.map((s) => s.id),
      ['s1'],
    );
    // an evidence level keeps the documented keys only (its notes are not exported)
    assert.deepEqual(out.evidence_levels, [
      {
        id: 'asipp-level-iv',
        body: 'ASIPP',
        scheme: 'ASIPP levels of evidence',
        level: 'IV',
        therapies: ['prp', 'bmc'],
        targets: ['facet'],
        statement: 'level IV',
        reported_by: 'seed-000',
        provenance: P,
      },
    ]);
    assert.deepEqual(
      exportEvidenceLevel(level as Extract<Statement, { kind: 'evidence-level' }>),
      out.evidence_levels[0],
    );
    assert.deepEqual(out.unverifiable_statements, [unverifiable]);
    assert.deepEqual(out.citation_records, [citation]);
  });

  test('without statements the three lists are empty', () => {
    assert.deepEqual(exportEvidence([]), {
      schema: 'regenspine.evidence/2',
      studies: [],
      evidence_levels: [],
      unverifiable_statements: [],
      citation_records: [],
    });
  });
});

describe('migrating a v1 export', () => {
  test('a v1 protocol becomes record_kind protocol with design not-stated; every v1 key is kept', () => {
    // docs/evidence-model.md §Migrating from v1: design "protocol" → design not-stated, record_kind "protocol"
    const v1 = {
      schema: EXPORT_SCHEMA_V1,
      studies: [
        {
          id: 'zhang-2022',
          design: 'protocol',
          status: 'recruiting',
          extra: 'kept',
          arms: [{ id: 'a', n: 10 }],
          outcomes: [],
          adverse_events: [{ description: 'pain', count: 1 }],
        },
      ],
    };
    assert.deepEqual(migrateExportV1(v1), {
      schema: 'regenspine.evidence/2',
      studies: [
        {
          id: 'zhang-2022',
          design: 'not-stated',
          status: 'recruiting',
          extra: 'kept',
          arms: [{ id: 'a', n: 10, n_derivation: null }],
          outcomes: [],
          adverse_events: [{ description: 'pain', count: 1, attribution: null, onset: null }],
          record_kind: 'protocol',
          status_as_of: null,
          allocation_ratio: null,
          findings: [],
          included_studies: null,
          review: null,
          rob_inputs: [],
          related_records: [],
          notes: [],
        },
      ],
      evidence_levels: [],
      unverifiable_statements: [],
      citation_records: [],
    });
  });

  test('a non-completed study without outcomes becomes a registration; with outcomes or completed, a publication', () => {
    const kinds = migrateExportV1({
      schema: 'regenspine.evidence/1',
      studies: [
        { id: 'a', design: 'rct', status: 'recruiting', outcomes: [] },
        { id: 'b', design: 'rct', status: 'recruiting' },
        { id: 'c', design: 'rct', status: 'completed', outcomes: [] },
        { id: 'd', design: 'rct', status: 'unknown', outcomes: [{ timepoint_months: 6 }] },
      ],
    }).studies.map((s) => [(s as Record<string, unknown>).id, s.design, s.record_kind]);
    assert.deepEqual(kinds, [
      ['a', 'rct', 'registration'],
      ['b', 'rct', 'registration'],
      ['c', 'rct', 'publication'],
      ['d', 'rct', 'publication'],
    ]);
  });

  test('v1 outcomes get a months timepoint from timepoint_months and the v2 keys as unknown', () => {
    const s = migrateExportV1({
      schema: 'regenspine.evidence/1',
      studies: [
        {
          id: 'e',
          design: 'single-arm',
          status: 'completed',
          outcomes: [{ timepoint_months: 6 }, { timepoint_months: null }],
        },
      ],
    }).studies[0]!;
    const v2keys = { window: null, measure: null, analysis: null, caveat: null, undefined_measure: false };
    assert.deepEqual(s.outcomes, [
      { timepoint_months: 6, timepoint: { value: 6, unit: 'months' }, ...v2keys },
      { timepoint_months: null, timepoint: null, ...v2keys },
    ]);
    assert.deepEqual(s.arms, []);
    assert.deepEqual(s.adverse_events, []);
  });

  test('anything but a v1 export is refused, naming the schema found', () => {
    assert.throws(
      () => migrateExportV1({ schema: 'regenspine.evidence/2', studies: [] }),
      (e: Error) => e.message === 'not a regenspine.evidence/1 export (schema "regenspine.evidence/2")',
    );
  });
});
