// The registry's HTML form routes in process (Hono's app.request over an in-memory registry, a signed-in
// browser session): recording and correcting consents, procedures and follow-up visits, withdrawal and
// status, adverse events and their acknowledgement, the administration page's actions and the ePRO
// invitation form. Each form is read from the page the server draws (as a browser would submit it), changed,
// and posted; the test checks the redirect or the re-drawn form and what the database holds afterwards.
// The browser tests (test/e2e) click the same forms in Chromium, where mutation testing sees no coverage.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as R from '../../src/store/registry.ts';
import { CLI_ACTOR, createApiToken, createSession, createUser } from '../../src/store/registry-accounts.ts';
import { api, enrolInput, fullPatient, loggedErrors, pgliteWorld, visitInput, type World } from './fixtures.ts';

type Fields = [string, string][];

const decode = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const attr = (tag: string, name: string): string | null => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag) ?? new RegExp(`\\s${name}(?=[\\s/>])`).exec(tag);
  return m ? decode(m[1] ?? '') : null;
};

/** What a browser would submit from the page's form with this action (HTML §4.10.21.4, simplified). */
function formFields(html: string, action: string): Fields {
  const start = html.indexOf(`action="${action}"`);
  assert.ok(start >= 0, `no form with action ${action}`);
  const body = html.slice(start, html.indexOf('</form>', start));
  const out: Fields = [];
  const re = /<input\b[^>]*>|<select\b[^>]*>[\s\S]*?<\/select>|<textarea\b[^>]*>[\s\S]*?<\/textarea>/g;
  for (const m of body.matchAll(re)) {
    const el = m[0];
    const open = /^<[^>]*>/.exec(el)![0];
    const name = attr(open, 'name');
    if (!name || attr(open, 'disabled') !== null) continue;
    if (el.startsWith('<input')) {
      const type = attr(open, 'type') ?? 'text';
      if ((type === 'checkbox' || type === 'radio') && attr(open, 'checked') === null) continue;
      if (type === 'submit' || type === 'button') continue;
      out.push([name, attr(open, 'value') ?? (type === 'checkbox' ? 'on' : '')]);
    } else if (el.startsWith('<select')) {
      const options = [...el.matchAll(/<option\b[^>]*>/g)].map((o) => o[0]);
      const chosen = options.find((o) => attr(o, 'selected') !== null) ?? options[0];
      if (chosen) out.push([name, attr(chosen, 'value') ?? '']);
    } else out.push([name, decode(/<textarea\b[^>]*>([\s\S]*?)<\/textarea>/.exec(el)![1]!)]);
  }
  return out;
}
const set = (f: Fields, name: string, value: string): Fields => {
  const rest = f.filter(([k]) => k !== name);
  return [...rest, [name, value]];
};

async function browser(w: World, site: 'A' | 'B', role: 'admin' | 'clinician' | 'coordinator' | 'analyst') {
  const s = await createSession(w.db, w.actors[site][role].userId, null);
  const cookie = `rs_session=${s.id}`;
  return {
    csrf: s.csrf,
    get: (path: string) => w.app.request(path, { headers: { cookie } }),
    post: (path: string, fields: Fields, opts: { csrf?: boolean } = {}) => {
      const p = new URLSearchParams(fields);
      if (opts.csrf !== false && !p.has('_csrf')) p.set('_csrf', s.csrf);
      return w.app.request(path, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: p.toString(),
      });
    },
  };
}
/** Withdraws the patient's one (registry) consent through its form, as the patient page does. */
async function withdrawConsent(w: World, b: Awaited<ReturnType<typeof browser>>, patientId: number) {
  const c = await one<{ id: number; version: number }>(w, 'SELECT id, version FROM consent WHERE patient_id = $1', [
    patientId,
  ]);
  const r = await b.post(`/registry/consents/${c.id}/withdraw`, [
    ['version', String(c.version)],
    ['withdrawn_date', '2025-01-04'],
    ['reason', 'patient asked'],
  ]);
  assert.equal(r.status, 303);
}
/** The field the re-drawn form's alert names (views.tsx ErrorBox: "Not saved. field: message"), or null. */
const alertField = (html: string) => /role="alert"><strong>Not saved\.<\/strong> ([^:<]+):/.exec(html)?.[1] ?? null;
const title = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1];
const one = async <T>(w: World, sql: string, params: unknown[]) => (await w.db.query<T>(sql, params)).rows[0]!;

