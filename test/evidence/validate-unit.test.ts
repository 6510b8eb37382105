// Validation of curated evidence (src/evidence/validate.ts): docs/evidence-model.md — "validate checks the shape,
// every arm reference, every quote against its document text, every number against its quote, re-computes every
// derived value, and refuses notes that claim the model lacks something it has"; §Provenance and source tiers ("a
// curator may write source_tier in a file, but it must agree with the document's tier"); §Derived values (the
// rule table and its examples). Each problem names the file and the field.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Derivation, SourceDocument, Study } from '../../src/domain/evidence.ts';
import {
  normalizeForQuote,
  numberStatedInQuote,
  numbersToReview,
  provenanceEntries,
  quoteIsIn,
  recomputeDerivation,
  staleNotes,
  validateEvidence,
} from '../../src/evidence/validate.ts';
import { known, makeStudy, P } from '../helpers/studies.ts';

const doc = (id: string, tier: SourceDocument['tier'], file: string | null): SourceDocument => ({
  id,
  title: `document ${id}`,
  kind: 'seed',
  tier,
  description: 'a synthetic document',
  year: 2022,
  file,
  origin: 'test',
});
// P (test/helpers/studies.ts) points at document "test"; "seed" has a text whose quotes are checked
const DOCS = [doc('test', 'registry', null), doc('seed', 'primary-abstract', 'seed.txt')];
const TEXT =
  'One hundred patients were randomly divided into one of four groups in a 3:3:2:2 ratio.\nThe \u201cremainder\u201d formed the con\u00adtrol group.';
const TEXTS = new Map([['seed', TEXT]]);
const S = (quote: string) => ({ document: 'seed', locator: 'abstract', quote });
const file = (s: unknown, name = `${(s as Study).id}.json`) => ({ file: name, json: s });
const run = (files: { file: string; json: unknown }[], statements: { file: string; json: unknown }[] = []) =>
  validateEvidence(files, DOCS, TEXTS, statements);

const derivation = (rule: Derivation['rule'], values: number[]): Derivation => ({
  rule,
  formula: 'f',
  inputs: values.map((value, i) => ({ name: `x${i}`, value, provenance: P })),
});

describe('re-computing derived values (docs/evidence-model.md §Derived values)', () => {
  const ratio = makeStudy('amir', {
    allocation_ratio: { arms: ['a', 'b', 'c', 'd'], parts: [3, 3, 2, 2], provenance: P },
  });

  test('allocation ratio: Amirdelfan 100 × 3 / (3 + 3 + 2 + 2) = 30 and 100 × 2 / 10 = 20', () => {
    assert.deepEqual(recomputeDerivation(derivation('allocation-ratio', [100]), { study: ratio, armId: 'a' }), {
      value: 30,
    });
    assert.deepEqual(recomputeDerivation(derivation('allocation-ratio', [100]), { study: ratio, armId: 'd' }), {
      value: 20,
    });
  });

  test('allocation ratio errors: no ratio, an arm not in it, a share that is not a whole number', () => {
    assert.deepEqual(
      recomputeDerivation(derivation('allocation-ratio', [100]), { study: makeStudy('x'), armId: 'a' }),
      {
        error: "allocation-ratio needs the study's allocation_ratio",
      },
    );
    assert.deepEqual(recomputeDerivation(derivation('allocation-ratio', [100])), {
      error: "allocation-ratio needs the study's allocation_ratio",
    });
    assert.deepEqual(recomputeDerivation(derivation('allocation-ratio', [100]), { study: ratio, armId: 'e' }), {
      error: 'arm "e" is not in the allocation_ratio',
    });
    assert.deepEqual(recomputeDerivation(derivation('allocation-ratio', [100]), { study: ratio }), {
      error: 'arm "undefined" is not in the allocation_ratio',
    });
    // 101 × 3 / 10 = 30.3
    assert.deepEqual(recomputeDerivation(derivation('allocation-ratio', [101]), { study: ratio, armId: 'b' }), {
      error: '101 × 3 / 10 is not a whole number of patients',
    });
  });

  test('total minus the stated arms: Ruiz-Lopez 50 − 25 = 25; 100 − 30 − 20 = 50; needs two inputs', () => {
    assert.deepEqual(recomputeDerivation(derivation('total-minus-arms', [50, 25])), { value: 25 });
    assert.deepEqual(recomputeDerivation(derivation('total-minus-arms', [100, 30, 20])), { value: 50 });
    assert.deepEqual(recomputeDerivation(derivation('total-minus-arms', [50])), {
      error: 'total-minus-arms needs the total and at least one stated arm',
    });
  });

  test('sum of the inputs', () => {
    assert.deepEqual(recomputeDerivation(derivation('sum', [30, 30, 20, 20])), { value: 100 });
    assert.deepEqual(recomputeDerivation(derivation('sum', [7])), { value: 7 });
  });

  test('percent of a denominator: 71% of 14 → 10; 47% of 22 → none; 0% of 300 → 0 or 1 (several)', () => {
    // 10/14 = 71.4% → 71; 9/14 = 64.3%, 11/14 = 78.6%
    assert.deepEqual(recomputeDerivation(derivation('percent-of-denominator', [71, 14])), { value: 10 });
    // 100% of 14 → 14 (the last count is a candidate)
    assert.deepEqual(recomputeDerivation(derivation('percent-of-denominator', [100, 14])), { value: 14 });
    // 10/22 = 45.5% → 45, 11/22 = 50%: no count gives 47
    assert.deepEqual(recomputeDerivation(derivation('percent-of-denominator', [47, 22])), {
      error: '47% of 22 does not round-trip to exactly one count (none)',
    });
    // 0/300 = 0%, 1/300 = 0.33% → 0, 2/300 = 0.67% → 1
    assert.deepEqual(recomputeDerivation(derivation('percent-of-denominator', [0, 300])), {
      error: '0% of 300 does not round-trip to exactly one count (0, 1)',
    });
    // a percentage stated with a decimal is compared rounded: 71.4% of 14 → 10
    assert.deepEqual(recomputeDerivation(derivation('percent-of-denominator', [71.4, 14])), { value: 10 });
    assert.deepEqual(recomputeDerivation(derivation('percent-of-denominator', [71, 14, 1])), {
      error: 'percent-of-denominator needs [percent, denominator]',
    });
  });
});

