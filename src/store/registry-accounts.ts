// Accounts: sites, users, site memberships, sessions, API tokens and login throttling. Secrets are stored
// only as hashes (scrypt for passwords, SHA-256 for session ids and API tokens).

import { userInfo } from 'node:os';
import {
  clientThrottleKey,
  dummyHash,
  EMAIL_RE,
  hashPassword,
  type LoginDecision,
  loginDecision,
  newApiToken,
  normalizeEmail,
  pairThrottleKey,
  randomToken,
  sha256,
  type ThrottleCounter,
  TOKEN_SCOPES,
  type TokenScope,
  verifyPassword,
} from '../registry/auth.ts';
import { DEFAULT_REGISTRY_CONFIG, type RegistryConfig } from '../registry/config.ts';
import { type Actor, can, isRole, type Role, refusal } from '../registry/policy.ts';
import { badText, CommandError, parseCommand, SiteSchema } from '../registry/validation.ts';
import type { Db, Queryable } from './db.ts';
import { command } from './tx.ts';

/**
 * Who runs a CLI command (security review L4): REGENSPINE_OPERATOR if set (e.g. a named person on a shared
 * service account), else the operating-system user. Recorded in the audit trail as via "cli:<operator>".
 */
export function cliOperator(env: NodeJS.ProcessEnv = process.env): string {
  const named = env.REGENSPINE_OPERATOR?.trim();
  if (named) return named.slice(0, 120);
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Actor for commands run by the CLI operator (no user account): recorded as via 'cli:<operator>'. */
export const CLI_ACTOR: Actor = { userId: 0, role: 'admin', siteIds: [], via: 'cli', operator: cliOperator() };

// The transaction/audit wrapper lives in ./tx.ts; re-exported for callers written against the old home.
export { command } from './tx.ts';

export interface Site {
  id: number;
  code: string;
  name: string;
}

export async function createSite(db: Db, actor: Actor, input: unknown): Promise<Site> {
  requireUserManager(actor);
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
  requireUserManager(actor);
  const email = normalizeEmail(u.email);
  if (!EMAIL_RE.test(email) || email.length > 320 || badText(email))
    throw new CommandError('not an e-mail address', 'email');
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
    return { id: Number(id), email };
  });
}

/**
 * Sets a user's password and ends all of that user's sessions (OWASP Session Management Cheat Sheet:
 * renew sessions on a password change), so a session opened with the old password does not outlive it.
 * There is no self-service password change, so no session is kept. API tokens are separate credentials
 * and stay valid (revoke them with revokeApiTokens).
 */