describe('registry form routes (signed-in browser session)', () => {
  const t = pgliteWorld();

  test('consent: recorded from the patient page; a bad date re-draws the form with the message and what was typed', async () => {
    const { patient } = await fullPatient(t.w, 'A');
    const b = await browser(t.w, 'A', 'clinician');
    const page = await (await b.get(`/registry/patients/${patient.id}`)).text();
    const action = `/registry/patients/${patient.id}/consents`;
    let f = formFields(page, action);
    f = set(set(set(f, 'form_version', 'v3-web'), 'consent_date', '2025-01-03'), 'obtained_by', 'nurse-7');
    f = set(f, 'scope', 'research');
    const ok = await b.post(action, f);
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get('location'), `/registry/patients/${patient.id}?saved=consent`);
    const row = await one<{ scope: string; consent_date: string }>(
      t.w,
      "SELECT scope, consent_date::text FROM consent WHERE patient_id = $1 AND form_version = 'v3-web'",
      [patient.id],
    );
    assert.deepEqual(row, { scope: 'research', consent_date: '2025-01-03' });
    const shown = await (await b.get(`/registry/patients/${patient.id}?saved=consent`)).text();
    assert.match(shown, /Consent recorded\./);

    const bad = await b.post(action, set(f, 'consent_date', '2025-02-30'));
    assert.equal(bad.status, 400);
    const html = await bad.text();
    assert.equal(alertField(html), 'consent_date');
    assert.match(html, /value="2025-02-30"/);
  });

  test('consent correction: the edit form holds the record; saved with a reason; a stale version or no reason is refused', async () => {
    const { patient } = await fullPatient(t.w, 'A');
    const c = await one<{ id: number; version: number }>(t.w, 'SELECT id, version FROM consent WHERE patient_id = $1', [
      patient.id,
    ]);
    const b = await browser(t.w, 'A', 'clinician');
    const editPath = `/registry/consents/${c.id}/edit`;
    const page = await (await b.get(editPath)).text();
    const f = formFields(page, editPath);
    assert.equal(new Map(f).get('form_version'), 'v2');
    assert.equal(new Map(f).get('_version'), String(c.version));
    const noReason = await b.post(editPath, set(f, 'form_version', 'v2b'));
    assert.equal(noReason.status, 400);
    assert.equal(alertField(await noReason.text()), 'reason');
    const saved = await b.post(editPath, set(set(f, 'form_version', 'v2b'), '_reason', 'typo in the form version'));
    assert.equal(saved.status, 303);
    assert.equal(saved.headers.get('location'), `/registry/patients/${patient.id}?saved=corrected`);
    const after = await one<{ form_version: string; version: number }>(
      t.w,
      'SELECT form_version, version FROM consent WHERE id = $1',
      [c.id],
    );
    assert.equal(after.form_version, 'v2b');
    assert.equal(after.version, c.version + 1);
    // the same (now stale) version again: a conflict, shown on the form (not an error page)
    const stale = await b.post(editPath, set(set(f, 'form_version', 'v2c'), '_reason', 'again'));
    assert.equal(stale.status, 400);
    assert.equal(alertField(await stale.text()), 'version');
    // an analyst may not open the edit form
    const analyst = await browser(t.w, 'A', 'analyst');
    assert.equal((await analyst.get(editPath)).status, 403);
  });

  test('withdrawal and status: each saved from its form and shown with its notice', async () => {
    const { patient } = await fullPatient(t.w, 'A');
    const c = await one<{ id: number; version: number }>(t.w, 'SELECT id, version FROM consent WHERE patient_id = $1', [
      patient.id,
    ]);
    const b = await browser(t.w, 'A', 'clinician');
    const w = await b.post(`/registry/consents/${c.id}/withdraw`, [
      ['version', String(c.version)],
      ['withdrawn_date', '2025-03-01'],
      ['reason', 'patient asked'],
    ]);
    assert.equal(w.status, 303);
    assert.equal(w.headers.get('location'), `/registry/patients/${patient.id}?saved=withdrawn`);
    const wd = await one<{ withdrawn_date: string }>(t.w, 'SELECT withdrawn_date::text FROM consent WHERE id = $1', [
      c.id,
    ]);
    assert.equal(wd.withdrawn_date, '2025-03-01');
    assert.match(
      await (await b.get(`/registry/patients/${patient.id}?saved=withdrawn`)).text(),
      /Withdrawal recorded\./,
    );

    const p = await one<{ version: number }>(t.w, 'SELECT version FROM patient WHERE id = $1', [patient.id]);
    const badStatus = await b.post(`/registry/patients/${patient.id}/status`, [
      ['version', String(p.version)],
      ['status', 'gone-fishing'],
      ['reason', 'x'],
    ]);
    assert.equal(badStatus.status, 400);
    assert.equal(alertField(await badStatus.text()), 'status');
    const st = await b.post(`/registry/patients/${patient.id}/status`, [
      ['version', String(p.version)],
      ['status', 'lost_to_follow_up'],
      ['status_date', '2025-04-01'],
      ['reason', 'no answer to three calls'],
    ]);
    assert.equal(st.status, 303);
    assert.equal(st.headers.get('location'), `/registry/patients/${patient.id}?saved=status`);
    const after = await one<{ status: string }>(t.w, 'SELECT status FROM patient WHERE id = $1', [patient.id]);
    assert.equal(after.status, 'lost_to_follow_up');
  });

  test('procedure correction: the edit form holds the record and a changed volume is saved', async () => {
    const { patient, procedureId } = await fullPatient(t.w, 'A');
    const b = await browser(t.w, 'A', 'clinician');
    const path = `/registry/procedures/${procedureId}/edit`;
    const f = formFields(await (await b.get(path)).text(), path);
    const m = new Map(f);
    assert.equal(m.get('procedure_date'), '2025-01-10');
    assert.equal(m.get('therapy'), 'PRP');
    const saved = await b.post(path, set(set(f, 'injectate_volume_ml', '4.5'), '_reason', 'volume misread'));
    assert.equal(saved.status, 303, await saved.clone().text());
    assert.equal(saved.headers.get('location'), `/registry/patients/${patient.id}?saved=corrected`);
    const row = await one<{ v: number }>(t.w, 'SELECT injectate_volume_ml::float8 AS v FROM procedure WHERE id = $1', [
      procedureId,
    ]);
    assert.equal(row.v, 4.5);
    const bad = await b.post(path, set(set(f, 'procedure_date', 'soon'), '_reason', 'date typed wrongly'));
    assert.equal(bad.status, 400);
    assert.equal(alertField(await bad.text()), 'record.procedure_date');
  });

  test('visit correction: the edit form holds the answers and a changed NRS is re-scored', async () => {
    const { patient } = await fullPatient(t.w, 'A');
    const actor = t.w.actors.A.clinician;
    await R.submitFollowUp(t.w.db, actor, patient.id, visitInput('1m', '2025-02-10'));
    const v = await one<{ id: number }>(
      t.w,
      "SELECT id FROM followup_visit WHERE patient_id = $1 AND timepoint = '1m'",
      [patient.id],
    );
    const b = await browser(t.w, 'A', 'clinician');
    const path = `/registry/visits/${v.id}/edit`;
    const f = formFields(await (await b.get(path)).text(), path);
    const m = new Map(f);
    assert.equal(m.get('nrs'), '6');
    assert.equal(m.get('odi.0'), '2');
    assert.equal(m.get('visit_date'), '2025-02-10');
    const saved = await b.post(path, set(set(f, 'nrs', '3'), '_reason', 'entered from the wrong sheet'));
    assert.equal(saved.status, 303, await saved.clone().text());
    assert.equal(saved.headers.get('location'), `/registry/patients/${patient.id}?saved=corrected`);
    const nrs = await one<{ score: number }>(
      t.w,
      "SELECT score FROM prom_score WHERE visit_id = $1 AND instrument = 'NRS'",
      [v.id],
    );
    assert.equal(nrs.score, 3);
    const bad = await b.post(path, set(set(f, 'nrs', '11'), '_reason', 'score typed wrongly'));
    assert.equal(bad.status, 400);
    assert.equal(alertField(await bad.text()), 'record.proms.NRS.value');
  });

  test('adverse event: reported from its form; a serious one is acknowledged from the dashboard', async () => {
    const { patient, procedureId } = await fullPatient(t.w, 'A');
    const b = await browser(t.w, 'A', 'clinician');
    const newPath = `/registry/patients/${patient.id}/adverse-events/new`;
    const action = `/registry/patients/${patient.id}/adverse-events`;
    const page = await (await b.get(newPath)).text();
    const f = formFields(page, action);
    assert.match(page, new RegExp(`<option value="${procedureId}"`));
    const missing = await b.post(action, f);
    assert.equal(missing.status, 400);
    assert.match(await missing.clone().text(), new RegExp(`action="${action}"`));
    const before = await one<{ n: number }>(t.w, 'SELECT count(*)::int AS n FROM adverse_event WHERE patient_id = $1', [
      patient.id,
    ]);
    const ae = await one<{ id: number; version: number }>(
      t.w,
      'SELECT id, version FROM adverse_event WHERE patient_id = $1 AND serious ORDER BY id LIMIT 1',
      [patient.id],
    );
    const ack = await b.post(`/registry/adverse-events/${ae.id}/acknowledge`, [['version', String(ae.version)]]);
    assert.equal(ack.status, 303);
    assert.equal(ack.headers.get('location'), '/registry#serious');
    const row = await one<{ acknowledged: boolean }>(
      t.w,
      'SELECT acknowledged_at IS NOT NULL AS acknowledged FROM adverse_event WHERE id = $1',
      [ae.id],
    );
    assert.equal(row.acknowledged, true);
    const after = await one<{ n: number }>(t.w, 'SELECT count(*)::int AS n FROM adverse_event WHERE patient_id = $1', [
      patient.id,
    ]);
    assert.equal(after.n, before.n);
  });

  test('a procedure without registry consent: the form is drawn again with 422 and the consent message', async () => {
    const { patient } = await fullPatient(t.w, 'A');
    const b = await browser(t.w, 'A', 'clinician');
    await withdrawConsent(t.w, b, patient.id);
    const edit = `/registry/procedures/${(await one<{ id: number }>(t.w, 'SELECT id FROM procedure WHERE patient_id = $1', [patient.id])).id}/edit`;
    const f = formFields(await (await b.get(edit)).text(), edit);
    const action = `/registry/patients/${patient.id}/procedures`;
    const r = await b.post(
      action,
      set(
        f.filter(([k]) => !k.startsWith('_')),
        'procedure_date',
        '2025-06-01',
      ),
    );
    assert.equal(r.status, 422);
    const html = await r.text();
    assert.match(html, new RegExp(`action="${action}"`));
    assert.equal(alertField(html), 'consent');
  });

  test('another site’s record is not found through a form: 404, not a form error', async () => {
    const { procedureId } = await fullPatient(t.w, 'B');
    const b = await browser(t.w, 'A', 'clinician');
    const path = `/registry/procedures/${procedureId}/edit`;
    assert.equal((await b.get(path)).status, 404);
    assert.equal((await b.post(path, [['_reason', 'x']])).status, 404);
  });

  test('a form post without the session’s CSRF token is refused and changes nothing', async () => {
    const { patient } = await fullPatient(t.w, 'A');
    const b = await browser(t.w, 'A', 'clinician');
    const before = await one<{ n: number }>(t.w, 'SELECT count(*)::int AS n FROM consent WHERE patient_id = $1', [
      patient.id,
    ]);
    const r = await b.post(
      `/registry/patients/${patient.id}/consents`,
      [
        ['form_version', 'v9'],
        ['consent_date', '2025-01-03'],
        ['obtained_by', 'x'],
      ],
      { csrf: false },
    );
    assert.equal(r.status, 403);
    const after = await one<{ n: number }>(t.w, 'SELECT count(*)::int AS n FROM consent WHERE patient_id = $1', [
      patient.id,
    ]);
    assert.equal(after.n, before.n);
  });

  test('the API without a credential: 401 naming the authorization header', async () => {
    const r = await t.w.app.request('/api/registry/me');
    assert.equal(r.status, 401);
    const body = (await r.json()) as { error: string; field: string };
    assert.equal(body.field, 'authorization');
    assert.match(body.error, /^sign in or send an API token/);
    const bad = await t.w.app.request('/api/registry/me', { headers: { authorization: 'Bearer rst_nope' } });
    assert.equal(bad.status, 401);
    assert.deepEqual(await bad.json(), { error: 'invalid, expired or revoked API token', field: 'authorization' });
  });
});

