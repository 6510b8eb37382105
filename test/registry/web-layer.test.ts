// The registry's web layer (issue 12 item 4), driven through `app.request` as hono's own middleware tests
// are: authentication and CSRF are middleware that set typed context variables; /api/registry and
// /registry are sub-apps sharing one error mapper; views decide what to offer from `can(…)` answers passed
// in, never from role names. The expected offers come from the role table of docs/reference/registry.md
// (test/registry/role-table.ts), not from the code's GRANTS.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Hono } from 'hono';
import { lowerScryptCostForTests } from '../../src/registry/auth.ts';
import type { Role } from '../../src/registry/policy.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import { CLI_ACTOR, createUser } from '../../src/store/registry-accounts.ts';
import { mountRegistry } from '../../src/web/registry/index.ts';
import { authenticate, type HttpKit, type RegistryEnv } from '../../src/web/registry/middleware.ts';
import { buildWorld, fullPatient, type World } from './fixtures.ts';
import { ROLE_TABLE } from './role-table.ts';

// Each sign-in here verifies a password, and scrypt's cost is not what these tests test (that is
// test/registry/scrypt-cost.test.ts): hash at N = 2^12, as src/registry/auth.ts lowerScryptCostForTests allows.
lowerScryptCostForTests(2 ** 12);

const PASSWORD = 'correct horse battery';
let db: Db;
let w: World;
let reg: Hono;
let patient: Awaited<ReturnType<typeof fullPatient>>;
let patientB: Awaited<ReturnType<typeof fullPatient>>;
const sessions: Partial<Record<Role, { sid: string; csrf: string }>> = {};

function cookiesOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const i = pair!.indexOf('=');
    out[pair!.slice(0, i)] = pair!.slice(i + 1);
  }
  return out;
}

async function signIn(app: Hono, email: string) {
  const form = await app.request('/registry/login');
  const token = /name="_login" value="([^"]+)"/.exec(await form.text())![1]!;
  const res = await app.request('/registry/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `rs_login=${cookiesOf(form).rs_login}` },
    body: new URLSearchParams({ _login: token, email, password: PASSWORD }).toString(),
  });
  assert.equal(res.status, 303, `sign-in of ${email}`);
  const sid = cookiesOf(res).rs_session!;
  const page = await (await app.request('/registry', { headers: { cookie: `rs_session=${sid}` } })).text();
  return { sid, csrf: /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '' };
}
const pageAs = async (role: Role, path: string) =>
  reg.request(path, { headers: { cookie: `rs_session=${sessions[role]!.sid}` } });

before(async () => {
  db = await openDb({ memory: true, migrated: true });
  w = await buildWorld(db);
  patient = await fullPatient(w, 'A', { visit: true }); // with an unacknowledged serious adverse event
  patientB = await fullPatient(w, 'B');
  // The registry sub-apps alone on a bare hono app: nothing of the rest of the server is needed.
  reg = new Hono();
  mountRegistry(reg, db, { today: () => '2025-04-15' });
  for (const role of ['admin', 'clinician', 'coordinator', 'analyst'] as const) {
    await createUser(db, CLI_ACTOR, {
      email: `${role}-web@a.example.org`,
      role,
      siteIds: [w.sites.A],
      password: PASSWORD,
    });
    sessions[role] = await signIn(reg, `${role}-web@a.example.org`);
  }
});
after(async () => {
  await db?.close();
});

