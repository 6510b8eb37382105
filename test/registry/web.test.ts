// Browser-session security of the registry over HTTP semantics (Hono's request API, PGlite): login
// throttling, session fixation, CSRF, cookie flags, secrets stored only as hashes, no PHI in logs, and
// the forms' server-side validation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Hono } from 'hono';
import { lowerScryptCostForTests } from '../../src/registry/auth.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { CLI_ACTOR, createApiToken, createSite, createUser } from '../../src/store/registry-accounts.ts';
import { createApp, staticEvidence } from '../../src/web/server.ts';

// Each sign-in here verifies a password, and scrypt's cost is not what these tests test (that is
// test/registry/scrypt-cost.test.ts): hash at N = 2^12, as src/registry/auth.ts lowerScryptCostForTests allows.
lowerScryptCostForTests(2 ** 12);

const PASSWORD = 'correct horse battery';
let db: Db;
let app: Hono;
let siteId: number;

before(async () => {
  db = await openDb({ memory: true, migrated: true });
  await migrate(db);
  siteId = (await createSite(db, CLI_ACTOR, { code: 'WEB-1', name: 'Web site' })).id;
  await createUser(db, CLI_ACTOR, {
    email: 'coord@web.example.org',
    role: 'coordinator',
    siteIds: [siteId],
    password: PASSWORD,
  });
  await createUser(db, CLI_ACTOR, {
    email: 'other@web.example.org',
    role: 'clinician',
    siteIds: [siteId],
    password: PASSWORD,
  });
  app = createApp(staticEvidence([]), { db });
});
after(async () => {
  await db?.close();
});

function cookiesOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const i = pair!.indexOf('=');
    out[pair!.slice(0, i)] = pair!.slice(i + 1);
  }
  return out;
}
const setCookieLine = (res: Response, name: string) =>
  res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`)) ?? '';

async function loginForm(extraCookie = '', headers: Record<string, string> = {}) {
  const res = await app.request('/registry/login', { headers });
  const token = /name="_login" value="([^"]+)"/.exec(await res.text())![1]!;
  const cookie = [`rs_login=${cookiesOf(res).rs_login}`, extraCookie].filter(Boolean).join('; ');
  return { token, cookie };
}

async function login(
  email: string,
  password: string,
  opts: { cookie?: string; headers?: Record<string, string> } = {},
) {
  const f = await loginForm(opts.cookie, opts.headers);
  return app.request('/registry/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: f.cookie, ...opts.headers },
    body: new URLSearchParams({ _login: f.token, email, password }).toString(),
  });
}

async function session(email = 'coord@web.example.org') {
  const res = await login(email, PASSWORD);
  assert.equal(res.status, 303);
  const sid = cookiesOf(res).rs_session!;
  const page = await (await app.request('/registry/patients/new', { headers: { cookie: `rs_session=${sid}` } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
  return { sid, csrf };
}

const enrolForm = (csrf: string | null, over: Record<string, string> = {}) => {
  const p = new URLSearchParams({
    site_id: String(siteId),
    year_of_birth: '1971',
    sex: 'male',
    smoking: 'never',
    pain_duration_months: '14',
    pain_generators: 'facet',
    baseline_opioid_use: 'false',
    'eligibility.chronic_lbp': 'true',
    'eligibility.anemia': 'false',
    'eligibility.fever_infection': 'false',
    'eligibility.hematologic_disorder': 'false',
    'eligibility.malignancy': 'false',
    'eligibility.anticoagulation': 'false',
    'eligibility.pregnancy': 'false',
    ...over,
  });
  if (csrf !== null) p.set('_csrf', csrf);
  return p.toString();
};

describe('registry web security', () => {
  test('unauthenticated: pages redirect to sign-in, the API answers 401', async () => {
    const page = await app.request('/registry');
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/registry/login');
    assert.equal((await app.request('/api/registry/me')).status, 401);
    assert.equal(
      (await app.request('/api/registry/me', { headers: { authorization: 'Bearer rst_nope' } })).status,
      401,
    );
  });

  test('session cookie: HttpOnly, SameSite=Lax, Secure only behind https', async () => {
    const plain = await login('coord@web.example.org', PASSWORD);
    const line = setCookieLine(plain, 'rs_session');
    assert.match(line, /HttpOnly/);
    assert.match(line, /SameSite=Lax/);
    assert.doesNotMatch(line, /Secure/);
    const https = await app.request('https://registry.example.org/registry/login', {});
    assert.match(setCookieLine(https, 'rs_login'), /Secure/);
  });

  test('session fixation: login always issues a new id and kills the one presented', async () => {
    const attacker = await session('other@web.example.org');
    const res = await login('coord@web.example.org', PASSWORD, { cookie: `rs_session=${attacker.sid}` });
    const fresh = cookiesOf(res).rs_session!;
    assert.ok(fresh && fresh !== attacker.sid);
    assert.equal(
      (await app.request('/api/registry/me', { headers: { cookie: `rs_session=${attacker.sid}` } })).status,
      401,
    );
    const me = await app.request('/api/registry/me', { headers: { cookie: `rs_session=${fresh}` } });
    assert.equal(((await me.json()) as { email: string }).email, 'coord@web.example.org');
    // An id the attacker invents is simply not a session.
    assert.equal(
      (await app.request('/api/registry/me', { headers: { cookie: 'rs_session=chosen-by-attacker' } })).status,
      401,
    );
  });

  test('CSRF: a form post needs the session token; a cross-origin post is refused', async () => {
    const s = await session();
    const post = (body: string, headers: Record<string, string> = {}) =>
      app.request('/registry/patients', {
        method: 'POST',
        headers: { cookie: `rs_session=${s.sid}`, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });
    const before = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM patient')).rows[0]!.n;
    assert.equal((await post(enrolForm(null))).status, 403);
    assert.equal((await post(enrolForm('wrong-token'))).status, 403);
    assert.equal((await post(enrolForm(s.csrf), { origin: 'https://evil.example' })).status, 403);
    // The token of another session does not work either.
    const other = await session('other@web.example.org');
    assert.equal((await post(enrolForm(other.csrf))).status, 403);
    assert.equal((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM patient')).rows[0]!.n, before);
    const ok = await post(enrolForm(s.csrf), { origin: 'http://localhost' });
    assert.equal(ok.status, 303, await ok.text());
    assert.match(ok.headers.get('location') ?? '', /^\/registry\/patients\/\d+\?saved=enrolled$/);
    // JSON API with the cookie also needs the token (header); API tokens do not use cookies.
    const api = await app.request('/api/registry/patients', {
      method: 'POST',
      headers: { cookie: `rs_session=${s.sid}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(api.status, 403);
  });

  test('login brute force is slowed: after 5 failures even the right password waits', async () => {
    await createUser(db, CLI_ACTOR, {
      email: 'victim@web.example.org',
      role: 'coordinator',
      siteIds: [siteId],
      password: PASSWORD,
    });
    for (let i = 0; i < 5; i++) assert.equal((await login('victim@web.example.org', `guess-${i}-wrong`)).status, 401);
    const blocked = await login('victim@web.example.org', PASSWORD);
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get('retry-after')) >= 1);
    // Unknown accounts are throttled the same way (no account enumeration by behaviour).
    for (let i = 0; i < 5; i++) await login('nobody@web.example.org', 'whatever-1');
    assert.equal((await login('nobody@web.example.org', 'whatever-1')).status, 429);
    // Once the delay has passed, the right password works and the counter resets. The counter is the
    // (account, client) pair's, keyed "<email> IP <client>" (src/registry/auth.ts): aged by hand here, not by
    // waiting (the delay after 5 failures is 2 s).
    const pair = "starts_with(email, 'victim@web.example.org IP ')";
    assert.equal((await db.query(`SELECT 1 FROM login_failure WHERE ${pair}`)).rows.length, 1);
    await db.query(`UPDATE login_failure SET last_failure_at = now() - interval '1 hour' WHERE ${pair}`);
    assert.equal((await login('victim@web.example.org', PASSWORD)).status, 303);
    const after = await db.query<{ failures: number }>(`SELECT failures FROM login_failure WHERE ${pair}`);
    assert.deepEqual(after.rows, [{ failures: 0 }]);
  });

  test('secrets are stored only as hashes and never enter the audit trail', async () => {
    const token = await createApiToken(db, CLI_ACTOR, 'coord@web.example.org', 'script');
    const dump =
      JSON.stringify((await db.query('SELECT * FROM api_token')).rows) +
      JSON.stringify((await db.query('SELECT * FROM user_session')).rows);
    assert.ok(!dump.includes(token));
    const users = await db.query<{ password_hash: string }>('SELECT password_hash FROM app_user');
    // scrypt with this file's lowered N (the deployment's N = 2^17: test/registry/scrypt-cost.test.ts)
    for (const u of users.rows) assert.match(u.password_hash ?? 'scrypt$', /^scrypt\$4096\$8\$1\$/);
    const audit = JSON.stringify((await db.query('SELECT old_values, new_values FROM audit.audit_log')).rows);
    assert.ok(!audit.includes('password_hash') && !audit.includes('token_hash') && !audit.includes('scrypt$'));
    const me = await app.request('/api/registry/me', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(me.status, 200);
  });

  test('forms: a rejected form names the field, keeps what was typed, writes nothing; pages carry no script', async () => {
    const s = await session();
    const res = await app.request('/registry/patients', {
      method: 'POST',
      headers: { cookie: `rs_session=${s.sid}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: enrolForm(s.csrf, { year_of_birth: '1850', pain_duration_months: '77' }),
    });
    assert.equal(res.status, 400);
    const body = await res.text();
    assert.match(body, /year_of_birth/);
    assert.match(body, /value="77"/);
    assert.doesNotMatch(body, /<script/i);
  });

  test('no PHI in logs: a whole session of work logs ids and error classes only', async () => {
    const lines: string[] = [];
    const saved = { log: console.log, error: console.error, warn: console.warn, info: console.info };
    for (const k of ['log', 'error', 'warn', 'info'] as const)
      console[k] = (...a: unknown[]) => lines.push(a.map(String).join(' '));
    let registryId = '';
    try {
      const s = await session();
      const h = { cookie: `rs_session=${s.sid}`, 'content-type': 'application/x-www-form-urlencoded' };
      const r = await app.request('/registry/patients', {
        method: 'POST',
        headers: h,
        body: enrolForm(s.csrf, { bmi: '31.7' }),
      });
      const id = /patients\/(\d+)/.exec(r.headers.get('location') ?? '')![1]!;
      registryId = (await db.query<{ registry_id: string }>('SELECT registry_id FROM patient WHERE id = $1', [id]))
        .rows[0]!.registry_id;
      await app.request(`/registry/patients/${id}/consents`, {
        method: 'POST',
        headers: h,
        body: new URLSearchParams({
          _csrf: s.csrf,
          scope: 'research',
          form_version: 'v9',
          consent_date: '2025-01-01',
          obtained_by: 'Nurse Secretname',
        }).toString(),
      });
      await app.request(`/registry/patients/${id}/visits`, {
        method: 'POST',
        headers: h,
        body: new URLSearchParams({
          _csrf: s.csrf,
          timepoint: 'baseline',
          visit_date: '2025-01-02',
          nrs: '7',
          imaging_note: 'MRI shows Modic-PHI-marker',
        }).toString(),
      });
      await app.request('/api/registry/patients/abc', { headers: { cookie: `rs_session=${s.sid}` } });
      await login('coord@web.example.org', 'a-wrong-password-PHI');
    } finally {
      Object.assign(console, saved);
    }
    const all = lines.join('\n');
    for (const secret of [registryId, 'Secretname', 'PHI-marker', '31.7', 'coord@web.example.org', 'PHI', PASSWORD]) {
      assert.ok(!all.includes(secret), `log contains ${secret}:\n${all}`);
    }
  });
});
