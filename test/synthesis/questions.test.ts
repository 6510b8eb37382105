// Grouping rules of the outcome questions (src/synthesis/questions.ts). Expected windows, domains and comparisons
// are typed from the curated wordings of the seeds (the `window` texts as the sources give them) and the issue's
// definitions (≤ 3 months, 6, 12, > 12 months; placebo/sham/vehicle, active comparator such as steroid, …).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  comparisonOfArms,
  comparisonOfWords,
  findingDomains,
  outcomeDomain,
  questionId,
  targetKey,
  windowsOf,
} from '../../src/synthesis/questions.ts';
import { arm } from '../helpers/studies.ts';

describe('time windows', () => {
  const cases: [Parameters<typeof windowsOf>[0], string | null, string[]][] = [
    [{ value: 6, unit: 'weeks' }, null, ['le3m']],
    [{ value: 8, unit: 'days' }, null, ['le3m']],
    [{ value: 3, unit: 'months' }, null, ['le3m']],
    [{ value: 6, unit: 'months' }, null, ['6m']],
    [{ value: 12, unit: 'months' }, null, ['12m']],
    [{ value: 36, unit: 'months' }, null, ['gt12m']],
    [null, 'within 8 weeks', ['le3m']], // Xuan 2020 as seed-001 words it
    [null, 'over the 3-year trial', ['gt12m']], // Amirdelfan treatment failure
    [null, 'at 12, 24 and 36 months', ['12m', 'gt12m']], // Amirdelfan mean VAS
    [null, 'at all time periods (assessed at 1, 3, 6 and 12 months)', ['le3m', '6m', '12m']], // Atluri
    [null, 'throughout the entire 3-month study period', ['le3m']], // Singla
    [null, 'over two years of follow-up', ['gt12m']], // Yan 2024
    [null, 'over the 10-month study period (timepoint not stated)', ['unstated']], // Akeda: the curator says not stated
    [null, 'by the conclusion of the study', ['unstated']],
    [null, 'before injection', []], // a baseline value is not a result
    [null, null, ['unstated']],
  ];
  for (const [tp, text, expected] of cases) {
    test(`${JSON.stringify(tp)} / ${text}`, () => assert.deepEqual(windowsOf(tp, text), expected));
  }
});

describe('outcome domains', () => {
  test('instruments and statistics', () => {
    assert.deepEqual(outcomeDomain({ instrument: 'VAS', statistic: 'responder_pct' }), {
      domain: 'responder',
      sub: 'pain',
    });
    assert.deepEqual(outcomeDomain({ instrument: 'ODI', statistic: 'responder_pct' }), {
      domain: 'responder',
      sub: 'function',
    });
    assert.deepEqual(outcomeDomain({ instrument: 'ODI', statistic: 'mean' }), { domain: 'function', sub: null });
    assert.deepEqual(outcomeDomain({ instrument: 'NRS', statistic: 'md' }), { domain: 'pain', sub: null });
    assert.deepEqual(outcomeDomain({ instrument: 'EQ-5D-3L', statistic: 'mean' }), {
      domain: 'quality-of-life',
      sub: null,
    });
    assert.deepEqual(outcomeDomain({ instrument: 'analgesic-use', statistic: 'responder_n' }), {
      domain: 'opioid-use',
      sub: null,
    });
    assert.deepEqual(outcomeDomain({ instrument: 'MRI', statistic: 'count' }), { domain: 'imaging', sub: null });
    assert.deepEqual(outcomeDomain({ instrument: 'treatment-failure', statistic: 'count' }), {
      domain: 'treatment-failure',
      sub: null,
    });
    assert.deepEqual(outcomeDomain({ instrument: 'other', statistic: 'responder_n' }), {
      domain: 'responder',
      sub: 'composite',
    });
  });
  test('findings worded over several measures go to each domain', () => {
    assert.deepEqual(
      findingDomains({ instrument: null, outcome: 'pain and disability (VAS and ODI)' }).map((d) => d.domain),
      ['pain', 'function'],
    );
    assert.deepEqual(findingDomains({ instrument: null, outcome: '>50% pain relief' }), [
      { domain: 'responder', sub: 'pain' },
    ]);
    assert.deepEqual(findingDomains({ instrument: null, outcome: 'adverse events' }), [
      { domain: 'adverse-events', sub: null },
    ]);
    assert.deepEqual(findingDomains({ instrument: 'opioid-use', outcome: 'opioid use' }), [
      { domain: 'opioid-use', sub: null },
    ]);
    assert.deepEqual(findingDomains({ instrument: 'MRI', outcome: 'disc degeneration on MRI' }), [
      { domain: 'imaging', sub: null },
    ]);
  });
});

describe('comparisons', () => {
  test('by the comparator arms', () => {
    assert.equal(comparisonOfArms([arm('s', 'control', ['saline'], 20)]), 'placebo');
    assert.equal(comparisonOfArms([arm('h', 'control', ['ha'], 20), arm('s', 'control', ['saline'], 20)]), 'placebo');
    assert.equal(comparisonOfArms([arm('c', 'control', ['contrast'], 18)]), 'placebo');
    assert.equal(comparisonOfArms([arm('s', 'control', ['steroid', 'local-anesthetic'], null)]), 'active');
    assert.equal(comparisonOfArms([arm('c', 'control', ['conventional-care'], null)]), 'conventional-care');
    assert.equal(comparisonOfArms([arm('c', 'control', ['other'], null)]), 'control-unspecified');
    assert.equal(comparisonOfArms([]), 'none');
  });
  test('by words (reviews)', () => {
    assert.equal(comparisonOfWords('control groups (type not stated)'), 'control-unspecified');
    assert.equal(comparisonOfWords('saline placebo'), 'placebo');
    assert.equal(comparisonOfWords('corticosteroid injection'), 'active');
  });
  test('targets and ids', () => {
    assert.equal(targetKey({ targets: [] }), 'not-stated');
    assert.equal(targetKey({ targets: ['disc'] }), 'disc');
    assert.equal(targetKey({ targets: ['disc', 'facet'] }), 'multiple');
    assert.equal(
      questionId({
        condition: 'chronic low back pain',
        therapy: 'prp',
        target: 'disc',
        domain: 'responder',
        sub: 'pain',
        comparison: 'none',
        window: '6m',
      }),
      'chronic-low-back-pain.prp.disc.responder-pain.none.6m',
    );
  });
});
