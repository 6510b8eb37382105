// Follow-up schedule arithmetic and the site report, pure. Expected dates worked out by hand from
// docs/reference/registry.md "Follow-up schedule and status" (due = index + calendar months, clamped to the
// month's last day as PostgreSQL does; window = due − windowBeforeDays .. due + windowAfterDays) and the
// windows of config/registry.json: baseline −30/+0, 1m −7/+14, 3m −14/+28, 6m −30/+45, 12m −45/+60,
// 24m −60/+90 days.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_REGISTRY_CONFIG } from '../../src/registry/config.ts';
import {
  addDays,
  addMonths,
  type FollowUpFacts,
  followUpStatusReport,
  inWindow,
  isoDate,
  parseIsoDate,
  schedule,
  scheduleVisit,
  timepointConfig,
} from '../../src/registry/schedule.ts';

describe('ISO dates (yyyy-mm-dd, UTC)', () => {
  test('a calendar date parses to UTC midnight of that day', () => {
    assert.equal(parseIsoDate('2024-02-29').getTime(), Date.UTC(2024, 1, 29));
    assert.equal(parseIsoDate('2025-12-31').getTime(), Date.UTC(2025, 11, 31));
    assert.equal(isoDate(new Date(Date.UTC(2025, 0, 5, 23, 59))), '2025-01-05');
  });

  test('anything but exactly yyyy-mm-dd is refused', () => {
    for (const s of [
      'abc',
      '',
      '2025-1-05',
      '25-01-05',
      '2025-01-05T00:00',
      ' 2025-01-05',
      'x2025-01-05',
      '2025-01-055',
    ])
      assert.throws(() => parseIsoDate(s), { message: `not a date yyyy-mm-dd: ${s}` });
  });

  test('days that are not in the calendar are refused (no leap day in 2023, 30 days in April)', () => {
    for (const s of ['2023-02-29', '2025-02-30', '2025-04-31', '2025-13-01', '2025-00-10', '1900-02-29'])
      assert.throws(() => parseIsoDate(s), { message: `not a calendar date: ${s}` });
    assert.equal(addDays('2000-02-29', 0), '2000-02-29'); // 2000 is a leap year (divisible by 400)
  });

  test('adding days crosses month, leap-day and year ends', () => {
    assert.equal(addDays('2024-02-28', 1), '2024-02-29');
    assert.equal(addDays('2024-02-28', 2), '2024-03-01');
    assert.equal(addDays('2025-02-28', 1), '2025-03-01');
    assert.equal(addDays('2025-01-01', -1), '2024-12-31');
    assert.equal(addDays('2025-12-31', 1), '2026-01-01');
  });

  test('calendar months keep the day, clamped to the end of a shorter month', () => {
    assert.equal(addMonths('2024-02-29', 12), '2025-02-28');
    assert.equal(addMonths('2024-02-29', 48), '2028-02-29');
    assert.equal(addMonths('2025-03-31', -1), '2025-02-28');
    assert.equal(addMonths('2025-10-31', 3), '2026-01-31');
    assert.equal(addMonths('2025-12-15', 1), '2026-01-15');
  });
});

