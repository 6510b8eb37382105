// Issue 11 (security review, sessions): a session ends after auth.sessionIdleMinutes without a request and,
// however active, auth.sessionHours after sign-in (OWASP Session Management Cheat Sheet, Session Expiration:
// idle and absolute timeouts). Before this, the setting said "idle" but the expiry was fixed at sign-in and no
// request moved it. Time is moved by back-dating the session row (the database clock decides expiry).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_REGISTRY_CONFIG } from '../../src/registry/config.ts';
import { actorFromToken, createSession, getSession } from '../../src/store/registry-accounts.ts';
import { pgliteWorld } from './fixtures.ts';

const IDLE = DEFAULT_REGISTRY_CONFIG.auth.sessionIdleMinutes.value;
const HOURS = DEFAULT_REGISTRY_CONFIG.auth.sessionHours.value;

describe('session idle and absolute timeouts', () => {
  const ctx = pgliteWorld();
  const userId = async () => (await actorFromToken(ctx.db, ctx.w.tokens.A.clinician))!.userId;
  /** Minutes from now to the session's idle deadline, and its age in minutes, as the database sees them. */
  const row = async (sid: string) => {
    const { sha256 } = await import('../../src/registry/auth.ts');
    const r = await ctx.db.query<{ left: number; age: number }>(
      `SELECT extract(epoch FROM expires_at - now()) / 60 AS left, extract(epoch FROM now() - created_at) / 60 AS age
       FROM user_session WHERE id_hash = $1`,
      [sha256(sid)],
    );
    return { left: Number(r.rows[0]!.left), age: Number(r.rows[0]!.age) };
  };
  const backdate = async (sid: string, set: string) => {
    const { sha256 } = await import('../../src/registry/auth.ts');
    await ctx.db.query(`UPDATE user_session SET ${set} WHERE id_hash = $1`, [sha256(sid)]);
  };
  const page = async (sid: string) =>
    (await ctx.w.app.request('/registry', { headers: { cookie: `rs_session=${sid}` } })).status;

  test('the settings are what config/registry.json ships (idle 15 min, absolute 12 h)', () => {
    assert.equal(IDLE, 15);
    assert.equal(HOURS, 12);
  });

  test('a new session is open for the idle time, not for the whole absolute lifetime', async () => {
    const s = await createSession(ctx.db, await userId(), null);
    const { left } = await row(s.id);
    assert.ok(left > IDLE - 1 && left <= IDLE, `${left} minutes left`);
    assert.ok(await getSession(ctx.db, s.id));
  });

  test('a request moves the idle deadline on; no request for the idle time ends the session', async () => {
    const s = await createSession(ctx.db, await userId(), null);
    // last request 10 minutes ago: 5 minutes left; a request now gives the full idle time again
    await backdate(s.id, `expires_at = now() + interval '5 minutes', created_at = now() - interval '1 hour'`);
    assert.equal(await page(s.id), 200);
    const after = await row(s.id);
    assert.ok(after.left > IDLE - 1 && after.left <= IDLE, `${after.left} minutes left after a request`);
    // idle past the deadline: the page sends the user to sign in, the API answers 401
    await backdate(s.id, `expires_at = now() - interval '1 second'`);
    assert.equal(await page(s.id), 303);
    assert.equal(await getSession(ctx.db, s.id), null);
    const api = await ctx.w.app.request('/api/registry/me', { headers: { cookie: `rs_session=${s.id}` } });
    assert.equal(api.status, 401);
  });

  test('within the last minute of activity the deadline is not rewritten (one write a minute at most)', async () => {
    const s = await createSession(ctx.db, await userId(), null);
    await backdate(s.id, `expires_at = now() + interval '${IDLE} minutes' - interval '20 seconds'`);
    const before = await row(s.id);
    assert.ok(await getSession(ctx.db, s.id));
    const after = await row(s.id);
    assert.ok(Math.abs(after.left - before.left) < 0.1, `${before.left} → ${after.left}`);
  });

  test('an active session still ends sessionHours after sign-in, and is never extended past it', async () => {
    const s = await createSession(ctx.db, await userId(), null);
    // signed in 11 h 55 min ago, active: the deadline may move only to the absolute end, 5 minutes away
    await backdate(
      s.id,
      `created_at = now() - interval '${HOURS} hours' + interval '5 minutes', expires_at = now() + interval '1 minute'`,
    );
    assert.equal(await page(s.id), 200);
    const { left } = await row(s.id);
    assert.ok(left > 4 && left <= 5, `${left} minutes left before the absolute end`);
    // past the absolute end, even with an idle deadline ahead (a row written by an older version)
    await backdate(
      s.id,
      `created_at = now() - interval '${HOURS} hours' - interval '1 second', expires_at = now() + interval '10 minutes'`,
    );
    assert.equal(await getSession(ctx.db, s.id), null);
    assert.equal(await page(s.id), 303);
  });
});
