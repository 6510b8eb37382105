// Accounts: sites, users, site memberships, sessions, API tokens and login throttling. Secrets are stored
// only as hashes (scrypt for passwords, SHA-256 for session ids and API tokens).

import {
  addressDelaySeconds,
  clientThrottleKey,
  dummyHash,
  EMAIL_RE,
  hashPassword,
  loginDelaySeconds,
  newApiToken,
  normalizeEmail,
  randomToken,
  sha256,
  verifyPassword,
} from '../registry/auth.ts';
import { DEFAULT_REGISTRY_CONFIG, type RegistryConfig } from '../registry/config.ts';
import { type Actor, can, isRole, type Role } from '../registry/policy.ts';
import { CommandError, parseCommand, SiteSchema } from '../registry/validation.ts';
import type { Db, Queryable } from './db.ts';

/** Actor for commands run by the CLI operator (no user account): recorded as via 'cli'. */
export const CLI_ACTOR: Actor = { userId: 0, role: 'admin', siteIds: [], via: 'cli' };

/** Sets who / why for the audit trigger, transaction-locally, then runs the command. One transaction. */
export async function command<T>(
  db: Db,
  actor: Actor,
  reason: string | null,
  fn: (tx: Queryable) => Promise<T>,
): Promise<T> {
  return db.transaction(fn, {
    settings: {
      'regenspine.user_id': actor.userId > 0 ? String(actor.userId) : '',
      'regenspine.role': actor.role,
      'regenspine.via': actor.via,
      'regenspine.reason': reason ?? '',
    },
  });
}

export interface Site {
  id: number;
  code: string;
  name: string;
}

export async function createSite(db: Db, actor: Actor, input: unknown): Promise<Site> {
  const s = parseCommand(SiteSchema, input);
  return command(db, actor, null, async (tx) => {
    const dup = await tx.query('SELECT 1 FROM registry_site WHERE code = $1', [s.code]);
    if (dup.rows.length > 0) throw new CommandError(`site ${s.code} exists`, 'code', 409);
    const r = await tx.query<Site>('INSERT INTO registry_site (code, name) VALUES ($1, $2) RETURNING id, code, name', [
      s.code,
      s.name,
    ]);
    return r.rows[0]!;
  });
}

export async function listSites(db: Queryable, siteIds?: number[]): Promise<Site[]> {
  const r = siteIds
    ? await db.query<Site>('SELECT id, code, name FROM registry_site WHERE id = ANY($1::int[]) ORDER BY code', [
        siteIds,
      ])
    : await db.query<Site>('SELECT id, code, name FROM registry_site ORDER BY code');
  return r.rows;
}

export async function siteIdsByCode(db: Queryable, codes: string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const code of codes) {
    const r = await db.query<{ id: number }>('SELECT id FROM registry_site WHERE code = $1', [code]);
    if (!r.rows[0]) throw new CommandError(`no site with code "${code}"`, 'site');
    ids.push(r.rows[0].id);
  }
  return ids;
}

export interface NewUser {
  email: string;
  role: Role;
  siteIds: number[];
  password?: string | null;
}

export async function createUser(db: Db, actor: Actor, u: NewUser): Promise<{ id: number; email: string }> {
  const email = normalizeEmail(u.email);
  if (!EMAIL_RE.test(email)) throw new CommandError('not an e-mail address', 'email');
  if (!isRole(u.role)) throw new CommandError('role must be admin, clinician, coordinator or analyst', 'role');
  if (u.role !== 'admin' && u.siteIds.length === 0) throw new CommandError('a user needs at least one site', 'site');
  const hash = u.password
    ? await hashPassword(u.password).catch((e: Error) => {
        throw new CommandError(e.message, 'password');
      })
    : null;
  return command(db, actor, null, async (tx) => {
    const dup = await tx.query('SELECT 1 FROM app_user WHERE email = $1', [email]);
    if (dup.rows.length > 0) throw new CommandError('a user with this e-mail exists', 'email', 409);
    const r = await tx.query<{ id: number }>(
      'INSERT INTO app_user (email, password_hash, role) VALUES ($1, $2, $3) RETURNING id',
      [email, hash, u.role],
    );
    const id = r.rows[0]!.id;
    for (const s of u.siteIds) await tx.query('INSERT INTO user_site (user_id, site_id) VALUES ($1, $2)', [id, s]);
    return { id, email };
  });
}

