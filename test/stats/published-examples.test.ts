// Published worked examples (values transcribed in expected_results_metafor_tests.json from metafor's test
// suite, which checks against Stata metan and published tables; rounded to 4 decimals). Source and licence:
// test/fixtures/meta/README.md.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { confintTau2 } from '../../src/stats/confint.ts';
import { studiesFromCsv } from '../../src/stats/csv.ts';
import { escalc } from '../../src/stats/escalc.ts';
import { rmaMH, rmaPeto } from '../../src/stats/mh.ts';
import { rma } from '../../src/stats/rma.ts';

const dir = new URL('../fixtures/meta/', import.meta.url);
const ref = JSON.parse(readFileSync(new URL('expected_results_metafor_tests.json', dir), 'utf8'));
const csv = (name: string) => studiesFromCsv(readFileSync(new URL(name, dir), 'utf8'));
const near = (got: number, exp: number, what: string) =>
  assert.ok(Math.abs(got - exp) <= 6e-5 * Math.max(1, Math.abs(exp)), `${what}: expected ${exp}, got ${got}`);

const bcg = csv('dat.bcg.csv');
const bcgData = bcg.rows.map((_r, i) => ({
  ai: Number(bcg.extra.tpos![i]),
  bi: Number(bcg.extra.tneg![i]),
  ci: Number(bcg.extra.cpos![i]),
  di: Number(bcg.extra.cneg![i]),
}));

test('BCG: inverse-variance EE and DerSimonian–Laird vs Stata metan', () => {
  for (const m of ['RR', 'OR', 'RD'] as const) {
    const es = escalc(m, bcgData);
    const ee = rma(es.yi, es.vi, { method: 'EE' });
    const e = ref.bcg[`${m}_inverse_variance_EE`];
    near(ee.beta[0]!, e.est, `${m} EE est`);
    near(ee.ciLb[0]!, e.ci_lb, `${m} EE ci_lb`);
    near(ee.ciUb[0]!, e.ci_ub, `${m} EE ci_ub`);
    near(ee.zval[0]!, e.z, `${m} EE z`);
    near(ee.QE, e.QE, `${m} EE QE`);
    const dl = rma(es.yi, es.vi, { method: 'DL' });
    const d = ref.bcg[`${m}_DerSimonianLaird_RE`];
    near(dl.beta[0]!, d.est, `${m} DL est`);
    near(dl.zval[0]!, d.z, `${m} DL z`);
    near(dl.tau2, d.tau2, `${m} DL tau2`);
    near(dl.I2, d.I2, `${m} DL I2`);
  }
});

test('BCG: Mantel–Haenszel and Peto vs Stata metan', () => {
  for (const m of ['RR', 'OR', 'RD'] as const) {
    const r = rmaMH(m, bcgData);
    const e = ref.bcg[`${m}_MantelHaenszel`];
    near(r.beta, e.est, `MH ${m} est`);
    near(r.ciLb, e.ci_lb, `MH ${m} ci_lb`);
    near(r.zval, e.z, `MH ${m} z`);
    near(r.QE, e.QE, `MH ${m} QE`);
  }
  const p = rmaPeto(bcgData);
  const e = ref.bcg.OR_Peto;
  near(p.beta, e.est, 'Peto est');
  near(p.zval, e.z, 'Peto z');
  near(p.QE, e.QE, 'Peto QE');
});

test('BCG: ML random-effects model, van Houwelingen et al. (2002)', () => {
  const es = escalc('OR', bcgData);
  const r = rma(es.yi, es.vi, { method: 'ML' });
  const e = ref.bcg.OR_ML_RE_vanHouwelingen2002;
  near(Math.exp(r.beta[0]!), e.exp_est, 'exp est');
  near(Math.exp(r.ciLb[0]!), e.exp_ci_lb, 'exp ci_lb');
  near(r.tau2, e.tau2, 'tau2');
  const ci = confintTau2(r);
  near(ci.tau2Lb, e.tau2_ci_Q_profile[0], 'Q-profile lb');
  near(ci.tau2Ub, e.tau2_ci_Q_profile[1], 'Q-profile ub');
  near(r.pred!.piLb, e.prediction_interval_log_metafor[0], 'PI lb');
  near(r.pred!.piUb, e.prediction_interval_log_metafor[1], 'PI ub');
  const kh = rma(es.yi, es.vi, { method: 'ML', test: 'knha' });
  near(Math.exp(kh.ciLb[0]!), e.exp_ci_KnappHartung[0], 'KH lb');
  near(Math.exp(kh.ciUb[0]!), e.exp_ci_KnappHartung[1], 'KH ub');
});

test('Normand (1999): mean differences, EE/DL/REML', () => {
  const n = ref.normand1999;
  for (const [m, key] of [
    ['EE', 'MD_EE'],
    ['DL', 'MD_DL'],
    ['REML', 'MD_REML'],
  ] as const) {
    const r = rma(n.yi, n.vi, { method: m });
    near(r.beta[0]!, n[key].est, `${key} est`);
    near(r.ciLb[0]!, n[key].ci_lb, `${key} ci_lb`);
    if (n[key].tau2 !== undefined) assert.ok(Math.abs(r.tau2 - n[key].tau2) < 0.05, `${key} tau2`);
  }
});

test('Hine (1989): risk differences ×100', () => {
  const h = csv('dat.hine1989.csv');
  const es = escalc('RD', h.rows);
  const yi = Array.from(es.yi, (y) => 100 * y);
  const vi = Array.from(es.vi, (v) => 1e4 * v);
  yi.forEach((y, i) => {
    near(y, ref.hine1989.yi[i], `yi[${i}]`);
  });
  for (const m of ['EE', 'REML', 'DL'] as const) {
    const r = rma(yi, vi, { method: m });
    near(r.beta[0]!, ref.hine1989[`RD_${m}`].est, `${m} est`);
    near(r.ciUb[0]!, ref.hine1989[`RD_${m}`].ci_ub, `${m} ci_ub`);
  }
});

test('Raudenbush (1985): REML and meta-regression on capped weeks', () => {
  const d = csv('dat.raudenbush1985.csv');
  const yi = d.rows.map((r) => r.yi!);
  const vi = d.rows.map((r) => r.vi!);
  const r = rma(yi, vi, { method: 'REML' });
  const e = ref.raudenbush1985;
  near(r.beta[0]!, e.SMD_REML.est, 'est');
  near(r.tau2, e.SMD_REML.tau2, 'tau2');
  near(r.QE, e.SMD_REML.QE, 'QE');
  const weeks = d.extra.weeks!.map((w) => Math.min(Number(w), 3));
  const mr = rma(yi, vi, { method: 'REML', mods: [weeks], modNames: ['weeks.c'] });
  const m = e.mixed_effects_REML_weeks_capped_at_3;
  near(mr.beta[0]!, m.intercept, 'intercept');
  near(mr.beta[1]!, m.slope_weeks, 'slope');
  near(mr.QE, m.QE, 'QE');
  near(mr.zval[1]!, m.z[1], 'z slope');
});

test('Yusuf (1985) table 6: Peto odds ratio', () => {
  const y = csv('dat.yusuf1985.csv');
  const rows = y.rows.filter((_r, i) => y.extra.table![i] === '6');
  const p = rmaPeto(rows);
  const e = ref.yusuf1985.OR_Peto_table6;
  near(Math.exp(p.beta), e.exp_est, 'exp est');
  near(Math.exp(p.ciLb), e.exp_ci_lb, 'exp ci_lb');
});
