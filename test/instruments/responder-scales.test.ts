// Responder rules per instrument, from docs/reference/instruments.md: §0 (range and direction of every
// instrument), §6 (default thresholds: ODI 10 / 30 %, NRS 2 / 30 %, VAS 15 mm / 30 %, RMDQ 5 / 30 %, FRI 9,
// EQ-5D-3L context-specific, PROMIS UNVERIFIED), §2.1 (a threshold the baseline cannot reach is "not
// evaluable", not "non-responder").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_INSTRUMENT_CONFIG } from '../../src/instruments/config.ts';
import { attempt, isFieldError } from '../../src/instruments/input.ts';
import { instrumentScale, isResponder, normalizeResponderInstrument } from '../../src/instruments/responder.ts';

function rejection(fn: () => unknown): { error: string; field: string } {
  const r = attempt(fn);
  assert.ok(isFieldError(r), `expected a rejection, got ${JSON.stringify(r)}`);
  return r;
}

test('range and direction of every instrument (§0)', () => {
  const lower = 'lower-is-better';
  const higher = 'higher-is-better';
  assert.deepEqual(instrumentScale('ODI'), { min: 0, max: 100, direction: lower });
  assert.deepEqual(instrumentScale('NRS'), { min: 0, max: 10, direction: lower });
  assert.deepEqual(instrumentScale('VAS'), { min: 0, max: 100, direction: lower });
  assert.deepEqual(instrumentScale('RMDQ'), { min: 0, max: 24, direction: lower });
  assert.deepEqual(instrumentScale('FRI'), { min: 0, max: 100, direction: lower });
  // UK −0.594 to 1 contains US −0.109 to 1.
  assert.deepEqual(instrumentScale('EQ5D3L'), { min: -0.594, max: 1, direction: higher });
  assert.deepEqual(instrumentScale('EQVAS'), { min: 0, max: 100, direction: higher });
  assert.deepEqual(instrumentScale('PROMIS_GPH'), { min: 16.2, max: 67.7, direction: higher });
  assert.deepEqual(instrumentScale('PROMIS_GMH'), { min: 21.2, max: 67.6, direction: higher });
  // GMH raw 4 is 21.2 or 21.1 (§4.4, UNVERIFIED): the lower end follows the setting.
  const cfg = structuredClone(DEFAULT_INSTRUMENT_CONFIG);
  cfg.promis10.gmhRaw4T.value = 21.1;
  assert.equal(instrumentScale('PROMIS_GMH', cfg).min, 21.1);
});

test('scores outside an instrument’s range are refused with the range (§0)', () => {
  const cases: [string, number, string][] = [
    ['RMDQ', 25, '25 is outside 0–24'],
    ['EQ5D3L', -0.6, '-0.6 is outside -0.594–1'],
    ['EQVAS', 101, '101 is outside 0–100'],
    ['PROMIS_GPH', 16.1, '16.1 is outside 16.2–67.7'],
    ['PROMIS_GPH', 67.8, '67.8 is outside 16.2–67.7'],
    ['PROMIS_GMH', 21.1, '21.1 is outside 21.2–67.6'],
    ['PROMIS_GMH', 67.7, '67.7 is outside 21.2–67.6'],
  ];
  for (const [inst, baseline, error] of cases) {
    assert.deepEqual(
      rejection(() => isResponder(inst, baseline, 30, { absolute: 1 })),
      { error, field: 'baseline' },
    );
  }
  // The ends themselves are valid.
  assert.equal(isResponder('EQ5D3L', -0.594, 1).responder, true);
  assert.equal(isResponder('PROMIS_GPH', 16.2, 67.7, { absolute: 5 }).responder, true);
  assert.equal(isResponder('PROMIS_GMH', 21.2, 67.6, { absolute: 5 }).responder, true);
});

test('VAS: 15 mm or 30 % (Ostelo 2008)', () => {
  const a = isResponder('VAS', 80, 65); // 15 mm, 18.75 %
  assert.equal(a.responder, true);
  assert.deepEqual(a.met, ['absolute']);
  assert.equal(isResponder('VAS', 80, 66).responder, false); // 14 mm, 17.5 %
  assert.deepEqual(isResponder('VAS', 40, 28).met, ['relative']); // 12 mm, 30 %
});

test('RMDQ: 5 points or 30 % (Ostelo 2008), lower is better', () => {
  const a = isResponder('RMDQ', 20, 15); // 5 points, 25 %
  assert.equal(a.direction, 'lower-is-better');
  assert.equal(a.improvement, 5);
  assert.equal(a.percent_improvement, 25);
  assert.deepEqual(a.met, ['absolute']);
  assert.equal(isResponder('RMDQ', 20, 16).responder, false); // 4 points, 20 %
  assert.equal(isResponder('RMDQ', 24, 19).responder, true);
});

