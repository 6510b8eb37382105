// The follow-up status rule (src/registry/schedule.ts, the only place it is written) against an oracle
// written independently from the definition vendored in docs/reference/registry.md ("Follow-up schedule and
// status"): "Due date = index procedure date + months (calendar); window = due - windowBeforeDays .. due +
// windowAfterDays"; upcoming before the window opens, due from its opening up to and including the due date,
// overdue after the due date while the window is still open, missed from the day after it closes; months
// added as PostgreSQL adds them (the day clamped to the end of a shorter month).
// The oracle works on day numbers and its own calendar (Gregorian leap rule, days_from_civil), never on the
// code's date helpers. A fast-check property compares every count and every list over ≥ 100 patients with
// random index dates, completed visits and "today" (drawn on and next to window edges as often as not); the
// store's report over 120 patients in PGlite is compared with the same oracle.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_REGISTRY_CONFIG } from '../../src/registry/config.ts';
import { type FollowUpFacts, followUpStatusReport } from '../../src/registry/schedule.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import * as R from '../../src/store/registry.ts';
import { buildWorld, enrolInput, type World } from './fixtures.ts';

// --- the oracle ---------------------------------------------------------------------------------------
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const monthDays = (y: number, m: number) => [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
/** Days since 1970-01-01 of a civil date (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"). */
function dayNumber(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
const parse = (s: string): [number, number, number] => s.split('-').map(Number) as [number, number, number];
const dayOf = (s: string) => dayNumber(...parse(s));
function civil(n: number): string {
  // inverse by search from an estimate: simple and obviously right
  let y = 1970 + Math.floor(n / 365.2425);
  while (dayNumber(y, 1, 1) > n) y--;
  while (dayNumber(y + 1, 1, 1) <= n) y++;
  let m = 1;
  while (m < 12 && dayNumber(y, m + 1, 1) <= n) m++;
  const d = n - dayNumber(y, m, 1) + 1;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
function dueDay(index: string, months: number): number {
  const [y, m, d] = parse(index);
  const k = m - 1 + months;
  const y2 = y + Math.floor(k / 12);
  const m2 = (k % 12) + 1;
  return dayNumber(y2, m2, Math.min(d, monthDays(y2, m2)));
}
type Status = 'completed' | 'upcoming' | 'due' | 'overdue' | 'missed';
function oracleReport(patients: FollowUpFacts[], today: string, limit: number) {
  const tps = DEFAULT_REGISTRY_CONFIG.followup.timepoints.value;
  const t = dayOf(today);
  const counts: Record<string, Record<Status, number>> = {};
  for (const tp of tps) counts[tp.key] = { completed: 0, upcoming: 0, due: 0, overdue: 0, missed: 0 };
  const rows: { due: number; pid: number; tpi: number; row: Record<string, unknown> }[] = [];
  for (const p of patients)
    tps.forEach((tp, tpi) => {
      const due = dueDay(p.index_procedure_date, tp.months);
      const open = due - tp.windowBeforeDays;
      const close = due + tp.windowAfterDays;
      const status: Status = p.completed.has(tp.key)
        ? 'completed'
        : t < open
          ? 'upcoming'
          : t <= due
            ? 'due'
            : t <= close
              ? 'overdue'
              : 'missed';
      counts[tp.key]![status]++;
      if (status === 'due' || status === 'overdue' || status === 'missed')
        rows.push({
          due,
          pid: p.patient_id,
          tpi,
          row: {
            patient_id: p.patient_id,
            registry_id: p.registry_id,
            timepoint: tp.key,
            target: civil(due),
            window_open: civil(open),
            window_close: civil(close),
            status,
          },
        });
    });
  rows.sort((a, b) => a.due - b.due || a.pid - b.pid || a.tpi - b.tpi);
  const list = (s: string) =>
    rows
      .filter((r) => r.row.status === s)
      .slice(0, limit)
      .map((r) => r.row);
  return { counts, due: list('due'), overdue: list('overdue'), missed: list('missed') };
}

// --- generators ---------------------------------------------------------------------------------------
const TP_KEYS = DEFAULT_REGISTRY_CONFIG.followup.timepoints.value.map((t) => t.key);
/** Index dates 2023–2026, month ends (29–31) drawn often: where calendar months clamp. */
const indexDate = fc
  .record({
    y: fc.integer({ min: 2023, max: 2026 }),
    m: fc.integer({ min: 1, max: 12 }),
    end: fc.boolean(),
    d: fc.integer({ min: 1, max: 31 }),
  })
  .map(({ y, m, end, d }) => {
    const day = end ? monthDays(y, m) - (d % 3) : Math.min(d, monthDays(y, m));
    return `${y}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  });
const patientsArb = fc
  .array(fc.record({ index: indexDate, done: fc.subarray(TP_KEYS) }), { minLength: 100, maxLength: 140 })
  .map((ps) =>
    ps.map(
      (p, i): FollowUpFacts => ({
        patient_id: i + 1,
        registry_id: `P-${i + 1}`,
        index_procedure_date: p.index,
        completed: new Set(p.done),
      }),
    ),
  );
/** "today": anywhere in 2023–2029, or on / next to an edge (open, due, close) of some patient's window. */
const todayFor = (patients: FollowUpFacts[]) =>
  fc.oneof(
    fc.integer({ min: dayOf('2023-01-01'), max: dayOf('2029-12-31') }).map(civil),
    fc
      .record({
        p: fc.integer({ min: 0, max: patients.length - 1 }),
        tp: fc.integer({ min: 0, max: TP_KEYS.length - 1 }),
        edge: fc.constantFrom('open', 'due', 'close'),
        shift: fc.integer({ min: -1, max: 1 }),
      })
      .map(({ p, tp, edge, shift }) => {
        const t = DEFAULT_REGISTRY_CONFIG.followup.timepoints.value[tp]!;
        const due = dueDay(patients[p]!.index_procedure_date, t.months);
        const at = edge === 'open' ? due - t.windowBeforeDays : edge === 'due' ? due : due + t.windowAfterDays;
        return civil(at + shift);
      }),
  );

describe('follow-up status: one rule, checked against an independent oracle', () => {
  test('oracle sanity: calendar months clamp as PostgreSQL does (docs/reference/registry.md)', () => {
    assert.equal(civil(dueDay('2025-01-31', 1)), '2025-02-28');
    assert.equal(civil(dueDay('2024-01-31', 1)), '2024-02-29');
    assert.equal(civil(dueDay('2025-08-31', 3)), '2025-11-30');
    assert.equal(civil(dayOf('2024-02-29') + 1), '2024-03-01');
  });

  test('every count and every list agrees, ≥ 100 patients × random today (window edges included)', () => {
    fc.assert(
      fc.property(
        patientsArb.chain((ps) => fc.tuple(fc.constant(ps), todayFor(ps), fc.constantFrom(5, 1000))),
        ([patients, today, limit]) => {
          assert.deepEqual(
            followUpStatusReport(patients, today, DEFAULT_REGISTRY_CONFIG, limit),
            oracleReport(patients, today, limit),
          );
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('follow-up status: the store reads the facts and applies the same rule (PGlite, 120 patients)', () => {
  let db: Db;
  let w: World;
  const facts: FollowUpFacts[] = [];
  before(async () => {
    db = await openDb({ memory: true, migrated: true });
    w = await buildWorld(db);
    const sample = fc.sample(
      fc.tuple(
        fc.array(fc.record({ index: indexDate, done: fc.subarray(TP_KEYS) }), { minLength: 120, maxLength: 120 }),
      ),
      {
        numRuns: 1,
        seed: 20261201,
      },
    )[0]![0];
    const tmpl = await R.enrolPatient(db, w.actors.A.coordinator, enrolInput(w.sites.A));
    // Rows copied from one enrolled patient with their index dates set directly: the report reads only the
    // index date and which visits exist.
    const ids = await db.query<{ id: number; registry_id: string; d: string }>(
      `INSERT INTO patient (site_id, registry_id, year_of_birth, sex, smoking, pain_duration_months, prior_treatments, pain_generators,
         pain_generator_group, baseline_opioid_use, eligibility, eligible, index_procedure_date)
       SELECT site_id, registry_id || '-' || u.g, year_of_birth, sex, smoking, pain_duration_months, prior_treatments, pain_generators,
         pain_generator_group, baseline_opioid_use, eligibility, eligible, u.d
       FROM patient, unnest($2::date[]) WITH ORDINALITY AS u(d, g) WHERE id = $1
       RETURNING id, registry_id, index_procedure_date::text AS d`,
      [tmpl.id, sample.map((s) => s.index)],
    );
    const visits: [number, string, string][] = [];
    ids.rows.forEach((row, i) => {
      const done = sample[i]!.done;
      facts.push({
        patient_id: Number(row.id),
        registry_id: row.registry_id,
        index_procedure_date: row.d,
        completed: new Set(done),
      });
      for (const tp of done) visits.push([Number(row.id), tp, row.d]);
    });
    await db.query(
      `INSERT INTO followup_visit (patient_id, site_id, timepoint, visit_date, schedule_config_version)
       SELECT u.p, $1, u.tp, u.d, 'test' FROM unnest($2::bigint[], $3::text[], $4::date[]) AS u(p, tp, d)`,
      [w.sites.A, visits.map((v) => v[0]), visits.map((v) => v[1]), visits.map((v) => v[2])],
    );
  });
  after(async () => {
    await db.close();
  });

  test('the report equals the oracle on 40 days, edges included', async () => {
    const days = fc.sample(todayFor(facts), { numRuns: 40, seed: 7 });
    for (const today of days) {
      const rep = await R.followUpReport(db, w.actors.A.coordinator, w.sites.A, today, { limit: 1000 });
      const { site_id: _s, today: _t, config_version: _c, ...got } = rep;
      assert.deepEqual(got, oracleReport(facts, today, 1000), today);
    }
  });
});
