import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_INSTRUMENT_CONFIG } from '../../src/instruments/config.ts';
import { gmhTScore, gphTScore, PAIN_RECODE, scorePromis10 } from '../../src/instruments/promis10.ts';
import { scoreInstrument } from '../../src/instruments/score.ts';

const all3 = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`Global${String(i + 1).padStart(2, '0')}`, 3]));

test('HL7 PACIO worked example (docs/reference/instruments.md §4.4): GPH raw 15 → 47.7, GMH raw 14 → 48.3', () => {
  const items = {
    Global01: 3,
    Global02: 3,
    Global03: 3,
    Global04: 4,
    Global05: 4,
    Global06: 4,
    Global07r: 3,
    Global08r: 4,
    Global09r: 3,
    Global10r: 3,
  };
  assert.deepEqual(scoreInstrument('PROMIS10', { items }), {
    gph_raw: 15,
    gph_t: 47.7,
    gph_se: 4.4,
    gmh_raw: 14,
    gmh_t: 48.3,
    gmh_se: 3.7,
  });
});

test('contract example: all items 3 (pain 3 → 4)', () => {
  assert.deepEqual(scoreInstrument('promis10', { items: all3 }), {
    gph_raw: 13,
    gph_t: 42.3,
    gph_se: 4.2,
    gmh_raw: 12,
    gmh_t: 43.5,
    gmh_se: 3.6,
  });
});

test('pain recode 0–10 → 5,4,4,4,3,3,3,2,2,2,1 (§4.2)', () => {
  assert.deepEqual([...PAIN_RECODE], [5, 4, 4, 4, 3, 3, 3, 2, 2, 2, 1]);
  const gph = (pain: number) => (scorePromis10({ ...all3, Global07: pain }) as { gph_raw: number }).gph_raw - 9;
  assert.deepEqual(
    Array.from({ length: 11 }, (_, p) => gph(p)),
    [5, 4, 4, 4, 3, 3, 3, 2, 2, 2, 1],
  );
});

test('table ends and the configurable GMH raw 4 (21.2 default, 21.1 in Hays 2009: UNVERIFIED)', () => {
  assert.deepEqual(gphTScore(4), { t: 16.2, se: 4.8 });
  assert.deepEqual(gphTScore(20), { t: 67.7, se: 5.9 });
  assert.deepEqual(gmhTScore(4), { t: 21.2, se: 4.6 });
  assert.deepEqual(gmhTScore(20), { t: 67.6, se: 5.3 });
  const cfg = structuredClone(DEFAULT_INSTRUMENT_CONFIG);
  cfg.promis10.gmhRaw4T.value = 21.1;
  assert.deepEqual(gmhTScore(4, cfg), { t: 21.1, se: 4.6 });
  assert.throws(() => gphTScore(21), RangeError);
});

test('property: T monotone (strictly increasing) in raw for both summaries', () => {
  fc.assert(
    fc.property(fc.integer({ min: 4, max: 19 }), (raw) => {
      assert.ok(gphTScore(raw + 1).t > gphTScore(raw).t);
      assert.ok(gmhTScore(raw + 1).t > gmhTScore(raw).t);
    }),
  );
});

test('property: better answers never lower the T-scores', () => {
  const item = fc.integer({ min: 1, max: 5 });
  fc.assert(
    fc.property(fc.array(item, { minLength: 10, maxLength: 10 }), fc.integer({ min: 0, max: 10 }), (v, pain) => {
      const items = Object.fromEntries(v.map((x, i) => [`Global${String(i + 1).padStart(2, '0')}`, x]));
      items.Global07 = pain;
      const r = scorePromis10(items);
      const better = { ...items, Global03: Math.min(5, items.Global03! + 1), Global07: Math.max(0, pain - 1) };
      const b = scorePromis10(better);
      assert.ok(b.gph_t >= r.gph_t);
      assert.equal(b.gmh_t, r.gmh_t);
      assert.ok(r.gph_raw >= 4 && r.gph_raw <= 20 && r.gmh_raw >= 4 && r.gmh_raw <= 20);
    }),
  );
});

test('r-suffix aliases, case-insensitive keys, conflicts and errors name items.<key>', () => {
  const { Global10: _g10, ...rest } = all3;
  assert.deepEqual(
    scoreInstrument('PROMIS10', { items: { ...rest, global10R: 3 } }),
    scoreInstrument('PROMIS10', { items: all3 }),
  );
  const bad: [unknown, string, RegExp][] = [
    [{ items: { ...all3, Global07: 11 } }, 'items.Global07', /outside 0–10/],
    [{ items: { ...all3, Global02: 0 } }, 'items.Global02', /outside 1–5/],
    [{ items: { ...all3, Global10r: 4 } }, 'items.Global10r', /twice/],
    [{ items: { ...all3, Global11: 3 } }, 'items.Global11', /unknown item/],
    [{ items: rest }, 'items.Global10', /missing/],
    [{ items: { ...all3, Global04: null } }, 'items.Global04', /no prorating/],
    [{ items: [] }, 'items', /object/],
    [{}, 'items', /missing/],
  ];
  for (const [input, field, msg] of bad) {
    const r = scoreInstrument('PROMIS10', input) as { error: string; field: string };
    assert.equal(r.field, field, JSON.stringify(input));
    assert.match(r.error, msg);
  }
  // Global01 and Global09r are not part of either summary: optional, but validated when present.
  const { Global01: _a, Global09: _b, ...summaryOnly } = all3;
  assert.equal((scoreInstrument('PROMIS10', { items: summaryOnly }) as { gph_raw: number }).gph_raw, 13);
});
