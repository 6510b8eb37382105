// Which studies answer "condition × therapy" (src/evidence/select.ts) and the plain-text / Markdown card
// renderings (src/evidence/card-render.ts). Rules from docs/evidence-model.md §Studies (`not-stated` designs are
// never counted as controlled or uncontrolled; `record_kind` keeps registrations and protocols apart from the
// design) and the vocabulary's therapy groups (src/domain/vocabulary.ts THERAPY_GROUPS: prp = PRP and PRF).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EvidenceCard } from '../../src/evidence/card.ts';
import { cardToMarkdown, cardToText } from '../../src/evidence/card-render.ts';
import {
  CONDITIONS,
  conditionKey,
  isControlled,
  isStatedDesign,
  isUncontrolled,
  knownConditions,
  selectStudies,
  studyKind,
  studyMatchesCondition,
  studyMatchesTherapy,
  therapyMembers,
  treatedArms,
} from '../../src/evidence/select.ts';
import { arm, makeStudy } from '../helpers/studies.ts';

const withConditions = (...conditions: string[]) => makeStudy('c', { conditions });

describe('the condition asked about', () => {
  test('chronic low back pain is the one known condition, with its label', () => {
    assert.deepEqual(knownConditions(), ['chronic low back pain']);
    assert.equal(CONDITIONS['chronic low back pain']?.label, 'Chronic low back pain');
  });

  test('case, surrounding space and runs of spaces do not matter; CLBP and "low back pain" are aliases', () => {
    assert.equal(conditionKey('  Chronic   Low Back\tPain '), 'chronic low back pain');
    assert.equal(conditionKey('CLBP'), 'chronic low back pain');
    assert.equal(conditionKey(' clbp '), 'chronic low back pain');
    assert.equal(conditionKey('Low  Back Pain'), 'chronic low back pain');
    assert.equal(conditionKey('Neck  Pain'), 'neck pain');
  });

  test("a study is placed under chronic low back pain by its conditions' named sources", () => {
    for (const c of [
      'degenerative disc disease',
      'degenerative disk disease',
      'disk degeneration',
      'disc degeneration',
      'discogenic pain',
      'sacroiliac joint dysfunction',
      'facet arthropathy',
      'LBP',
      'chronic back pain',
      'lower back pain',
    ]) {
      assert.equal(studyMatchesCondition(withConditions(c), 'chronic low back pain'), true, c);
    }
    assert.equal(studyMatchesCondition(withConditions('knee osteoarthritis', 'neck pain'), 'clbp'), false);
    assert.equal(studyMatchesCondition(withConditions('degenerative discs'), 'clbp'), true);
  });

  test('a condition the program does not know matches no study', () => {
    assert.equal(studyMatchesCondition(withConditions('knee pain'), 'knee pain'), false);
  });
});

describe('the therapy asked about', () => {
  test('prp means PRP and PRF; an unknown therapy is refused naming the known ones', () => {
    assert.deepEqual(therapyMembers('PRP'), ['prp', 'prf']);
    assert.deepEqual(therapyMembers('bmc'), ['bmc']);
    assert.throws(
      () => therapyMembers('aspirin'),
      (e: Error) => e.message.startsWith('unknown therapy "aspirin"; use one of: msc, prp, bmc, bm-msc, ad-msc'),
    );
  });

  test('only treatment arms giving the therapy count; a control arm of it does not', () => {
    const s = makeStudy('t', {
      arms: [
        arm('a', 'treatment', ['prp'], 10),
        arm('b', 'control', ['prp'], 10),
        arm('c', 'treatment', ['steroid'], 10),
      ],
    });
    assert.deepEqual(
      treatedArms(s, ['prp', 'prf']).map((a) => a.id),
      ['a'],
    );
    const ctl = makeStudy('u', { therapies: ['prp'], arms: [arm('b', 'control', ['prp'], 10)] });
    assert.equal(studyMatchesTherapy(ctl, ['prp']), false);
  });

  test("a study without arms is about a therapy when any of the study's therapies is in the group", () => {
    const s = makeStudy('v', { arms: [], therapies: ['saline', 'prf'] });
    assert.equal(studyMatchesTherapy(s, ['prp', 'prf']), true);
    assert.equal(studyMatchesTherapy(s, ['bmc']), false);
  });
});

