// The outcomes analysis on small cohorts whose expected numbers are worked out by hand from the reference
// (docs/reference/instruments.md §1.4 ODI: 10 points or 30%; seed 002: a 2-point NRS reduction; the windows of
// config/registry.json), the `regenspine analyze` contract and its errors, strata and small-cell suppression.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { analyzeCohort } from '../../src/registry/analysis/core.ts';
import { analyze } from '../../src/registry/analysis/index.ts';
import { AnalysisInputError, parseJsonl } from '../../src/registry/analysis/input.ts';
import { groupBy, parseStrata, suppressSmallCells } from '../../src/registry/analysis/strata.ts';

const BIN = new URL('../../bin/regenspine.js', import.meta.url).pathname;

type V = { date: string; scores?: Record<string, number>; mme_per_day?: number };
const rec = (patient: string, visits: V[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    patient,
    procedure_date: '2025-01-10',
    therapy: 'PRP',
    visits: visits.map((v) => ({ scores: {}, ...v })),
    ...extra,
  });

// Procedure 2025-01-10: 3-month target 2025-04-10, window 14 days before .. 28 after = 2025-03-27 .. 2025-05-08.
const BASE = '2025-01-09';
const cohort = [
  rec('A', [
    { date: BASE, scores: { ODI: 40, NRS: 7 } },
    { date: '2025-04-10', scores: { ODI: 28, NRS: 5 } },
  ]), // ODI −12 → yes; NRS −2 → yes
  rec('B', [
    { date: BASE, scores: { ODI: 40, NRS: 6 } },
    { date: '2025-03-27', scores: { ODI: 30, NRS: 5 } },
  ]), // ODI −10 (= threshold) → yes; NRS −1 → no
  rec('C', [
    { date: BASE, scores: { ODI: 40, NRS: 6 } },
    { date: '2025-05-08', scores: { ODI: 31, NRS: 4 } },
  ]), // ODI −9, 22.5% → no; NRS −2 → yes
  rec('D', [
    { date: BASE, scores: { ODI: 20, NRS: 1 } },
    { date: '2025-04-20', scores: { ODI: 14, NRS: 0 } },
  ]), // ODI −6 but 30% → yes; NRS baseline 1: not evaluable
  rec('E', [
    { date: BASE, scores: { ODI: 50, NRS: 8 } },
    { date: '2025-05-09', scores: { ODI: 20, NRS: 2 } },
  ]), // a day after the window: missed
  rec('F', [{ date: BASE, scores: { ODI: 50, NRS: 8 } }], { withdrawn: '2025-03-01' }), // withdrawn before the window
  rec('G', [
    { date: '2024-12-01', scores: { ODI: 50, NRS: 8 } },
    { date: '2025-04-10', scores: { ODI: 10, NRS: 1 } },
  ]), // baseline 40 days before: none
].join('\n');

describe('responders by hand (3 months, as of 2025-06-30)', () => {
  const a = analyzeCohort(parseJsonl(cohort), { asOf: '2025-06-30' });
  const row = (inst: string, m: number) => a.responders.find((r) => r.instrument === inst && r.timepoint_months === m)!;
  test('ODI: 10 points or 30% (Ostelo 2008); complete case 3/4, worst case 3/6', () => {
    const r = row('ODI', 3);
    assert.equal(r.no_baseline, 1);
    assert.equal(r.eligible, 6);
    assert.equal(r.assessed, 4);
    assert.equal(r.responders, 3);
    assert.equal(r.non_responders, 1);
    assert.deepEqual(r.missing, { missed: 1, withdrawn: 1 });
    assert.equal(r.pct, 75);
    assert.equal(r.worst_case_pct, 50);
    // R 4.2.2: binom.test(3, 4)$conf.int = 0.1941204497 0.9936905368; prop.test(3, 4, correct = FALSE) = 0.3006418426 0.9544127392
    assert.ok(Math.abs(r.ci_exact![0] - 19.41204) < 1e-4 && Math.abs(r.ci_exact![1] - 99.36905) < 1e-4);
    assert.ok(Math.abs(r.ci_wilson![0] - 30.06418) < 1e-4 && Math.abs(r.ci_wilson![1] - 95.44127) < 1e-4);
  });
  test('NRS: a 2-point reduction only (seed 002); baseline 1 cannot fall 2 points: not evaluable', () => {
    const r = row('NRS', 3);
    assert.equal(r.responders, 2);
    assert.equal(r.non_responders, 1);
    assert.equal(r.not_evaluable, 1);
    assert.equal(r.pct, (2 / 3) * 100);
    assert.equal(r.worst_case_pct, (2 / 5) * 100);
  });
  test('a window that has not closed is "not yet due", not missing', () => {
    const r = row('ODI', 6); // 6-month window closes 2025-07-10 + 45 days, after 2025-06-30
    assert.equal(r.eligible, 0);
    assert.equal(r.not_yet_due, 6);
    assert.equal(r.pct, null);
  });
  test('change from baseline: ODI −12, −10, −9, −6 → mean −9.25, median −9.5', () => {
    const c = a.change.find((x) => x.instrument === 'ODI' && x.timepoint_months === 3)!;
    assert.equal(c.n, 4);
    assert.equal(c.mean, -9.25);
    assert.equal(c.median, -9.5);
    // R 4.2.2: t.test(c(-12, -10, -9, -6))$conf.int = -13.228057882 -5.271942118
    assert.ok(Math.abs(c.ci![0] + 13.228057882) < 1e-8 && Math.abs(c.ci![1] + 5.271942118) < 1e-8);
  });
});

