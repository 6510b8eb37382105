import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_INSTRUMENT_CONFIG } from '../../src/instruments/config.ts';
import { painChangeCategory } from '../../src/instruments/pain.ts';
import { scoreFri, scoreRmdq } from '../../src/instruments/rmdq.ts';
import { normalizeInstrumentName, scoreInstrument } from '../../src/instruments/score.ts';

test('NRS: integers 0–10; VAS: 0–100 mm', () => {
  assert.deepEqual(scoreInstrument('NRS', { value: 7 }), { score: 7 });
  assert.deepEqual(scoreInstrument('VAS', { value: 42.5 }), { score: 42.5 });
  assert.deepEqual(scoreInstrument('NRS', { value: 7.5 }), {
    error: 'expected an integer 0–10, got number 7.5',
    field: 'value',
  });
  assert.equal((scoreInstrument('NRS', { value: -1 }) as { field: string }).field, 'value');
  assert.equal((scoreInstrument('VAS', { value: 100.1 }) as { field: string }).field, 'value');
  assert.equal((scoreInstrument('VAS', {}) as { field: string }).field, 'value');
});

test('RMDQ: count of ticked statements; unanswered items refuse by default (config, UNVERIFIED)', () => {
  const items = Array.from({ length: 24 }, (_, i) => i % 3 === 0);
  assert.deepEqual(scoreInstrument('RMDQ', { items }), { score: 8 });
  assert.deepEqual(scoreInstrument('rmdq', { items: Array(24).fill(true) }), { score: 24 });
  const withNull = [...items];
  withNull[5] = null as unknown as boolean;
  assert.equal((scoreInstrument('RMDQ', { items: withNull }) as { field: string }).field, 'items[5]');
  const cfg = structuredClone(DEFAULT_INSTRUMENT_CONFIG);
  cfg.rmdq.maxMissingItems.value = 1;
  assert.deepEqual(scoreRmdq({ items: withNull }, cfg), { score: 8 });
  const wrong = [...items];
  wrong[3] = 1 as unknown as boolean;
  assert.equal((scoreInstrument('RMDQ', { items: wrong }) as { field: string }).field, 'items[3]');
  assert.equal((scoreInstrument('RMDQ', { items: items.slice(1) }) as { field: string }).field, 'items');
});

test('FRI: raw/40 × 100; one missing item = mean-compensated (§5.2); two missing refuse', () => {
  assert.deepEqual(scoreFri({ answers: [4, 4, 4, 4, 4, 4, 4, 4, 4, 4] }), { score: 100, answered: 10 });
  assert.deepEqual(scoreFri({ answers: [2, 2, 2, 2, 2, 2, 2, 2, 2, null] }), { score: 50, answered: 9 });
  // Mean compensation: 9 answers summing 18, plus their mean 2 = 20/40 = 50%.
  assert.equal(
    (scoreInstrument('FRI', { answers: [2, 2, 2, 2, 2, 2, 2, 2, null, null] }) as { field: string }).field,
    'answers',
  );
});

test('property: RMDQ score equals the number of true items', () => {
  fc.assert(
    fc.property(fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }), (items) => {
      assert.deepEqual(scoreInstrument('RMDQ', { items }), { score: items.filter(Boolean).length });
    }),
  );
});

test('instrument names: case-insensitive, EQ-5D-3L alias; unknown → field "instrument"', () => {
  assert.equal(normalizeInstrumentName('EQ-5D-3L'), 'EQ5D3L');
  assert.equal(normalizeInstrumentName('eq5d3l'), 'EQ5D3L');
  assert.equal(normalizeInstrumentName('Promis10'), 'PROMIS10');
  assert.equal(normalizeInstrumentName('odi'), 'ODI');
  assert.equal(normalizeInstrumentName('SF-36'), null);
  assert.equal((scoreInstrument('SF36', {}) as { field: string }).field, 'instrument');
});

test('IMMPACT categories of percent pain reduction (§2.1)', () => {
  assert.equal(painChangeCategory(null), null);
  assert.equal(painChangeCategory(-20), 'below-minimal');
  assert.equal(painChangeCategory(9.99), 'below-minimal');
  assert.equal(painChangeCategory(10), 'minimally-important');
  assert.equal(painChangeCategory(30), 'moderately-important');
  assert.equal(painChangeCategory(50), 'substantial');
});