describe('quotes and their documents', () => {
  test('layout is collapsed: soft hyphens dropped, curly quotes straightened, runs of white space one space', () => {
    assert.equal(normalizeForQuote('  con\u00adtrol\n\n\u201cgroup\u201d \u2018A\u2019\t '), 'control "group" \'A\'');
  });

  test('an ellipsis without spaces also separates fragments; fragments must follow each other', () => {
    const t = normalizeForQuote(TEXT);
    assert.equal(quoteIsIn('One hundred patients...3:3:2:2 ratio', t), true);
    assert.equal(quoteIsIn('The "remainder" formed the control group', t), true);
    assert.equal(quoteIsIn('control group … One hundred', t), false);
    assert.equal(quoteIsIn('   ', t), false);
  });

  test('every provenance inside a value is found with its field path', () => {
    const value = { citation_provenance: P, arms: [{ n: { value: 1, provenance: P } }], other: { document: 'd' } };
    assert.deepEqual(
      [...provenanceEntries(value)],
      [
        ['citation_provenance', P],
        ['arms[0].n.provenance', P],
      ],
    );
    assert.deepEqual([...provenanceEntries(P)], [['', P]]);
    assert.deepEqual([...provenanceEntries([P, null, 3])], [['[0]', P]]);
  });
});

