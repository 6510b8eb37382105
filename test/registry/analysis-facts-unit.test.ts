// One patient's facts and the cohort's sufficient statistics (src/registry/analysis/facts.ts), in memory.
// Windows worked out by hand from config/registry.json (due = procedure + calendar months; window = due −
// windowBeforeDays .. due + windowAfterDays). Procedure 2025-01-10:
//   baseline 2024-12-11 .. 2025-01-10 (target 2025-01-10)   1 m 2025-02-03 .. 2025-02-24 (target 2025-02-10)
//   3 m 2025-03-27 .. 2025-05-08 (target 2025-04-10)        6 m 2025-06-10 .. 2025-08-24 (target 2025-07-10)
//   12 m 2025-11-26 .. 2026-03-11 (target 2026-01-10)       24 m 2026-11-11 .. 2027-04-10 (target 2027-01-10)
// Rules: docs/reference/analysis.md §1 (baseline required; the visit closest to the due date, the earlier on a
// tie; withdrawn = withdrawal on or before the window closed), §3 (first failure event; else censored at the
// last contact, or the latest visit or event), §4 (CTCAE grade, seriousness, Hillman 2010 relatedness).
// Responder rules: ODI ≥ 10 points or ≥ 30 %, NRS ≥ 2 points (docs/reference/instruments.md §6, seed 002).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type AnalysisConfig, DEFAULT_ANALYSIS_CONFIG } from '../../src/registry/analysis/config.ts';
import {
  AE_CATEGORIES,
  addFacts,
  analysisPlan,
  emptyStats,
  type RecordFacts,
  recordFacts,
} from '../../src/registry/analysis/facts.ts';
import type { AnalysisAdverseEvent, AnalysisRecord, AnalysisVisit } from '../../src/registry/analysis/input.ts';
import { DEFAULT_REGISTRY_CONFIG, type RegistryConfig } from '../../src/registry/config.ts';

const rec = (over: Partial<AnalysisRecord> = {}): AnalysisRecord => ({
  patient: 'P1',
  procedure_date: '2025-01-10',
  therapy: 'PRP',
  visits: [],
  events: [],
  last_contact: null,
  withdrawn: null,
  site: null,
  product_class: null,
  target: null,
  pain_generator: null,
  adverse_events: [],
  ...over,
});
const visit = (date: string, scores: AnalysisVisit['scores'] = {}, mme: number | null = null): AnalysisVisit => ({
  date,
  scores,
  mme_per_day: mme,
});
const ae = (grade: AnalysisAdverseEvent['grade'], serious: boolean, related: AnalysisAdverseEvent['related']) => ({
  grade,
  serious,
  related,
});

const analysisWith = (over: Partial<AnalysisConfig>): AnalysisConfig => ({ ...DEFAULT_ANALYSIS_CONFIG, ...over });
const registryWith = (tps: RegistryConfig['followup']['timepoints']['value']): RegistryConfig => ({
  ...DEFAULT_REGISTRY_CONFIG,
  followup: { timepoints: { ...DEFAULT_REGISTRY_CONFIG.followup.timepoints, value: tps } },
});
const NB = { state: 'no-baseline' } as const;

