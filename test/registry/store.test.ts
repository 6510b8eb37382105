// The registry against both engines: a real PostgreSQL server (the app connects as a non-superuser owner)
// and embedded PGlite. Proves: no cross-site read or write over the role × site × endpoint matrix; the
// audit table is append-only even for the application's own role; optimistic locking gives 409; a
// command that fails half-way writes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Permission, ROLES, type Role } from '../../src/registry/policy.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import * as R from '../../src/store/registry.ts';
import { hardenAuditTable } from '../../src/store/registry-harden.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import {
  api,
  auditCount,
  buildWorld,
  enrolInput,
  fullPatient,
  loggedErrors,
  prpProcedure,
  visitInput,
  type World,
} from './fixtures.ts';
import { ROLE_TABLE } from './role-table.ts';

let pg: TestPostgres;
before(async () => {
  pg = await startPostgres();
});
after(async () => {
  await pg?.stop();
});

type Target = Awaited<ReturnType<typeof fullPatient>>;
interface Endpoint {
  name: string;
  permission: Permission;
  /** 'record': addresses a record by id → another site's is 403/404. 'site': names a site → 403. 'list': filtered. */
  kind: 'record' | 'site' | 'list';
  write: boolean;
  ok: number;
  request(w: World, t: Target, siteId: number, db: Db): Promise<[string, string, unknown?]>;
}