/**
 * Sets a user's password and ends all of that user's sessions (OWASP Session Management Cheat Sheet:
 * renew sessions on a password change), so a session opened with the old password does not outlive it.
 * There is no self-service password change, so no session is kept. API tokens are separate credentials
 * and stay valid (revoke them with revokeApiTokens).
 */
export async function setPassword(db: Db, actor: Actor, email: string, password: string): Promise<void> {
  const hash = await hashPassword(password).catch((e: Error) => {
    throw new CommandError(e.message, 'password');
  });
  await command(db, actor, 'password set', async (tx) => {
    const r = await tx.query<{ id: number }>('UPDATE app_user SET password_hash = $2 WHERE email = $1 RETURNING id', [
      normalizeEmail(email),
      hash,
    ]);
    if (!r.rows[0]) throw new CommandError('no such user', 'email', 404);
    await tx.query('DELETE FROM user_session WHERE user_id = $1', [r.rows[0].id]);
  });
}

function requireUserManager(actor: Actor): void {
  if (!can(actor, 'users:manage'))
    throw new CommandError(`the ${actor.role} role may not do this (users:manage)`, 'role', 403);
}

/**
 * Deactivates a user: sign-in is refused, and every session and API token of the user stops working at
 * once (sessions deleted, tokens revoked; requests check the active flag as well). Audited as changes of
 * app_user and api_token with the reason "user deactivated". Deactivating an inactive user changes nothing.
 */
export async function deactivateUser(
  db: Db,
  actor: Actor,
  emailRaw: string,
): Promise<{ id: number; email: string; wasActive: boolean; sessionsEnded: number; tokensRevoked: number }> {
  requireUserManager(actor);
  const email = normalizeEmail(emailRaw);
  return command(db, actor, 'user deactivated', async (tx) => {
    const u = await tx.query<{ id: number; active: boolean }>(
      'SELECT id, active FROM app_user WHERE email = $1 FOR UPDATE',
      [email],
    );
    const user = u.rows[0];
    if (!user) throw new CommandError('no such user', 'email', 404);
    if (actor.userId > 0 && Number(actor.userId) === Number(user.id))
      throw new CommandError('you cannot deactivate yourself', 'email', 409);
    if (user.active) await tx.query('UPDATE app_user SET active = false WHERE id = $1', [user.id]);
    const sessions = await tx.query('DELETE FROM user_session WHERE user_id = $1', [user.id]);
    const tokens = await tx.query('UPDATE api_token SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [
      user.id,
    ]);
    return {
      id: Number(user.id),
      email,
      wasActive: user.active,
      sessionsEnded: sessions.affectedRows ?? 0,
      tokensRevoked: tokens.affectedRows ?? 0,
    };
  });
}

export interface ApiTokenInfo {
  id: number;
  email: string;
  label: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
}

/** The API tokens of a user (never the secrets), newest first: to find the id `token revoke --id` needs. */
export async function listApiTokens(db: Queryable, actor: Actor, email: string): Promise<ApiTokenInfo[]> {
  requireUserManager(actor);
  const r = await db.query<ApiTokenInfo>(
    `SELECT t.id, u.email, t.label, t.created_at, t.expires_at, t.revoked_at
     FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE u.email = $1 ORDER BY t.id DESC`,
    [normalizeEmail(email)],
  );
  return r.rows.map((t) => ({ ...t, id: Number(t.id) }));
}

/**
 * Revokes one API token (by id) or every token of a user (by e-mail); it stops working at once. Audited as
 * an api_token change with the reason "API token revoked". Returns the ids revoked now (already revoked
 * tokens are left as they are).
 */
