// Strata and small-cell suppression of the outcomes analysis (src/registry/analysis/strata.ts), on records and
// tables built in memory. Rules: docs/reference/analysis.md §5 ("A missing value is its own group ('not
// recorded'). Every de-identified output withholds counts of 1 to smallCell − 1 (default 5) and everything
// computed from them; a responder row is withheld whole when any part of its partition is small").
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  byLabel,
  filterRecords,
  groupBy,
  groupOf,
  isStratum,
  matchesFilters,
  NOT_RECORDED,
  parseStrata,
  STRATA,
  suppressSmallCells,
} from '../../src/registry/analysis/strata.ts';
import {
  aeRow,
  changeRow,
  completenessRow,
  opioidRow,
  rec,
  responderRow,
  tables,
  timeRow,
} from './analysis-unit-tables.ts';

const K = 5; // config/analysis.json smallCell (issue 13: "small cells (n < 5, configurable)")

describe('strata names', () => {
  test('the five strata of issue 13 §1, and the label of a missing value', () => {
    assert.deepEqual([...STRATA], ['site', 'therapy', 'product_class', 'target', 'pain_generator']);
    assert.equal(NOT_RECORDED, 'not recorded');
    assert.equal(isStratum('therapy'), true);
    assert.equal(isStratum('colour'), false);
  });

  test('no spec means no strata', () => {
    assert.deepEqual(parseStrata(undefined), []);
    assert.deepEqual(parseStrata(null), []);
    assert.deepEqual(parseStrata(''), []);
  });

  test('one or two strata, spaces and empty parts ignored', () => {
    assert.deepEqual(parseStrata('therapy'), ['therapy']);
    assert.deepEqual(parseStrata(' therapy , site '), ['therapy', 'site']);
    assert.deepEqual(parseStrata('target,,'), ['target']);
  });

  test('an unknown stratum is named with the list of known ones', () => {
    assert.throws(
      () => parseStrata('therapy,colour'),
      (e: unknown) =>
        e instanceof RangeError &&
        e.message === 'unknown stratum "colour" (one or two of site, therapy, product_class, target, pain_generator)',
    );
  });

  test('at most two strata, and two different ones', () => {
    assert.throws(
      () => parseStrata('therapy,site,target'),
      (e: unknown) => e instanceof RangeError && e.message === 'at most two strata at once',
    );
    assert.throws(
      () => parseStrata('site,site'),
      (e: unknown) => e instanceof RangeError && e.message === 'the two strata must differ',
    );
  });
});

describe('groups', () => {
  test('a group is keyed by its values; a missing value is "not recorded"; two strata joined with ×', () => {
    assert.deepEqual(groupOf({ therapy: 'PRP', target: 'disc' }, ['therapy', 'target']), {
      key: { therapy: 'PRP', target: 'disc' },
      label: 'PRP × disc',
    });
    assert.deepEqual(groupOf({ therapy: 'BMC', site: null }, ['site', 'therapy']), {
      key: { site: 'not recorded', therapy: 'BMC' },
      label: 'not recorded × BMC',
    });
    assert.deepEqual(groupOf({}, ['target']), { key: { target: 'not recorded' }, label: 'not recorded' });
  });

  test('no strata: one group of every record', () => {
    const rs = [rec('P1'), rec('P2')];
    const g = groupBy(rs, []);
    assert.deepEqual(g, [{ key: {}, label: 'all patients', records: rs }]);
    assert.notEqual(g[0]!.records, rs); // a copy, not the caller's array
  });

  test('records grouped by value and the groups sorted by label (locale order: lower and upper case mixed)', () => {
    const rs = [
      rec('P1', { therapy: 'PRP' }),
      rec('P2', { therapy: 'bmc' }),
      rec('P3', { therapy: 'PRP' }),
      rec('P4', { therapy: 'MSC' }),
    ];
    // localeCompare: "bmc" < "MSC" < "PRP" (a plain code-unit sort would put "bmc" last)
    assert.deepEqual(
      groupBy(rs, ['therapy']).map((g) => [g.label, g.key, g.records.map((r) => r.patient)]),
      [
        ['bmc', { therapy: 'bmc' }, ['P2']],
        ['MSC', { therapy: 'MSC' }, ['P4']],
        ['PRP', { therapy: 'PRP' }, ['P1', 'P3']],
      ],
    );
  });

  test('byLabel orders by label', () => {
    assert.ok(byLabel({ label: 'a' }, { label: 'b' }) < 0);
    assert.ok(byLabel({ label: 'b' }, { label: 'a' }) > 0);
    assert.equal(byLabel({ label: 'a' }, { label: 'a' }), 0);
  });

  test('filters: every given value must match; "not recorded" matches a missing value; empty filters ignored', () => {
    assert.equal(matchesFilters({ therapy: 'PRP', site: 'A' }, { therapy: 'PRP' }), true);
    assert.equal(matchesFilters({ therapy: 'PRP', site: 'A' }, { therapy: 'PRP', site: 'B' }), false);
    assert.equal(matchesFilters({ therapy: 'PRP', site: null }, { site: 'not recorded' }), true);
    assert.equal(matchesFilters({ therapy: 'PRP' }, { site: 'A' }), false);
    assert.equal(matchesFilters({ therapy: 'PRP' }, { site: '' }), true);
    assert.equal(matchesFilters({ therapy: 'PRP' }, { site: undefined }), true);
    assert.equal(matchesFilters({ therapy: 'PRP' }, {}), true);
    const rs = [rec('P1', { site: 'A' }), rec('P2', { site: 'B' }), rec('P3')];
    assert.deepEqual(
      filterRecords(rs, { site: 'A' }).map((r) => r.patient),
      ['P1'],
    );
    assert.deepEqual(
      filterRecords(rs, { site: 'not recorded' }).map((r) => r.patient),
      ['P3'],
    );
  });
});