describe('administration page actions', () => {
  const t = pgliteWorld();

  test('only an admin may open it', async () => {
    for (const role of ['clinician', 'coordinator', 'analyst'] as const) {
      const b = await browser(t.w, 'A', role);
      assert.equal((await b.get('/registry/admin')).status, 403, role);
    }
    const a = await browser(t.w, 'A', 'admin');
    assert.equal((await a.get('/registry/admin')).status, 200);
  });

  test('access update: the new role and sites are saved, and the form shows the role as selected', async () => {
    const a = await browser(t.w, 'A', 'admin');
    const email = 'coordinator@a.example.org';
    const r = await a.post('/registry/admin/users/access', [
      ['email', email],
      ['role', 'analyst'],
      ['site', String(t.w.sites.A)],
      ['site', String(t.w.sites.B)],
    ]);
    assert.equal(r.status, 200);
    const html = await r.text();
    assert.match(html, new RegExp(`Role and sites of ${email.replace('.', '\\.')} saved\\.`));
    const u = await one<{ role: string; sites: number[] }>(
      t.w,
      `SELECT u.role, array_agg(s.site_id ORDER BY s.site_id) AS sites
       FROM app_user u JOIN user_site s ON s.user_id = u.id WHERE u.email = $1 GROUP BY u.role`,
      [email],
    );
    assert.equal(u.role, 'analyst');
    assert.deepEqual(
      u.sites.map(Number),
      [t.w.sites.A, t.w.sites.B].sort((x, y) => x - y),
    );
    // the user's own access form (the one after their e-mail) has exactly "analyst" selected
    const at = html.indexOf(`value="${email}"`);
    assert.ok(at >= 0);
    const select = /<select\b[^>]*name="role"[^>]*>([\s\S]*?)<\/select>/.exec(html.slice(at))![1]!;
    const selected = [...select.matchAll(/<option\b[^>]*>/g)].map((o) => o[0]).filter((o) => /\sselected/.test(o));
    assert.equal(selected.length, 1);
    assert.match(selected[0]!, /value="analyst"/);
    // the user list says both sites; the create-a-user form starts with no site ticked
    assert.match(html, /now: analyst at SITE-A, SITE-B</);
    const create = html.slice(html.indexOf('action="/registry/admin/users"'));
    const checks = create.slice(0, create.indexOf('</form>')).match(/<input[^>]*type="checkbox"[^>]*>/g) ?? [];
    assert.equal(checks.length, 2, 'a box per site');
    assert.ok(
      checks.every((c) => !/\schecked/.test(c)),
      checks.join('\n'),
    );
    // an unknown role is a form error naming the field
    const bad = await a.post('/registry/admin/users/access', [
      ['email', email],
      ['role', 'owner'],
    ]);
    assert.equal(bad.status, 400);
    assert.equal(alertField(await bad.text()), 'role');
  });

  test('tokens: created from the form, listed, and revoked from the list', async () => {
    const a = await browser(t.w, 'A', 'admin');
    const email = 'clinician@a.example.org';
    const created = await a.post('/registry/admin/tokens', [
      ['email', email],
      ['label', 'nightly export'],
      ['days', '30'],
      ['scope', 'read'],
    ]);
    assert.equal(created.status, 200);
    const html = await created.text();
    const token = /<code class="secret">([^<]+)<\/code>/.exec(html)![1]!;
    assert.equal((await api(t.w, token, 'GET', '/api/registry/me')).status, 200);
    const id = /name="id" value="(\d+)"/.exec(html.slice(html.indexOf('nightly export') - 400))![1]!;
    const revoked = await a.post('/registry/admin/tokens/revoke', [
      ['id', id],
      ['email', email],
    ]);
    assert.equal(revoked.status, 200);
    assert.match(await revoked.text(), new RegExp(`Token ${id} revoked\\.`));
    assert.equal((await api(t.w, token, 'GET', '/api/registry/me')).status, 401);
    const badDays = await a.post('/registry/admin/tokens', [
      ['email', email],
      ['label', 'x'],
      ['days', '100000'],
      ['scope', 'read'],
    ]);
    assert.equal(badDays.status, 400);
    assert.equal(alertField(await badDays.text()), 'days');
    // a token id that does not exist is a 404 page, not a form error (only 400, 409 and 422 re-draw a form)
    const unknown = await a.post('/registry/admin/tokens/revoke', [
      ['id', '987654'],
      ['email', email],
    ]);
    assert.equal(unknown.status, 404);
    // the list: a token past its expiry is "expired"; one without an expiry date shows a dash, not a date
    await createApiToken(t.w.db, CLI_ACTOR, email, { label: 'no expiry', scopes: ['read'] });
    await t.db.query(
      `UPDATE api_token SET expires_at = CASE WHEN label = 'test' THEN now() - interval '1 day' ELSE NULL END
       WHERE label IN ('test', 'no expiry') AND user_id = (SELECT id FROM app_user WHERE email = $1)`,
      [email],
    );
    const list = await (await a.get(`/registry/admin/tokens?email=${encodeURIComponent(email)}`)).text();
    const row = (label: string) => list.slice(list.indexOf(`<td>${label}</td>`)).split('</tr>')[0]!;
    assert.match(row('test'), /<td>\d{4}-\d\d-\d\d<\/td><td>expired<\/td>/);
    assert.match(row('no expiry'), /<td>\d{4}-\d\d-\d\d<\/td><td>—<\/td><td>active<\/td>/);
  });

  test('deactivation ends the user’s sessions; a password reset shows a temporary password once', async () => {
    const a = await browser(t.w, 'A', 'admin');
    const victim = await browser(t.w, 'A', 'coordinator');
    assert.equal((await victim.get('/registry')).status, 200);
    const reset = await a.post('/registry/admin/users/reset-password', [['email', 'coordinator@a.example.org']]);
    assert.equal(reset.status, 200);
    assert.match(await reset.text(), /Temporary password \(shown once\): <code class="secret">[^<]{8,}<\/code>/);
    assert.equal((await victim.get('/registry')).status, 303);
    // a user with a password is just "active"; one without says so
    const list = await (await a.get('/registry/admin')).text();
    const rowOf = (email: string) => list.slice(list.indexOf(`value="${email}"`)).split('</tr>')[0]!;
    assert.match(rowOf('coordinator@a.example.org'), /<td>active<\/td>/);
    assert.match(rowOf('clinician@a.example.org'), /<td>active, no password<\/td>/);
    const d = await a.post('/registry/admin/users/deactivate', [['email', 'analyst@a.example.org']]);
    assert.equal(d.status, 200);
    assert.match(
      await d.text(),
      /User analyst@a\.example\.org deactivated: \d+ session\(s\) ended, 1 API token\(s\) revoked\./,
    );
    assert.equal((await api(t.w, t.w.tokens.A.analyst, 'GET', '/api/registry/me')).status, 401);
  });
});

