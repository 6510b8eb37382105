// The outcomes analysis against R (scripts/r/analysis-fixtures.R, run once; the fixtures are committed and
// this test needs no R): binom.test (exact), prop.test(correct = FALSE) (Wilson), poisson.test, t.test,
// quantile(type 7) and survival::survfit(conf.type = "log-log"), then a 300-patient synthetic cohort analysed
// end to end by R with its own window, baseline and responder logic.
// Tolerance: 1e-9 absolute on proportions and survival (0–1), 1e-7 on percentages and score points; counts exact.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { DEFAULT_INSTRUMENT_CONFIG } from '../../src/instruments/config.ts';
import { DEFAULT_ANALYSIS_CONFIG } from '../../src/registry/analysis/config.ts';
import { analyzeCohort } from '../../src/registry/analysis/core.ts';
import { parseJsonl } from '../../src/registry/analysis/input.ts';
import { DEFAULT_REGISTRY_CONFIG } from '../../src/registry/config.ts';
import { clopperPearson, poissonExact, wilson } from '../../src/stats/binomial.ts';
import { summarize } from '../../src/stats/describe.ts';
import { kaplanMeier, kmAt } from '../../src/stats/survival.ts';

const dir = new URL('../fixtures/analysis/', import.meta.url);
const prim = JSON.parse(readFileSync(new URL('primitives.json', dir), 'utf8'));
const expected = JSON.parse(readFileSync(new URL('cohort-expected.json', dir), 'utf8'));

const close = (got: number | null | undefined, want: number | null | undefined, tol: number, what: string) => {
  if (want === null || want === undefined) {
    assert.ok(got === null || got === undefined, `${what}: expected null, got ${got}`);
    return;
  }
  assert.ok(typeof got === 'number' && Math.abs(got - want) <= tol, `${what}: got ${got}, R ${want}`);
};
const closePair = (got: [number, number] | null, want: number[] | null | undefined, tol: number, what: string) => {
  if (want === null || want === undefined) return assert.equal(got, null, `${what}: expected null`);
  assert.ok(got, `${what}: expected [${want}]`);
  close(got[0], want[0], tol, `${what} lower`);
  close(got[1], want[1], tol, `${what} upper`);
};

describe('statistics against R', () => {
  test('Clopper–Pearson = binom.test, Wilson = prop.test(correct = FALSE)', () => {
    for (const c of prim.proportions) {
      const cp = clopperPearson(c.x, c.n);
      const w = wilson(c.x, c.n);
      closePair([cp.lower, cp.upper], c.exact, 1e-9, `exact ${c.x}/${c.n}`);
      closePair([w.lower, w.upper], c.wilson, 1e-9, `wilson ${c.x}/${c.n}`);
    }
  });
  test('exact Poisson interval = poisson.test', () => {
    for (const c of prim.poisson) {
      const p = poissonExact(c.x, c.exposure);
      closePair([p.lower, p.upper], c.ci, 1e-9, `poisson ${c.x}/${c.exposure}`);
    }
  });
  test('mean, t interval and type-7 quartiles = t.test and quantile', () => {
    for (const [i, c] of prim.samples.entries()) {
      const s = summarize(c.x);
      close(s.mean, c.mean, 1e-9, `sample ${i} mean`);
      close(s.sd, c.sd, 1e-9, `sample ${i} sd`);
      closePair(s.ci, c.ci, 1e-9, `sample ${i} ci`);
      close(s.median, c.median, 1e-9, `sample ${i} median`);
      close(s.q1, c.q1, 1e-9, `sample ${i} q1`);
      close(s.q3, c.q3, 1e-9, `sample ${i} q3`);
    }
  });
  test(`Kaplan–Meier with Greenwood ${prim.conf_type} intervals = survfit and summary(times =)`, () => {
    assert.equal(prim.conf_type, DEFAULT_ANALYSIS_CONFIG.confType.value);
    for (const [i, c] of prim.km.entries()) {
      const fit = kaplanMeier(
        c.time.map((t: number, j: number) => ({ time: t, event: c.status[j] })),
        prim.conf_type,
      );
      assert.equal(fit.steps.length, c.steps.length, `case ${i}: number of distinct times`);
      for (const [j, st] of c.steps.entries()) {
        const got = fit.steps[j]!;
        assert.equal(got.time, st.time);
        assert.equal(got.at_risk, st.at_risk, `case ${i} step ${j} at risk`);
        assert.equal(got.events, st.events, `case ${i} step ${j} events`);
        close(got.survival, st.survival, 1e-9, `case ${i} step ${j} S`);
        close(got.se_log, st.se_log, 1e-9, `case ${i} step ${j} se`);
        // survfit stores NA limits where S = 1 (before the first event) and summary() reports them as 1: the
        // steps give [1, 1] there, as the summary does.
        close(got.lower, st.lower ?? (st.survival === 1 ? 1 : null), 1e-9, `case ${i} step ${j} lower`);
        close(got.upper, st.upper ?? (st.survival === 1 ? 1 : null), 1e-9, `case ${i} step ${j} upper`);
      }
      const rows = kmAt(fit, c.times).filter((r) => r.survival !== null);
      assert.equal(rows.length, c.rows.length, `case ${i}: summary rows within follow-up`);
      for (const [j, r] of c.rows.entries()) {
        assert.equal(rows[j]!.at_risk, r.at_risk, `case ${i} t=${r.time} at risk`);
        assert.equal(rows[j]!.events, r.events, `case ${i} t=${r.time} events`);
        close(rows[j]!.survival, r.survival, 1e-9, `case ${i} t=${r.time} S`);
        close(rows[j]!.lower, r.lower, 1e-9, `case ${i} t=${r.time} lower`);
        close(rows[j]!.upper, r.upper, 1e-9, `case ${i} t=${r.time} upper`);
      }
    }
  });
});