const siteAuditCount = async (db: Db, siteId: number) =>
  (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit.audit_log WHERE site_id = $1', [siteId]))
    .rows[0]!.n;

const version = async (db: Db, table: string, id: number) =>
  (await db.query<{ version: number }>(`SELECT version FROM ${table} WHERE id = $1`, [id])).rows[0]!.version;

const ENDPOINTS: Endpoint[] = [
  {
    name: 'list patients',
    permission: 'records:read',
    kind: 'list',
    write: false,
    ok: 200,
    request: async (_w, _t, s) => ['GET', `/api/registry/patients?site_id=${s}`],
  },
  {
    name: 'read patient',
    permission: 'records:read',
    kind: 'record',
    write: false,
    ok: 200,
    request: async (_w, t) => ['GET', `/api/registry/patients/${t.patient.id}`],
  },
  {
    name: 'update patient',
    permission: 'records:write',
    kind: 'record',
    write: true,
    ok: 200,
    request: async (_w, t, _s, db) => [
      'PATCH',
      `/api/registry/patients/${t.patient.id}`,
      { version: await version(db, 'patient', t.patient.id), reason: 'typo in BMI', bmi: 25 },
    ],
  },
  {
    name: 'enrol patient',
    permission: 'records:write',
    kind: 'site',
    write: true,
    ok: 201,
    request: async (_w, _t, s) => ['POST', '/api/registry/patients', enrolInput(s)],
  },
  {
    name: 'record consent',
    permission: 'records:write',
    kind: 'record',
    write: true,
    ok: 201,
    request: async (_w, t) => [
      'POST',
      `/api/registry/patients/${t.patient.id}/consents`,
      { scope: 'care', form_version: 'v2', consent_date: '2025-01-03', obtained_by: 'x' },
    ],
  },
  {
    name: 'record procedure',
    permission: 'records:write',
    kind: 'record',
    write: true,
    ok: 201,
    request: async (_w, t) => ['POST', `/api/registry/patients/${t.patient.id}/procedures`, prpProcedure('2025-03-01')],
  },
  {
    name: 'submit follow-up',
    permission: 'records:write',
    kind: 'record',
    write: true,
    ok: 201,
    request: async (_w, t) => ['POST', `/api/registry/patients/${t.patient.id}/visits`, visitInput('1m')],
  },
  {
    name: 'report AE',
    permission: 'records:write',
    kind: 'record',
    write: true,
    ok: 201,
    request: async (_w, t) => [
      'POST',
      `/api/registry/patients/${t.patient.id}/adverse-events`,
      { term: 'Injection-site pain', onset_date: '2025-01-11', grade: 1 },
    ],
  },
  {
    name: 'update AE',
    permission: 'records:write',
    kind: 'record',
    write: true,
    ok: 200,
    request: async (_w, t, _s, db) => [
      'PATCH',
      `/api/registry/adverse-events/${t.aeId}`,
      {
        version: await version(db, 'adverse_event', t.aeId),
        reason: 'resolved',
        outcome: 'resolved',
        resolution_date: '2025-02-20',
      },
    ],
  },
  {
    name: 'delete AE',
    permission: 'records:write',
    kind: 'record',
    write: true,
    ok: 200,
    request: async (_w, t, _s, db) => [
      'DELETE',
      `/api/registry/adverse-events/${t.aeId}`,
      { version: await version(db, 'adverse_event', t.aeId), reason: 'entered in error' },
    ],
  },
  {
    name: 'acknowledge AE',
    permission: 'ae:acknowledge',
    kind: 'record',
    write: true,
    ok: 200,
    request: async (_w, t, _s, db) => [
      'POST',
      `/api/registry/adverse-events/${t.aeId}/acknowledge`,
      { version: await version(db, 'adverse_event', t.aeId) },
    ],
  },
  {
    name: 'unacknowledged serious AEs',
    permission: 'records:read',
    kind: 'site',
    write: false,
    ok: 200,
    request: async (_w, _t, s) => ['GET', `/api/registry/sites/${s}/adverse-events/unacknowledged`],
  },
  {
    name: 'follow-up report',
    permission: 'records:read',
    kind: 'site',
    write: false,
    ok: 200,
    request: async (_w, _t, s) => ['GET', `/api/registry/sites/${s}/follow-ups?today=2025-06-01`],
  },
  {
    name: 'patient audit',
    permission: 'audit:read',
    kind: 'record',
    write: false,
    ok: 200,
    request: async (_w, t) => ['GET', `/api/registry/patients/${t.patient.id}/audit`],
  },
  {
    name: 'record audit',
    permission: 'audit:read',
    kind: 'record',
    write: false,
    ok: 200,
    request: async (_w, t) => ['GET', `/api/registry/audit?entity=adverse_event&id=${t.aeId}`],
  },
  {
    name: 'de-identified outcomes',
    permission: 'deidentified:read',
    kind: 'list',
    write: false,
    ok: 200,
    request: async () => ['GET', '/api/registry/deidentified/outcomes'],
  },
];

const engines: [string, () => Promise<Db>][] = [
  ['postgres', () => openDb({ databaseUrl: pg.url })],
  ['pglite', () => openDb({ memory: true, migrated: true })],
];

for (const [engine, open] of engines) {
  describe(`registry on ${engine}`, () => {
    let db: Db;
    let w: World;
    before(async () => {
      db = await open();
      w = await buildWorld(db);
    });
    after(async () => {
      await db?.close();
    });

    test(`role × site × endpoint matrix: ${ROLES.length} roles × 2 sites × ${ENDPOINTS.length} endpoints`, async () => {
      let cases = 0;
      for (const role of ROLES) {
        for (const targetSite of ['A', 'B'] as const) {
          for (const ep of ENDPOINTS) {
            const own = targetSite === 'A';
            const target = await fullPatient(w, targetSite, { visit: true });
            const siteBefore = await siteAuditCount(db, w.sites[targetSite]);
            const [method, path, body] = await ep.request(w, target, w.sites[targetSite], db);
            const res = await api(w, w.tokens.A[role as Role], method, path, body);
            const label = `${engine} ${role}@A → site ${targetSite}: ${ep.name} (${method} ${path}) → ${res.status} ${res.text.slice(0, 200)}`;
            // Expected from the role table of docs/reference/registry.md, not from the code's GRANTS (review T1).
            const allowed = ROLE_TABLE[ep.permission][role as Role];
            if (!allowed) assert.equal(res.status, 403, label);
            else if (own) assert.equal(res.status, ep.ok, label);
            else if (ep.kind === 'list') assert.equal(res.status, 200, label);
            else if (ep.kind === 'site') assert.equal(res.status, 403, label);
            else assert.equal(res.status, 404, label); // another site's record is not found (review T3)
            if (!own) {
              // Nothing of the other site is returned, and nothing of it was written.
              assert.ok(!res.text.includes(target.patient.registry_id), `${label}: leaked the registry id`);
              if (ep.name === 'de-identified outcomes')
                assert.ok(!res.text.includes('SITE-B'), `${label}: leaked site B rows`);
              assert.equal(await siteAuditCount(db, w.sites.B), siteBefore, `${label}: wrote to another site`);
            } else if (ep.write) {
              assert.equal((await siteAuditCount(db, w.sites.A)) > siteBefore, allowed, `${label}: audit rows`);
            }
            cases++;
          }
        }
      }
      assert.equal(cases, ROLES.length * 2 * ENDPOINTS.length);
    });

    test('an analyst gets de-identified rows: no registry id, no dates, ages ≥ 90 grouped', async () => {
      const t = await fullPatient(w, 'A', { visit: true, research: true });
      const res = await api(w, w.tokens.A.analyst, 'GET', '/api/registry/deidentified/outcomes');
      assert.equal(res.status, 200);
      const rows = res.json as unknown as Record<string, unknown>[];
      assert.ok(rows.length > 0);
      assert.ok(!res.text.includes(t.patient.registry_id));
      assert.ok(!/\d{4}-\d{2}-\d{2}/.test(res.text), 'no full dates');
      assert.ok('days_since_index' in rows[0]!);
    });

    test('the audit table refuses UPDATE, DELETE and TRUNCATE from the application role', async () => {
      await fullPatient(w, 'A');
      for (const sql of [
        'UPDATE audit.audit_log SET reason = $1',
        'DELETE FROM audit.audit_log WHERE reason IS NULL OR reason <> $1',
        'TRUNCATE audit.audit_log',
      ]) {
        const params = sql.includes('$1') ? ['tampered'] : [];
        await assert.rejects(db.query(sql, params), /append-only/, sql);
      }
      const n = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM audit.audit_log WHERE reason = 'tampered'",
      );
      assert.equal(n.rows[0]!.n, 0);
    });

    test('a clinical update without a reason is refused by the database itself', async () => {
      const t = await fullPatient(w, 'A');
      await assert.rejects(
        db.query('UPDATE patient SET bmi = 30 WHERE id = $1', [t.patient.id]),
        /reason for the change/,
      );
      await assert.rejects(db.query('DELETE FROM adverse_event WHERE id = $1', [t.aeId]), /reason for the change/);
    });

    test('audit records who, what, old → new and why', async () => {
      const t = await fullPatient(w, 'A', { visit: true });
      const v = await version(db, 'patient', t.patient.id);
      const r = await api(w, w.tokens.A.coordinator, 'PATCH', `/api/registry/patients/${t.patient.id}`, {
        version: v,
        reason: 'BMI re-measured',
        bmi: 24.2,
      });
      assert.equal(r.status, 200);
      const h = await api(w, w.tokens.A.coordinator, 'GET', `/api/registry/patients/${t.patient.id}/audit`);
      const entries = h.json as unknown as R.AuditEntry[];
      const upd = entries.filter((e) => e.entity === 'patient' && e.action === 'update').at(-1)!;
      assert.equal(upd.reason, 'BMI re-measured');
      assert.equal(upd.user_role, 'coordinator');
      assert.equal(upd.user_email, 'coordinator@a.example.org');
      assert.equal(upd.via, 'api');
      assert.deepEqual(upd.old_values, { bmi: 26.1, version: v });
      assert.deepEqual(upd.new_values, { bmi: 24.2, version: v + 1 });
      assert.ok(entries.some((e) => e.entity === 'prom_score' && e.action === 'create'));
    });

    test('optimistic locking: two edits of the same version → one succeeds, the other gets 409', async () => {
      const t = await fullPatient(w, 'A');
      const v = await version(db, 'patient', t.patient.id);
      const [a, b] = await Promise.all([
        api(w, w.tokens.A.coordinator, 'PATCH', `/api/registry/patients/${t.patient.id}`, {
          version: v,
          reason: 'edit one',
          bmi: 22,
        }),
        api(w, w.tokens.A.clinician, 'PATCH', `/api/registry/patients/${t.patient.id}`, {
          version: v,
          reason: 'edit two',
          bmi: 23,
        }),
      ]);
      assert.deepEqual([a.status, b.status].sort(), [200, 409]);
      const loser = a.status === 409 ? a : b;
      assert.equal(loser.json.field, 'version');
      // Same for two submissions of one visit.
      const [x, y] = await Promise.all([
        api(
          w,
          w.tokens.A.coordinator,
          'POST',
          `/api/registry/patients/${t.patient.id}/visits`,
          visitInput('3m', '2025-04-10'),
        ),
        api(
          w,
          w.tokens.A.clinician,
          'POST',
          `/api/registry/patients/${t.patient.id}/visits`,
          visitInput('3m', '2025-04-11'),
        ),
      ]);
      assert.deepEqual([x.status, y.status].sort(), [201, 409]);
      const n = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM prom_score ps JOIN followup_visit v ON v.id = ps.visit_id WHERE v.patient_id = $1 AND v.timepoint = '3m'",
        [t.patient.id],
      );
      assert.equal(n.rows[0]!.n, 3);
    });

    test('invalid input writes nothing, and a failure inside the transaction rolls the whole command back', async () => {
      const t = await fullPatient(w, 'A');
      const before = await auditCount(db, t.patient.id);
      const bad = await api(w, w.tokens.A.coordinator, 'POST', `/api/registry/patients/${t.patient.id}/visits`, {
        ...visitInput('6m'),
        proms: { NRS: { value: 4 }, ODI: { answers: [1, 2, 3, 4, 5, 6, 0, 0, 0, 0] } },
      });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.json, { error: '6 is outside 0–5', field: 'proms.ODI.answers[5]' });
      assert.equal(await auditCount(db, t.patient.id), before);
      // A database failure after the visit row was inserted (a test trigger refuses VAS scores).
      await db.exec(`CREATE OR REPLACE FUNCTION test_refuse_vas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN IF NEW.instrument = 'VAS' THEN RAISE EXCEPTION 'test failure'; END IF; RETURN NEW; END $$`);
      await db.exec(
        'CREATE TRIGGER test_refuse_vas BEFORE INSERT ON prom_score FOR EACH ROW EXECUTE FUNCTION test_refuse_vas()',
      );
      let logs: string[];
      try {
        const { out: r, logs: l } = await loggedErrors(() =>
          api(w, w.tokens.A.coordinator, 'POST', `/api/registry/patients/${t.patient.id}/visits`, {
            ...visitInput('6m'),
            proms: { NRS: { value: 4 }, VAS: { value: 41 } },
          }),
        );
        logs = l;
        assert.equal(r.status, 500);
        assert.deepEqual(r.json, { error: 'internal error' });
      } finally {
        await db.exec('DROP TRIGGER test_refuse_vas ON prom_score');
      }
      assert.equal(await auditCount(db, t.patient.id), before);
      const visits = await db.query("SELECT 1 FROM followup_visit WHERE patient_id = $1 AND timepoint = '6m'", [
        t.patient.id,
      ]);
      assert.equal(visits.rows.length, 0);
      // One line: the route and the error's class and SQLSTATE (P0001, raise_exception), not its message, which
      // could quote record values.
      assert.deepEqual(logs, ['registry: POST /api/registry/patients/:id/visits failed: error P0001']);
    });

    test('a procedure is refused without consent, and without eligibility', async () => {
      const c = w.actors.A.coordinator;
      const p = await R.enrolPatient(db, c, enrolInput(w.sites.A));
      const r1 = await api(
        w,
        w.tokens.A.coordinator,
        'POST',
        `/api/registry/patients/${p.id}/procedures`,
        prpProcedure(),
      );
      assert.equal(r1.status, 422);
      assert.equal(r1.json.field, 'consent');
      const q = await R.enrolPatient(db, c, {
        ...enrolInput(w.sites.A),
        eligibility: { ...enrolInput(w.sites.A).eligibility, anticoagulation: true },
      });
      assert.equal(q.eligible, false);
      await R.recordConsent(db, c, q.id, { form_version: 'v2', consent_date: '2025-01-02', obtained_by: 'x' });
      const r2 = await api(
        w,
        w.tokens.A.coordinator,
        'POST',
        `/api/registry/patients/${q.id}/procedures`,
        prpProcedure(),
      );
      assert.equal(r2.status, 422);
      assert.equal(r2.json.field, 'eligibility');
    });

    test('a PRP below the configured fold is stored with a warning, not silently passed', async () => {
      const t = await fullPatient(w, 'A');
      const low = prpProcedure('2025-05-01');
      low.prp.prp.platelets = 400000; // 2.0 × the 200,000 baseline; config prp.minFold is 2.5
      const r = await api(w, w.tokens.A.coordinator, 'POST', `/api/registry/patients/${t.patient.id}/procedures`, low);
      assert.equal(r.status, 201);
      assert.match(String((r.json.warnings as string[])[0]), /below the configured PRP threshold 2.5/);
      const stored = await db.query<{ product_warnings: string[] }>(
        'SELECT product_warnings FROM procedure WHERE id = $1',
        [r.json.id],
      );
      assert.equal(stored.rows[0]!.product_warnings.length, 1);
    });

    test('scores are stored with the instrument and config versions; MME with the CDC factor set', async () => {
      const t = await fullPatient(w, 'A', { visit: true });
      const d = await R.getPatient(db, w.actors.A.coordinator, t.patient.id);
      const proms = (d.visits[0] as unknown as { proms: Record<string, unknown>[] }).proms;
      const odi = proms.find((p) => p.instrument === 'ODI')!;
      assert.equal(odi.instrument_version, 'ODI v2.1a');
      assert.equal(odi.config_version, 'instruments-2025.1');
      assert.equal(odi.score, (16 / 45) * 100); // 9 sections answered: 16 / (5 × 9) × 100
      const eq = proms.find((p) => p.instrument === 'EQ5D3L')!;
      assert.match(String(eq.value_set), /Dolan 1997.*Shaw 2005/);
      const visit = d.visits[0] as unknown as { mme_per_day: number; opioids: { entries: { factor_set: string }[] } };
      assert.equal(visit.mme_per_day, 22.5); // oxycodone 5 mg × 3 × 1.5 (CDC 2022)
      assert.equal(visit.opioids.entries[0]!.factor_set, 'CDC-2022');
    });

    test('the follow-up report in SQL agrees with the pure schedule rules', async () => {
      const { schedule, visitStatus } = await import('../../src/registry/schedule.ts');
      const t = await fullPatient(w, 'B', { visit: true });
      const today = '2025-04-15';
      const report = await R.followUpReport(db, w.actors.B.coordinator, w.sites.B, today);
      const expected = schedule('2025-01-10').map((v) => [
        v.timepoint,
        visitStatus(v, v.timepoint === 'baseline', today),
      ]);
      for (const [tp, status] of expected) {
        if (status === 'due' || status === 'overdue' || status === 'missed') {
          assert.ok(
            report[status].some((r) => r.patient_id === t.patient.id && r.timepoint === tp),
            `${tp} ${status}`,
          );
        }
      }
      assert.ok(report.overdue.some((r) => r.patient_id === t.patient.id && r.timepoint === '3m'));
    });

    if (engine === 'postgres') {
      test('hardened: the application role cannot drop or disable the audit guard, and still writes audit rows', async () => {
        const su = await openDb({ databaseUrl: pg.superuserUrl });
        try {
          await hardenAuditTable(su, 'regenspine');
        } finally {
          await su.close();
        }
        await assert.rejects(db.query('ALTER TABLE audit.audit_log DISABLE TRIGGER ALL'), /must be owner/);
        await assert.rejects(db.query('DROP TRIGGER audit_log_no_update_delete ON audit.audit_log'), /must be owner/);
        await assert.rejects(db.query('DROP TABLE audit.audit_log CASCADE'), /must be owner/);
        await assert.rejects(db.query('DROP SCHEMA audit CASCADE'), /must be owner/);
        await assert.rejects(db.query('ALTER TABLE audit.audit_log RENAME TO old_audit'), /must be owner/);
        await assert.rejects(db.query('DELETE FROM audit.audit_log'), /permission denied|append-only/);
        const t = await fullPatient(w, 'A');
        assert.ok((await auditCount(db, t.patient.id)) > 0);
      });
    }
  });
}
