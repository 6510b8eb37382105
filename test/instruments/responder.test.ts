import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { attempt } from '../../src/instruments/input.ts';
import { isResponder } from '../../src/instruments/responder.ts';

test('ODI default (Ostelo 2008): ≥10 points or ≥30%, reports which rule was met', () => {
  const a = isResponder('ODI', 40, 28);
  assert.equal(a.responder, true);
  assert.deepEqual(a.met, ['absolute', 'relative']);
  assert.equal(a.improvement, 12);
  assert.equal(a.percent_improvement, 30);
  const b = isResponder('ODI', 20, 13); // 7 points, 35%
  assert.equal(b.responder, true);
  assert.deepEqual(b.met, ['relative']);
  const c = isResponder('ODI', 60, 52); // 8 points, 13.3%
  assert.equal(c.responder, false);
  assert.deepEqual(c.met, []);
  assert.match(c.rule.source, /Ostelo/);
});

test('NRS: 2 points or 30%; baseline < 2 is not evaluable for the absolute MIC (§2.1)', () => {
  assert.equal(isResponder('NRS', 7, 5).responder, true);
  assert.equal(isResponder('NRS', 7, 6).responder, false);
  const low = isResponder('NRS', 1, 1);
  assert.equal(low.absolute?.met, null);
  assert.match(low.absolute?.note ?? '', /not evaluable/);
  assert.equal(low.relative?.met, false);
  assert.equal(low.responder, null); // not reported as a non-responder
  assert.equal(isResponder('nrs', 1, 0).responder, true); // 100% reduction
  const zero = isResponder('NRS', 0, 0);
  assert.equal(zero.percent_improvement, null);
  assert.match(zero.relative?.note ?? '', /baseline is 0/);
});

test('caller rule overrides the configured one; "all" needs every criterion', () => {
  assert.equal(isResponder('NRS', 8, 4, { relativePct: 50 }).responder, true);
  assert.equal(isResponder('NRS', 8, 5, { relativePct: 50, absolute: null }).responder, false);
  assert.equal(isResponder('ODI', 20, 13, { combine: 'all' }).responder, false);
  assert.match(isResponder('ODI', 20, 13, { combine: 'all' }).rule.source, /caller-supplied/);
});

test('higher-is-better instruments and unconfigured MIDs (PROMIS: UNVERIFIED)', () => {
  const eq = isResponder('EQ-5D-3L', 0.5, 0.6);
  assert.equal(eq.direction, 'higher-is-better');
  assert.equal(eq.responder, true);
  assert.equal(isResponder('EQ5D3L', 0.5, 0.55).responder, false);
  assert.deepEqual(
    attempt(() => isResponder('PROMIS_GPH', 40, 50)),
    {
      error: 'no responder threshold is set for PROMIS_GPH in the scoring settings; pass a rule',
      field: 'rule',
    },
  );
  assert.equal(isResponder('PROMIS_GPH', 40, 50, { absolute: 5 }).responder, true);
  assert.equal(isResponder('PROMIS_GMH', 40, 50, { absolute: 5, relativePct: 30 }).relative?.met, null);
});

test('bad input names the field', () => {
  assert.equal((attempt(() => isResponder('ODI', 120, 10)) as { field: string }).field, 'baseline');
  assert.equal((attempt(() => isResponder('NRS', 5, 11)) as { field: string }).field, 'followup');
  assert.equal((attempt(() => isResponder('SF36', 5, 1)) as { field: string }).field, 'instrument');
  assert.equal(
    (attempt(() => isResponder('ODI', 50, 10, { absolute: -1 })) as { field: string }).field,
    'rule.absolute',
  );
});

test('property: ODI responder is monotone in follow-up (a better follow-up never loses responder status)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), fc.nat(100), (base, f, d) => {
      const better = Math.max(0, f - d);
      const r1 = isResponder('ODI', base, f);
      const r2 = isResponder('ODI', base, better);
      if (r1.responder === true) assert.equal(r2.responder, true);
    }),
  );
});
