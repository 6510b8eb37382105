// A result owns its arrays: rma() keeps a cached workspace for intercept-only fits (per k), and before this
// test's fix it returned that workspace's design matrix as `Xmat`, so mutating one result silently changed
// every later fit with the same number of studies. Expected values: BCG trials, RR, DerSimonian–Laird, as
// Stata metan reports them (test/fixtures/meta/expected_results_metafor_tests.json, from metafor's test suite).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { studiesFromCsv } from '../../src/stats/csv.ts';
import { escalc } from '../../src/stats/escalc.ts';
import { METHODS, rma, TAU2_ESTIMATORS } from '../../src/stats/rma.ts';

const dir = new URL('../fixtures/meta/', import.meta.url);
const ref = JSON.parse(readFileSync(new URL('expected_results_metafor_tests.json', dir), 'utf8'));
const bcg = studiesFromCsv(readFileSync(new URL('dat.bcg.csv', dir), 'utf8'));
const es = escalc(
  'RR',
  bcg.rows.map((_r, i) => ({
    ai: Number(bcg.extra.tpos![i]),
    bi: Number(bcg.extra.tneg![i]),
    ci: Number(bcg.extra.cpos![i]),
    di: Number(bcg.extra.cneg![i]),
  })),
);
const near = (got: number, exp: number, what: string) =>
  assert.ok(Math.abs(got - exp) <= 6e-5 * Math.max(1, Math.abs(exp)), `${what}: expected ${exp}, got ${got}`);

test('mutating a returned Xmat (and the other arrays) does not change the next fit of the same k', () => {
  const d = ref.bcg.RR_DerSimonianLaird_RE;
  const first = rma(es.yi, es.vi, { method: 'DL' });
  // an intercept-only design is a column of ones
  assert.deepEqual(Array.from(first.Xmat), new Array(first.k).fill(1));
  first.Xmat.fill(2);
  first.yi.fill(0);
  first.vi.fill(1);
  first.weights.fill(0);
  first.beta[0] = 99;
  // a different data set of the same k in between, then the BCG fit again
  rma(
    es.yi.map((y) => -y),
    es.vi,
    { method: 'REML' },
  );
  const again = rma(es.yi, es.vi, { method: 'DL' });
  near(again.beta[0]!, d.est, 'DL est');
  near(again.ciLb[0]!, d.ci_lb, 'DL ci_lb');
  near(again.ciUb[0]!, d.ci_ub, 'DL ci_ub');
  near(again.zval[0]!, d.z, 'DL z');
  near(again.tau2, d.tau2, 'DL tau2');
  near(again.I2, d.I2, 'DL I2');
  assert.notEqual(again.Xmat, first.Xmat);
  assert.deepEqual(Array.from(again.Xmat), new Array(again.k).fill(1));
});

test('TAU2_ESTIMATORS has one function per τ² method (FE is an alias of EE)', () => {
  assert.deepEqual(Object.keys(TAU2_ESTIMATORS).sort(), ['DL', 'EB', 'EE', 'HE', 'HS', 'ML', 'PM', 'REML', 'SJ']);
  for (const m of METHODS) if (m !== 'FE') assert.equal(typeof TAU2_ESTIMATORS[m], 'function', m);
});
