// Regression tests of issue 11 through the HTTP app (PGlite): sign-in throttling per (account, client),
// storable text and versions, plausibility, consent scopes / withdrawal / research export, token scopes and
// expiry, security events, corrections with reasons, patient status, search and paging, the adjunct and
// consent-order form bugs, role-appropriate pages, admin pages with CSRF, and the dashboard report cache.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Hono } from 'hono';
import { lowerScryptCostForTests } from '../../src/registry/auth.ts';
import { DEFAULT_REGISTRY_CONFIG } from '../../src/registry/config.ts';
import { mayExportForResearch } from '../../src/registry/consent.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import * as R from '../../src/store/registry.ts';
import { CLI_ACTOR, createApiToken, createSession, createUser } from '../../src/store/registry-accounts.ts';
import { api, buildWorld, enrolInput, fullPatient, prpProcedure, visitInput, type World } from './fixtures.ts';

// Dozens of password hashes here test races and throttling, not scrypt's cost: hash at N = 2^12 (src/registry/auth.ts).
lowerScryptCostForTests(2 ** 12);

const PASSWORD = 'correct horse battery';
let db: Db;
let w: World;
let app: Hono;

before(async () => {
  db = await openDb({ memory: true, migrated: true });
  w = await buildWorld(db);
  app = w.app;
  for (const [email, role] of [
    ['admin@x.example.org', 'admin'],
    ['coord@x.example.org', 'coordinator'],
    ['clin@x.example.org', 'clinician'],
    ['analyst@x.example.org', 'analyst'],
  ] as const)
    await createUser(db, CLI_ACTOR, { email, role, siteIds: [w.sites.A], password: PASSWORD });
});
after(async () => {
  await db?.close();
});

const cookieOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

/** A sign-in as @hono/node-server delivers it: the socket's peer address in env.incoming. */
async function signIn(from: string, email: string, password: string) {
  const form = await app.request('/registry/login');
  const token = /name="_login" value="([^"]+)"/.exec(await form.text())![1]!;
  return app.request(
    '/registry/login',
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieOf(form) },
      body: new URLSearchParams({ _login: token, email, password }).toString(),
    },
    { incoming: { socket: { remoteAddress: from, remotePort: 40000, remoteFamily: 'IPv4' } } },
  );
}

async function session(email: string, from = '198.51.100.20') {
  const res = await signIn(from, email, PASSWORD);
  assert.equal(res.status, 303, `sign-in of ${email}`);
  const cookie = cookieOf(res);
  const page = await (await app.request('/registry', { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
  return { cookie, csrf };
}

const get = (s: { cookie: string }, path: string) => app.request(path, { headers: { cookie: s.cookie } });
const post = (s: { cookie: string; csrf: string | null }, path: string, fields: Record<string, string | string[]>) => {
  const body = new URLSearchParams();
  if (s.csrf) body.append('_csrf', s.csrf);
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) body.append(k, x);
  return app.request(path, {
    method: 'POST',
    headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  });
};

describe('M4: no outsider can lock an account', () => {
  test('twenty wrong passwords from one client: that client waits, the admin signs in from another', async () => {
    const attacker = '203.0.113.66';
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await signIn(attacker, 'admin@x.example.org', `guess-${i}`)).status);
    assert.ok(statuses.includes(429), `the attacker is throttled: ${statuses.join(',')}`);
    // At least the free checks; a few more only when a delay ran out between two attempts (a slow machine).
    const checked = statuses.filter((s) => s === 401).length;
    assert.ok(checked >= DEFAULT_REGISTRY_CONFIG.auth.loginFreeFailures.value && checked < 14, statuses.join(','));
    // The correct password from an unthrottled client signs in (before: 429 "Try again in 900 s").
    assert.equal((await signIn('198.51.100.44', 'admin@x.example.org', PASSWORD)).status, 303);
    // The attacker's own client is still waiting, correct password or not (its last failure made "now",
    // so the assertion does not depend on how long the sign-ins above took).
    await db.query(
      "UPDATE login_failure SET last_failure_at = now() WHERE email = 'admin@x.example.org IP 203.0.113.66'",
    );
    const last = await signIn(attacker, 'admin@x.example.org', PASSWORD);
    assert.equal(last.status, 429);
    // the security event says how long the client was told to wait, as the retry-after header did
    const ev = await db.query<{ detail: { retry_after_seconds: number } | null; email: string }>(
      "SELECT detail, email FROM security_event WHERE kind = 'sign-in-throttled' ORDER BY id DESC LIMIT 1",
    );
    assert.equal(ev.rows[0]!.email, 'admin@x.example.org');
    assert.equal(ev.rows[0]!.detail?.retry_after_seconds, Number(last.headers.get('retry-after')));
    assert.ok(Number(last.headers.get('retry-after')) > 0);
  });
  test('the delay grows with each further failure from the same client', async () => {
    const c = '203.0.113.67';
    for (let i = 0; i < 5; i++) await signIn(c, 'coord@x.example.org', `g${i}`);
    const first = Number((await signIn(c, 'coord@x.example.org', 'x')).headers.get('retry-after'));
    // Let the delay pass (the counter's clock), fail once more: a longer delay.
    await db.query(
      "UPDATE login_failure SET last_failure_at = now() - interval '1 hour' WHERE email = 'coord@x.example.org IP 203.0.113.67'",
    );
    assert.equal((await signIn(c, 'coord@x.example.org', 'wrong again')).status, 401);
    const second = Number((await signIn(c, 'coord@x.example.org', 'x')).headers.get('retry-after'));
    assert.ok(second > first, `${first} s then ${second} s`);
  });
});