describe('the plan', () => {
  test('the shipped settings: baseline first, follow-up 1–24 months, five instruments, NRS without 30 %', () => {
    const p = analysisPlan();
    assert.equal(p.baseIdx, 0);
    assert.deepEqual(p.followTps, [
      { months: 1, i: 1 },
      { months: 3, i: 2 },
      { months: 6, i: 3 },
      { months: 12, i: 4 },
      { months: 24, i: 5 },
    ]);
    assert.deepEqual(p.instruments, ['ODI', 'NRS', 'VAS', 'RMDQ', 'EQ5D3L']);
    assert.deepEqual(p.rules, [{}, { relativePct: null }, {}, {}, {}]);
    assert.deepEqual(p.failureEvents, ['reintervention']);
    assert.equal(p.level, 0.95);
    assert.equal(p.confType, 'log-log');
    assert.equal(p.registry, DEFAULT_REGISTRY_CONFIG);
    assert.equal(p.analysis, DEFAULT_ANALYSIS_CONFIG);
  });

  test('the key: 32 hex digits, the same for the same settings, another for other failure events or windows', () => {
    const k = analysisPlan().key;
    assert.match(k, /^[0-9a-f]{32}$/);
    assert.equal(analysisPlan().key, k);
    // level, interval type and small-cell size only shape the tables: not in the key
    assert.equal(
      analysisPlan({ analysis: analysisWith({ level: { ...DEFAULT_ANALYSIS_CONFIG.level, value: 0.9 } }) }).key,
      k,
    );
    const other = analysisPlan({
      analysis: analysisWith({
        failureEvents: { ...DEFAULT_ANALYSIS_CONFIG.failureEvents, value: ['reintervention', 'surgery'] },
      }),
    }).key;
    assert.notEqual(other, k);
    const windows = analysisPlan({
      registry: registryWith(DEFAULT_REGISTRY_CONFIG.followup.timepoints.value.slice(0, 3)),
    }).key;
    assert.notEqual(windows, k);
  });

  test('a registry whose baseline is not first, or has none', () => {
    const [b, m1, m3] = DEFAULT_REGISTRY_CONFIG.followup.timepoints.value;
    const p = analysisPlan({ registry: registryWith([m1!, b!, m3!]) });
    assert.equal(p.baseIdx, 1);
    assert.deepEqual(p.followTps, [
      { months: 1, i: 0 },
      { months: 3, i: 2 },
    ]);
    assert.equal(analysisPlan({ registry: registryWith([m1!, m3!]) }).baseIdx, -1);
  });
});

describe('adverse-event categories', () => {
  test('any, grades 1–5, grade ≥ 3, serious, not serious, related, not related, not assessed — in order', () => {
    assert.deepEqual(
      AE_CATEGORIES.map((c) => c.category),
      [
        'any',
        'grade 1',
        'grade 2',
        'grade 3',
        'grade 4',
        'grade 5',
        'grade 3 or higher',
        'serious',
        'not serious',
        'related',
        'not related',
        'relatedness not assessed',
      ],
    );
  });

  test('each event counted in its categories', () => {
    const cases: [AnalysisAdverseEvent, number[]][] = [
      [ae(1, false, 'not-related'), [1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0]],
      [ae(2, true, 'related'), [1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0]],
      [ae(3, false, 'not-assessed'), [1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1]],
      [ae(4, true, 'not-related'), [1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0]],
      [ae(5, true, 'related'), [1, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0, 0]],
    ];
    for (const [a, want] of cases)
      assert.deepEqual(
        AE_CATEGORIES.map((c) => (c.test(a) ? 1 : 0)),
        want,
        JSON.stringify(a),
      );
  });
});