test('FRI: 9 points (Childs & Piva 2005), no relative threshold', () => {
  const a = isResponder('FRI', 50, 41);
  assert.equal(a.responder, true);
  assert.equal(a.relative, null);
  assert.deepEqual(a.rule, {
    absolute: 9,
    relativePct: null,
    combine: 'any',
    source: DEFAULT_INSTRUMENT_CONFIG.responder.FRI.source,
    version: DEFAULT_INSTRUMENT_CONFIG.version,
  });
  assert.equal(isResponder('FRI', 50, 42).responder, false);
});

test('higher-is-better: improvement is follow-up − baseline; the threshold cannot exceed the room to the top', () => {
  const up = isResponder('EQVAS', 60, 75, { absolute: 10 });
  assert.equal(up.direction, 'higher-is-better');
  assert.equal(up.improvement, 15);
  assert.equal(up.responder, true);
  assert.equal(isResponder('EQVAS', 60, 65, { absolute: 10 }).responder, false);
  // EQ-5D-3L 0.95 leaves at most 0.05 of improvement: a 0.08 threshold is not evaluable (§2.1 logic).
  const top = isResponder('EQ5D3L', 0.95, 1);
  assert.equal(top.absolute?.met, null);
  assert.match(top.absolute?.note ?? '', /not evaluable/);
  assert.equal(top.responder, null);
  assert.equal(isResponder('EQ5D3L', 0.9, 0.9).responder, false); // room 0.1 ≥ 0.08: evaluable, not met
});

test('relative change is defined only for lower-is-better instruments (§0), whatever the baseline', () => {
  for (const baseline of [0, 50]) {
    const r = isResponder('EQVAS', baseline, 80, { relativePct: 30 });
    assert.equal(r.percent_improvement, null);
    assert.deepEqual(r.relative, {
      threshold: 30,
      met: null,
      note: 'relative change is defined only for lower-is-better instruments',
    });
    assert.equal(r.responder, null);
  }
});

test('combine "all": responder only when every criterion is met', () => {
  const both = isResponder('ODI', 40, 20, { combine: 'all' }); // 20 points, 50 %
  assert.equal(both.responder, true);
  assert.deepEqual(both.met, ['absolute', 'relative']);
  assert.equal(isResponder('ODI', 40, 32, { combine: 'all' }).responder, false); // 8 points, 20 %
  assert.equal(isResponder('ODI', 20, 13, { combine: 'all' }).responder, false); // 7 points, 35 %
  // One criterion not evaluable and none failed: undecided.
  assert.equal(isResponder('NRS', 1, 0, { combine: 'all' }).responder, null);
  assert.equal(isResponder('NRS', 1, 1, { combine: 'all' }).responder, false);
});

test('the rule’s source: the configured one, marked when the caller changed it', () => {
  assert.equal(isResponder('ODI', 40, 28).rule.source, DEFAULT_INSTRUMENT_CONFIG.responder.ODI.source);
  assert.equal(
    isResponder('ODI', 40, 28, { absolute: 12 }).rule.source,
    `caller-supplied rule over: ${DEFAULT_INSTRUMENT_CONFIG.responder.ODI.source}`,
  );
});

test('caller thresholds: absolute > 0; relative in (0, 100]', () => {
  for (const absolute of [0, -1, Number.NaN]) {
    const r = rejection(() => isResponder('ODI', 50, 10, { absolute }));
    assert.equal(r.field, 'rule.absolute');
    assert.match(r.error, /absolute threshold must be a positive number/);
  }
  for (const relativePct of [0, -5, 100.5, Number.NaN]) {
    const r = rejection(() => isResponder('ODI', 50, 10, { relativePct }));
    assert.equal(r.field, 'rule.relativePct', String(relativePct));
    assert.match(r.error, /relative threshold must be a percentage above 0 and at most 100/);
  }
  assert.equal(isResponder('ODI', 50, 0, { relativePct: 100, absolute: null }).responder, true);
  assert.equal(isResponder('ODI', 50, 1, { relativePct: 100, absolute: null }).responder, false);
  assert.equal(isResponder('ODI', 50, 40, { relativePct: 0.5, absolute: null }).responder, true);
});

test('instrument names: aliases and punctuation; unknown names list the valid ones', () => {
  const cases: [string, string][] = [
    ['NRS-11', 'NRS'],
    ['EQ-5D', 'EQ5D3L'],
    ['EQ-5D-3L UK', 'EQ5D3L'],
    ['EQ-5D-3L US', 'EQ5D3L'],
    ['EQ VAS', 'EQVAS'],
    ['GPH', 'PROMIS_GPH'],
    ['PROMIS GPH', 'PROMIS_GPH'],
    ['gmh', 'PROMIS_GMH'],
    ['promis-gmh', 'PROMIS_GMH'],
    ['PROMIS_GMH', 'PROMIS_GMH'],
    ['fri', 'FRI'],
  ];
  for (const [name, inst] of cases) assert.equal(normalizeResponderInstrument(name), inst, name);
  assert.deepEqual(
    rejection(() => normalizeResponderInstrument('SF-36')),
    {
      error:
        'unknown instrument "SF-36" (expected one of ODI, NRS, VAS, RMDQ, FRI, EQ5D3L, EQVAS, PROMIS_GPH, PROMIS_GMH)',
      field: 'instrument',
    },
  );
});