describe('L1: NUL, lone surrogates and huge versions are 400s naming the field', () => {
  test('in free text, JSON-stored text, reasons, versions and the sign-in e-mail', async () => {
    const t = await fullPatient(w, 'A');
    const tok = w.tokens.A.clinician;
    const id = t.patient.id;
    const cases: [string, string, unknown, string][] = [
      [
        'POST',
        `/api/registry/patients/${id}/adverse-events`,
        { term: 'a\u0000b', onset_date: '2025-06-02', grade: 1 },
        'term',
      ],
      [
        'POST',
        `/api/registry/patients/${id}/consents`,
        { form_version: 'v\ud800', consent_date: '2025-01-02', obtained_by: 'x' },
        'form_version',
      ],
      [
        'POST',
        `/api/registry/patients/${id}/procedures`,
        { ...prpProcedure(), prp: { ...prpProcedure().prp, preparation: { device: 'kit\udfff' } } },
        'prp.preparation.device',
      ],
      ['PATCH', `/api/registry/patients/${id}`, { version: 2 ** 31, reason: 'fix', sex: 'male' }, 'version'],
      ['PATCH', `/api/registry/patients/${id}`, { version: 1, reason: 'fix\u0000', sex: 'male' }, 'reason'],
      ['POST', `/api/registry/adverse-events/${t.aeId}/acknowledge`, { version: 2 ** 40 }, 'version'],
    ];
    for (const [method, path, body, field] of cases) {
      const r = await api(w, tok, method, path, body);
      assert.equal(r.status, 400, `${path} ${field}: ${r.text}`);
      assert.equal(r.json.field, field);
    }
    // The acknowledgement's version is a whole number from 1 to 2^31 − 1 (a PostgreSQL integer): 0, 1.5 and
    // 2^31 are refused before any query; 2^31 − 1 is a version, only not this event's.
    const ack = `/api/registry/adverse-events/${t.aeId}/acknowledge`;
    for (const version of [0, 1.5, 2 ** 31]) {
      const r = await api(w, tok, 'POST', ack, { version });
      assert.equal(r.status, 400, `version ${version}: ${r.text}`);
      assert.equal(r.json.field, 'version');
    }
    const top = await api(w, tok, 'POST', ack, { version: 2 ** 31 - 1 });
    assert.equal(top.status, 409, top.text);
    assert.match(String(top.json.error), /changed by someone else \(now version 1\)/);
    const nul = await signIn('198.51.100.30', 'a\u0000@x.org', 'whatever-pass');
    assert.equal(nul.status, 401);
  });
});