export async function revokeApiTokens(
  db: Db,
  actor: Actor,
  which: { id: number } | { email: string },
): Promise<number[]> {
  requireUserManager(actor);
  return command(db, actor, 'API token revoked', async (tx) => {
    let userId: number | null = null;
    if ('id' in which) {
      if (!Number.isSafeInteger(which.id) || which.id <= 0) throw new CommandError('expected a token id', 'id');
      const t = await tx.query('SELECT 1 FROM api_token WHERE id = $1', [which.id]);
      if (!t.rows[0]) throw new CommandError('no API token with this id', 'id', 404);
    } else {
      const u = await tx.query<{ id: number }>('SELECT id FROM app_user WHERE email = $1', [
        normalizeEmail(which.email),
      ]);
      if (!u.rows[0]) throw new CommandError('no such user', 'email', 404);
      userId = u.rows[0].id;
    }
    const r = await tx.query<{ id: number }>(
      `UPDATE api_token SET revoked_at = now() WHERE ${userId === null ? 'id' : 'user_id'} = $1 AND revoked_at IS NULL RETURNING id`,
      [userId ?? (which as { id: number }).id],
    );
    return r.rows.map((t) => Number(t.id)).sort((a, b) => a - b);
  });
}

export async function createApiToken(db: Db, actor: Actor, email: string, label: string, days?: number) {
  const { token, hash } = newApiToken();
  await command(db, actor, null, async (tx) => {
    const u = await tx.query<{ id: number }>('SELECT id FROM app_user WHERE email = $1 AND active', [
      normalizeEmail(email),
    ]);
    if (!u.rows[0]) throw new CommandError('no active user with this e-mail', 'email', 404);
    await tx.query(
      `INSERT INTO api_token (user_id, token_hash, label, expires_at) VALUES ($1, $2, $3, CASE WHEN $4::int IS NULL THEN NULL ELSE now() + $4::int * interval '1 day' END)`,
      [u.rows[0].id, hash, label, days ?? null],
    );
  });
  return token;
}

async function actorOf(db: Queryable, userId: number, via: Actor['via']): Promise<Actor | null> {
  const r = await db.query<{ role: Role; site_ids: number[] }>(
    'SELECT u.role, coalesce(array_agg(s.site_id ORDER BY s.site_id) FILTER (WHERE s.site_id IS NOT NULL), ARRAY[]::int[]) AS site_ids FROM app_user u LEFT JOIN user_site s ON s.user_id = u.id WHERE u.id = $1 AND u.active GROUP BY u.role',
    [userId],
  );
  const row = r.rows[0];
  return row ? { userId, role: row.role, siteIds: row.site_ids.map(Number), via } : null;
}

export async function actorFromToken(db: Queryable, token: string): Promise<Actor | null> {
  const r = await db.query<{ user_id: number }>(
    'SELECT user_id FROM api_token WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())',
    [sha256(token)],
  );
  return r.rows[0] ? actorOf(db, r.rows[0].user_id, 'api') : null;
}

export type LoginResult =
  | { ok: true; userId: number }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

/** Creates the counter row if needed and locks it; `wait` is the seconds since its last failure. */
async function lockFailureRow(tx: Queryable, key: string): Promise<{ failures: number; wait: number }> {
  await tx.query(
    'INSERT INTO login_failure (email, failures, last_failure_at) VALUES ($1, 0, now()) ON CONFLICT (email) DO NOTHING',
    [key],
  );
  const f = await tx.query<{ failures: number; wait: number }>(
    'SELECT failures, extract(epoch FROM (now() - last_failure_at))::float8 AS wait FROM login_failure WHERE email = $1 FOR UPDATE',
    [key],
  );
  return f.rows[0]!;
}

/**
 * Password login, slowed per account: after `loginFreeFailures` failures each attempt waits a doubling
 * delay (config auth), refused without even checking the password, so guessing is throttled whether or
 * not the account exists. Unknown accounts cost a scrypt verification too (no timing oracle).
 *
 * And per client address (`clientAddress`, given by the HTTP layer; null = unknown, one shared counter;
 * undefined = not a network sign-in, no address rule): after `loginAddressMaxFailures` failures, each within
 * `loginAddressWindowMinutes` of the previous one, the address is refused until that window has passed
 * since its last failure, whichever accounts it tries (password spraying). Its counter lives in
 * login_failure under clientThrottleKey (upper-case "IP …", never an e-mail); a successful sign-in does not
 * clear it, it only takes back its own count.
 */
