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