export async function setPassword(db: Db, actor: Actor, email: string, password: string): Promise<void> {
  requireUserManager(actor);
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
  if (!can(actor, 'users:manage')) throw new CommandError(refusal(actor, 'users:manage'), 'role', 403);
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

export interface NewToken {
  label: string;
  /** Days until it expires; default config tokens.defaultDays, at most tokens.maxDays (security review L6). */
  days?: number;
  /** Default config tokens.defaultScopes (read only). */
  scopes?: readonly string[];
}

/** Creates an API token acting as the user within the scopes given; returns the secret (shown once). */
export async function createApiToken(
  db: Db,
  actor: Actor,
  email: string,
  labelOrToken: string | NewToken,
  daysArg?: number,
  config: RegistryConfig = DEFAULT_REGISTRY_CONFIG,
): Promise<string> {
  requireUserManager(actor);
  const t: NewToken = typeof labelOrToken === 'string' ? { label: labelOrToken, days: daysArg } : labelOrToken;
  const label = t.label.trim();
  if (!label || label.length > 120 || badText(label)) throw new CommandError('a label of 1–120 characters', 'label');
  const days = t.days ?? config.tokens.defaultDays.value;
  const maxDays = config.tokens.maxDays.value;
  if (!Number.isInteger(days) || days < 1 || days > maxDays)
    throw new CommandError(`a whole number of days from 1 to ${maxDays}`, 'days');
  const scopes = [...new Set(t.scopes ?? config.tokens.defaultScopes.value)];
  for (const sc of scopes)
    if (!(TOKEN_SCOPES as readonly string[]).includes(sc))
      throw new CommandError(`scopes are ${TOKEN_SCOPES.join(', ')}`, 'scopes');
  if (scopes.length === 0) throw new CommandError('at least one scope', 'scopes');
  const { token, hash } = newApiToken();
  await command(db, actor, null, async (tx) => {
    const u = await tx.query<{ id: number }>('SELECT id FROM app_user WHERE email = $1 AND active', [
      normalizeEmail(email),
    ]);
    if (!u.rows[0]) throw new CommandError('no active user with this e-mail', 'email', 404);
    await tx.query(
      `INSERT INTO api_token (user_id, token_hash, label, expires_at, scopes) VALUES ($1, $2, $3, now() + $4::int * interval '1 day', $5::text[])`,
      [u.rows[0].id, hash, label, days, scopes],
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
  return row ? { userId: Number(userId), role: row.role, siteIds: row.site_ids.map(Number), via } : null;
}

export async function actorFromToken(db: Queryable, token: string): Promise<Actor | null> {
  const r = await db.query<{ user_id: number; scopes: TokenScope[] }>(
    'SELECT user_id, scopes FROM api_token WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())',
    [sha256(token)],
  );
  const row = r.rows[0];
  if (!row) return null;
  const actor = await actorOf(db, row.user_id, 'api');
  return actor ? { ...actor, scopes: row.scopes } : null;
}

// ---- Security events (security review L4) --------------------------------------------------------------

export type SecurityEventKind =
  | 'sign-in'
  | 'sign-in-failed'
  | 'sign-in-throttled'
  | 'sign-out'
  | 'csrf-refused'
  | 'access-denied'
  | 'record-read'
  | 'export'
  | 'token-refused';

export interface SecurityEvent {
  kind: SecurityEventKind;
  userId?: number | null;
  /** The e-mail a sign-in named (failed ones too: who was targeted). */
  email?: string | null;
  via?: string | null;
  /** The client's throttle key (IPv4 address, IPv6 /64), never more. */
  client?: string | null;
  siteId?: number | null;
  patientId?: number | null;
  detail?: Record<string, unknown> | null;
}

/**
 * Appends to security_event (append-only; the database sets `at`): sign-ins, failures, throttling,
 * sign-outs, CSRF refusals, access denials, record reads and exports. Never passwords or record content.
 */
export async function recordSecurityEvent(db: Queryable, e: SecurityEvent): Promise<void> {
  const email = e.email ? normalizeEmail(badText(e.email) ? '(unreadable)' : e.email).slice(0, 320) : null;
  await db.query(
    `INSERT INTO security_event (kind, user_id, email, via, client, site_id, patient_id, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      e.kind,
      e.userId || null,
      email,
      e.via ?? null,
      e.client ?? null,
      e.siteId ?? null,
      e.patientId ?? null,
      e.detail ? JSON.stringify(e.detail) : null,
    ],
  );
}

export interface SecurityEventRow {
  id: number;
  at: Date;
  kind: SecurityEventKind;
  user_id: number | null;
  email: string | null;
  via: string | null;
  client: string | null;
  patient_id: number | null;
  detail: Record<string, unknown> | null;
}

/** The newest security events (admins: users:manage), optionally of one kind. */
export async function listSecurityEvents(
  db: Queryable,
  actor: Actor,
  opts: { kind?: string; limit?: number } = {},
): Promise<SecurityEventRow[]> {
  requireUserManager(actor);
  const r = await db.query<SecurityEventRow>(
    `SELECT id, at, kind, user_id, email, via, client, patient_id, detail FROM security_event
     WHERE ($1::text IS NULL OR kind = $1) ORDER BY id DESC LIMIT $2`,
    [opts.kind ?? null, Math.min(opts.limit ?? 200, 1000)],
  );
  return r.rows.map((x) => ({ ...x, id: Number(x.id) }));
}

// ---- Administration (admin pages) ----------------------------------------------------------------------

export interface UserRow {
  id: number;
  email: string;
  role: Role;
  active: boolean;
  has_password: boolean;
  site_ids: number[];
  created_at: Date;
}

export async function listUsers(db: Queryable, actor: Actor): Promise<UserRow[]> {
  requireUserManager(actor);
  const r = await db.query<UserRow>(
    `SELECT u.id, u.email, u.role, u.active, u.password_hash IS NOT NULL AS has_password, u.created_at,
       coalesce(array_agg(s.site_id ORDER BY s.site_id) FILTER (WHERE s.site_id IS NOT NULL), ARRAY[]::int[]) AS site_ids
     FROM app_user u LEFT JOIN user_site s ON s.user_id = u.id GROUP BY u.id ORDER BY u.email`,
  );
  return r.rows.map((u) => ({ ...u, id: Number(u.id), site_ids: u.site_ids.map(Number) }));
}

/** Changes a user's role and sites (audited as app_user and user_site changes). */
export async function updateUserAccess(
  db: Db,
  actor: Actor,
  emailRaw: string,
  access: { role: string; siteIds: number[] },
): Promise<void> {
  requireUserManager(actor);
  if (!isRole(access.role)) throw new CommandError('role must be admin, clinician, coordinator or analyst', 'role');
  if (access.role !== 'admin' && access.siteIds.length === 0)
    throw new CommandError('a user needs at least one site', 'site');
  const email = normalizeEmail(emailRaw);
  await command(db, actor, 'role or sites changed', async (tx) => {
    const u = await tx.query<{ id: number }>('SELECT id FROM app_user WHERE email = $1 FOR UPDATE', [email]);
    const id = u.rows[0]?.id;
    if (!id) throw new CommandError('no such user', 'email', 404);
    if (actor.userId > 0 && Number(actor.userId) === Number(id) && access.role !== 'admin')
      throw new CommandError('you cannot take the admin role from yourself', 'role', 409);
    const known = await tx.query<{ id: number }>('SELECT id FROM registry_site WHERE id = ANY($1::int[])', [
      access.siteIds,
    ]);
    if (known.rows.length !== new Set(access.siteIds).size) throw new CommandError('no such site', 'site', 404);
    await tx.query('UPDATE app_user SET role = $2 WHERE id = $1 AND role <> $2', [id, access.role]);
    await tx.query('DELETE FROM user_site WHERE user_id = $1 AND NOT (site_id = ANY($2::int[]))', [id, access.siteIds]);
    await tx.query(
      'INSERT INTO user_site (user_id, site_id) SELECT $1, s FROM unnest($2::int[]) s ON CONFLICT DO NOTHING',
      [id, [...new Set(access.siteIds)]],
    );
    // A changed role or site list takes effect at once: the user's sessions end.
    await tx.query('DELETE FROM user_session WHERE user_id = $1', [id]);
  });
}

export type LoginResult =
  | { ok: true; userId: number }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

/**
 * Locks the counter row of `key`, creating it if needed, and returns it as the throttle decision sees it.
 * One statement (INSERT … ON CONFLICT DO UPDATE locks the row it returns), so a concurrent reset can never
 * leave the caller without a row (security review L3: the old INSERT … DO NOTHING + SELECT FOR UPDATE raced
 * with DELETE and answered 500). Rows are never deleted. Reservations older than STALE_PENDING_SECONDS
 * (a process that died mid-check) no longer count.
 */
async function lockCounter(tx: Queryable, key: string, windowSeconds: number | null): Promise<ThrottleCounter> {
  const r = await tx.query<{ failures: number; since: number; pending: number }>(
    `INSERT INTO login_failure AS f (email, failures, last_failure_at, pending) VALUES ($1, 0, now() - interval '100 years', 0)
     ON CONFLICT (email) DO UPDATE SET email = f.email
     RETURNING failures, extract(epoch FROM (now() - last_failure_at))::float8 AS since,
       CASE WHEN pending_at IS NULL OR pending_at < now() - $2::float8 * interval '1 second' THEN 0 ELSE pending END AS pending`,
    [key, STALE_PENDING_SECONDS],
  );
  const row = r.rows[0]!;
  const failures = windowSeconds !== null && row.since >= windowSeconds ? 0 : row.failures;
  return { failures, sinceLast: row.since, pending: row.pending };
}

/** A password check taking longer than this is taken to have died with its process. */
const STALE_PENDING_SECONDS = 120;
/** How often, and how long each time, a sign-in waits for attempts in flight before deciding again. */
const LOGIN_WAIT_ROUNDS = 600;
const LOGIN_WAIT_MS = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Password login (security review M4, L3). Throttled per (account, client) pair: after
 * `loginFreeFailures` failures from one client, that client waits a doubling delay capped at
 * `loginMaxDelaySeconds` before its next password check — and only that client: the account still signs
 * in at once from any other client, so nobody can lock someone else out. And per client address
 * (`clientAddress` from the HTTP layer; null = unknown, one shared counter; undefined = not a network
 * sign-in, no address rule): `loginAddressMaxFailures` failures within `loginAddressWindowMinutes` refuse
 * that address for the rest of the window, whichever accounts it tries (password spraying). A success
 * clears the pair's count. The decision is src/registry/auth.ts loginDecision.
 *
 * Each check is reserved (pending + 1) under the row locks before the slow scrypt verification, so parallel
 * guesses cannot all be checked; attempts that meet only reservations in their way wait for them instead
 * of being refused. Unknown accounts cost a scrypt verification too (no timing oracle).
 */
export async function login(
  db: Db,
  emailRaw: string,
  password: string,
  config: RegistryConfig = DEFAULT_REGISTRY_CONFIG,
  clientAddress?: string | null,
): Promise<LoginResult> {
  // NUL and broken text cannot name an account (and would be a database error): a failed sign-in.
  const email = normalizeEmail(badText(emailRaw) ? '' : emailRaw).slice(0, 320);
  const addressKey = clientAddress === undefined ? null : clientThrottleKey(clientAddress);
  const pairKey = pairThrottleKey(email, addressKey);
  const windowSeconds = config.auth.loginAddressWindowMinutes.value * 60;
  const cfg = {
    free: config.auth.loginFreeFailures.value,
    maxDelay: config.auth.loginMaxDelaySeconds.value,
    addressMax: config.auth.loginAddressMaxFailures.value,
    addressWindowSeconds: windowSeconds,
  };
  const keys = addressKey === null ? [pairKey] : [pairKey, addressKey];
  let decision: LoginDecision = { kind: 'wait' };
  for (let round = 0; round < LOGIN_WAIT_ROUNDS && decision.kind === 'wait'; round++) {
    if (round > 0) await sleep(LOGIN_WAIT_MS);
    // Always the pair row first, then the address row: no two sign-ins wait on each other in a cycle.
    decision = await db.transaction(async (tx) => {
      const pair = await lockCounter(tx, pairKey, null);
      const address = addressKey === null ? null : await lockCounter(tx, addressKey, windowSeconds);
      const d = loginDecision(pair, address, cfg);
      if (d.kind === 'check')
        await tx.query(
          `UPDATE login_failure SET pending = CASE WHEN pending_at IS NULL OR pending_at < now() - $2::float8 * interval '1 second' THEN 0 ELSE pending END + 1,
             pending_at = now() WHERE email = ANY($1::text[])`,
          [keys, STALE_PENDING_SECONDS],
        );
      return d;
    });
  }
  if (decision.kind === 'wait') decision = { kind: 'throttled', retryAfterSeconds: 1 };
  if (decision.kind === 'throttled')
    return { ok: false, reason: 'throttled', retryAfterSeconds: decision.retryAfterSeconds };
  let good = false;
  let user: { id: number; password_hash: string | null } | undefined;
  try {
    const u = await db.query<{ id: number; password_hash: string | null }>(
      'SELECT id, password_hash FROM app_user WHERE email = $1 AND active',
      [email],
    );
    user = u.rows[0];
    good = (await verifyPassword(password, user?.password_hash ?? (await dummyHash()))) && !!user?.password_hash;
  } finally {
    // Release the reservation; a failure is counted (the address's count restarts after a quiet window),
    // a success clears the pair's count. One row per statement, pair first: a statement never holds two
    // counter locks, so it cannot deadlock with the reservation above (which takes pair, then address).
    for (const key of keys)
      await db.query(
        `UPDATE login_failure SET pending = greatest(pending - 1, 0),
           failures = CASE WHEN $2 THEN (CASE WHEN $3 THEN 0 ELSE failures END)
             WHEN $4 AND last_failure_at < now() - $5::float8 * interval '1 second' THEN 1 ELSE failures + 1 END,
           last_failure_at = CASE WHEN $2 THEN last_failure_at ELSE now() END
         WHERE email = $1`,
        [key, good, key === pairKey, key === addressKey, windowSeconds],
      );
  }
  if (!good || !user) return { ok: false, reason: 'invalid' };
  return { ok: true, userId: Number(user.id) };
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
    // expires_at is the idle deadline; created_at + sessionHours the absolute one (getSession checks both).
    await tx.query(
      `INSERT INTO user_session (id_hash, user_id, csrf_token, expires_at)
       VALUES ($1, $2, $3, least(now() + $4::float8 * interval '1 minute', now() + $5::float8 * interval '1 hour'))`,
      [sha256(id), userId, csrf, config.auth.sessionIdleMinutes.value, config.auth.sessionHours.value],
    );
  });
  return { id, csrf };
}

/**
 * The session of a cookie, if it is still open, and its idle deadline moved on (OWASP Session Management Cheat
 * Sheet, Session Expiration): a session ends after sessionIdleMinutes without a request (expires_at) and, however
 * active, sessionHours after sign-in (created_at). The deadline moves at most once a minute, so a busy page
 * does not write a row per request; a session therefore ends between idle − 1 and idle minutes after the last
 * request. The database clock decides, as for every other expiry.
 */
export async function getSession(
  db: Queryable,
  id: string,
  config: RegistryConfig = DEFAULT_REGISTRY_CONFIG,
): Promise<Session | null> {
  const r = await db.query<{ user_id: number; csrf_token: string }>(
    `WITH open AS (
       SELECT id_hash, user_id, csrf_token, created_at, expires_at FROM user_session
       WHERE id_hash = $1 AND expires_at > now() AND created_at + $3::float8 * interval '1 hour' > now()
     ), touch AS (
       UPDATE user_session u
       SET expires_at = least(now() + $2::float8 * interval '1 minute', open.created_at + $3::float8 * interval '1 hour')
       FROM open
       WHERE u.id_hash = open.id_hash AND open.expires_at < now() + ($2::float8 - 1) * interval '1 minute'
     )
     SELECT user_id, csrf_token FROM open`,
    [sha256(id), config.auth.sessionIdleMinutes.value, config.auth.sessionHours.value],
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
