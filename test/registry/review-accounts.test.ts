// Regression tests for the second security review: a password change ends the user's sessions; users can
// be deactivated and API tokens revoked (audited); login throttling per client address as well as per
// account, without trusting X-Forwarded-For unless configured; follow-ups dated before the index procedure
// and procedures dated in the future are refused; an empty patient update is refused and lists are
// de-duplicated.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Hono } from 'hono';
import { addressDelaySeconds, clientThrottleKey, lowerScryptCostForTests } from '../../src/registry/auth.ts';
import { DEFAULT_REGISTRY_CONFIG, parseRegistryConfig } from '../../src/registry/config.ts';
import { addDays } from '../../src/registry/schedule.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import * as R from '../../src/store/registry.ts';
import {
  actorFromToken,
  CLI_ACTOR,
  createApiToken,
  createSession,
  createUser,
  deactivateUser,
  getSession,
  listApiTokens,
  login,
  revokeApiTokens,
  setPassword,
} from '../../src/store/registry-accounts.ts';
import { mountRegistry } from '../../src/web/registry/index.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import {
  api,
  buildWorld,
  enrolInput,
  fullPatient,
  pgliteWorld,
  prpProcedure,
  visitInput,
  type World,
} from './fixtures.ts';

// Dozens of password hashes here test races and throttling, not scrypt's cost: hash at N = 2^12 (src/registry/auth.ts).
lowerScryptCostForTests(2 ** 12);

const PASSWORD = 'correct horse battery';

describe('client address keys and the address rule (pure)', () => {
  test('IPv4 as is, IPv4-mapped unwrapped, IPv6 by /64, no address one shared key; never an e-mail', () => {
    assert.equal(clientThrottleKey('203.0.113.7'), 'IP 203.0.113.7');
    assert.equal(clientThrottleKey('::ffff:203.0.113.7'), 'IP 203.0.113.7');
    assert.equal(clientThrottleKey('2001:db8::1'), clientThrottleKey('2001:db8:0:0:ffff:1:2:3'));
    assert.notEqual(clientThrottleKey('2001:db8::1'), clientThrottleKey('2001:db8:0:1::1'));
    assert.equal(clientThrottleKey(undefined), 'IP unknown');
    assert.equal(clientThrottleKey('not an address'), 'IP unknown');
    assert.notEqual(clientThrottleKey('203.0.113.7').toLowerCase(), clientThrottleKey('203.0.113.7'));
  });
  test('refused from the max-th failure until a whole window has passed since the last one', () => {
    assert.equal(addressDelaySeconds(2, 10, 3, 900), 0);
    assert.equal(addressDelaySeconds(3, 10, 3, 900), 890);
    assert.equal(addressDelaySeconds(30, 900, 3, 900), 0);
  });
});