describe('ePRO invitation form', () => {
  const t = pgliteWorld();

  test('a link is issued from the form and shown; a bad patient id is refused on the page', async () => {
    const { patient } = await fullPatient(t.w, 'A');
    const b = await browser(t.w, 'A', 'coordinator');
    const page = await b.get('/registry/epro');
    assert.equal(page.status, 200);
    const r = await b.post('/registry/epro/links', [
      ['patient_id', String(patient.id)],
      ['timepoint', '1m'],
      ['email', ''],
    ]);
    const html = await r.text();
    assert.equal(r.status, 201, html);
    assert.match(html, /\/q\/[A-Za-z0-9_-]{20,}/);
    const n = await one<{ n: number }>(t.w, 'SELECT count(*)::int AS n FROM epro_invitation WHERE patient_id = $1', [
      patient.id,
    ]);
    assert.equal(n.n, 1);
    const bad = await b.post('/registry/epro/links', [
      ['patient_id', 'abc'],
      ['timepoint', '1m'],
    ]);
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /patient_id/);
    const analyst = await browser(t.w, 'A', 'analyst');
    assert.equal((await analyst.get('/registry/epro')).status, 403);
  });
});

describe('what the pages say (titles, notices, the pre-filled forms)', () => {
  const t = pgliteWorld();

  test('administration and security pages carry their titles; a non-admin is told which permission is missing', async () => {
    const a = await browser(t.w, 'A', 'admin');
    const admin = await (await a.get('/registry/admin')).text();
    assert.equal(title(admin), 'Administration · RegenSpine');
    // each user is listed with the codes of their sites
    assert.match(admin, /now: clinician at SITE-A</);
    assert.equal(title(await (await a.get('/registry/admin/security')).text()), 'Security events · RegenSpine');
    const c = await browser(t.w, 'A', 'clinician');
    const refused = await c.get('/registry/admin');
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /the clinician role may not do this \(users:manage\)/);
    // a token id that is not a number is a form error on the tokens page
    const bad = await a.post('/registry/admin/tokens/revoke', [
      ['id', 'abc'],
      ['email', 'clinician@a.example.org'],
    ]);
    assert.equal(bad.status, 400);
    const html = await bad.text();
    assert.equal(title(html), 'API tokens · RegenSpine');
    assert.match(html, /expected a token id/);
  });

  test('the dashboard search box is empty until something is searched for', async () => {
    await fullPatient(t.w, 'A');
    const c = await browser(t.w, 'A', 'clinician');
    const html = await (await c.get('/registry')).text();
    assert.match(html, /<input[^>]*name="q"[^>]*>/);
    const q = /<input[^>]*name="q"[^>]*>/.exec(html)![0];
    assert.doesNotMatch(q, /value="[^"]/);
  });

  test('a new visit form pre-selects the timepoint it was opened for', async () => {
    const { patient } = await fullPatient(t.w, 'A');
    const c = await browser(t.w, 'A', 'clinician');
    const path = `/registry/patients/${patient.id}/visits`;
    const f = new Map(formFields(await (await c.get(`${path}/new?timepoint=3m`)).text(), path));
    assert.equal(f.get('timepoint'), '3m');
  });

  test('a new procedure form says up front that registry consent is missing', async () => {
    const { patient } = await fullPatient(t.w, 'A');
    const c = await browser(t.w, 'A', 'clinician');
    const path = `/registry/patients/${patient.id}/procedures/new`;
    assert.doesNotMatch(await (await c.get(path)).text(), /No registry-participation consent is recorded/);
    await withdrawConsent(t.w, c, patient.id);
    assert.match(await (await c.get(path)).text(), /No registry-participation consent is recorded/);
  });

  test('the ePRO and outcomes pages carry the session’s CSRF token; a refused role is told “Not allowed”', async () => {
    const c = await browser(t.w, 'A', 'coordinator');
    const epro = await (await c.get('/registry/epro')).text();
    assert.match(epro, new RegExp(`name="_csrf" value="${c.csrf}"`));
    const outcomes = await (await c.get('/registry/outcomes')).text();
    assert.match(outcomes, new RegExp(`name="_csrf" value="${c.csrf}"`));
    const analyst = await browser(t.w, 'A', 'analyst');
    const refused = await analyst.get('/registry/epro');
    assert.equal(refused.status, 403);
    assert.equal(title(await refused.text()), 'Not allowed · RegenSpine');
  });

  test('the outcomes page with a bad filter says which one and why, on a page of its own', async () => {
    const c = await browser(t.w, 'A', 'clinician');
    const bad = await c.get('/registry/outcomes?as_of=2025-02-30');
    assert.equal(bad.status, 400);
    const html = await bad.text();
    assert.equal(title(html), 'Cannot show the outcomes · RegenSpine');
    assert.match(html, /as_of: expected a calendar date yyyy-mm-dd/);
    const site = await c.get('/registry/outcomes?site_id=0');
    assert.equal(site.status, 400);
    assert.match(await site.text(), /site_id: expected a site id/);
    const other = await c.get(`/registry/outcomes?site_id=${t.w.sites.B}`);
    // another site's outcomes: refused, and said so
    assert.equal(other.status, 403);
    const refused = await other.text();
    assert.equal(title(refused), 'Not allowed · RegenSpine');
    assert.match(refused, /site_id: /);
  });
});