describe('schedule from an index date at a month end of a leap year', () => {
  test('2024-01-31: every timepoint with its target and window', () => {
    assert.deepEqual(schedule('2024-01-31'), [
      // baseline: the 30 days up to the procedure
      { timepoint: 'baseline', target: '2024-01-31', windowOpen: '2024-01-01', windowClose: '2024-01-31' },
      // 31 Jan + 1 month = 29 Feb 2024; + 14 days = 14 Mar
      { timepoint: '1m', target: '2024-02-29', windowOpen: '2024-02-22', windowClose: '2024-03-14' },
      // 30 April; − 14 = 16 Apr, + 28 = 28 May
      { timepoint: '3m', target: '2024-04-30', windowOpen: '2024-04-16', windowClose: '2024-05-28' },
      // 31 Jul; − 30 = 1 Jul; + 45 = 31 Aug (+31) then 14 Sep
      { timepoint: '6m', target: '2024-07-31', windowOpen: '2024-07-01', windowClose: '2024-09-14' },
      // 31 Jan 2025; − 45 = 31 Dec (−31) then 17 Dec; + 60 = 28 Feb (+28), 31 Mar (+59), 1 Apr
      { timepoint: '12m', target: '2025-01-31', windowOpen: '2024-12-17', windowClose: '2025-04-01' },
      // 31 Jan 2026; − 60 = 31 Dec (−31) then 2 Dec (−29 more); + 90 = 28 Feb, 31 Mar, 30 Apr (+89), 1 May
      { timepoint: '24m', target: '2026-01-31', windowOpen: '2025-12-02', windowClose: '2026-05-01' },
    ]);
  });

  test('a single timepoint from its configuration; an unknown key has none', () => {
    const tp = timepointConfig('3m')!;
    assert.deepEqual(tp, { key: '3m', months: 3, windowBeforeDays: 14, windowAfterDays: 28 });
    assert.deepEqual(scheduleVisit('2025-11-30', tp), {
      timepoint: '3m',
      target: '2026-02-28', // 30 Nov + 3 months: February 2026 has 28 days
      windowOpen: '2026-02-14',
      windowClose: '2026-03-28',
    });
    assert.equal(timepointConfig('2m'), null);
  });

  test('a visit is in its window from the opening day to the closing day, both included', () => {
    const v = schedule('2025-01-10')[1]!; // 1m: target 10 Feb, window 3 Feb … 24 Feb
    assert.equal(inWindow(v, '2025-02-02'), false);
    assert.equal(inWindow(v, '2025-02-03'), true);
    assert.equal(inWindow(v, '2025-02-10'), true);
    assert.equal(inWindow(v, '2025-02-24'), true);
    assert.equal(inWindow(v, '2025-02-25'), false);
  });
});

