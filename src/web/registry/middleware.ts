// The registry's HTTP plumbing as hono middleware (hono's pattern: a small core and separately testable
// middleware): authentication (browser session or API token) and CSRF set typed context variables —
// `c.var.auth`, `c.var.actor`, `c.var.repo` (the repository bound to the actor, src/store/registry-repository.ts)
// — and one error mapper turns a CommandError into its status, for JSON (the /api/registry sub-app) or a
// page (the /registry sub-app). Routes never look up who is signed in, and never map errors themselves.
import { timingSafeEqual } from 'node:crypto';
import type { Context, ErrorHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { sha256 } from '../../registry/auth.ts';
import type { RegistryConfig } from '../../registry/config.ts';
import { type Actor, can, PERMISSIONS, type Permission, viaOf } from '../../registry/policy.ts';
import { CommandError } from '../../registry/validation.ts';
import { type Db, isConnectionError } from '../../store/db.ts';
import { actorFromToken, getSession, type SecurityEvent } from '../../store/registry-accounts.ts';
import { type RegistryRepository, registryFor } from '../../store/registry-repository.ts';

export const SESSION_COOKIE = 'rs_session';

export interface Auth {
  actor: Actor;
  /** Set for browser sessions (cookie); null for API tokens. */
  session: { id: string; csrf: string } | null;
  /** The credential, for per-credential limits: SHA-256 of the API token, or the session's user. */
  credential: string;
}

/** The typed context variables of both registry sub-apps. */
export interface RegistryEnv {
  Variables: {
    auth: Auth;
    actor: Actor;
    repo: RegistryRepository;
  };
}
export type RegistryContext = Context<RegistryEnv>;

/** What the actor may do, for views: every permission answered once by the policy (src/registry/policy.ts). */
export type Permissions = Readonly<Record<Permission, boolean>>;
export const permissionsOf = (actor: Pick<Actor, 'role' | 'scopes'>): Permissions =>
  Object.fromEntries(PERMISSIONS.map((p) => [p, can(actor, p)])) as Record<Permission, boolean>;

export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface HttpKit {
  db: Db;
  /** Appends a security event with the client's throttle key; never fails the request. */
  security: (c: Context, e: SecurityEvent) => Promise<void>;
  /** Cross-origin unsafe requests are refused when the browser says where they come from. */
  sameOrigin: (c: Context) => boolean;
  /** Reads an urlencoded / multipart form (cached by hono, so a handler may read it again). */
  csrfFormToken: (c: Context) => Promise<string>;
  /** Logs the route and the error class, never messages that could quote record values. */
  logFailure: (c: Context, e: unknown) => void;
  /** The registry settings (session timeouts); the shipped config/registry.json when absent. */
  config?: RegistryConfig;
}

/**
 * The registry session the browser's cookie names, if it is valid, else null — the session half of
 * `authenticate`, for pages that are public and only add to what a signed-in user sees (src/web/clinic-beside.ts).
 */
export async function sessionOf(db: Db, c: Context, config?: RegistryConfig): Promise<Auth | null> {
  const sid = getCookie(c, SESSION_COOKIE);
  const s = sid ? await getSession(db, sid, config) : null;
  return s && sid ? { actor: s.actor, session: { id: sid, csrf: s.csrf }, credential: `user ${s.actor.userId}` } : null;
}

/**
 * Who is calling: an API token (Authorization: Bearer …) or the browser session cookie. Without either,
 * the API answers 401 and pages redirect to the sign-in page. `open` paths (the sign-in page) pass through.
 */
export const authenticate = (kit: HttpKit, kind: 'json' | 'page', open: readonly string[] = []) =>
  createMiddleware<RegistryEnv>(async (c, next) => {
    if (open.includes(c.req.path)) return next();
    let auth: Auth | null = null;
    const bearer = c.req.header('authorization');
    if (bearer?.startsWith('Bearer ')) {
      const secret = bearer.slice(7).trim();
      const actor = await actorFromToken(kit.db, secret);
      if (!actor) {
        await kit.security(c, { kind: 'token-refused', via: 'api', detail: { path: c.req.path } });
        return c.json({ error: 'invalid, expired or revoked API token', field: 'authorization' }, 401);
      }
      auth = { actor, session: null, credential: `token ${sha256(secret)}` };
    } else auth = await sessionOf(kit.db, c, kit.config);
    if (!auth) {
      return kind === 'json'
        ? c.json({ error: 'sign in or send an API token (Authorization: Bearer …)', field: 'authorization' }, 401)
        : c.redirect('/registry/login', 303);
    }
    c.set('auth', auth);
    c.set('actor', auth.actor);
    c.set('repo', registryFor(kit.db, auth.actor));
    return next();
  });

/**
 * CSRF for browser sessions (API tokens are not sent by browsers on their own): an unsafe request must come
 * from this origin and carry the session's synchronizer token (hidden form field `_csrf` or X-CSRF-Token).
 */
export const csrf = (kit: HttpKit, refuse: (c: RegistryContext) => Response | Promise<Response>) =>
  createMiddleware<RegistryEnv>(async (c, next) => {
    const auth = c.get('auth') as Auth | undefined;
    if (!auth?.session || SAFE_METHODS.has(c.req.method)) return next();
    let token = c.req.header('x-csrf-token') ?? '';
    if (!token && (c.req.header('content-type') ?? '').includes('form')) token = await kit.csrfFormToken(c);
    if (!kit.sameOrigin(c) || !token || !sameToken(token, auth.session.csrf)) {
      await kit.security(c, {
        kind: 'csrf-refused',
        userId: auth.actor.userId,
        via: 'ui',
        detail: { path: c.req.path },
      });
      return refuse(c);
    }
    return next();
  });

/** A thrown error as the client should see it: a CommandError, a unique-key clash (409), or null (a bug). */
export function asCommandError(e: unknown): CommandError | null {
  if (e instanceof CommandError) return e;
  if ((e as { code?: string }).code === '23505')
    return new CommandError('conflicts with an existing record', 'id', 409);
  return null;
}

/**
 * The one error mapper of the registry: CommandError → its status (403s logged as access denials); a lost
 * database connection goes on to the application's handler (503 + Retry-After); anything else is a bug,
 * logged by class and answered 500. `render` draws the answer (JSON or a page).
 */
export const registryErrors =
  (
    kit: HttpKit,
    render: (
      c: RegistryContext,
      status: 400 | 403 | 404 | 409 | 422 | 500,
      e: CommandError | null,
    ) => Response | Promise<Response>,
  ): ErrorHandler<RegistryEnv> =>
  async (err, c) => {
    if (isConnectionError(err)) throw err;
    const e = asCommandError(err);
    if (e) {
      if (e.status === 403) {
        const a = c.get('actor') as Actor | undefined;
        await kit.security(c, {
          kind: 'access-denied',
          userId: a?.userId ?? null,
          via: a ? viaOf(a) : null,
          detail: { path: c.req.routePath, method: c.req.method, field: e.field },
        });
      }
      return render(c, e.status, e);
    }
    kit.logFailure(c, err);
    return render(c, 500, null);
  };