describe('one record', () => {
  test('baseline and follow-up values, window edges, ties, withdrawal, MME, failure and adverse events', () => {
    const plan = analysisPlan();
    const r = rec({
      site: 'A',
      target: 'disc',
      withdrawn: '2025-05-08', // = the 3-month window's close: withdrawn from 3 months on, not at 1 month
      visits: [
        visit('2025-04-12', { ODI: 28, NRS: 5 }, 0), // 3 m, 2 days after the due date
        visit('2025-01-09', { ODI: 40, NRS: 7 }, 30), // baseline, 1 day before the target
        visit('2025-04-08', { ODI: 35 }), // 3 m, 2 days before the due date: the earlier on the tie for ODI
        visit('2024-12-11', { ODI: 50, NRS: 9 }, 20), // baseline window's first day, farther from the target
        visit('2025-02-24'), // 1 m window's last day, no score: seen, but nothing assessed
        visit('2025-08-25', { ODI: 10 }), // a day after the 6 m window
      ],
      events: [
        { type: 'surgery', date: '2025-02-01' }, // not a failure event by default
        { type: 'reintervention', date: '2025-06-01' },
        { type: 'reintervention', date: '2025-03-01' }, // the first failure: day 50 (21 + 28 + 1)
      ],
      adverse_events: [
        ae(1, false, 'not-related'),
        ae(3, true, 'related'),
        ae(3, false, 'not-assessed'),
        ae(5, true, 'not-related'),
      ],
    });
    const pend = (close: string, withdrawn: boolean) => ({ state: 'pending' as const, close, withdrawn });
    const want: RecordFacts = {
      strata: { site: 'A', therapy: 'PRP', product_class: null, target: 'disc', pain_generator: null },
      present: [true, true, false, false, false],
      scores: [
        // ODI baseline 40; 3 m 35 (fall 5, 12.5 %): not a responder
        [
          pend('2025-02-24', false),
          { state: 'non-responder', delta: -5 },
          pend('2025-08-24', true),
          pend('2026-03-11', true),
          pend('2027-04-10', true),
        ],
        // NRS baseline 7; 3 m 5: a fall of 2 points, a responder
        [
          pend('2025-02-24', false),
          { state: 'responder', delta: -2 },
          pend('2025-08-24', true),
          pend('2026-03-11', true),
          pend('2027-04-10', true),
        ],
        [NB, NB, NB, NB, NB],
        [NB, NB, NB, NB, NB],
        [NB, NB, NB, NB, NB],
      ],
      visits: [
        { seen: true },
        { seen: true },
        { seen: false, close: '2025-08-24', withdrawn: true },
        { seen: false, close: '2026-03-11', withdrawn: true },
        { seen: false, close: '2027-04-10', withdrawn: true },
      ],
      // baseline MME 30 (the visit closest to the target); 3 m: 0 from the only visit with MME recorded
      mme: [null, { base: 30, fu: 0 }, null, null, null],
      km: { days: 50, event: true },
      // any 4; grade 1: 1, 3: 2, 5: 1; ≥ 3: 3; serious 2; not serious 2; related 1; not related 2; not assessed 1
      ae: [4, 1, 0, 2, 0, 1, 3, 2, 2, 1, 2, 1],
    };
    assert.deepEqual(recordFacts(r, plan), want);
  });

  test('a later visit closer to the due date wins; the first and last days of a window count, the day outside not', () => {
    const r = rec({
      visits: [
        visit('2025-01-10', { ODI: 50 }, 0), // baseline window's last day (the procedure day)
        visit('2025-03-27', { ODI: 45 }), // first day of the 3 m window, 14 days early
        visit('2025-04-11', { ODI: 30 }), // 1 day late: closer, chosen (fall 20: a responder)
        visit('2025-03-26', { ODI: 10 }), // the day before the window
        visit('2025-05-09', { ODI: 10 }), // the day after the window
      ],
    });
    const f = recordFacts(r, analysisPlan());
    assert.deepEqual(f.scores[0], [
      { state: 'pending', close: '2025-02-24', withdrawn: false },
      { state: 'responder', delta: -20 },
      { state: 'pending', close: '2025-08-24', withdrawn: false },
      { state: 'pending', close: '2026-03-11', withdrawn: false },
      { state: 'pending', close: '2027-04-10', withdrawn: false },
    ]);
    assert.deepEqual(f.present, [true, false, false, false, false]);
    assert.deepEqual(f.visits.slice(0, 3), [
      { seen: false, close: '2025-02-24', withdrawn: false },
      { seen: true },
      { seen: false, close: '2025-08-24', withdrawn: false },
    ]);
    assert.deepEqual(f.mme, [null, null, null, null, null]); // no MME at any follow-up visit: unknown, not 0
    // no event, no last contact: censored at the latest visit, 2025-05-09 = day 119 (21 + 28 + 31 + 30 + 9)
    assert.deepEqual(f.km, { days: 119, event: false });
  });

  test('a visit the day before the baseline window is no baseline; a score in one visit only is present', () => {
    const r = rec({
      visits: [visit('2024-12-10', { ODI: 50 }, 10), visit('2025-04-10', { ODI: 20 }, 0), visit('2025-04-11')],
    });
    const f = recordFacts(r, analysisPlan());
    assert.deepEqual(f.scores[0], [NB, NB, NB, NB, NB]);
    assert.deepEqual(f.present, [true, false, false, false, false]);
    assert.deepEqual(f.mme, [null, null, null, null, null]);
  });

  test('NRS baseline 1 cannot fall 2 points: not evaluable (docs/reference/instruments.md §2.1)', () => {
    const r = rec({ visits: [visit('2025-01-09', { NRS: 1 }), visit('2025-04-10', { NRS: 0 })] });
    assert.deepEqual(recordFacts(r, analysisPlan()).scores[1]![1], { state: 'not-evaluable', delta: -1 });
  });

  test('the 1-month visit on the first day of its window, and at index 0', () => {
    const r = rec({
      visits: [visit('2025-02-03', { ODI: 30 }, 5), visit('2025-01-03', { ODI: 40 }, 10)],
    });
    const f = recordFacts(r, analysisPlan());
    assert.deepEqual(f.scores[0]![0], { state: 'responder', delta: -10 }); // 40 → 30: exactly 10 points
    assert.deepEqual(f.mme[0], { base: 10, fu: 5 });
    assert.deepEqual(f.visits[0], { seen: true });
  });

  test('withdrawn the day after a window closed: that window is missed, the next ones withdrawn', () => {
    const f = recordFacts(rec({ withdrawn: '2025-02-25', visits: [visit('2025-01-09', { ODI: 40 })] }), analysisPlan());
    assert.deepEqual(
      f.scores[0]!.map((x) => (x.state === 'pending' ? x.withdrawn : x.state)),
      [false, true, true, true, true],
    );
    assert.deepEqual(
      f.visits.map((x) => (x.seen ? 'seen' : x.withdrawn)),
      [false, true, true, true, true],
    );
  });

  test('censoring: at the last contact when given, even with later visits and events', () => {
    const r = rec({
      last_contact: '2025-03-01',
      visits: [visit('2025-04-10')],
      events: [{ type: 'surgery', date: '2025-06-01' }],
    });
    assert.deepEqual(recordFacts(r, analysisPlan()).km, { days: 50, event: false });
  });

  test('censoring without a last contact: the latest visit or non-failure event; never before the procedure', () => {
    const byEvent = rec({ visits: [visit('2025-01-20')], events: [{ type: 'surgery', date: '2025-02-01' }] });
    assert.deepEqual(recordFacts(byEvent, analysisPlan()).km, { days: 22, event: false }); // Jan 10 → Feb 1
    const onlyBaseline = rec({ visits: [visit('2025-01-05', { ODI: 40 })] });
    assert.deepEqual(recordFacts(onlyBaseline, analysisPlan()).km, { days: 0, event: false });
    const byVisit = rec({ visits: [visit('2025-02-01'), visit('2025-01-20')] });
    assert.deepEqual(recordFacts(byVisit, analysisPlan()).km, { days: 22, event: false });
  });

  test('configured failure events: surgery too', () => {
    const plan = analysisPlan({
      analysis: analysisWith({
        failureEvents: { ...DEFAULT_ANALYSIS_CONFIG.failureEvents, value: ['reintervention', 'surgery'] },
      }),
    });
    const r = rec({
      events: [
        { type: 'reintervention', date: '2025-06-01' },
        { type: 'surgery', date: '2025-02-01' },
      ],
    });
    assert.deepEqual(recordFacts(r, plan).km, { days: 22, event: true });
  });

  test('a registry without a baseline timepoint: every score has no baseline, no MME pairs', () => {
    const [, m1, m3] = DEFAULT_REGISTRY_CONFIG.followup.timepoints.value;
    const plan = analysisPlan({ registry: registryWith([m1!, m3!]) });
    const r = rec({ visits: [visit('2025-01-09', { ODI: 40 }, 30), visit('2025-04-10', { ODI: 20 }, 0)] });
    const f = recordFacts(r, plan);
    assert.deepEqual(f.scores[0], [NB, NB]);
    assert.deepEqual(f.mme, [null, null]);
    assert.deepEqual(f.visits, [{ seen: false, close: '2025-02-24', withdrawn: false }, { seen: true }]);
  });

  test('the same record gives the same facts twice (memoised windows and verdicts)', () => {
    const plan = analysisPlan();
    const r = rec({ visits: [visit('2025-01-09', { ODI: 40 }), visit('2025-04-10', { ODI: 31 })] });
    const r2 = rec({ visits: [visit('2025-01-09', { ODI: 40 }), visit('2025-04-10', { ODI: 30 })] });
    assert.deepEqual(recordFacts(r, plan).scores[0]![1], { state: 'non-responder', delta: -9 });
    assert.deepEqual(recordFacts(r2, plan).scores[0]![1], { state: 'responder', delta: -10 });
    assert.deepEqual(recordFacts(r, plan).scores[0]![1], { state: 'non-responder', delta: -9 });
  });
});