describe('what kind of record a study is', () => {
  test('reviews, protocols, registrations (ongoing), registries and primary studies', () => {
    assert.equal(studyKind(makeStudy('a', { design: 'narrative-review' })), 'review');
    assert.equal(studyKind(makeStudy('a', { design: 'not-stated', review: {} as never })), 'review');
    assert.equal(studyKind(makeStudy('a', { design: 'rct', record_kind: 'protocol' })), 'protocol');
    assert.equal(studyKind(makeStudy('a', { design: 'rct', record_kind: 'registration' })), 'ongoing');
    assert.equal(studyKind(makeStudy('a', { design: 'registry' })), 'registry');
    assert.equal(studyKind(makeStudy('a', { design: 'not-stated' })), 'primary');
  });

  test('not-stated is neither a stated, a controlled nor an uncontrolled design', () => {
    assert.equal(isStatedDesign('not-stated'), false);
    assert.equal(isStatedDesign('case-report'), true);
    assert.equal(isControlled('rct'), true);
    assert.equal(isControlled('non-randomized-controlled'), true);
    assert.equal(isControlled('single-arm'), false);
    assert.equal(isControlled('not-stated'), false);
    assert.equal(isUncontrolled('case-series'), true);
    assert.equal(isUncontrolled('rct'), false);
    assert.equal(isUncontrolled('not-stated'), false);
  });

  test('a selection sorts the matching studies by kind; registries are listed with the ongoing trials', () => {
    const prp = [arm('t', 'treatment', ['prp'], 10)];
    const studies = [
      makeStudy('p1', { design: 'rct', arms: prp }),
      makeStudy('knee', { design: 'rct', arms: prp, conditions: ['knee osteoarthritis'] }),
      makeStudy('cells', { design: 'rct' }),
      makeStudy('reg', { design: 'registry', arms: prp }),
      makeStudy('nct', { design: 'rct', record_kind: 'registration', arms: prp }),
      makeStudy('proto', { design: 'rct', record_kind: 'protocol', arms: prp }),
      makeStudy('rev', { design: 'meta-analysis', arms: [], therapies: ['prp'] }),
    ];
    const sel = selectStudies(studies, ' CLBP ', 'PRP');
    assert.equal(sel.condition, 'chronic low back pain');
    assert.equal(sel.therapy, 'prp');
    assert.deepEqual(sel.members, ['prp', 'prf']);
    const ids = (xs: { id: string }[]) => xs.map((s) => s.id);
    assert.deepEqual(ids(sel.primary), ['p1']);
    assert.deepEqual(ids(sel.ongoing), ['nct', 'reg']);
    assert.deepEqual(ids(sel.protocols), ['proto']);
    assert.deepEqual(ids(sel.reviews), ['rev']);
  });
});

describe('card renderings', () => {
  const card = {
    therapy_label: 'Platelet-rich plasma',
    condition: 'chronic low back pain',
    headline: 'Two studies.',
    insights: [
      { text: 'First insight.', study_ids: ['a-2020', 'b-2021'] },
      { text: 'Second insight.', study_ids: [] },
    ],
    citations: [
      { id: 'a-2020', text: 'A. 2020.' },
      { id: 'b-2021', text: 'B. 2021.' },
    ],
  } as unknown as EvidenceCard;

  test('plain text: title, headline, one line per insight with its studies, then the sources', () => {
    assert.equal(
      cardToText(card),
      [
        'Platelet-rich plasma for chronic low back pain',
        '',
        'Two studies.',
        '',
        '- First insight. [a-2020, b-2021]',
        '- Second insight.',
        '',
        'Sources:',
        '  [a-2020] A. 2020.',
        '  [b-2021] B. 2021.',
        '',
      ].join('\n'),
    );
  });

  test('Markdown: heading, bold headline, insights linking to anchored sources', () => {
    assert.equal(
      cardToMarkdown(card),
      [
        '# Platelet-rich plasma for chronic low back pain',
        '',
        '**Two studies.**',
        '',
        '- First insight. ([a-2020](#a-2020), [b-2021](#b-2021))',
        '- Second insight.',
        '',
        '## Sources',
        '',
        '- <a id="a-2020"></a>**a-2020**: A. 2020.',
        '- <a id="b-2021"></a>**b-2021**: B. 2021.',
        '',
      ].join('\n'),
    );
  });
});