describe('site follow-up report (docs/reference/registry.md: due / overdue / missed lists per site)', () => {
  const zero = { completed: 0, upcoming: 0, due: 0, overdue: 0, missed: 0 };

  test('no patients: every configured timepoint counted zero, empty lists', () => {
    assert.deepEqual(followUpStatusReport([], '2025-04-15'), {
      counts: { baseline: zero, '1m': zero, '3m': zero, '6m': zero, '12m': zero, '24m': zero },
      due: [],
      overdue: [],
      missed: [],
    });
  });

  // On 2025-04-15:
  // P1 index 2025-01-10, baseline done: 1m (target 02-10, closed 02-24) missed; 3m (target 04-10, window
  //    03-27 … 05-08) overdue; 6m (window opens 06-10) and later upcoming.
  // P2 index 2025-03-20, nothing done: baseline (02-18 … 03-20) missed; 1m (target 04-20, window 04-13 …
  //    05-04) due; 3m (target 06-20, opens 06-06) and later upcoming.
  // P3 index 2025-01-10 (the same date as P1), baseline and 1m done: 3m overdue; later upcoming.
  // P4 index 2024-06-01, nothing done: baseline (06-01), 1m (07-01, closed 07-15), 3m (09-01, closed 09-29),
  //    6m (12-01, closed 2025-01-15) missed; 12m (target 2025-06-01, opens 04-17) and 24m upcoming.
  const P1: FollowUpFacts = {
    patient_id: 1,
    registry_id: 'R-001',
    index_procedure_date: '2025-01-10',
    completed: new Set(['baseline']),
  };
  const P2: FollowUpFacts = {
    patient_id: 2,
    registry_id: 'R-002',
    index_procedure_date: '2025-03-20',
    completed: new Set(),
  };
  const P3: FollowUpFacts = {
    patient_id: 3,
    registry_id: 'R-003',
    index_procedure_date: '2025-01-10',
    completed: new Set(['baseline', '1m']),
  };
  const P4: FollowUpFacts = {
    patient_id: 4,
    registry_id: 'R-004',
    index_procedure_date: '2024-06-01',
    completed: new Set(),
  };
  const row = (
    p: FollowUpFacts,
    timepoint: string,
    target: string,
    window_open: string,
    window_close: string,
    status: 'due' | 'overdue' | 'missed',
  ) => ({ patient_id: p.patient_id, registry_id: p.registry_id, timepoint, target, window_open, window_close, status });

  test('counts per timepoint and status; lists ordered by target date, then patient', () => {
    const r = followUpStatusReport([P2, P3, P1, P4], '2025-04-15');
    assert.deepEqual(r.counts, {
      baseline: { ...zero, completed: 2, missed: 2 },
      '1m': { ...zero, completed: 1, due: 1, missed: 2 },
      '3m': { ...zero, upcoming: 1, overdue: 2, missed: 1 },
      '6m': { ...zero, upcoming: 3, missed: 1 },
      '12m': { ...zero, upcoming: 4 },
      '24m': { ...zero, upcoming: 4 },
    });
    assert.deepEqual(r.due, [row(P2, '1m', '2025-04-20', '2025-04-13', '2025-05-04', 'due')]);
    assert.deepEqual(r.overdue, [
      row(P1, '3m', '2025-04-10', '2025-03-27', '2025-05-08', 'overdue'),
      row(P3, '3m', '2025-04-10', '2025-03-27', '2025-05-08', 'overdue'),
    ]);
    assert.deepEqual(r.missed, [
      row(P4, 'baseline', '2024-06-01', '2024-05-02', '2024-06-01', 'missed'),
      row(P4, '1m', '2024-07-01', '2024-06-24', '2024-07-15', 'missed'),
      row(P4, '3m', '2024-09-01', '2024-08-18', '2024-09-29', 'missed'),
      row(P4, '6m', '2024-12-01', '2024-11-01', '2025-01-15', 'missed'),
      row(P1, '1m', '2025-02-10', '2025-02-03', '2025-02-24', 'missed'),
      row(P2, 'baseline', '2025-03-20', '2025-02-18', '2025-03-20', 'missed'),
    ]);
  });

  test('the order does not depend on the order the patients come in', () => {
    // P5: index 2025-03-20 like P2, nothing done: baseline missed, 1m due, with P2's dates.
    const P5: FollowUpFacts = { ...P2, patient_id: 5, registry_id: 'R-005' };
    const r = followUpStatusReport([P4, P1, P3, P5, P2], '2025-04-15');
    assert.deepEqual(r.due, [
      row(P2, '1m', '2025-04-20', '2025-04-13', '2025-05-04', 'due'),
      row(P5, '1m', '2025-04-20', '2025-04-13', '2025-05-04', 'due'),
    ]);
    assert.deepEqual(r.overdue, [
      row(P1, '3m', '2025-04-10', '2025-03-27', '2025-05-08', 'overdue'),
      row(P3, '3m', '2025-04-10', '2025-03-27', '2025-05-08', 'overdue'),
    ]);
    assert.deepEqual(r.missed, [
      row(P4, 'baseline', '2024-06-01', '2024-05-02', '2024-06-01', 'missed'),
      row(P4, '1m', '2024-07-01', '2024-06-24', '2024-07-15', 'missed'),
      row(P4, '3m', '2024-09-01', '2024-08-18', '2024-09-29', 'missed'),
      row(P4, '6m', '2024-12-01', '2024-11-01', '2025-01-15', 'missed'),
      row(P1, '1m', '2025-02-10', '2025-02-03', '2025-02-24', 'missed'),
      row(P2, 'baseline', '2025-03-20', '2025-02-18', '2025-03-20', 'missed'),
      row(P5, 'baseline', '2025-03-20', '2025-02-18', '2025-03-20', 'missed'),
    ]);
  });

  test('each list is cut at the limit after ordering', () => {
    const r = followUpStatusReport([P2, P3, P1, P4], '2025-04-15', DEFAULT_REGISTRY_CONFIG, 1);
    assert.deepEqual(r.due, [row(P2, '1m', '2025-04-20', '2025-04-13', '2025-05-04', 'due')]);
    assert.deepEqual(r.overdue, [row(P1, '3m', '2025-04-10', '2025-03-27', '2025-05-08', 'overdue')]);
    assert.deepEqual(r.missed, [row(P4, 'baseline', '2024-06-01', '2024-05-02', '2024-06-01', 'missed')]);
    assert.equal(r.counts['1m']!.missed, 2, 'the counts are not cut');
  });
});