describe('accounts: password change, deactivation, token revocation (PGlite)', () => {
  const ctx = pgliteWorld();

  test("setting a password ends all of the user's sessions", async () => {
    const u = await createUser(ctx.db, CLI_ACTOR, {
      email: 'pw@a.example.org',
      role: 'coordinator',
      siteIds: [ctx.w.sites.A],
      password: PASSWORD,
    });
    const s1 = await createSession(ctx.db, u.id, null);
    const s2 = await createSession(ctx.db, u.id, null);
    const other = await createSession(ctx.db, (await actorFromToken(ctx.db, ctx.w.tokens.A.clinician))!.userId, null);
    assert.ok(await getSession(ctx.db, s1.id));
    await setPassword(ctx.db, CLI_ACTOR, 'PW@a.example.org', 'a brand new password');
    assert.equal(await getSession(ctx.db, s1.id), null);
    assert.equal(await getSession(ctx.db, s2.id), null);
    assert.ok(await getSession(ctx.db, other.id), "other users' sessions are untouched");
    assert.equal((await login(ctx.db, 'pw@a.example.org', PASSWORD)).ok, false);
    assert.equal((await login(ctx.db, 'pw@a.example.org', 'a brand new password')).ok, true);
  });

  test('a deactivated user cannot sign in; sessions and tokens stop at once; audited; admin only', async () => {
    const u = await createUser(ctx.db, CLI_ACTOR, {
      email: 'leaver@a.example.org',
      role: 'clinician',
      siteIds: [ctx.w.sites.A],
      password: PASSWORD,
    });
    const token = await createApiToken(ctx.db, CLI_ACTOR, u.email, 'script');
    const s = await createSession(ctx.db, u.id, null);
    assert.ok(await actorFromToken(ctx.db, token));
    await assert.rejects(deactivateUser(ctx.db, ctx.w.actors.A.clinician, u.email), { status: 403 });
    await assert.rejects(deactivateUser(ctx.db, CLI_ACTOR, 'nobody@a.example.org'), { status: 404 });
    const r = await deactivateUser(ctx.db, CLI_ACTOR, u.email);
    assert.deepEqual(r, { id: u.id, email: u.email, wasActive: true, sessionsEnded: 1, tokensRevoked: 1 });
    assert.equal(await getSession(ctx.db, s.id), null);
    assert.equal(await actorFromToken(ctx.db, token), null);
    assert.equal((await api(ctx.w, token, 'GET', '/api/registry/me')).status, 401);
    const l = await login(ctx.db, u.email, PASSWORD);
    assert.ok(!l.ok && l.reason === 'invalid');
    await assert.rejects(createApiToken(ctx.db, CLI_ACTOR, u.email, 'again'), { status: 404 });
    const audit = await ctx.db.query<{ entity: string; new_values: Record<string, unknown>; via: string }>(
      "SELECT entity, new_values, via FROM audit.audit_log WHERE reason = 'user deactivated' ORDER BY id",
    );
    assert.deepEqual(
      audit.rows.map((a) => a.entity),
      ['app_user', 'api_token'],
    );
    assert.equal(audit.rows[0]!.new_values.active, false);
    assert.ok(audit.rows[1]!.new_values.revoked_at);
    assert.match(audit.rows[0]!.via, /^cli:.+/, 'the CLI operator is named (security review L4)');
    // Again: nothing left to change.
    const again = await deactivateUser(ctx.db, CLI_ACTOR, u.email);
    assert.equal(again.wasActive, false);
  });

  test('API tokens are revoked by id or all of a user at once; audited; admin only', async () => {
    const email = 'scripts@a.example.org';
    await createUser(ctx.db, CLI_ACTOR, { email, role: 'coordinator', siteIds: [ctx.w.sites.A] });
    const t1 = await createApiToken(ctx.db, CLI_ACTOR, email, 'one');
    const t2 = await createApiToken(ctx.db, CLI_ACTOR, email, 'two');
    const t3 = await createApiToken(ctx.db, CLI_ACTOR, email, 'three');
    const listed = await listApiTokens(ctx.db, CLI_ACTOR, email);
    assert.deepEqual(
      listed.map((t) => t.label),
      ['three', 'two', 'one'],
    );
    assert.ok(!JSON.stringify(listed).includes('rst_'));
    const two = listed.find((t) => t.label === 'two')!.id;
    await assert.rejects(revokeApiTokens(ctx.db, ctx.w.actors.A.coordinator, { id: two }), { status: 403 });
    await assert.rejects(revokeApiTokens(ctx.db, CLI_ACTOR, { id: 999999 }), { status: 404 });
    assert.deepEqual(await revokeApiTokens(ctx.db, CLI_ACTOR, { id: two }), [two]);
    assert.equal((await api(ctx.w, t2, 'GET', '/api/registry/me')).status, 401);
    assert.equal((await api(ctx.w, t1, 'GET', '/api/registry/me')).status, 200);
    const rest = await revokeApiTokens(ctx.db, CLI_ACTOR, { email: email.toUpperCase() });
    assert.equal(rest.length, 2);
    assert.equal((await api(ctx.w, t1, 'GET', '/api/registry/me')).status, 401);
    assert.equal((await api(ctx.w, t3, 'GET', '/api/registry/me')).status, 401);
    assert.deepEqual(await revokeApiTokens(ctx.db, CLI_ACTOR, { email }), []);
    const audit = await ctx.db.query<{ entity_id: string }>(
      "SELECT entity_id FROM audit.audit_log WHERE entity = 'api_token' AND reason = 'API token revoked' ORDER BY id",
    );
    assert.deepEqual(audit.rows.map((a) => Number(a.entity_id)).sort(), [two, ...rest].sort());
  });
});