describe('small-cell suppression (k = 5)', () => {
  const WITHHELD = {
    eligible: null,
    assessed: null,
    responders: null,
    non_responders: null,
    not_evaluable: null,
    missing: { missed: null, withdrawn: null },
    pct: null,
    ci_exact: null,
    ci_wilson: null,
    worst_case_pct: null,
    worst_case_ci_exact: null,
    worst_case_ci_wilson: null,
    suppressed: true,
  };

  test('a responder row with every part 0 or ≥ 5 is shown whole (5 is not small)', () => {
    const r = responderRow();
    assert.deepEqual(suppressSmallCells(tables({ responders: [r] }), K).responders, [r]);
    const zeros = responderRow({
      eligible: 0,
      assessed: 0,
      responders: 0,
      non_responders: 0,
      missing: { missed: 0, withdrawn: 0 },
      pct: null,
      ci_exact: null,
      ci_wilson: null,
      not_yet_due: 12,
    });
    assert.deepEqual(suppressSmallCells(tables({ responders: [zeros] }), K).responders, [zeros]);
  });

  test('a small part withholds the whole partition; a small not-due or no-baseline count is withheld with the other', () => {
    for (const over of [
      { responders: 4 },
      { non_responders: 1 },
      { not_evaluable: 2 },
      { missing: { missed: 3, withdrawn: 0 } },
      { missing: { missed: 0, withdrawn: 4 } },
    ]) {
      const r = responderRow({ ...over, not_yet_due: 7, no_baseline: 3 });
      assert.deepEqual(
        suppressSmallCells(tables({ responders: [r] }), K).responders[0],
        { ...r, ...WITHHELD, not_yet_due: null, no_baseline: null },
        JSON.stringify(over),
      );
    }
    // eligible + not yet due + no baseline = the stratum's patients (shown): a not-yet-due of 4 withheld alone
    // beside a no-baseline of 5 would come back as patients − eligible − 5, so both are withheld.
    const r = responderRow({ not_yet_due: 4, no_baseline: 5 });
    assert.deepEqual(suppressSmallCells(tables({ responders: [r] }), K).responders[0], {
      ...r,
      not_yet_due: null,
      no_baseline: null,
    });
    // no baseline 3, not yet due 0: withholding both still shows their sum, 3 = patients − eligible, so the row
    // (eligible with it) is withheld too.
    const alone = responderRow({ not_yet_due: 0, no_baseline: 3 });
    assert.deepEqual(suppressSmallCells(tables({ responders: [alone] }), K).responders[0], {
      ...alone,
      ...WITHHELD,
      not_yet_due: null,
      no_baseline: null,
    });
  });

  test('missing split into small parts: the split is withheld, the rest shown', () => {
    // missed 3 + withdrawn 2 = 5 missing: the partition stands, but each part would show a small cell
    for (const missing of [
      { missed: 3, withdrawn: 2 },
      { missed: 5, withdrawn: 2 },
      { missed: 2, withdrawn: 5 },
    ]) {
      const r = responderRow({ missing, eligible: 10 + missing.missed + missing.withdrawn });
      assert.deepEqual(suppressSmallCells(tables({ responders: [r] }), K).responders[0], {
        ...r,
        missing: { missed: null, withdrawn: null },
      });
    }
    const ok = responderRow({ missing: { missed: 5, withdrawn: 5 }, eligible: 20 });
    assert.deepEqual(suppressSmallCells(tables({ responders: [ok] }), K).responders[0], ok);
  });

  test('change from baseline needs n ≥ 5', () => {
    const four = changeRow({ n: 4 });
    const five = changeRow({ n: 5 });
    const none = changeRow({ n: 0, mean: null, ci: null, sd: null, median: null, iqr: null });
    assert.deepEqual(suppressSmallCells(tables({ change: [four, five, none] }), K).change, [
      { ...four, n: null, mean: null, ci: null, sd: null, median: null, iqr: null, suppressed: true },
      five,
      none,
    ]);
  });

  test('opioids: fewer than 5 patients withholds the row', () => {
    const o = opioidRow({ n: 4, off_opioids: 2, baseline_users: 3, baseline_users_off: 1 });
    assert.deepEqual(suppressSmallCells(tables({ opioids: [o] }), K).opioids, [
      {
        ...o,
        n: null,
        baseline_mean: null,
        followup_mean: null,
        followup_median: null,
        off_opioids: null,
        off_opioids_pct: null,
        off_opioids_ci_exact: null,
        baseline_users: null,
        baseline_users_off: null,
        change_mean: null,
        change_ci: null,
        change_median: null,
        suppressed: true,
      },
    ]);
  });

  test('opioids: exactly 5 patients, all off opioids, is shown (5 is not small)', () => {
    const o = opioidRow({ n: 5, off_opioids: 5, baseline_users: 5, baseline_users_off: 5 });
    assert.deepEqual(suppressSmallCells(tables({ opioids: [o] }), K).opioids, [o]);
  });

  test('opioids: off-opioid count small, or its complement small, withholds the share', () => {
    const offNull = { off_opioids: null, off_opioids_pct: null, off_opioids_ci_exact: null, suppressed: true };
    const small = opioidRow({ n: 10, off_opioids: 3 });
    const complement = opioidRow({ n: 10, off_opioids: 7 }); // 10 − 7 = 3 still on opioids
    assert.deepEqual(suppressSmallCells(tables({ opioids: [small, complement] }), K).opioids, [
      { ...small, ...offNull },
      { ...complement, ...offNull },
    ]);
    const fine = opioidRow({ n: 10, off_opioids: 10, baseline_users: 10, baseline_users_off: 10 });
    const zero = opioidRow({ n: 10, off_opioids: 0, baseline_users: 10, baseline_users_off: 0 });
    assert.deepEqual(suppressSmallCells(tables({ opioids: [fine, zero] }), K).opioids, [fine, zero]);
  });

  test('opioids: baseline users, users off, or users still on small withholds the users pair', () => {
    const usersNull = { baseline_users: null, baseline_users_off: null, suppressed: true };
    const rows = [
      opioidRow({ baseline_users: 4, baseline_users_off: 0 }),
      opioidRow({ baseline_users: 8, baseline_users_off: 2 }),
      opioidRow({ baseline_users: 8, baseline_users_off: 6 }), // 2 still on
    ];
    assert.deepEqual(
      suppressSmallCells(tables({ opioids: rows }), K).opioids,
      rows.map((o) => ({ ...o, ...usersNull })),
    );
  });

  test('an empty opioid row (n 0) is left as it is', () => {
    const o = opioidRow({
      n: 0,
      baseline_mean: null,
      followup_mean: null,
      followup_median: null,
      off_opioids: null,
      off_opioids_pct: null,
      off_opioids_ci_exact: null,
      baseline_users: null,
      baseline_users_off: null,
      change_mean: null,
      change_ci: null,
      change_median: null,
    });
    assert.deepEqual(suppressSmallCells(tables({ opioids: [o] }), K).opioids, [o]);
  });

  test('Kaplan–Meier rows need 5 at risk; a small number of failures hides only that number', () => {
    const fewAtRisk = timeRow({ at_risk: 4, events: 1, survival: 0.8, ci: [0.2, 0.97] });
    const fewEvents = timeRow({ month: 6, at_risk: 10, events: 2, survival: 0.8, ci: [0.4, 0.95] });
    const fine = timeRow({ month: 12, at_risk: 5, events: 5, survival: 0.5, ci: [0.2, 0.8] });
    const none = timeRow({ month: 24, at_risk: 0, events: 0, survival: null, ci: null });
    assert.deepEqual(
      suppressSmallCells(tables({ survival: { ...tables().survival, times: [fewAtRisk, fewEvents, fine, none] } }), K)
        .survival.times,
      [
        { ...fewAtRisk, at_risk: null, events: null, survival: null, ci: null, suppressed: true },
        { ...fewEvents, events: null, suppressed: true },
        fine,
        none,
      ],
    );
  });

  test('the drawn curve stops where fewer than 5 remain at risk; n and events small are withheld', () => {
    const curve = [
      { day: 10, survival: 0.9, lower: 0.5, upper: 0.99, at_risk: 6 },
      { day: 20, survival: 0.8, lower: 0.4, upper: 0.95, at_risk: 5 },
      { day: 30, survival: 0.7, lower: 0.3, upper: 0.9, at_risk: 4 },
    ];
    const s = suppressSmallCells(tables({ survival: { ...tables().survival, n: 4, events: 3, curve } }), K).survival;
    assert.deepEqual(s, { ...tables().survival, n: null, events: null, curve: curve.slice(0, 2) });
    const big = suppressSmallCells(tables({ survival: { ...tables().survival, n: 5, events: 0 } }), K).survival;
    assert.deepEqual([big.n, big.events], [5, 0]);
  });

  test('adverse events: a small number of procedures or events withholds the row', () => {
    const WITHHELD_AE = {
      procedures_with_event: null,
      per_100_procedures: null,
      ci_exact: null,
      events: null,
      events_per_100: null,
      events_ci_exact: null,
      suppressed: true,
    };
    const rows = [
      aeRow({ category: 'grade 1', procedures_with_event: 3, events: 7 }),
      aeRow({ category: 'grade 2', procedures_with_event: 0, events: 4 }),
      aeRow({ category: 'grade 3', procedures_with_event: 5, events: 5 }),
      aeRow({ category: 'grade 4', procedures_with_event: 0, events: 0, per_100_procedures: 0, events_per_100: 0 }),
    ];
    assert.deepEqual(suppressSmallCells(tables({ adverse_events: { procedures: 10, rows } }), K).adverse_events, {
      procedures: 10,
      rows: [{ ...rows[0]!, ...WITHHELD_AE }, { ...rows[1]!, ...WITHHELD_AE }, rows[2], rows[3]],
    });
  });

  test('completeness: any small part withholds the row', () => {
    const WITHHELD_C = {
      eligible: null,
      seen_in_window: null,
      missed: null,
      withdrawn: null,
      not_yet_due: null,
      pct: null,
      suppressed: true,
    };
    const rows = [
      completenessRow({ seen_in_window: 4 }),
      completenessRow({ missed: 1 }),
      completenessRow({ withdrawn: 2 }),
      completenessRow({ not_yet_due: 3 }),
      completenessRow({ seen_in_window: 5, missed: 5, withdrawn: 5, not_yet_due: 5, eligible: 15 }),
      completenessRow({ seen_in_window: 0, missed: 0, withdrawn: 0, not_yet_due: 10, eligible: 0, pct: null }),
    ];
    assert.deepEqual(suppressSmallCells(tables({ completeness: rows }), K).completeness, [
      ...rows.slice(0, 4).map((c) => ({ ...c, ...WITHHELD_C })),
      rows[4],
      rows[5],
    ]);
  });

  test('fewer than 5 patients: the patient and procedure counts are withheld; the output says k', () => {
    const t = tables({ patients: 4, procedures: 4, adverse_events: { procedures: 4, rows: [] } });
    const s = suppressSmallCells(t, K);
    assert.deepEqual(
      [s.patients, s.procedures, s.adverse_events.procedures, s.deidentified, s.small_cell],
      [null, null, null, true, 5],
    );
    const five = suppressSmallCells(
      tables({ patients: 5, procedures: 5, adverse_events: { procedures: 5, rows: [] } }),
      K,
    );
    assert.deepEqual([five.patients, five.procedures, five.adverse_events.procedures], [5, 5, 5]);
  });

  test('a table with nothing small comes back unchanged but marked de-identified', () => {
    const t = tables();
    assert.deepEqual(suppressSmallCells(t, K), { ...t, deidentified: true, small_cell: 5 });
  });

  test('another threshold: k = 3 shows 3 and withholds 2', () => {
    const three = responderRow({ responders: 3, non_responders: 3, missing: { missed: 3, withdrawn: 0 }, eligible: 9 });
    const two = responderRow({ responders: 2, non_responders: 3, missing: { missed: 3, withdrawn: 0 }, eligible: 8 });
    const s = suppressSmallCells(tables({ responders: [three, two] }), 3);
    assert.deepEqual(s.responders, [three, { ...two, ...WITHHELD }]);
    assert.equal(s.small_cell, 3);
  });
});