describe('validating study files', () => {
  test('a valid study is loaded, each provenance gets its document tier, studies come sorted by id', () => {
    const r = run([
      file(makeStudy('b-2020')),
      file(makeStudy('a-2020', { design_provenance: S('One hundred patients') })),
    ]);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      r.studies.map((s) => s.id),
      ['a-2020', 'b-2020'],
    );
    assert.equal(r.studies[0]!.design_provenance.source_tier, 'primary-abstract');
    assert.equal(r.studies[0]!.citation_provenance.source_tier, 'registry');
  });

  test('a shape error names the field path; the study is not loaded', () => {
    const s = { ...makeStudy('shape-1'), enrolled: { value: 5 } };
    const r = run([file(s)]);
    assert.deepEqual(r.problems, [
      { file: 'shape-1.json', field: 'enrolled.provenance', message: 'a number needs its provenance' },
    ]);
    assert.deepEqual(r.studies, []);
    const t = makeStudy('shape-2', {
      arms: [
        { id: 't', label: 't', role: 'treatment', therapies: ['bmc'], n: { value: null } as never, intervention: 't' },
      ],
    });
    assert.deepEqual(run([file(t)]).problems, [
      { file: 'shape-2.json', field: 'arms[0].n.null_reason', message: 'a null needs the reason it is unknown' },
    ]);
    const u = makeStudy('shape-3', {
      outcomes: [
        {
          instrument: 'ODI',
          timepoint_months: 3,
          arm: 'x',
          statistic: 'mean',
          value: 1,
          definition: null,
          provenance: P,
        },
      ],
    });
    assert.deepEqual(run([file(u)]).problems, [
      { file: 'shape-3.json', field: 'outcomes[0].arm', message: 'unknown arm "x" (arms: t)' },
    ]);
    const root = run([{ file: 'x.json', json: 42 }]).problems;
    assert.equal(root.length, 1);
    assert.equal(root[0]!.field, '(root)');
  });

  test('the file must be named after the id, and an id is used once', () => {
    const r = run([
      file(makeStudy('a-1'), 'dir/other.json'),
      file(makeStudy('b-1'), 'x/b-1.json'),
      file(makeStudy('b-1'), 'y/b-1.json'),
    ]);
    assert.deepEqual(r.problems, [
      { file: 'dir/other.json', field: 'id', message: 'the file of study "a-1" must be named a-1.json' },
      { file: 'y/b-1.json', field: 'id', message: 'id "b-1" is also used by x/b-1.json' },
    ]);
  });

  test('a provenance must name a registered document', () => {
    const s = makeStudy('doc-1', { citation_provenance: { document: 'nope', locator: 'l', quote: 'q' } });
    const r = run([file(s)]);
    assert.deepEqual(r.problems, [
      { file: 'doc-1.json', field: 'citation_provenance.document', message: 'unknown document "nope"' },
    ]);
    assert.deepEqual(r.studies, []);
  });

  test('a quote must stand in its document; a long quote is shown cut at 80 characters', () => {
    const short = makeStudy('q-1', {
      outcomes: [
        {
          instrument: 'ODI',
          timepoint_months: 3,
          arm: null,
          statistic: 'mean',
          value: 1,
          definition: null,
          provenance: S('Ninety patients'),
        },
      ],
    });
    assert.deepEqual(run([file(short)]).problems, [
      {
        file: 'q-1.json',
        field: 'outcomes[0].provenance.quote',
        message: 'quote not found in document "seed": "Ninety patients"',
      },
    ]);
    const long = 'x'.repeat(81);
    const r = run([file(makeStudy('q-2', { design_provenance: S(long) }))]);
    assert.deepEqual(r.problems, [
      {
        file: 'q-2.json',
        field: 'design_provenance.quote',
        message: `quote not found in document "seed": "${'x'.repeat(80)}…"`,
      },
    ]);
    const exact = 'y'.repeat(80);
    assert.equal(
      run([file(makeStudy('q-3', { design_provenance: S(exact) }))]).problems[0]!.message,
      `quote not found in document "seed": "${exact}"`,
    );
    assert.deepEqual(
      run([file(makeStudy('q-4', { design_provenance: S('randomly divided … 3:3:2:2 ratio') }))]).problems,
      [],
    );
  });

  test("a curator's source_tier must agree with the document's tier", () => {
    // docs/evidence-model.md §Provenance and source tiers
    const s = makeStudy('tier-1', { design_provenance: { ...S('One hundred'), source_tier: 'narrative-review' } });
    const r = run([file(s)]);
    assert.deepEqual(r.problems, [
      {
        file: 'tier-1.json',
        field: 'design_provenance.source_tier',
        message: 'document "seed" is a primary-abstract source, not narrative-review',
      },
    ]);
    assert.deepEqual(r.studies, []);
    const ok = makeStudy('tier-2', { design_provenance: { ...S('One hundred'), source_tier: 'primary-abstract' } });
    assert.deepEqual(run([file(ok)]).problems, []);
  });

  test('a derived value that its derivation does not give is refused, naming value or derivation', () => {
    const armN = (value: number) => ({ value, derivation: derivation('allocation-ratio', [100]) });
    const s = makeStudy('der-1', {
      enrolled: known(100),
      allocation_ratio: { arms: ['a', 'b'], parts: [3, 2], provenance: P },
      arms: [
        { id: 'a', label: 'a', role: 'treatment', therapies: ['bmc'], n: armN(60), intervention: 'a' },
        { id: 'b', label: 'b', role: 'control', therapies: ['saline'], n: armN(41), intervention: 'b' },
      ],
    });
    const r = run([file(s)]);
    // 100 × 3 / 5 = 60 (right); 100 × 2 / 5 = 40, not 41
    assert.deepEqual(r.problems, [
      {
        file: 'der-1.json',
        field: 'arms[1].n.value',
        message: 'derived value 41 does not match its derivation (allocation-ratio gives 40)',
      },
    ]);
    assert.deepEqual(r.studies, []);
    const t = makeStudy('der-2', { enrolled: { value: 50, derivation: derivation('total-minus-arms', [50]) } });
    assert.deepEqual(run([file(t)]).problems, [
      {
        file: 'der-2.json',
        field: 'enrolled.derivation',
        message: 'total-minus-arms needs the total and at least one stated arm',
      },
    ]);
    const u = makeStudy('der-3', { enrolled: { value: 50, derivation: derivation('sum', [30, 20]) } });
    assert.deepEqual(run([file(u)]).problems, []);
    assert.equal(run([file(u)]).studies.length, 1);
  });

  test('a note claiming the model lacks something it has is a stale-note problem', () => {
    const s = makeStudy('note-1', { notes: ['the vocabulary has no culture-duration'] });
    assert.deepEqual(run([file(s)]).problems, [
      {
        file: 'note-1.json',
        field: 'notes',
        message:
          'stale note: the model has culture-duration; the note says otherwise: "the vocabulary has no culture-duration"',
      },
    ]);
    const long = `the schema has no culture-duration ${'z'.repeat(100)}`;
    assert.equal(
      run([file(makeStudy('note-2', { notes: [long] }))]).problems[0]!.message,
      `stale note: the model has culture-duration; the note says otherwise: "${long.slice(0, 100)}"`,
    );
  });
});