describe('middleware: authentication sets typed context variables', () => {
  test('a route behind `authenticate` reads c.var.actor and c.var.repo; without a credential it never runs', async () => {
    const kit: HttpKit = {
      db,
      security: async () => {},
      sameOrigin: () => true,
      csrfFormToken: async () => '',
      logFailure: () => {},
    };
    const app = new Hono<RegistryEnv>();
    let ran = 0;
    app.use('*', authenticate(kit, 'json'));
    app.get('/who', (c) => {
      ran++;
      return c.json({
        role: c.var.actor.role,
        sites: c.var.actor.siteIds,
        acknowledge: c.var.repo.can('ae:acknowledge'),
      });
    });
    const ok = await app.request('/who', { headers: { authorization: `Bearer ${w.tokens.A.coordinator}` } });
    assert.deepEqual(await ok.json(), { role: 'coordinator', sites: [w.sites.A], acknowledge: false });
    assert.equal((await app.request('/who')).status, 401);
    assert.equal((await app.request('/who', { headers: { authorization: 'Bearer rst_nope' } })).status, 401);
    assert.equal(ran, 1);
  });

  test('the sub-apps: the API answers 401 JSON, pages redirect to sign-in; the sign-in page is open', async () => {
    const res = await reg.request('/api/registry/me');
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { field: string }).field, 'authorization');
    const page = await reg.request('/registry/patients/new');
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/registry/login');
    assert.equal((await reg.request('/registry/login')).status, 200);
  });

  test('CSRF: a session POST without the token is refused (403) on both sub-apps; with it, it is served', async () => {
    const s = sessions.clinician!;
    const cookie = `rs_session=${s.sid}`;
    const noToken = await reg.request('/api/registry/patients', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(noToken.status, 403);
    assert.equal(((await noToken.json()) as { field: string }).field, '_csrf');
    const form = await reg.request(`/registry/patients/${patient.patient.id}/status`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'status=active',
    });
    assert.equal(form.status, 403);
    assert.match(await form.text(), /CSRF check failed/);
    const withToken = await reg.request('/api/registry/patients', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': s.csrf },
      body: '{}',
    });
    assert.equal(withToken.status, 400, 'past CSRF: the body is validated');
  });
});

describe('one error mapper for both sub-apps', () => {
  test('another site’s patient: 404 as JSON on the API, a "Not found" page on the forms', async () => {
    const res = await reg.request(`/api/registry/patients/${patientB.patient.id}`, {
      headers: { authorization: `Bearer ${w.tokens.A.clinician}` },
    });
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { field: string }).field, 'id');
    const page = await pageAs('clinician', `/registry/patients/${patientB.patient.id}`);
    assert.equal(page.status, 404);
    assert.match(await page.text(), /<h1>Not found<\/h1>/);
  });
  test('a role refusal: 403 with the permission named; bad JSON: 400 naming the body', async () => {
    const res = await reg.request(`/api/registry/patients/${patient.patient.id}`, {
      headers: { authorization: `Bearer ${w.tokens.A.analyst}` },
    });
    assert.equal(res.status, 403);
    assert.match(((await res.json()) as { error: string }).error, /records:read/);
    const bad = await reg.request('/api/registry/patients', {
      method: 'POST',
      headers: { authorization: `Bearer ${w.tokens.A.coordinator}`, 'content-type': 'application/json' },
      body: '{not json',
    });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { field: string }).field, 'body');
  });
});

describe('views offer what the role table allows (can(…) passed in, no role checks in views)', () => {
  const ACK = /<button type="submit">Acknowledge<\/button>/;
  for (const role of ['admin', 'clinician', 'coordinator'] as const) {
    test(`${role}: Acknowledge button ${ROLE_TABLE['ae:acknowledge'][role] ? 'shown' : 'not shown'} on the dashboard`, async () => {
      const html = await (await pageAs(role, `/registry?site=${w.sites.A}`)).text();
      assert.match(html, /Serious adverse events not yet acknowledged/);
      assert.equal(ACK.test(html), ROLE_TABLE['ae:acknowledge'][role]);
    });
    test(`${role}: clinical write forms ${ROLE_TABLE['records:write'][role] ? 'offered' : 'not offered'} on the patient page`, async () => {
      const html = await (await pageAs(role, `/registry/patients/${patient.patient.id}`)).text();
      const writes = [
        `/registry/patients/${patient.patient.id}/procedures/new`,
        `/registry/patients/${patient.patient.id}/visits/new`,
        `/registry/patients/${patient.patient.id}/adverse-events/new`,
        '/registry/patients/new',
      ];
      for (const href of writes)
        assert.equal(html.includes(`href="${href}"`), ROLE_TABLE['records:write'][role], `${role} ${href}`);
      assert.equal(html.includes('>Correct</a>'), ROLE_TABLE['records:write'][role], `${role} Correct links`);
    });
  }
  test('analyst: no record pages at all (403), the dashboard points to the de-identified API', async () => {
    assert.equal((await pageAs('analyst', `/registry/patients/${patient.patient.id}`)).status, 403);
    assert.match(await (await pageAs('analyst', '/registry')).text(), /deidentified\/outcomes/);
  });
});
