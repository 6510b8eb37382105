import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_INSTRUMENT_CONFIG, type InstrumentConfig } from '../../src/instruments/config.ts';
import { odiBand, parseOdiInput, scoreOdi } from '../../src/instruments/odi.ts';
import { scoreInstrument } from '../../src/instruments/score.ts';

const withOdi = (
  odi: Partial<{ maxMissingSections: number; multipleMarked: 'highest' | 'reject' }>,
): InstrumentConfig => {
  const c = structuredClone(DEFAULT_INSTRUMENT_CONFIG);
  if (odi.maxMissingSections !== undefined) c.odi.maxMissingSections.value = odi.maxMissingSections;
  if (odi.multipleMarked !== undefined) c.odi.multipleMarked.value = odi.multipleMarked;
  return c;
};

test('worked examples of the scoring sheet (docs/reference/instruments.md §1.2): 16/50 = 32%, 16/45 = 35.56%', () => {
  assert.deepEqual(scoreInstrument('ODI', { answers: [2, 2, 2, 2, 2, 2, 2, 1, 1, 0] }), {
    score: 32,
    answered: 10,
    band: 'moderate',
  });
  const r = scoreInstrument('odi', { answers: [2, 2, 2, 2, 2, 2, 2, 1, null, 1] });
  assert.ok(!('error' in r));
  assert.equal((r as { score: number }).score, (16 / 45) * 100);
  assert.equal((r as { answered: number }).answered, 9);
  assert.equal(Math.floor((r as { score: number }).score * 10) / 10, 35.5); // the sheet prints 35.5 (truncated)
});

test('bands on the unrounded index: ≤20, >20–≤40, >40–≤60, >60–≤80, >80 (§1.3)', () => {
  const cases: [number, string][] = [
    [0, 'minimal'],
    [20, 'minimal'],
    [20.0001, 'moderate'],
    [40, 'moderate'],
    [35.56, 'moderate'],
    [40.01, 'severe'],
    [60, 'severe'],
    [61, 'crippled'],
    [80, 'crippled'],
    [80.5, 'bed-bound'],
    [100, 'bed-bound'],
  ];
  for (const [s, b] of cases) assert.equal(odiBand(s), b, `score ${s}`);
  assert.equal((scoreInstrument('ODI', { answers: Array(10).fill(5) }) as { band: string }).band, 'bed-bound');
});

test('missing sections: default allows one (config, UNVERIFIED); two refuse with field "answers"', () => {
  assert.deepEqual(scoreInstrument('ODI', { answers: [1, 1, 1, 1, 1, 1, 1, null, null, 1] }), {
    error: '2 section(s) unanswered; at most 1 allowed (scoring settings instruments-2025.1; an UNVERIFIED cut-off)',
    field: 'answers',
  });
  const r = scoreOdi([1, 1, 1, 1, 1, 1, 1, null, null, 1], withOdi({ maxMissingSections: 2 }));
  assert.deepEqual(r, { score: 20, answered: 8, band: 'minimal' });
  assert.equal((scoreInstrument('ODI', { answers: Array(10).fill(null) }) as { field: string }).field, 'answers');
});

test('several statements marked in one section: highest by default, or rejected (config, UNVERIFIED)', () => {
  assert.deepEqual(parseOdiInput({ answers: [[1, 3], 0, 0, 0, 0, 0, 0, 0, 0, 0] }).slice(0, 2), [3, 0]);
  assert.throws(
    () => parseOdiInput({ answers: [[1, 3], 0, 0, 0, 0, 0, 0, 0, 0, 0] }, withOdi({ multipleMarked: 'reject' })),
    /more than one statement/,
  );
});

test('invalid input names the field', () => {
  const bad: [unknown, string][] = [
    [{ answers: [0, 0, 0, 6, 0, 0, 0, 0, 0, 0] }, 'answers[3]'],
    [{ answers: [0, 0, 0, 2.5, 0, 0, 0, 0, 0, 0] }, 'answers[3]'],
    [{ answers: [0, '1', 0, 0, 0, 0, 0, 0, 0, 0] }, 'answers[1]'],
    [{ answers: [0, 0, 0] }, 'answers'],
    [{ answers: 'x' }, 'answers'],
    [{}, 'answers'],
    [{ answers: Array(10).fill(0), extra: 1 }, 'extra'],
    [[1, 2], '$'],
    [null, '$'],
  ];
  for (const [input, field] of bad) {
    const r = scoreInstrument('ODI', input);
    assert.ok('error' in r, JSON.stringify(input));
    assert.equal((r as { field: string }).field, field, JSON.stringify(input));
  }
});

const answer = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant(null));
const answers = fc
  .array(answer, { minLength: 10, maxLength: 10 })
  .filter((a) => a.filter((x) => x === null).length <= 1);

test('property: score within 0–100, answered = non-null count', () => {
  fc.assert(
    fc.property(answers, (a) => {
      const r = scoreOdi(a);
      assert.ok(r.score >= 0 && r.score <= 100);
      assert.equal(r.answered, a.filter((x) => x !== null).length);
    }),
  );
});

test('property: raising one answered section never lowers the score (monotone)', () => {
  fc.assert(
    fc.property(answers, fc.nat(9), (a, i) => {
      const v = a[i];
      if (v === null || v === undefined || v === 5) return;
      const b = [...a];
      b[i] = v + 1;
      assert.ok(scoreOdi(b).score > scoreOdi(a).score);
    }),
  );
});