describe('stale notes', () => {
  const notes = (...n: string[]) => staleNotes(makeStudy('n', { notes: n }));

  test('words after "has no" are matched alone and in adjacent pairs against the schema', () => {
    // docs/evidence-model.md §Audit items §2.3–2.9: "validate now refuses a note that says the model lacks a field"
    assert.deepEqual(notes('The Model has no culture-duration; but more'), [
      { note: 'The Model has no culture-duration; but more', names: ['culture-duration'] },
    ]);
    // allocation + ratio = allocation_ratio (a study key) and allocation-ratio (a derivation rule)
    assert.deepEqual(notes('The schema has no allocation ratio.'), [
      { note: 'The schema has no allocation ratio.', names: ['allocation_ratio', 'allocation-ratio'] },
    ]);
  });

  test('filler words, short words and unknown words are not matched; no claim, no problem', () => {
    assert.deepEqual(notes('the schema has no statistic value for that one'), []);
    assert.deepEqual(notes('the schema has no xy zz'), []);
    assert.deepEqual(notes('culture-duration is recorded'), []);
    assert.deepEqual(notes(), []);
    assert.deepEqual(staleNotes(makeStudy('m')), []);
  });

  test('"title field is a description" is stale only while the title is null', () => {
    const note = 'The title field is a description of the record.';
    const base = makeStudy('t', { notes: [note] });
    assert.deepEqual(staleNotes({ ...base, citation: { ...base.citation, title: null } }), [
      { note, names: ['citation.title (null)'] },
    ]);
    assert.deepEqual(staleNotes(base), []);
  });
});