export async function login(
  db: Db,
  emailRaw: string,
  password: string,
  config: RegistryConfig = DEFAULT_REGISTRY_CONFIG,
  clientAddress?: string | null,
): Promise<LoginResult> {
  const email = normalizeEmail(emailRaw).slice(0, 320);
  const addressKey = clientAddress === undefined ? null : clientThrottleKey(clientAddress);
  // Check the delays and count this attempt as a failure in one transaction holding the row locks (always
  // account first, then address, so no two sign-ins wait on each other in a cycle), before the (slow)
  // password check: otherwise parallel guesses all read the same count and all get checked. A successful
  // login clears the account's counter.
  const throttled = await db.transaction(async (tx) => {
    const row = await lockFailureRow(tx, email);
    const delay = loginDelaySeconds(
      row.failures,
      config.auth.loginFreeFailures.value,
      config.auth.loginMaxDelaySeconds.value,
    );
    let wait = delay - row.wait;
    let addressFailures = 0;
    if (addressKey !== null) {
      const windowSeconds = config.auth.loginAddressWindowMinutes.value * 60;
      const a = await lockFailureRow(tx, addressKey);
      addressFailures = a.wait >= windowSeconds ? 0 : a.failures;
      wait = Math.max(
        wait,
        addressDelaySeconds(addressFailures, a.wait, config.auth.loginAddressMaxFailures.value, windowSeconds),
      );
    }
    if (wait > 0) return Math.ceil(wait);
    await tx.query('UPDATE login_failure SET failures = failures + 1, last_failure_at = now() WHERE email = $1', [
      email,
    ]);
    if (addressKey !== null)
      await tx.query('UPDATE login_failure SET failures = $2, last_failure_at = now() WHERE email = $1', [
        addressKey,
        addressFailures + 1,
      ]);
    return 0;
  });
  if (throttled > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: throttled };
  const u = await db.query<{ id: number; password_hash: string | null }>(
    'SELECT id, password_hash FROM app_user WHERE email = $1 AND active',
    [email],
  );
  const user = u.rows[0];
  const good = await verifyPassword(password, user?.password_hash ?? (await dummyHash()));
  const keys = addressKey === null ? [email] : [email, addressKey];
  if (!user?.password_hash || !good) {
    // Already counted above; the delay runs from the end of this attempt.
    await db.query('UPDATE login_failure SET last_failure_at = now() WHERE email = ANY($1::text[])', [keys]);
    return { ok: false, reason: 'invalid' };
  }
  await db.query('DELETE FROM login_failure WHERE email = $1', [email]);
  if (addressKey !== null)
    await db.query('UPDATE login_failure SET failures = greatest(failures - 1, 0) WHERE email = $1', [addressKey]);
  return { ok: true, userId: user.id };
}

export interface Session {
  actor: Actor;
  csrf: string;
}

/**
 * A fresh session at every login: a new random id (the old one, if any, is deleted), so an id planted
 * before login is worthless after it (no session fixation). Only the SHA-256 of the id is stored.
 */
export async function createSession(
  db: Db,
  userId: number,
  previousId: string | null,
  config: RegistryConfig = DEFAULT_REGISTRY_CONFIG,
): Promise<{ id: string; csrf: string }> {
  const id = randomToken(32);
  const csrf = randomToken(32);
  await db.transaction(async (tx) => {
    if (previousId) await tx.query('DELETE FROM user_session WHERE id_hash = $1', [sha256(previousId)]);
    await tx.query('DELETE FROM user_session WHERE user_id = $1 AND expires_at < now()', [userId]);
    await tx.query(
      `INSERT INTO user_session (id_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, now() + $4::float8 * interval '1 hour')`,
      [sha256(id), userId, csrf, config.auth.sessionHours.value],
    );
  });
  return { id, csrf };
}

export async function getSession(db: Queryable, id: string): Promise<Session | null> {
  const r = await db.query<{ user_id: number; csrf_token: string }>(
    'SELECT user_id, csrf_token FROM user_session WHERE id_hash = $1 AND expires_at > now()',
    [sha256(id)],
  );
  const row = r.rows[0];
  if (!row) return null;
  const actor = await actorOf(db, row.user_id, 'ui');
  return actor ? { actor, csrf: row.csrf_token } : null;
}

export async function deleteSession(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM user_session WHERE id_hash = $1', [sha256(id)]);
}

export async function userEmail(db: Queryable, userId: number): Promise<string | null> {
  const r = await db.query<{ email: string }>('SELECT email FROM app_user WHERE id = $1', [userId]);
  return r.rows[0]?.email ?? null;
}