describe('when the database fails mid-request', () => {
  const t = pgliteWorld();
  /** Runs `fn` while a test trigger refuses every insert into `table`, and collects what is logged. */
  async function refusingInserts<T>(table: string, fn: () => Promise<T>): Promise<{ out: T; logs: string[] }> {
    await t.db.exec(`CREATE OR REPLACE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'test failure with a record value'; END $$`);
    await t.db.exec(`CREATE TRIGGER test_refuse BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION test_refuse()`);
    try {
      return await loggedErrors(fn);
    } finally {
      await t.db.exec(`DROP TRIGGER test_refuse ON ${table}`);
    }
  }

  test('a form whose save fails: a page saying the change was not saved, and one log line naming only the route', async () => {
    const { patient } = await fullPatient(t.w, 'A');
    const b = await browser(t.w, 'A', 'clinician');
    const action = `/registry/patients/${patient.id}/consents`;
    let f = formFields(await (await b.get(`/registry/patients/${patient.id}`)).text(), action);
    f = set(set(set(f, 'form_version', 'v9'), 'consent_date', '2025-01-03'), 'obtained_by', 'nurse-7');
    const { out, logs } = await refusingInserts('consent', async () => {
      const r = await b.post(action, f);
      return { status: r.status, html: await r.text() };
    });
    assert.equal(out.status, 500);
    assert.equal(title(out.html), 'Something went wrong · RegenSpine');
    assert.match(out.html, /The change was not saved\./);
    assert.deepEqual(logs, ['registry: POST /registry/patients/:id/consents failed: error P0001']);
  });

  test('an ePRO link that cannot be stored, and answers that cannot be saved: a 500 and one log line each', async () => {
    const { patient } = await fullPatient(t.w, 'A');
    const coordinator = t.w.tokens.A.coordinator;
    const link = await refusingInserts('epro_invitation', () =>
      api(t.w, coordinator, 'POST', '/api/registry/epro/links', { patient_id: patient.id, timepoint: '1m' }),
    );
    assert.equal(link.out.status, 500);
    assert.deepEqual(link.out.json, { error: 'internal error' });
    assert.deepEqual(link.logs, ['epro: POST /api/registry/epro/links failed: error']);

    const issued = await api(t.w, coordinator, 'POST', '/api/registry/epro/links', {
      patient_id: patient.id,
      timepoint: '1m',
    });
    assert.equal(issued.status, 201, issued.text);
    const path = new URL(String(issued.json.url)).pathname;
    const sent = await refusingInserts('followup_visit', async () => {
      const r = await t.w.app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ nrs: '4', 'opioids.taking': 'false' }).toString(),
      });
      return { status: r.status, html: await r.text() };
    });
    assert.equal(sent.out.status, 500);
    assert.match(sent.out.html, /Something went wrong; your answers were not sent\. Please try again later\./);
    assert.deepEqual(sent.logs, ['epro: POST /q/:token failed: error']);
  });

  test('a unique-key clash the checks did not foresee is a 409 conflict, not a 500', async () => {
    const { patient } = await fullPatient(t.w, 'A');
    await t.db.exec(`CREATE OR REPLACE FUNCTION test_clash() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'duplicate key' USING ERRCODE = 'unique_violation'; END $$`);
    await t.db.exec('CREATE TRIGGER test_clash BEFORE INSERT ON consent FOR EACH ROW EXECUTE FUNCTION test_clash()');
    try {
      const r = await api(t.w, t.w.tokens.A.clinician, 'POST', `/api/registry/patients/${patient.id}/consents`, {
        scope: 'research',
        form_version: 'v2',
        consent_date: '2025-01-02',
        obtained_by: 'x',
      });
      assert.equal(r.status, 409, r.text);
      assert.deepEqual(r.json, { error: 'conflicts with an existing record', field: 'id' });
    } finally {
      await t.db.exec('DROP TRIGGER test_clash ON consent');
    }
  });

  test('outcomes that cannot be computed (a table gone): the page and the API say so, and log the route only', async () => {
    await fullPatient(t.w, 'A', { visit: true });
    const c = await browser(t.w, 'A', 'clinician');
    await t.db.exec('ALTER TABLE prom_score RENAME TO prom_score_away');
    const both = () =>
      loggedErrors(async () => ({
        page: await c.get('/registry/outcomes'),
        json: await api(t.w, t.w.tokens.A.clinician, 'GET', '/api/registry/analysis'),
      }));
    let got: Awaited<ReturnType<typeof both>>;
    try {
      got = await both();
    } finally {
      await t.db.exec('ALTER TABLE prom_score_away RENAME TO prom_score');
    }
    const {
      out: { page, json },
      logs,
    } = got;
    assert.equal(page.status, 500);
    const html = await page.text();
    assert.equal(title(html), 'Something went wrong · RegenSpine');
    assert.match(html, /The outcomes could not be computed\./);
    assert.equal(json.status, 500);
    assert.deepEqual(json.json, { error: 'internal error' });
    assert.deepEqual(logs, [
      'registry: GET /registry/outcomes failed: error',
      'registry: GET /api/registry/analysis failed: error',
    ]);
  });
});