test('Kaplan–Meier by hand: failures at day 100 and 200, censored at 50 and 300', () => {
  const lines = [
    rec('K1', [], { events: [{ type: 'reintervention', date: '2025-04-20' }] }), // day 100
    rec('K2', [], { last_contact: '2025-03-01' }), // day 50
    rec('K3', [], { events: [{ type: 'reintervention', date: '2025-07-29' }] }), // day 200
    rec('K4', [], { last_contact: '2025-11-06' }), // day 300
  ].join('\n');
  const s = analyzeCohort(parseJsonl(lines), { asOf: '2026-01-01' }).survival;
  assert.deepEqual(
    s.curve.map((c) => [c.day, c.at_risk, Number(c.survival.toFixed(6))]),
    [
      [50, 4, 1],
      [100, 3, 0.666667],
      [200, 2, 0.333333],
      [300, 1, 0.333333],
    ],
  );
  const at = (m: number) => s.times.find((t) => t.month === m)!;
  assert.deepEqual([at(3).at_risk, at(3).events, at(3).survival], [3, 0, 1]); // day 91.3: K2 censored, K1 not yet
  assert.deepEqual([at(6).at_risk, at(6).events], [2, 1]);
  assert.equal(at(24).survival, null); // nobody followed 24 months
});

test('adverse events per 100 procedures and grouped relatedness (Hillman 2010)', () => {
  const lines = [
    rec('X1', [], { adverse_events: [{ grade: 3, serious: true, attribution_procedure: 'probable' }] }),
    rec('X2', [], {
      adverse_events: [
        { grade: 1, serious: false, attribution_product: 'unlikely' },
        { grade: 1, serious: false },
      ],
    }),
    rec('X3', []),
    rec('X4', []),
  ].join('\n');
  const rows = analyzeCohort(parseJsonl(lines), { asOf: '2026-01-01' }).adverse_events.rows;
  const r = (c: string) => rows.find((x) => x.category === c)!;
  assert.deepEqual(
    [r('any').procedures_with_event, r('any').per_100_procedures, r('any').events, r('any').events_per_100],
    [2, 50, 3, 75],
  );
  assert.deepEqual(
    [
      r('serious').procedures_with_event,
      r('related').events,
      r('not related').events,
      r('relatedness not assessed').events,
    ],
    [1, 1, 1, 1],
  );
  assert.equal(r('grade 1').events, 2);
});

test('an unrecorded MME is never read as 0; share off opioids counts recorded zeros only', () => {
  const lines = [
    rec('M1', [
      { date: BASE, mme_per_day: 30 },
      { date: '2025-04-10', mme_per_day: 0 },
    ]),
    rec('M2', [{ date: BASE, mme_per_day: 20 }, { date: '2025-04-10' }]),
    rec('M3', [
      { date: BASE, mme_per_day: 0 },
      { date: '2025-04-10', mme_per_day: 10 },
    ]),
  ].join('\n');
  const o = analyzeCohort(parseJsonl(lines), { asOf: '2026-01-01' }).opioids.find((x) => x.timepoint_months === 3)!;
  assert.equal(o.n, 2);
  assert.equal(o.off_opioids, 1);
  assert.equal(o.baseline_users, 1);
  assert.equal(o.baseline_users_off, 1);
  assert.equal(o.change_mean, (-30 + 10) / 2);
});