describe('validating statement files and cross-references', () => {
  const level = (id: string) => ({
    id,
    kind: 'evidence-level',
    body: 'ASIPP',
    scheme: 'ASIPP levels',
    level: 'IV',
    therapies: ['prp'],
    targets: ['facet'],
    statement: 'level IV',
    reported_by: 'seed-000',
    provenance: P,
  });
  const citation = (id: string, studyId: string) => ({
    id,
    kind: 'citation',
    citation: { authors: ['Pettine K'], year: 2016, title: null, journal: null, pmid: null, doi: null, nct: null },
    links: [{ study_id: studyId, relation: 'possible-follow-up', basis: 'same cohort' }],
    relevant: true,
    provenance: P,
  });

  test('statements are loaded sorted; file names, shared ids and unknown linked studies are problems', () => {
    const r = run(
      [file(makeStudy('pettine-2015'))],
      [
        { file: 'st/z-level.json', json: level('z-level') },
        { file: 'st/a-level.json', json: level('a-level') },
        { file: 'st/wrong.json', json: level('named') },
        { file: 'st/pettine-2015.json', json: level('pettine-2015') },
        { file: 'st/c-1.json', json: citation('c-1', 'pettine-2015') },
        { file: 'st/c-2.json', json: citation('c-2', 'nobody') },
        { file: 'st/bad.json', json: { id: 'bad', kind: 'evidence-level' } },
      ],
    );
    assert.deepEqual(
      r.statements.map((s) => s.id),
      ['a-level', 'c-1', 'c-2', 'named', 'pettine-2015', 'z-level'],
    );
    const mine = r.problems.filter((p) => p.file !== 'st/bad.json');
    assert.deepEqual(mine, [
      { file: 'st/wrong.json', field: 'id', message: 'the file of statement "named" must be named named.json' },
      { file: 'st/pettine-2015.json', field: 'id', message: 'id "pettine-2015" is also used by pettine-2015.json' },
      { file: 'st/c-2.json', field: 'links[0].study_id', message: 'unknown study "nobody"' },
    ]);
    assert.ok(r.problems.some((p) => p.file === 'st/bad.json' && p.field === 'body'));
  });

  test('a statement with an unknown document is not loaded', () => {
    const r = run(
      [],
      [{ file: 'st/x.json', json: { ...level('x'), provenance: { document: 'nope', locator: 'l', quote: 'q' } } }],
    );
    assert.deepEqual(r.statements, []);
    assert.deepEqual(r.problems, [
      { file: 'st/x.json', field: 'provenance.document', message: 'unknown document "nope"' },
    ]);
  });

  test('related records, included studies and reviews must name curated studies (or statements)', () => {
    const review = {
      included_studies: known(2),
      included_rcts: known(1),
      participants: known(50),
      pooled: [],
      vote_counts: [],
      conclusions: [],
      included_study_ids: ['prim-1', 'ghost'],
    };
    const rev = makeStudy('rev-1', { design: 'meta-analysis', arms: [], review });
    const prim = makeStudy('prim-1', {
      reviews: ['rev-1', 'rev-x'],
      related_records: [
        { relation: 'possible-follow-up', study_id: 'c-1', provenance: P },
        { relation: 'parent-trial', study_id: 'rev-1', provenance: P },
        { relation: 'similar-article', study_id: 'nowhere', provenance: P },
        { relation: 'cited-by', study_id: null, citation: 'A title', provenance: P },
      ],
    });
    const r = run(
      [file(rev, 'e/rev-1.json'), file(prim, 'e/prim-1.json')],
      [{ file: 'st/c-1.json', json: citation('c-1', 'prim-1') }],
    );
    assert.deepEqual(r.problems, [
      { file: 'e/rev-1.json', field: 'review.included_study_ids', message: 'unknown study "ghost"' },
      { file: 'e/prim-1.json', field: 'related_records[2].study_id', message: 'unknown study "nowhere"' },
      { file: 'e/prim-1.json', field: 'reviews', message: 'unknown review "rev-x"' },
    ]);
  });
});