describe('L2: implausible clinical values are refused', () => {
  test('infinite and huge MME, future and pre-birth dates, tiny BMI and volumes, long device strings', async () => {
    const t = await fullPatient(w, 'A'); // born 1968, index procedure 2025-01-10
    const tok = w.tokens.A.clinician;
    const id = t.patient.id;
    const visit = (over: Record<string, unknown>) => ({ ...visitInput('3m', '2025-04-10'), ...over });
    const cases: [string, unknown, number, string][] = [
      [
        `/api/registry/patients/${id}/visits`,
        visit({ opioids: [{ drug: 'oxycodone', dose_mg: 1e200, doses_per_day: 1e200 }] }),
        400,
        'opioids[0].dose_mg',
      ],
      [
        `/api/registry/patients/${id}/visits`,
        visit({ opioids: [{ drug: 'morphine', dose_mg: 1000, doses_per_day: 40 }] }),
        400,
        'opioids',
      ],
      [`/api/registry/patients/${id}/visits`, visitInput('24m', '2199-12-31'), 422, 'visit_date'],
      [
        `/api/registry/patients/${id}/visits`,
        visit({ reintervention: { occurred: true, date: '1901-01-01' } }),
        422,
        'reintervention.date',
      ],
      [
        `/api/registry/patients/${id}/adverse-events`,
        { term: 'x', onset_date: '1900-01-01', grade: 1 },
        422,
        'onset_date',
      ],
      [
        `/api/registry/patients/${id}/adverse-events`,
        { term: 'x', onset_date: '2199-01-01', grade: 1 },
        422,
        'onset_date',
      ],
      [
        `/api/registry/patients/${id}/consents`,
        { form_version: 'v', consent_date: '2199-01-01', obtained_by: 'x' },
        422,
        'consent_date',
      ],
      ['/api/registry/patients', { ...enrolInput(w.sites.A), bmi: 1e-300 }, 400, 'bmi'],
      [
        `/api/registry/patients/${id}/procedures`,
        { ...prpProcedure(), injectate_volume_ml: 1e-300 },
        400,
        'injectate_volume_ml',
      ],
      [
        `/api/registry/patients/${id}/procedures`,
        { ...prpProcedure(), therapy: 'BMC', prp: null, bmc: { device: 'x'.repeat(200_000), tnc_per_ml: 1e7 } },
        400,
        'bmc.device',
      ],
    ];
    for (const [path, body, status, field] of cases) {
      const r = await api(w, tok, 'POST', path, body);
      assert.equal(r.status, status, `${field}: ${r.text.slice(0, 300)}`);
      assert.equal(r.json.field, field);
    }
    const stored = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM followup_visit WHERE mme_per_day > 5000 OR mme_per_day = 'Infinity'",
    );
    assert.equal(stored.rows[0]!.n, 0);
  });
  test('the database refuses what validation would have (CHECK constraints)', async () => {
    const t = await fullPatient(w, 'A');
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.query("SELECT set_config('regenspine.reason', 'test', true)");
        await tx.query("UPDATE followup_visit SET mme_per_day = 'Infinity' WHERE patient_id = $1", [t.patient.id]);
        await tx.query(
          "INSERT INTO followup_visit (patient_id, site_id, timepoint, visit_date, mme_per_day, schedule_config_version) VALUES ($1, $2, '6m', '2025-07-10', 'Infinity', 'x')",
          [t.patient.id, w.sites.A],
        );
      }),
      /followup_visit_plausible_check/,
    );
    await assert.rejects(
      db.query('UPDATE patient SET bmi = 1e-300 WHERE id = $1', [t.patient.id]),
      /patient_plausible_check|reason/,
    );
  });
});