describe('sufficient statistics', () => {
  const [b, , m3] = DEFAULT_REGISTRY_CONFIG.followup.timepoints.value;
  const plan = analysisPlan({
    registry: registryWith([b!, m3!]),
    analysis: analysisWith({ instruments: { ...DEFAULT_ANALYSIS_CONFIG.instruments, value: ['ODI'] } }),
  });
  const none = AE_CATEGORIES.map(() => 0);
  const facts = (over: Partial<RecordFacts>): RecordFacts => ({
    strata: { site: null, therapy: 'PRP', product_class: null, target: null, pain_generator: null },
    present: [true],
    scores: [[{ state: 'no-baseline' }]],
    visits: [{ seen: true }],
    mme: [null],
    km: { days: 10, event: false },
    ae: none,
    ...over,
  });

  test('empty statistics of the shipped plan', () => {
    const s = emptyStats(analysisPlan());
    const cell = {
      no_baseline: 0,
      responders: 0,
      non_responders: 0,
      not_evaluable: 0,
      missed: 0,
      withdrawn: 0,
      not_yet_due: 0,
      deltas: new Map(),
    };
    assert.deepEqual(s, {
      patients: 0,
      present: [0, 0, 0, 0, 0],
      scores: [0, 1, 2, 3, 4].map(() => [0, 1, 2, 3, 4].map(() => cell)),
      visits: [0, 1, 2, 3, 4].map(() => ({ seen: 0, missed: 0, withdrawn: 0, not_yet_due: 0 })),
      mme: [0, 1, 2, 3, 4].map(() => new Map()),
      km: new Map(),
      ae: AE_CATEGORIES.map(() => ({ with_event: 0, events: 0 })),
    });
  });

  test('counts as of a day: a window closing on the as-of day is not yet due; closed: withdrawn or missed', () => {
    const asOf = '2025-05-08';
    const s = emptyStats(plan);
    const pending = (close: string, withdrawn: boolean) => ({ state: 'pending' as const, close, withdrawn });
    const unseen = (close: string, withdrawn: boolean) => ({ seen: false as const, close, withdrawn });
    const all: RecordFacts[] = [
      facts({
        scores: [[{ state: 'responder', delta: -20 }]],
        mme: [{ base: 30, fu: 0 }],
        km: { days: 50, event: true },
      }),
      facts({
        scores: [[{ state: 'responder', delta: -20 }]],
        mme: [{ base: 30, fu: 0 }],
        km: { days: 50, event: false },
      }),
      facts({
        scores: [[{ state: 'non-responder', delta: -5 }]],
        mme: [{ base: 0, fu: 10 }],
        km: { days: 119, event: false },
      }),
      facts({ scores: [[{ state: 'not-evaluable', delta: -1 }]] }),
      facts({ present: [false], scores: [[{ state: 'no-baseline' }]], visits: [unseen('2025-05-08', true)] }),
      facts({ scores: [[pending('2025-05-08', true)]], visits: [unseen('2025-05-07', true)] }),
      facts({ scores: [[pending('2025-05-07', true)]], visits: [unseen('2025-05-07', false)] }),
      facts({ scores: [[pending('2025-05-07', false)]], visits: [unseen('2025-05-07', false)] }),
    ];
    for (const f of all) addFacts(s, f, asOf);
    assert.deepEqual(s, {
      patients: 8,
      present: [7],
      scores: [
        [
          {
            no_baseline: 1,
            responders: 2,
            non_responders: 1,
            not_evaluable: 1,
            missed: 1,
            withdrawn: 1,
            not_yet_due: 1,
            deltas: new Map([
              [-20, 2],
              [-5, 1],
              [-1, 1],
            ]),
          },
        ],
      ],
      visits: [{ seen: 4, missed: 2, withdrawn: 1, not_yet_due: 1 }],
      mme: [
        new Map([
          [30, new Map([[0, 2]])],
          [0, new Map([[10, 1]])],
        ]),
      ],
      km: new Map([
        [50, { events: 1, censored: 1 }],
        [119, { events: 0, censored: 1 }],
        [10, { events: 0, censored: 5 }],
      ]),
      ae: AE_CATEGORIES.map(() => ({ with_event: 0, events: 0 })),
    });
  });

  test('adverse events: procedures with at least one event, and events summed', () => {
    const s = emptyStats(plan);
    const v = (xs: number[]) => [...xs, ...none.slice(xs.length)];
    addFacts(s, facts({ ae: v([3, 2, 0, 1]) }), '2026-01-01');
    addFacts(s, facts({ ae: v([1, 0, 0, 1]) }), '2026-01-01');
    addFacts(s, facts({ ae: none }), '2026-01-01');
    assert.deepEqual(s.ae.slice(0, 5), [
      { with_event: 2, events: 4 },
      { with_event: 1, events: 2 },
      { with_event: 0, events: 0 },
      { with_event: 2, events: 2 },
      { with_event: 0, events: 0 },
    ]);
    assert.equal(s.patients, 3);
  });
});