describe('strata and small cells', () => {
  test('one or two strata; unknown values are their own group', () => {
    const rs = parseJsonl(
      [
        rec('S1', [], { site: 'A', target: 'disc' }),
        rec('S2', [], { site: 'A' }),
        rec('S3', [], { site: 'B', target: 'disc' }),
      ].join('\n'),
    );
    assert.deepEqual(
      groupBy(rs, ['site', 'target']).map((g) => [g.label, g.records.length]),
      [
        ['A × disc', 1],
        ['A × not recorded', 1],
        ['B × disc', 1],
      ],
    );
    assert.throws(() => parseStrata('therapy,site,target'), /at most two/);
    assert.throws(() => parseStrata('colour'), /unknown stratum "colour"/);
  });
  test('counts of 1–4 and everything computed from them are withheld in de-identified output', () => {
    const a = analyzeCohort(parseJsonl(cohort), { asOf: '2025-06-30' });
    const s = suppressSmallCells(a, 5);
    const r = s.responders.find((x) => x.instrument === 'ODI' && x.timepoint_months === 3)!;
    assert.equal(r.suppressed, true);
    assert.equal(r.responders, null);
    assert.equal(r.pct, null);
    assert.equal(r.ci_exact, null);
    assert.equal(s.patients, 7);
    assert.equal(s.deidentified, true);
    assert.ok(s.change.every((c) => c.n === 0 || c.n === null || c.n >= 5));
    assert.ok(s.survival.curve.every((c) => c.at_risk >= 5));
    // not de-identified: nothing withheld
    assert.equal(analyze(parseJsonl(cohort), { asOf: '2025-06-30' }).overall.responders[1]!.responders, 3);
  });
});

describe('bad input names the line and the field', () => {
  const bad = (text: string) => {
    try {
      parseJsonl(text);
    } catch (e) {
      assert.ok(e instanceof AnalysisInputError);
      return [e.line, e.field];
    }
    assert.fail('accepted');
  };
  test('each kind of error', () => {
    const ok = rec('P1', [{ date: BASE, scores: { ODI: 40 } }]);
    assert.deepEqual(bad(`${ok}\n{"patient":`), [2, '(line)']);
    assert.deepEqual(bad(`${ok}\n\n${rec('P2', [{ date: '2025-02-30', scores: {} }])}`), [3, 'visits[0].date']);
    assert.deepEqual(bad(rec('P1', [{ date: BASE, scores: { ODI: 140 } }])), [1, 'visits[0].scores.ODI']);
    assert.deepEqual(bad(rec('P1', [{ date: BASE, scores: { FOO: 1 } }])), [1, 'visits[0].scores.FOO']);
    assert.deepEqual(bad(`${ok}\n${ok}`), [2, 'patient']);
    assert.deepEqual(bad('{"patient":"P1","therapy":"PRP","visits":[]}'), [1, 'procedure_date']);
    assert.deepEqual(bad(rec('P1', [], { colour: 'red' })), [1, '(record)']);
    assert.deepEqual(bad(rec('P1', [], { events: [{ type: 'reintervention', date: '2024-01-01' }] })), [
      1,
      'events[0].date',
    ]);
  });
});

describe('regenspine analyze (the command)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'analyze-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  test('the example of the README: JSON with the contract keys', () => {
    const out = execFileSync(
      process.execPath,
      [BIN, 'analyze', '--input', 'examples/registry-cohort.jsonl', '--as-of', '2026-06-30'],
      {
        encoding: 'utf8',
      },
    );
    const j = JSON.parse(out);
    const r = j.responders.find(
      (x: { instrument: string; timepoint_months: number }) => x.instrument === 'ODI' && x.timepoint_months === 3,
    );
    for (const k of [
      'instrument',
      'timepoint_months',
      'eligible',
      'assessed',
      'responders',
      'pct',
      'ci_exact',
      'ci_wilson',
      'worst_case_pct',
    ])
      assert.ok(k in r, k);
    for (const k of ['instrument', 'timepoint_months', 'n', 'mean', 'ci']) assert.ok(k in j.change[0], k);
    assert.equal(j.survival.event, 'treatment-failure');
    for (const k of ['month', 'at_risk', 'events', 'survival', 'ci']) assert.ok(k in j.survival.times[0], k);
  });
  test('a bad line: exit 1, one line naming file, line and field, nothing on stdout', () => {
    const f = join(dir, 'bad.jsonl');
    writeFileSync(f, `${rec('P1', [])}\n${rec('P2', [{ date: BASE, scores: { NRS: 11 } }])}\n`);
    const r = spawnSync(process.execPath, [BIN, 'analyze', '--input', f], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /^regenspine: .*bad\.jsonl line 2: visits\[0\]\.scores\.NRS: NRS must be between 0 and 10 \(got 11\)\n$/,
    );
  });
  test('--by and --format text; a bad stratum is refused', () => {
    const r = spawnSync(
      process.execPath,
      [
        BIN,
        'analyze',
        '--input',
        'examples/registry-cohort.jsonl',
        '--as-of',
        '2026-06-30',
        '--by',
        'therapy',
        '--format',
        'text',
      ],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /# BMC: 5 patients/);
    const bad = spawnSync(
      process.execPath,
      [BIN, 'analyze', '--input', 'examples/registry-cohort.jsonl', '--by', 'colour'],
      { encoding: 'utf8' },
    );
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--by: unknown stratum "colour"/);
  });
});