describe('login throttling per client address (HTTP)', () => {
  let db: Db;
  const config = parseRegistryConfig({
    ...DEFAULT_REGISTRY_CONFIG,
    auth: {
      ...DEFAULT_REGISTRY_CONFIG.auth,
      loginAddressMaxFailures: { value: 3, verified: false, source: 'test' },
      loginAddressWindowMinutes: { value: 15, verified: false, source: 'test' },
    },
  });
  const appFor = (trustProxy: boolean) => {
    const app = new Hono();
    mountRegistry(app, db, { config, trustProxy });
    return app;
  };
  before(async () => {
    db = await openDb({ memory: true, migrated: true });
    const w = await buildWorld(db);
    for (const email of ['right@a.example.org', 'right2@a.example.org'])
      await createUser(db, CLI_ACTOR, { email, role: 'coordinator', siteIds: [w.sites.A], password: PASSWORD });
  });
  after(async () => {
    await db?.close();
  });

  /** A sign-in as @hono/node-server delivers it: the socket's peer address in env.incoming. */
  async function signIn(
    app: Hono,
    from: string,
    email: string,
    password: string,
    headers: Record<string, string> = {},
  ) {
    const form = await app.request('/registry/login');
    const token = /name="_login" value="([^"]+)"/.exec(await form.text())![1]!;
    const cookie = form.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    return app.request(
      '/registry/login',
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...headers },
        body: new URLSearchParams({ _login: token, email, password }).toString(),
      },
      { incoming: { socket: { remoteAddress: from, remotePort: 40000, remoteFamily: 'IPv4' } } },
    );
  }

  test('failures across many accounts from one address get that address a 429; other addresses are not affected', async () => {
    const app = appFor(false);
    const attacker = '203.0.113.7';
    // Password spraying: one guess per account, so the per-account rule never triggers.
    for (let i = 0; i < 3; i++)
      assert.equal((await signIn(app, attacker, `victim${i}@a.example.org`, 'Password1!')).status, 401);
    const blocked = await signIn(app, attacker, 'right@a.example.org', PASSWORD);
    assert.equal(blocked.status, 429);
    const retry = Number(blocked.headers.get('retry-after'));
    assert.ok(retry > 800 && retry <= 900, `retry-after ${retry}`);
    // X-Forwarded-For is not trusted without the proxy setting.
    assert.equal(
      (await signIn(app, attacker, 'right@a.example.org', PASSWORD, { 'x-forwarded-for': '198.51.100.1' })).status,
      429,
    );
    // Another address signs in to the same account; the refused attempts did not count against it.
    assert.equal((await signIn(app, '198.51.100.9', 'right@a.example.org', PASSWORD)).status, 303);
    // After a whole quiet window the address may try again.
    await db.query(
      "UPDATE login_failure SET last_failure_at = now() - interval '16 minutes' WHERE email = 'IP 203.0.113.7'",
    );
    assert.equal((await signIn(app, attacker, 'right@a.example.org', PASSWORD)).status, 303);
  });

  test('behind a trusted proxy the last X-Forwarded-For entry is the client address', async () => {
    const app = appFor(true);
    const proxy = '10.0.0.2';
    for (let i = 0; i < 3; i++) {
      const r = await signIn(app, proxy, `sprayed${i}@a.example.org`, 'Password1!', {
        'x-forwarded-for': `192.0.2.${i}, 198.51.100.77`,
      });
      assert.equal(r.status, 401);
    }
    const h = { 'x-forwarded-for': '198.51.100.77' };
    assert.equal((await signIn(app, proxy, 'right2@a.example.org', PASSWORD, h)).status, 429);
    // Other clients behind the same proxy are not refused.
    const other = { 'x-forwarded-for': '198.51.100.78' };
    assert.equal((await signIn(app, proxy, 'right2@a.example.org', PASSWORD, other)).status, 303);
  });

  test('the per-account rule counts per client: failures from other addresses do not throttle this one', async () => {
    const cfg = DEFAULT_REGISTRY_CONFIG; // address limit 20: only the pair rule acts here
    const free = cfg.auth.loginFreeFailures.value;
    for (let i = 0; i < free; i++) {
      const r = await login(db, 'right2@a.example.org', `wrong-${i}`, cfg, '192.0.2.100');
      assert.ok(!r.ok && r.reason === 'invalid', `attempt ${i}`);
    }
    const same = await login(db, 'right2@a.example.org', PASSWORD, cfg, '192.0.2.100');
    assert.ok(!same.ok && same.reason === 'throttled', 'the guessing client waits');
    const other = await login(db, 'right2@a.example.org', PASSWORD, cfg, '192.0.2.200');
    assert.ok(other.ok, 'another client signs in at once (security review M4)');
  });
});

