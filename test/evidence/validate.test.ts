import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { normalizeForQuote, quoteIsIn } from '../../src/evidence/validate.ts';

test('a quote matches across line breaks and runs of spaces', () => {
  const text = normalizeForQuote('Seventeen out of\nthe 100 study   subjects required');
  assert.ok(quoteIsIn('Seventeen out of the 100 study subjects', text));
  assert.ok(!quoteIsIn('Seventeen out of the 200 study subjects', text));
});

test('an ellipsis stands for omitted words, fragments in order', () => {
  const text = normalizeForQuote('one two three four five');
  assert.ok(quoteIsIn('one … four', text));
  assert.ok(quoteIsIn('one ... five', text));
  assert.ok(!quoteIsIn('four … one', text));
  assert.ok(!quoteIsIn('…', text));
});

test('property: every substring of a text is found in it', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 200 }), fc.nat(), fc.nat(), (s, a, b) => {
      const text = normalizeForQuote(s);
      if (text.length === 0) return;
      const i = a % text.length;
      const j = i + 1 + (b % (text.length - i));
      const q = text.slice(i, j).trim();
      if (q.length === 0 || q.includes('...') || q.includes('…')) return;
      assert.ok(quoteIsIn(q, text));
    }),
  );
});

test('numbers are checked against their quotes, in the forms sources use', async () => {
  const { numberStatedInQuote } = await import('../../src/evidence/validate.ts');
  assert.ok(numberStatedInQuote(67, '67% of the patients'));
  assert.ok(numberStatedInQuote(17, 'Seventeen out of the 100 study subjects'));
  assert.ok(numberStatedInQuote(100, 'One hundred patients were randomly divided'));
  assert.ok(numberStatedInQuote(18_000_000, '(2) 18 million MPCs with HA'));
  assert.ok(numberStatedInQuote(20_000_000, 'with dosages of 2 × 107 cells/disc'));
  assert.ok(numberStatedInQuote(10_000_000, '10 + / − 5 × 106 autologous bone marrow-derived MSC'));
  assert.ok(numberStatedInQuote(12, 'At the one-year follow-up'));
  assert.ok(numberStatedInQuote(36, 'over the course of 3-year trial'));
  assert.ok(numberStatedInQuote(1, 'another patient in the 6 million MPC group'));
  assert.ok(numberStatedInQuote(1200, 'a total of 1,200 patients'));
  assert.ok(!numberStatedInQuote(68, '67% of the patients'));
  assert.ok(!numberStatedInQuote(148, 'Four clinical studies enrolling many patients'));
});

test('property: a number written in digits is always found', async () => {
  const { numberStatedInQuote } = await import('../../src/evidence/validate.ts');
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.string({ maxLength: 20 }), (n, pad) => {
      const safePad = pad.replace(/[\d.]/g, '');
      assert.ok(numberStatedInQuote(n, `${safePad} ${n} patients`));
    }),
  );
});

test('every number of the curated evidence is stated in its quote', async () => {
  const { readValidStudies } = await import('../../src/app.ts');
  const { numbersToReview } = await import('../../src/evidence/validate.ts');
  const studies = await readValidStudies();
  const review = studies.flatMap((s) => numbersToReview(s).map((r) => `${s.id} ${r.field}=${r.value}`));
  assert.deepEqual(review, []);
});