describe('a 300-patient cohort analysed by R and by `analyze`', () => {
  const records = parseJsonl(readFileSync(new URL('cohort.jsonl', dir), 'utf8'));
  const a = analyzeCohort(records, { asOf: expected.as_of });
  test('the fixtures were made with the settings in force', () => {
    assert.deepEqual(expected.config_versions, {
      registry: DEFAULT_REGISTRY_CONFIG.version,
      instruments: DEFAULT_INSTRUMENT_CONFIG.version,
      analysis: DEFAULT_ANALYSIS_CONFIG.version,
    });
    assert.equal(a.patients, expected.patients);
  });
  test('responder counts, complete-case and worst-case percentages with exact and Wilson CIs', () => {
    for (const want of expected.responders) {
      const got = a.responders.find(
        (r) => r.instrument === want.instrument && r.timepoint_months === want.timepoint_months,
      );
      assert.ok(got, `${want.instrument} ${want.timepoint_months} m`);
      const what = `${want.instrument} ${want.timepoint_months} m`;
      for (const k of [
        'eligible',
        'assessed',
        'responders',
        'non_responders',
        'not_evaluable',
        'not_yet_due',
        'no_baseline',
      ])
        assert.equal((got as unknown as Record<string, number>)[k], want[k], `${what} ${k}`);
      assert.equal(got.missing.missed, want.missed, `${what} missed`);
      assert.equal(got.missing.withdrawn, want.withdrawn, `${what} withdrawn`);
      close(got.pct, want.pct, 1e-7, `${what} pct`);
      closePair(got.ci_exact, want.ci_exact, 1e-7, `${what} exact`);
      closePair(got.ci_wilson, want.ci_wilson, 1e-7, `${what} wilson`);
      close(got.worst_case_pct, want.worst_case_pct, 1e-7, `${what} worst`);
      closePair(got.worst_case_ci_exact, want.worst_case_ci_exact, 1e-7, `${what} worst exact`);
      closePair(got.worst_case_ci_wilson, want.worst_case_ci_wilson, 1e-7, `${what} worst wilson`);
    }
  });
  test('change from baseline: n, mean with t CI, median and IQR', () => {
    for (const want of expected.change) {
      const got = a.change.find(
        (r) => r.instrument === want.instrument && r.timepoint_months === want.timepoint_months,
      )!;
      const what = `${want.instrument} ${want.timepoint_months} m`;
      assert.equal(got.n, want.n, `${what} n`);
      if (want.n < 2) continue;
      close(got.mean, want.mean, 1e-7, `${what} mean`);
      closePair(got.ci, want.ci, 1e-7, `${what} ci`);
      close(got.median, want.median, 1e-7, `${what} median`);
      closePair(got.iqr, want.iqr, 1e-7, `${what} iqr`);
    }
  });
  test('opioids: off-opioid share with exact CI, change with t CI', () => {
    for (const want of expected.opioids) {
      const got = a.opioids.find((r) => r.timepoint_months === want.timepoint_months)!;
      assert.equal(got.n, want.n, `${want.timepoint_months} m n`);
      if (want.n < 2) continue;
      assert.equal(got.off_opioids, want.off_opioids);
      closePair(got.off_opioids_ci_exact, want.off_ci, 1e-7, `${want.timepoint_months} m off`);
      assert.equal(got.baseline_users, want.baseline_users);
      assert.equal(got.baseline_users_off, want.baseline_users_off);
      close(got.change_mean, want.change_mean, 1e-7, `${want.timepoint_months} m change`);
      closePair(got.change_ci, want.change_ci, 1e-7, `${want.timepoint_months} m change ci`);
    }
  });
  test('treatment failure: Kaplan–Meier at 1, 3, 6, 12, 24 months with at-risk numbers', () => {
    assert.equal(a.survival.n, expected.survival.n);
    assert.equal(a.survival.events, expected.survival.events);
    assert.equal(a.survival.conf_type, expected.conf_type);
    const shown = a.survival.times.filter((t) => t.survival !== null);
    assert.equal(shown.length, expected.survival.times.length);
    for (const want of expected.survival.times) {
      const got = a.survival.times.find((t) => t.month === want.month)!;
      assert.equal(got.at_risk, want.at_risk, `${want.month} m at risk`);
      assert.equal(got.events, want.events, `${want.month} m events`);
      close(got.survival, want.survival, 1e-9, `${want.month} m S`);
      closePair(got.ci, want.ci, 1e-9, `${want.month} m ci`);
    }
  });
  test('adverse events per 100 procedures with exact binomial and Poisson CIs', () => {
    for (const want of expected.adverse_events) {
      const got = a.adverse_events.rows.find((r) => r.category === want.category)!;
      assert.equal(got.procedures_with_event, want.procedures_with_event, want.category);
      assert.equal(got.events, want.events, want.category);
      closePair(got.ci_exact, want.ci_exact, 1e-7, `${want.category} exact`);
      closePair(got.events_ci_exact, want.events_ci_exact, 1e-7, `${want.category} poisson`);
    }
  });
});