describe('on a real PostgreSQL', () => {
  let pg: TestPostgres;
  let db: Db;
  let w: World;
  before(async () => {
    pg = await startPostgres();
    db = await openDb({ databaseUrl: pg.url });
    w = await buildWorld(db);
  });
  after(async () => {
    await db?.close();
    await pg?.stop();
  });

  test('parallel guesses at many accounts from one address cannot outrun the address limit', async () => {
    const max = DEFAULT_REGISTRY_CONFIG.auth.loginAddressMaxFailures.value;
    const results = await Promise.all(
      Array.from({ length: max + 8 }, (_, i) =>
        login(db, `spray${i}@a.example.org`, `wrong-${i}`, DEFAULT_REGISTRY_CONFIG, '203.0.113.50'),
      ),
    );
    const checked = results.filter((r) => !r.ok && r.reason === 'invalid').length;
    assert.ok(checked <= max, `${checked} passwords were checked, at most ${max} may be`);
    assert.equal(results.filter((r) => !r.ok && r.reason === 'throttled').length, results.length - checked);
  });

  test('deactivation and revocation work with bigint ids', async () => {
    const email = 'pg-leaver@a.example.org';
    const u = await createUser(db, CLI_ACTOR, { email, role: 'coordinator', siteIds: [w.sites.A] });
    const t = await createApiToken(db, CLI_ACTOR, email, 'x');
    const [listed] = await listApiTokens(db, CLI_ACTOR, email);
    assert.deepEqual(await revokeApiTokens(db, CLI_ACTOR, { id: listed!.id }), [listed!.id]);
    assert.equal(await actorFromToken(db, t), null);
    const r = await deactivateUser(db, CLI_ACTOR, email);
    assert.equal(r.id, Number(u.id));
    assert.equal(r.wasActive, true);
  });
});

describe('clinical dates and patient updates (PGlite)', () => {
  const ctx = pgliteWorld();

  test('a follow-up dated before the index procedure is a 422 naming visit_date; baseline may precede it', async () => {
    const t = await fullPatient(ctx.w, 'A', { visit: true }); // index procedure 2025-01-10, baseline 2025-01-05
    const path = `/api/registry/patients/${t.patient.id}/visits`;
    const early = await api(ctx.w, ctx.w.tokens.A.clinician, 'POST', path, visitInput('1m', '2025-01-09'));
    assert.equal(early.status, 422, early.text);
    assert.equal(early.json.field, 'visit_date');
    const sameDay = await api(ctx.w, ctx.w.tokens.A.clinician, 'POST', path, visitInput('1m', '2025-01-10'));
    assert.equal(sameDay.status, 201, sameDay.text);
  });

  test('a procedure dated in the future is a 422 naming procedure_date', async () => {
    const t = await fullPatient(ctx.w, 'A');
    const path = `/api/registry/patients/${t.patient.id}/procedures`;
    const today = new Date().toISOString().slice(0, 10);
    for (const date of ['2199-01-01', addDays(today, 2)]) {
      const r = await api(ctx.w, ctx.w.tokens.A.clinician, 'POST', path, prpProcedure(date));
      assert.equal(r.status, 422, `${date}: ${r.text}`);
      assert.equal(r.json.field, 'procedure_date');
    }
    const ok = await api(ctx.w, ctx.w.tokens.A.clinician, 'POST', path, prpProcedure(today));
    assert.equal(ok.status, 201, ok.text);
  });

  test('an update with nothing but version and reason is a 400 naming the body; lists are de-duplicated', async () => {
    const p = await R.enrolPatient(ctx.db, ctx.w.actors.A.clinician, enrolInput(ctx.w.sites.A));
    const path = `/api/registry/patients/${p.id}`;
    const empty = await api(ctx.w, ctx.w.tokens.A.clinician, 'PATCH', path, { version: p.version, reason: 'typo' });
    assert.equal(empty.status, 400, empty.text);
    assert.equal(empty.json.field, 'body');
    const after = await api(ctx.w, ctx.w.tokens.A.clinician, 'PATCH', path, {
      version: p.version,
      reason: 'history corrected',
      prior_treatments: ['surgery', 'medication', 'surgery'],
      pain_generators: ['facet', 'facet'],
    });
    assert.equal(after.status, 200, after.text);
    assert.equal(after.json.version, p.version + 1);
    assert.deepEqual(after.json.prior_treatments, ['surgery', 'medication']);
    assert.deepEqual(after.json.pain_generators, ['facet']);
    // bmi: null is a change (clearing it), not an empty update.
    const cleared = await api(ctx.w, ctx.w.tokens.A.clinician, 'PATCH', path, {
      version: p.version + 1,
      reason: 'bmi unknown',
      bmi: null,
    });
    assert.equal(cleared.status, 200, cleared.text);
    assert.equal(cleared.json.bmi, null);
  });
});