describe('M6: consent scopes, withdrawal, research export', () => {
  test('only patients with a research consent holding today are exported; a withdrawal removes them, audited', async () => {
    await fullPatient(w, 'B', { visit: true }); // registry consent only: never exported
    const research = await fullPatient(w, 'B', { visit: true, research: true });
    const exported = async () => {
      const r = await api(w, w.tokens.B.analyst, 'GET', '/api/registry/deidentified/outcomes');
      assert.equal(r.status, 200, r.text);
      return r.json as unknown as { subject_key: string }[];
    };
    const rows = await exported();
    // Each patient has a baseline visit with 3 PROMs: only the research-consented one is exported.
    assert.equal(rows.length, 3, 'a patient without research consent is not exported (before: 6 rows)');
    // The SQL of the export and the pure rule (src/registry/consent.ts) agree on every patient of the site.
    const agree = async () => {
      const ps = await db.query<{ id: number; status: string; n: number }>(
        'SELECT p.id, p.status, (SELECT count(*)::int FROM prom_score s WHERE s.patient_id = p.id) AS n FROM patient p WHERE site_id = $1',
        [w.sites.B],
      );
      let expected = 0;
      for (const p of ps.rows) {
        const cs = await db.query<{ scope: string; consent_date: string; withdrawn_date: string | null }>(
          'SELECT scope, consent_date::text AS consent_date, withdrawn_date::text AS withdrawn_date FROM consent WHERE patient_id = $1',
          [p.id],
        );
        if (mayExportForResearch(p.status, cs.rows, new Date().toISOString().slice(0, 10))) expected += p.n;
      }
      assert.equal((await exported()).length, expected);
    };
    await agree();
    const detail = await R.getPatient(db, w.actors.B.clinician, research.patient.id);
    const rc = (detail.consents as { id: number; scope: string; version: number }[]).find(
      (c) => c.scope === 'research',
    )!;
    const wd = await api(w, w.tokens.B.clinician, 'POST', `/api/registry/consents/${rc.id}/withdraw`, {
      version: rc.version,
      withdrawn_date: '2025-06-01',
      reason: 'patient asked by phone',
    });
    assert.equal(wd.status, 200, wd.text);
    assert.equal(wd.json.withdrawn_date, '2025-06-01');
    assert.equal((await exported()).length, 0, 'withdrawn: excluded from then on');
    await agree();
    const again = await api(w, w.tokens.B.clinician, 'POST', `/api/registry/consents/${rc.id}/withdraw`, {
      version: wd.json.version,
      withdrawn_date: '2025-06-02',
      reason: 'twice',
    });
    assert.equal(again.status, 409);
    const audit = await db.query<{ reason: string; new_values: Record<string, unknown> }>(
      "SELECT reason, new_values FROM audit.audit_log WHERE entity = 'consent' AND entity_id = $1 AND action = 'update'",
      [String(rc.id)],
    );
    assert.equal(audit.rows.length, 1);
    assert.match(audit.rows[0]!.reason, /patient asked by phone/);
    assert.equal(audit.rows[0]!.new_values.withdrawn_date, '2025-06-01');
  });
  test('withdrawing the registry consent sets the patient withdrawn; later visits are refused', async () => {
    const t = await fullPatient(w, 'A');
    const d = await R.getPatient(db, w.actors.A.clinician, t.patient.id);
    const c = (d.consents as { id: number; version: number }[])[0]!;
    const r = await api(w, w.tokens.A.clinician, 'POST', `/api/registry/consents/${c.id}/withdraw`, {
      version: c.version,
      withdrawn_date: '2025-03-01',
      reason: 'moved away, no longer wishes to take part',
    });
    assert.equal(r.status, 200, r.text);
    const p = await R.getPatient(db, w.actors.A.clinician, t.patient.id);
    assert.equal(p.patient.status, 'withdrawn');
    assert.equal(p.patient.status_date, '2025-03-01');
    const v = await api(
      w,
      w.tokens.A.clinician,
      'POST',
      `/api/registry/patients/${t.patient.id}/visits`,
      visitInput('3m', '2025-04-10'),
    );
    assert.equal(v.status, 422, v.text);
    assert.equal(v.json.field, 'status');
  });
  test('a procedure before any consent reports the consent rule, not a missing operator', async () => {
    const p = await R.enrolPatient(db, w.actors.A.clinician, enrolInput(w.sites.A));
    const r = await api(w, w.tokens.A.clinician, 'POST', `/api/registry/patients/${p.id}/procedures`, {
      procedure_date: '2025-01-10',
      therapy: 'PRP',
    });
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.field, 'consent');
    assert.match(String(r.json.error), /registry-participation consent/);
  });
});

describe('L6: API token scopes and default expiry', () => {
  test('a token gets read only and an expiry by default; write needs the scope', async () => {
    const email = 'scripts@x.example.org';
    await createUser(db, CLI_ACTOR, { email, role: 'clinician', siteIds: [w.sites.A] });
    const ro = await createApiToken(db, CLI_ACTOR, email, 'nightly-export');
    const row = await db.query<{ scopes: string[]; days: number }>(
      "SELECT scopes, round(extract(epoch FROM expires_at - created_at) / 86400)::int AS days FROM api_token WHERE label = 'nightly-export'",
    );
    assert.deepEqual(row.rows[0]!.scopes, ['read']);
    assert.equal(row.rows[0]!.days, DEFAULT_REGISTRY_CONFIG.tokens.defaultDays.value);
    assert.equal((await api(w, ro, 'GET', '/api/registry/patients')).status, 200);
    const write = await api(w, ro, 'POST', '/api/registry/patients', enrolInput(w.sites.A));
    assert.equal(write.status, 403);
    assert.match(String(write.json.error), /"write" scope/);
    const rw = await createApiToken(db, CLI_ACTOR, email, { label: 'entry', scopes: ['read', 'write'], days: 7 });
    assert.equal((await api(w, rw, 'POST', '/api/registry/patients', enrolInput(w.sites.A))).status, 201);
    await assert.rejects(createApiToken(db, CLI_ACTOR, email, { label: 'x', days: 10_000 }), { field: 'days' });
    await assert.rejects(createApiToken(db, CLI_ACTOR, email, { label: 'x', scopes: ['admin'] }), { field: 'scopes' });
    await db.query("UPDATE api_token SET expires_at = now() - interval '1 second' WHERE label = 'entry'");
    assert.equal((await api(w, rw, 'GET', '/api/registry/me')).status, 401);
  });
});