describe('more form routes: a new visit, a refused withdrawal, an ineligible patient, the audit page', () => {
  const t = pgliteWorld();

  test('a follow-up visit entered on its form is saved and scored', async () => {
    const { patient } = await fullPatient(t.w, 'A');
    const b = await browser(t.w, 'A', 'clinician');
    const action = `/registry/patients/${patient.id}/visits`;
    let f = formFields(await (await b.get(`${action}/new?timepoint=1m`)).text(), action);
    f = set(set(set(f, 'visit_date', '2025-02-10'), 'nrs', '5'), 'no_opioids', 'true');
    const r = await b.post(action, f);
    assert.equal(r.status, 303, (await r.clone().text()).slice(0, 400));
    assert.match(r.headers.get('location') ?? '', new RegExp(`^/registry/patients/${patient.id}\\?saved=`));
    const nrs = await one<{ score: number; timepoint: string }>(
      t.w,
      `SELECT s.score, v.timepoint FROM prom_score s JOIN followup_visit v ON v.id = s.visit_id
       WHERE v.patient_id = $1 AND s.instrument = 'NRS'`,
      [patient.id],
    );
    assert.deepEqual(nrs, { score: 5, timepoint: '1m' });
    // a bad value comes back on the form, naming the field
    const bad = await b.post(action, set(set(f, 'timepoint', '3m'), 'nrs', '12'));
    assert.equal(bad.status, 400);
    assert.equal(alertField(await bad.text()), 'proms.NRS.value');
  });

  test('a withdrawal with an impossible date is shown on the patient page, not saved', async () => {
    const { patient } = await fullPatient(t.w, 'A');
    const b = await browser(t.w, 'A', 'clinician');
    const c = await one<{ id: number; version: number }>(t.w, 'SELECT id, version FROM consent WHERE patient_id = $1', [
      patient.id,
    ]);
    const r = await b.post(`/registry/consents/${c.id}/withdraw`, [
      ['version', String(c.version)],
      ['withdrawn_date', '2025-02-30'],
      ['reason', 'patient asked'],
    ]);
    assert.equal(r.status, 400);
    const html = await r.text();
    assert.equal(title(html), `Patient ${patient.registry_id} · RegenSpine`);
    assert.equal(alertField(html), 'withdrawn_date');
    // re-drawing the page after a refused change is not another record read in the security log
    const reads = async () =>
      (
        await one<{ n: number }>(
          t.w,
          "SELECT count(*)::int AS n FROM security_event WHERE kind = 'record-read' AND patient_id = $1",
          [patient.id],
        )
      ).n;
    const before = await reads();
    const again = await b.post(`/registry/consents/${c.id}/withdraw`, [
      ['version', String(c.version)],
      ['withdrawn_date', '2025-02-30'],
      ['reason', 'patient asked'],
    ]);
    assert.equal(again.status, 400);
    assert.equal(await reads(), before);
    const after = await one<{ withdrawn_date: string | null }>(
      t.w,
      'SELECT withdrawn_date::text FROM consent WHERE id = $1',
      [c.id],
    );
    assert.equal(after.withdrawn_date, null);
  });

  test('a procedure for a patient who is not eligible: the form comes back with 422 naming eligibility', async () => {
    const { patient } = await fullPatient(t.w, 'A');
    const b = await browser(t.w, 'A', 'clinician');
    const actor = t.w.actors.A.clinician;
    const q = await R.enrolPatient(t.w.db, actor, {
      ...enrolInput(t.w.sites.A),
      eligibility: { ...enrolInput(t.w.sites.A).eligibility, anticoagulation: true },
    });
    assert.equal(q.eligible, false);
    await R.recordConsent(t.w.db, actor, q.id, { form_version: 'v2', consent_date: '2025-01-02', obtained_by: 'x' });
    const procedure = await one<{ id: number }>(t.w, 'SELECT id FROM procedure WHERE patient_id = $1', [patient.id]);
    const edit = `/registry/procedures/${procedure.id}/edit`;
    const f = formFields(await (await b.get(edit)).text(), edit).filter(([k]) => !k.startsWith('_'));
    const r = await b.post(`/registry/patients/${q.id}/procedures`, f);
    assert.equal(r.status, 422);
    assert.equal(alertField(await r.text()), 'eligibility');
  });

  test('the audit page lists a record’s history; a page the role may not open is “Not allowed”', async () => {
    const { patient } = await fullPatient(t.w, 'A');
    const b = await browser(t.w, 'A', 'clinician');
    const page = await b.get(`/registry/patients/${patient.id}/audit`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, new RegExp(patient.registry_id));
    // fullPatient enrolled, consented, treated and reported an event: each record's creation is listed
    for (const entity of ['patient', 'consent', 'procedure', 'adverse_event'])
      assert.match(html, new RegExp(`<td>${entity} \\d+</td><td>create</td>`), entity);
    const analyst = await browser(t.w, 'A', 'analyst');
    const refused = await analyst.get(`/registry/patients/${patient.id}/audit`);
    assert.equal(refused.status, 403);
    assert.equal(title(await refused.text()), 'Not allowed · RegenSpine');
  });

  test('the dashboard and the ePRO page asked for a site the user does not have show the user’s own', async () => {
    const { patient } = await fullPatient(t.w, 'A');
    const b = await browser(t.w, 'A', 'coordinator');
    const other = await b.get(`/registry?site=${t.w.sites.B}`);
    assert.equal(other.status, 200);
    const html = await other.text();
    assert.match(html, /<h1>Registry dashboard — Site A<\/h1>/);
    assert.match(html, new RegExp(`<input type="hidden" name="site" value="${t.w.sites.A}"/>`));
    const e = await b.get(`/registry/epro?site=${t.w.sites.B}`);
    assert.equal(e.status, 200);
    // an admin may have no site at all (createUser allows it for admins only): the pages still answer
    const admin = await createUser(t.w.db, CLI_ACTOR, {
      email: 'nosite-admin@a.example.org',
      role: 'admin',
      siteIds: [],
    });
    const { id: sid } = await createSession(t.w.db, admin.id, null);
    const asAdmin = (path: string) => t.w.app.request(path, { headers: { cookie: `rs_session=${sid}` } });
    const dash = await asAdmin('/registry');
    assert.equal(dash.status, 200);
    assert.equal(title(await dash.text()), 'Registry · RegenSpine');
    // (an admin does not issue questionnaire links: refused on the page, not a crash)
    const links = await asAdmin('/registry/epro');
    assert.equal(links.status, 403);
    assert.equal(title(await links.text()), 'Questionnaire links · RegenSpine');
    // its visits due: site A's, this patient among them
    assert.match(await e.text(), new RegExp(`<td>${patient.registry_id}</td><td>24m</td>`));
  });
});