describe('numbers against their quotes', () => {
  test('equivalent forms: years for months, N million, a lost superscript, "a patient"', () => {
    assert.equal(numberStatedInQuote(24, 'at 2 years'), true);
    assert.equal(numberStatedInQuote(12, 'at 1 year'), true);
    assert.equal(numberStatedInQuote(2, 'at 2 years'), true);
    assert.equal(numberStatedInQuote(13, 'at 1 year'), false);
    assert.equal(numberStatedInQuote(6e6, '6 million cells'), true);
    assert.equal(numberStatedInQuote(6e5, '6 million cells'), false);
    assert.equal(numberStatedInQuote(-1.47, 'mean difference: -1.47'), true);
    assert.equal(numberStatedInQuote(1, 'one subject withdrew'), true);
    assert.equal(numberStatedInQuote(1, 'a participant withdrew'), true);
    assert.equal(numberStatedInQuote(2, 'a patient withdrew'), false);
    assert.equal(numberStatedInQuote(300, 'three hundred patients'), true);
    assert.equal(numberStatedInQuote(3, 'three hundred patients'), false);
    assert.equal(numberStatedInQuote(20, 'twenty patients'), true);
  });

  test('the numbers of a study whose quotes do not state them are listed by field for review', () => {
    const Q = (quote: string) => ({ document: 'test', locator: 'l', quote });
    const s = makeStudy('num-1', {
      enrolled: { value: 15, provenance: Q('Fourteen patients') },
      followup_months: { value: 12, provenance: Q('at one-year follow-up') },
      allocation_ratio: { arms: ['a', 'b'], parts: [3, 2], provenance: Q('a 3:3 ratio') },
      arms: [
        {
          id: 'a',
          label: 'a',
          role: 'treatment',
          therapies: ['bmc'],
          n: {
            value: 9,
            derivation: { rule: 'sum', formula: 'f', inputs: [{ name: 'x', value: 9, provenance: Q('eight') }] },
          },
          intervention: 'a',
        },
        { id: 'b', label: 'b', role: 'control', therapies: ['saline'], n: known(5), intervention: 'b' },
      ],
      review: {
        included_studies: { value: 40, provenance: Q('40 trials') },
        included_rcts: { value: 14, provenance: Q('13 RCTs') },
        participants: { value: null, null_reason: 'not stated' },
        pooled: [
          {
            outcome: 'pain',
            measure: 'MD',
            estimate: -1.47,
            ci_lower: -2.2,
            ci_upper: -0.81,
            intervention: 'i',
            comparator: 'c',
            timepoint: { value: 8, unit: 'weeks' },
            window: null,
            scale: null,
            heterogeneity: null,
            provenance: Q('MD −1.47; 95% CI −2.12 to −0.81 within 6 weeks'),
          },
        ],
        vote_counts: [
          { outcome: 'pain', positive: 11, of: 12, unit: 'rcts', statement: 's', provenance: Q('11 of 13') },
        ],
        conclusions: [],
        included_study_ids: [],
      },
      findings: [
        {
          outcome: 'pain',
          instrument: null,
          timepoint: { value: 3, unit: 'months' },
          window: null,
          comparison: 'unclear',
          arms: [],
          favours: null,
          change: null,
          significant: null,
          p: null,
          analysis: null,
          statement: 's',
          provenance: Q('at 6 months'),
        },
      ],
      outcomes: [
        {
          instrument: 'ODI',
          timepoint_months: 6,
          timepoint: { value: 26, unit: 'weeks' },
          arm: 'a',
          statistic: 'mean',
          value: 30,
          definition: null,
          provenance: Q('ODI 31 at 12 months (24 weeks)'),
        },
      ],
      adverse_events_reported: 'some',
      adverse_events: [
        {
          description: 'd',
          arm: 'a',
          count: { value: 2, provenance: Q('two') },
          serious: null,
          relatedness: 'not-stated',
          resolution: null,
          provenance: Q('3'),
        },
        {
          description: 'd',
          arm: 'a',
          count: { value: 4, derivation: derivation('sum', [4]) },
          serious: null,
          relatedness: 'not-stated',
          resolution: null,
          provenance: Q('5 events'),
        },
      ],
      products: [
        {
          arm: 'a',
          therapy: 'bmc',
          source: null,
          origin: null,
          culture_expanded: null,
          description: 'd',
          quantities: [{ kind: 'injectate-volume', value: 2, unit: 'mL', provenance: Q('3 mL') }],
          adjuncts: [],
          provenance: Q('p'),
        },
      ],
    } as Partial<Study>);
    const fields = numbersToReview(s).map((r) => [r.field, r.value]);
    assert.deepEqual(fields, [
      ['enrolled', 15],
      ['arms[0].n.derivation.inputs[0]', 9],
      ['arms[1].n', 5],
      ['allocation_ratio', Number.NaN],
      ['review.included_rcts', 14],
      ['review.pooled[0].ci_lower', -2.2],
      ['review.pooled[0].timepoint', 8],
      ['review.vote_counts[0].of', 12],
      ['findings[0].timepoint', 3],
      ['outcomes[0].value', 30],
      ['outcomes[0].timepoint_months', 6],
      ['outcomes[0].timepoint', 26],
      ['adverse_events[1].count', 4],
      ['products[0].quantities[0]', 2],
    ]);
    assert.equal(numbersToReview(s)[0]!.quote, 'Fourteen patients');
  });
});