describe('L4: security events, record reads, exports, CLI operator', () => {
  test('sign-in, failed sign-in, sign-out, record read and export are logged', async () => {
    const before = Number(
      (await db.query<{ n: string }>('SELECT coalesce(max(id), 0) AS n FROM security_event')).rows[0]!.n,
    );
    assert.equal((await signIn('198.51.100.77', 'clin@x.example.org', 'not-the-password')).status, 401);
    // the session cookie lasts config auth.sessionHours (hours → seconds)
    const ok = await signIn('198.51.100.78', 'clin@x.example.org', PASSWORD);
    assert.equal(ok.status, 303);
    const cookie = ok.headers.getSetCookie().find((c) => c.startsWith('rs_session='))!;
    assert.match(cookie, new RegExp(`Max-Age=${DEFAULT_REGISTRY_CONFIG.auth.sessionHours.value * 60 * 60}(;|$)`));
    const s = await session('clin@x.example.org', '198.51.100.77');
    const t = await fullPatient(w, 'A');
    assert.equal((await get(s, `/registry/patients/${t.patient.id}`)).status, 200);
    assert.equal((await api(w, w.tokens.A.analyst, 'GET', '/api/registry/deidentified/outcomes')).status, 200);
    const out = await post(s, '/registry/logout', {});
    assert.equal(out.status, 303);
    assert.equal(out.headers.get('location'), '/registry/login');
    const ev = await db.query<{
      kind: string;
      email: string | null;
      client: string | null;
      patient_id: string | null;
      user_id: number | null;
      via: string | null;
    }>('SELECT kind, email, client, patient_id, user_id, via FROM security_event WHERE id > $1 ORDER BY id', [before]);
    const kinds = ev.rows.map((e) => e.kind);
    for (const k of ['sign-in-failed', 'sign-in', 'record-read', 'export', 'sign-out'])
      assert.ok(kinds.includes(k), `${k}: ${kinds}`);
    assert.equal(ev.rows.find((e) => e.kind === 'sign-in-failed')!.client, 'IP 198.51.100.77');
    assert.equal(Number(ev.rows.find((e) => e.kind === 'record-read')!.patient_id), t.patient.id);
    // Who signed in and out, and through what: the e-mail a sign-in named, the account, the browser form.
    const clin = (await db.query<{ id: number }>("SELECT id FROM app_user WHERE email = 'clin@x.example.org'")).rows[0]!
      .id;
    const signedIn = ev.rows.find((e) => e.kind === 'sign-in')!;
    assert.deepEqual([signedIn.email, signedIn.user_id, signedIn.via], ['clin@x.example.org', clin, 'ui']);
    const signedOut = ev.rows.find((e) => e.kind === 'sign-out')!;
    assert.deepEqual([signedOut.user_id, signedOut.via], [clin, 'ui']);
    assert.equal(ev.rows.find((e) => e.kind === 'sign-in-failed')!.email, 'clin@x.example.org');
    await assert.rejects(db.query('DELETE FROM security_event'), /append-only/);
  });
  test('CSRF refusals and access denials are logged', async () => {
    const s = await session('coord@x.example.org');
    assert.equal((await post({ ...s, csrf: null }, '/registry/patients', {})).status, 403);
    const r = await api(w, w.tokens.A.coordinator, 'GET', '/api/registry/deidentified/outcomes');
    assert.equal(r.status, 403);
    const ev = await db.query<{ kind: string }>(
      "SELECT kind FROM security_event WHERE kind IN ('csrf-refused', 'access-denied')",
    );
    assert.deepEqual([...new Set(ev.rows.map((e) => e.kind))].sort(), ['access-denied', 'csrf-refused']);
  });
});

