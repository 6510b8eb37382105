// No guide sentence is more favourable than its certainty allows (GRADE guidance 26 as templated in
// docs/reference/evidence-grading.md §2.4): very low → "we do not know", low → "may", moderate → "probably",
// high → unhedged. The classifier is checked on sentences written here by hand, then applied to every
// sentence of the three guides and to the guide wording of synthetic questions at each certainty.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readJudgements, readMcids } from '../../src/cli/commands/sof.ts';
import { readEvidenceBase } from '../../src/evidence/files.ts';
import { GUIDE_THERAPIES, type GuideTherapy } from '../../src/guide/content.ts';
import { buildGuide, type Guide } from '../../src/guide/model.ts';
import { ALLOWED_STRENGTH, questionSentence, wordingStrength } from '../../src/guide/wording.ts';
import { CERTAINTY } from '../../src/synthesis/grade.ts';
import type { SofQuestion } from '../../src/synthesis/sof.ts';

const guides = {} as Record<GuideTherapy, Guide>;
// set up once, at load (not in a top-level hook, which would apply to every file sharing the process)
await (async () => {
  const base = await readEvidenceBase();
  const o = { mcids: await readMcids(), judgements: await readJudgements() };
  for (const t of GUIDE_THERAPIES) guides[t] = buildGuide(base.studies, base.statements, { therapy: t, ...o });
})();

describe('the wording classifier, on hand-written sentences', () => {
  const cases: [string, number][] = [
    ['PRP improves pain.', 3],
    ['Stem cell therapy is safe and effective.', 3],
    ['BMC relieves back pain for years.', 3],
    ['PRP probably reduces pain (MD −1.5).', 2],
    ['PRP may lower pain, but the true effect could be quite different.', 1],
    ['We do not know if PRP changes pain. The evidence is very uncertain.', 0],
    ['We do not know if PRP improves pain; the evidence is very uncertain.', 0],
    ['In one study, 11 of 14 people who had PRP had less disability: about 79 in 100.', 0],
    ['In one study, PRP did worse than a steroid injection on pain in the first 3 months.', 0],
    ['We do not know if PRP helps. But it works for many people.', 3],
  ];
  for (const [s, k] of cases) test(`${k}: ${s}`, () => assert.equal(wordingStrength(s), k));
});

describe('every sentence of every guide is within its certainty', () => {
  test('sentences that word SoF questions, and the icon-array texts', () => {
    let checked = 0;
    for (const t of GUIDE_THERAPIES) {
      const g = guides[t];
      const sentences = [
        ...g.summary,
        ...g.benefits.flatMap((b) => b.sentences),
        ...g.icon_notes,
        ...g.not_improved,
        ...g.not_measured,
        ...g.followup,
        ...g.harms.reported,
      ];
      for (const s of sentences) {
        // a sentence that words no question is a count or a caveat: it may claim nothing at all
        const allowed = s.certainty === null ? 0 : ALLOWED_STRENGTH[s.certainty];
        assert.ok(wordingStrength(s.text) <= allowed, `${t} (${s.certainty}): ${s.text}`);
        checked++;
      }
      for (const a of g.icon_arrays) assert.ok(wordingStrength(a.text) <= ALLOWED_STRENGTH[a.certainty], a.text);
    }
    assert.ok(checked > 100, `${checked} sentences checked`);
  });
  test('on the curated data every result is very low certainty, and no benefit sentence says more than "we do not know"', () => {
    for (const t of GUIDE_THERAPIES)
      for (const b of guides[t].benefits)
        for (const s of b.sentences.slice(1)) {
          assert.equal(s.certainty, 'very-low');
          // "we do not know", or a review's reported number followed by "the evidence is very uncertain"
          assert.match(s.text, /^We do not know if |The evidence is very uncertain\.$/);
        }
  });
});

describe('guide wording of synthetic questions at each certainty', () => {
  const base = {
    id: 'chronic-low-back-pain.prp.disc.pain.placebo.le3m',
    outcome: 'Pain',
    domain: 'pain',
    comparison_kind: 'placebo',
    reported_analyses: [],
    effect: {
      measure: 'MD',
      estimate: -1.5,
      ci_lb: -2.1,
      ci_ub: -0.8,
      k: 2,
      body: 'comparative',
    },
  } as unknown as SofQuestion;
  for (const c of CERTAINTY)
    test(`${c}: at most ${ALLOWED_STRENGTH[c]}, and exactly the template's strength`, () => {
      const s = questionSentence('PRP', {
        ...base,
        certainty: c,
        statement: 'PRP may reduce pain (MD −1.5 (95% CI −2.1 to −0.8)).',
      });
      assert.equal(wordingStrength(s), ALLOWED_STRENGTH[c], s);
    });
  test('no estimate: "we do not know" whatever the certainty', () => {
    const s = questionSentence('PRP', { ...base, effect: null, certainty: 'high', statement: '' });
    assert.equal(s, 'We do not know if PRP changes pain. The studies gave no numbers we can check.');
  });
  test('single-arm body: never an effect, at low certainty too', () => {
    const s = questionSentence('PRP', {
      ...base,
      effect: { ...base.effect!, measure: 'PLO', body: 'single-arm' },
      certainty: 'low',
      statement: '',
    });
    assert.equal(wordingStrength(s), 0, s);
    assert.match(s, /no comparison group/);
  });
});