describe('corrections, status, search and paging', () => {
  test('a mistyped visit is corrected with a reason: re-scored, audited, optimistic locking', async () => {
    const t = await fullPatient(w, 'A');
    const v = await R.submitFollowUp(db, w.actors.A.clinician, t.patient.id, visitInput('1m', '2025-02-10'));
    const path = `/api/registry/visits/${v.id}`;
    const corrected = { ...visitInput('1m', '2025-02-11'), proms: { NRS: { value: 3 } } };
    const r = await api(w, w.tokens.A.clinician, 'PUT', path, {
      version: 1,
      reason: 'NRS typed as 6, was 3',
      record: corrected,
    });
    assert.equal(r.status, 200, r.text);
    const stale = await api(w, w.tokens.A.clinician, 'PUT', path, { version: 1, reason: 'again', record: corrected });
    assert.equal(stale.status, 409);
    const noReason = await api(w, w.tokens.A.clinician, 'PUT', path, { version: 2, record: corrected });
    assert.equal(noReason.status, 400);
    assert.equal(noReason.json.field, 'reason');
    const bad = await api(w, w.tokens.A.clinician, 'PUT', path, {
      version: 2,
      reason: 'x y z',
      record: { ...corrected, proms: { NRS: { value: 11 } } },
    });
    assert.equal(bad.status, 400);
    assert.match(String(bad.json.field), /^record\.proms\.NRS/);
    const d = await R.getPatient(db, w.actors.A.clinician, t.patient.id);
    const visit = (
      d.visits as { id: number; visit_date: string; proms: { instrument: string; score: number }[] }[]
    ).find((x) => Number(x.id) === Number(v.id))!;
    assert.equal(visit.visit_date, '2025-02-11');
    assert.deepEqual(
      visit.proms.map((p) => [p.instrument, p.score]),
      [['NRS', 3]],
    );
    const audit = await db.query<{ entity: string; action: string; reason: string }>(
      "SELECT entity, action, reason FROM audit.audit_log WHERE patient_id = $1 AND reason = 'NRS typed as 6, was 3' ORDER BY id",
      [t.patient.id],
    );
    assert.deepEqual([...new Set(audit.rows.map((a) => `${a.entity} ${a.action}`))].sort(), [
      'followup_visit update',
      'prom_score create',
      'prom_score delete',
    ]);
  });
  test('a mistyped procedure and consent are corrected with a reason; the index date follows', async () => {
    const t = await fullPatient(w, 'A');
    const r = await api(w, w.tokens.A.clinician, 'PUT', `/api/registry/procedures/${t.procedureId}`, {
      version: 1,
      reason: 'date typed wrong',
      record: { ...prpProcedure('2025-01-12'), adjuncts: ['lidocaine 1%'] },
    });
    assert.equal(r.status, 200, r.text);
    const d = await R.getPatient(db, w.actors.A.clinician, t.patient.id);
    assert.equal(d.patient.index_procedure_date, '2025-01-12');
    const c = (d.consents as { id: number; version: number }[])[0]!;
    const cc = await api(w, w.tokens.A.clinician, 'PATCH', `/api/registry/consents/${c.id}`, {
      version: c.version,
      reason: 'form version typo',
      form_version: 'v3',
    });
    assert.equal(cc.status, 200, cc.text);
    assert.equal(cc.json.form_version, 'v3');
  });
  test('patient status: lost to follow-up and deceased need a date; visits after death are refused', async () => {
    const t = await fullPatient(w, 'A');
    const path = `/api/registry/patients/${t.patient.id}/status`;
    const v = (await R.getPatient(db, w.actors.A.clinician, t.patient.id)).patient.version;
    const noDate = await api(w, w.tokens.A.clinician, 'PATCH', path, {
      version: v,
      status: 'deceased',
      reason: 'family informed',
    });
    assert.equal(noDate.status, 400);
    assert.equal(noDate.json.field, 'status_date');
    const ok = await api(w, w.tokens.A.clinician, 'PATCH', path, {
      version: v,
      status: 'deceased',
      status_date: '2025-03-01',
      reason: 'family informed',
    });
    assert.equal(ok.status, 200, ok.text);
    const late = await api(
      w,
      w.tokens.A.clinician,
      'POST',
      `/api/registry/patients/${t.patient.id}/visits`,
      visitInput('3m', '2025-04-10'),
    );
    assert.equal(late.status, 422);
    assert.equal(late.json.field, 'visit_date');
  });
  test('patients can be searched by registry id and paged past 50', async () => {
    const actor = w.actors.B.coordinator;
    const made: string[] = [];
    for (let i = 0; i < 60; i++) made.push((await R.enrolPatient(db, actor, enrolInput(w.sites.B))).registry_id);
    const seen = new Set<string>();
    let before: number | null = null;
    let pages = 0;
    do {
      const q = before ? `?limit=50&before=${before}` : '?limit=50';
      const r = await api(w, w.tokens.B.coordinator, 'GET', `/api/registry/patients${q}`);
      assert.equal(r.status, 200, r.text);
      const page = r.json as unknown as { patients: { registry_id: string }[]; next_before: number | null };
      for (const p of page.patients) seen.add(p.registry_id);
      before = page.next_before;
      pages++;
    } while (before && pages < 10);
    for (const id of made) assert.ok(seen.has(id), `${id} reachable by paging`);
    const part = made[17]!.slice(2, 8).toLowerCase();
    const found = await api(w, w.tokens.B.coordinator, 'GET', `/api/registry/patients?q=${part}`);
    const ids = (found.json as unknown as { patients: { registry_id: string }[] }).patients.map((p) => p.registry_id);
    assert.ok(ids.includes(made[17]!));
    // The dashboard offers the next page, and following it shows patients the first page did not.
    const { id: sid } = await createSession(db, actor.userId, null);
    const dashboard = async (path: string) => {
      const html = await (await app.request(path, { headers: { cookie: `rs_session=${sid}` } })).text();
      const shown = new Set(made.filter((id) => html.includes(`>${id}</a>`)));
      const next = /<a href="(\/registry\?[^"]*)#patients">Next \d+ patients<\/a>/
        .exec(html)?.[1]
        ?.replace(/&amp;/g, '&');
      return { shown, next };
    };
    const first = await dashboard(`/registry?site=${w.sites.B}`);
    assert.ok(first.shown.size > 0 && first.next, 'the first page lists some patients and links the next');
    assert.match(first.next!, /[?&]before=\d+/);
    const second = await dashboard(first.next!);
    assert.ok(second.shown.size > 0, 'the next page lists patients');
    for (const id of second.shown) assert.ok(!first.shown.has(id), `${id} is on one page only`);
  });
  test('any of q, status, before or limit asks for one page and its cursor; none of them, for the plain list', async () => {
    const token = w.tokens.B.coordinator;
    const plain = await api(w, token, 'GET', '/api/registry/patients');
    assert.equal(plain.status, 200, plain.text);
    assert.ok(Array.isArray(plain.json), 'no search: the plain list');
    for (const q of ['q=B', 'status=active', `before=${2 ** 31 - 1}`, 'limit=5', `q=B&site_id=${w.sites.B}`]) {
      const r = await api(w, token, 'GET', `/api/registry/patients?${q}`);
      assert.equal(r.status, 200, `${q}: ${r.text}`);
      assert.ok(Array.isArray(r.json.patients) && 'next_before' in r.json, `${q}: one page with its cursor`);
    }
    // the audit trail by table: a name that is not a table's is refused before any query
    const bad = await api(w, w.tokens.B.admin, 'GET', '/api/registry/audit?entity=Patient;--');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json, { error: 'expected a table name such as adverse_event', field: 'entity' });
  });
});

describe('forms and pages', () => {
  test('a procedure with "Adjunct" filled is saved (before: adjuncts[0] wrapped twice, never savable)', async () => {
    const s = await session('clin@x.example.org');
    const p = await R.enrolPatient(db, w.actors.A.clinician, enrolInput(w.sites.A));
    await R.recordConsent(db, w.actors.A.clinician, p.id, {
      form_version: 'v2',
      consent_date: '2025-01-02',
      obtained_by: 'c',
    });
    const r = await post(s, `/registry/patients/${p.id}/procedures`, {
      procedure_date: '2025-01-10',
      operator: 'Dr A',
      therapy: 'PRP',
      image_guidance: 'fluoroscopy',
      injectate_volume_ml: '3',
      'adjuncts[0]': 'lidocaine 1%',
      'targets[0].structure': 'disc',
      'targets[0].level': 'L4-L5',
      'prp.baseline.platelets': '200000',
      'prp.prp.platelets': '1000000',
    });
    assert.equal(r.status, 303, (await r.text()).slice(0, 500));
    const d = await R.getPatient(db, w.actors.A.clinician, p.id);
    assert.deepEqual((d.procedures[0] as { adjuncts: string[] }).adjuncts, ['lidocaine 1%']);
  });
  test('the procedure form says up front when the consent is missing; submitting names the consent', async () => {
    const s = await session('coord@x.example.org');
    const p = await R.enrolPatient(db, w.actors.A.coordinator, enrolInput(w.sites.A));
    const form = await (await get(s, `/registry/patients/${p.id}/procedures/new`)).text();
    assert.match(form, /No registry-participation consent is recorded/);
    const r = await post(s, `/registry/patients/${p.id}/procedures`, { therapy: 'PRP' });
    assert.equal(r.status, 422);
    const page = await r.text();
    assert.match(page, /consent: record the registry-participation consent first/);
    assert.doesNotMatch(page, /operator: missing/);
  });
  test('the follow-up form shows the PROMIS questions, and says ODI and EQ-5D wording is licensed', async () => {
    const s = await session('coord@x.example.org');
    const t = await fullPatient(w, 'A');
    const page = await (await get(s, `/registry/patients/${t.patient.id}/visits/new`)).text();
    assert.match(page, /In general, would you say your health is:/);
    assert.match(page, /To what extent are you able to carry out your everyday physical activities/);
    assert.match(page, /ODI wording is licensed \(Mapi Research Trust\)/);
    assert.match(page, /EQ-5D wording is licensed \(EuroQol Research Foundation\)/);
    assert.doesNotMatch(page, />Global01</, 'no bare item code as the label');
  });
  test('analysts and admins see no "Enrol a patient"; admins see Administration', async () => {
    const coord = await (await get(await session('coord@x.example.org'), '/registry')).text();
    assert.match(coord, /Enrol a patient/);
    for (const email of ['analyst@x.example.org', 'admin@x.example.org']) {
      const page = await (await get(await session(email), '/registry')).text();
      assert.doesNotMatch(page, /Enrol a patient|Enrol the first one/, email);
    }
    const admin = await (await get(await session('admin@x.example.org'), '/registry')).text();
    assert.match(admin, /href="\/registry\/admin"/);
  });
  test('admin pages: create a site and a user, reset a password, tokens; CSRF and role enforced; audited', async () => {
    const s = await session('admin@x.example.org');
    assert.equal((await get(s, '/registry/admin')).status, 200);
    const site = await post(s, '/registry/admin/sites', { code: 'SITE-C', name: 'Site C' });
    assert.equal(site.status, 200);
    assert.match(await site.text(), /Site SITE-C created/);
    const siteId = (await db.query<{ id: number }>("SELECT id FROM registry_site WHERE code = 'SITE-C'")).rows[0]!.id;
    const user = await post(s, '/registry/admin/users', {
      email: 'new.coord@x.example.org',
      role: 'coordinator',
      site: String(siteId),
    });
    const text = await user.text();
    const temp = /class="secret">([^<]+)</.exec(text)![1]!;
    assert.equal(
      (await signIn('198.51.100.90', 'new.coord@x.example.org', temp)).status,
      303,
      'the temporary password works',
    );
    const reset = await post(s, '/registry/admin/users/reset-password', { email: 'new.coord@x.example.org' });
    assert.match(await reset.text(), /Password of new.coord@x.example.org reset/);
    const tok = await post(s, '/registry/admin/tokens', {
      email: 'new.coord@x.example.org',
      label: 'import',
      days: '30',
      scope: ['read', 'write'],
    });
    assert.match(await tok.text(), /rst_/);
    const deact = await post(s, '/registry/admin/users/deactivate', { email: 'new.coord@x.example.org' });
    assert.match(await deact.text(), /deactivated: \d+ session\(s\) ended, 1 API token\(s\) revoked/);
    // Without the CSRF token: refused, nothing written.
    assert.equal(
      (await post({ ...s, csrf: null }, '/registry/admin/sites', { code: 'SITE-D', name: 'D' })).status,
      403,
    );
    assert.equal((await db.query("SELECT 1 FROM registry_site WHERE code = 'SITE-D'")).rows.length, 0);
    // Not an admin: refused.
    const coord = await session('coord@x.example.org');
    assert.equal((await get(coord, '/registry/admin')).status, 403);
    assert.equal((await post(coord, '/registry/admin/sites', { code: 'SITE-E', name: 'E' })).status, 403);
    const adminId = (await db.query<{ id: string }>("SELECT id FROM app_user WHERE email = 'admin@x.example.org'"))
      .rows[0]!.id;
    const audit = await db.query<{ entity: string }>(
      'SELECT DISTINCT entity FROM audit.audit_log WHERE user_id = $1 AND via = $2',
      [adminId, 'ui'],
    );
    assert.deepEqual(audit.rows.map((a) => a.entity).sort(), ['api_token', 'app_user', 'registry_site', 'user_site']);
  });
  test('consent withdrawal, status and corrections through the forms', async () => {
    const s = await session('clin@x.example.org');
    const t = await fullPatient(w, 'A');
    const page = await (await get(s, `/registry/patients/${t.patient.id}`)).text();
    const consentId = /\/registry\/consents\/(\d+)\/withdraw/.exec(page)![1]!;
    const wd = await post(s, `/registry/consents/${consentId}/withdraw`, {
      version: '1',
      withdrawn_date: '2025-05-01',
      reason: 'asked at visit',
    });
    assert.equal(wd.status, 303, (await wd.text()).slice(0, 300));
    const after = await (await get(s, `/registry/patients/${t.patient.id}`)).text();
    assert.match(after, /Withdrawn from the registry since 2025-05-01/);
    const edit = await (await get(s, `/registry/procedures/${t.procedureId}/edit`)).text();
    assert.match(edit, /Correct the procedure/);
    assert.match(edit, /name="operator" type="text" value="operator-1"/);
  });
});

describe('L5: the dashboard reuses the follow-up report', () => {
  test('two loads share one computation; a write recomputes it', async () => {
    const s = await session('coord@x.example.org');
    const stamp = async () => /computed (\d\d:\d\d:\d\d) UTC/.exec(await (await get(s, '/registry')).text())?.[1];
    const first = await stamp();
    assert.ok(first);
    await db.query('SELECT pg_sleep(1.1)');
    assert.equal(await stamp(), first, 'the second load reused the report');
    await post(s, '/registry/patients', {}); // a refused write (400) changes nothing
    assert.equal(await stamp(), first);
    const t = await fullPatient(w, 'A');
    const ok = await post(s, `/registry/patients/${t.patient.id}/consents`, {
      scope: 'research',
      form_version: 'v',
      consent_date: '2025-01-03',
      obtained_by: 'x',
    });
    assert.equal(ok.status, 303);
    assert.notEqual(await stamp(), first, 'recomputed after a write');
  });
});
