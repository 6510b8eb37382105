/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// (the pragma: tsx started outside the checkout, e.g. by bin/regenspine.js in another folder, reads no tsconfig.json)
// Administration pages (issue 11 §2): sites, users (role, sites, deactivation, password reset) and API
// tokens (scopes, expiry, revocation), and the security-event log — for the admin role (users:manage)
// only. Every form posts through the registry guard (session + CSRF synchronizer token + Origin check);
// every change runs through src/store/registry-accounts.ts, so it is permission-checked and audited by the
// database trigger with the admin as the actor. The pages are hono/jsx components (values escaped by JSX).
import type { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { randomToken } from '../../registry/auth.ts';
import type { RegistryConfig } from '../../registry/config.ts';
import { type Actor, can, ROLES } from '../../registry/policy.ts';
import { CommandError } from '../../registry/validation.ts';
import type { Db } from '../../store/db.ts';
import {
  createApiToken,
  createSite,
  createUser,
  deactivateUser,
  listApiTokens,
  listSecurityEvents,
  listSites,
  listUsers,
  revokeApiTokens,
  type SecurityEvent,
  setPassword,
  updateUserAccess,
} from '../../store/registry-accounts.ts';
import type { FormData } from './forms.ts';
import type { RegistryContext as Context, RegistryEnv } from './middleware.ts';
import { CsrfField, ErrorBox, type FieldError, layout, type ViewCtx } from './views.tsx';

export interface AdminKit {
  pageRoute: (
    handler: (c: Context, actor: Actor, ctx: ViewCtx) => Promise<Response>,
  ) => (c: Context) => Promise<Response>;
  readForm: (c: Context) => Promise<FormData>;
  formCommand: <T>(
    run: () => Promise<T>,
    rerender: (err: { error: string; field: string }) => Promise<Response>,
  ) => Promise<T | Response>;
  security: (c: Context, e: SecurityEvent) => Promise<void>;
  config: RegistryConfig;
}

const one = (f: FormData, k: string) => {
  const v = f[k];
  return (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();
};
const many = (f: FormData, k: string) => {
  const v = f[k];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};
const day = (d: Date | null) => (d ? new Date(d).toISOString().slice(0, 10) : '—');

/** A saved-change message (text or JSX; a one-time secret comes as <code class="secret">). */
const Notice = ({ notice }: { notice: Child | undefined }) =>
  notice ? (
    <div class="ok" role="status">
      {notice}
    </div>
  ) : null;

function requireAdmin(a: Actor) {
  if (!can(a, 'users:manage')) throw new CommandError(`the ${a.role} role may not do this (users:manage)`, 'role', 403);
}

/** Mounted on the /registry pages sub-app (after its authentication and CSRF middleware). */
export function mountRegistryAdmin(app: Hono<RegistryEnv>, db: Db, kit: AdminKit): void {
  const { pageRoute, readForm, formCommand } = kit;

  async function adminPage(
    c: Context,
    a: Actor,
    ctx: ViewCtx,
    opts: {
      error?: FieldError | null;
      notice?: Child;
      status?: 200 | 400 | 409;
    } = {},
  ) {
    const [sites, users] = await Promise.all([listSites(db), listUsers(db, a)]);
    const siteName = new Map(sites.map((s) => [s.id, s.code]));
    const RoleOptions = ({ cur }: { cur: string }) => (
      <>
        {ROLES.map((r) => (
          <option value={r} selected={r === cur}>
            {r}
          </option>
        ))}
      </>
    );
    const SiteChecks = ({ name, cur, id }: { name: string; cur: number[]; id: string }) => (
      <>
        {sites.map((s) => (
          <label class="inline">
            <input
              type="checkbox"
              name={name}
              value={String(s.id)}
              id={`${id}-${String(s.id)}`}
              checked={cur.includes(s.id)}
            />{' '}
            {s.code}
          </label>
        ))}
      </>
    );
    const body = (
      <>
        <h1>Administration</h1>
        <ErrorBox e={opts.error ?? null} />
        <Notice notice={opts.notice} />
        <p class="note">
          Every change here is recorded in the audit trail with your account.{' '}
          <a href="/registry/admin/security">Security events</a>
        </p>
        <h2 id="sites">Sites</h2>
        <table>
          <thead>
            <tr>
              <th>Code</th>
              <th>Name</th>
            </tr>
          </thead>
          <tbody>
            {sites.map((s) => (
              <tr>
                <td>{s.code}</td>
                <td>{s.name}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <form method="post" action="/registry/admin/sites">
          <CsrfField ctx={ctx} />
          <div class="grid">
            <div>
              <label for="site-code">Code (upper-case letters, digits, hyphen)</label>
              <input id="site-code" name="code" required pattern="[A-Z0-9][A-Z0-9-]{0,19}" />
            </div>
            <div>
              <label for="site-name">Name</label>
              <input id="site-name" name="name" required />
            </div>
          </div>
          <p>
            <button type="submit">Create the site</button>
          </p>
        </form>
        <h2 id="users">Users</h2>
        <table>
          <thead>
            <tr>
              <th>E-mail</th>
              <th>Role and sites</th>
              <th>State</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr>
                <td>{u.email}</td>
                <td>
                  <form method="post" action="/registry/admin/users/access">
                    <CsrfField ctx={ctx} />
                    <input type="hidden" name="email" value={u.email} />
                    <label for={`role-${String(u.id)}`}>Role</label>
                    <select id={`role-${String(u.id)}`} name="role">
                      <RoleOptions cur={u.role} />
                    </select>
                    <div>
                      <SiteChecks name="site" cur={u.site_ids} id={`site-${u.id}`} />
                    </div>
                    <button type="submit">Save role and sites</button>
                  </form>
                  <span class="note">
                    now: {u.role}
                    {u.site_ids.length ? ` at ${u.site_ids.map((s) => siteName.get(s) ?? s).join(', ')}` : ''}
                  </span>
                </td>
                <td>
                  {u.active ? 'active' : 'deactivated'}
                  {u.has_password ? '' : ', no password'}
                </td>
                <td>
                  {u.active ? (
                    <>
                      <form method="post" action="/registry/admin/users/reset-password">
                        <CsrfField ctx={ctx} />
                        <input type="hidden" name="email" value={u.email} />
                        <button type="submit">Reset password</button>
                      </form>
                      <form method="post" action="/registry/admin/users/deactivate">
                        <CsrfField ctx={ctx} />
                        <input type="hidden" name="email" value={u.email} />
                        <button type="submit">Deactivate</button>
                      </form>
                      <a href={`/registry/admin/tokens?email=${encodeURIComponent(u.email)}`}>API tokens</a>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <h3>Create a user</h3>
        <form method="post" action="/registry/admin/users">
          <CsrfField ctx={ctx} />
          <div class="grid">
            <div>
              <label for="new-email">E-mail</label>
              <input id="new-email" name="email" type="email" required />
            </div>
            <div>
              <label for="new-role">Role</label>
              <select id="new-role" name="role">
                <RoleOptions cur="coordinator" />
              </select>
            </div>
          </div>
          <fieldset>
            <legend>Sites</legend>
            <SiteChecks name="site" cur={[]} id="new-site" />
          </fieldset>
          <p class="note">A temporary password is generated and shown once; give it to the user in person.</p>
          <p>
            <button class="primary" type="submit">
              Create the user
            </button>
          </p>
        </form>
      </>
    );
    return c.html(layout('Administration', ctx, body), opts.status ?? 200);
  }

  const rerender = (c: Context, a: Actor, ctx: ViewCtx) => async (error: { error: string; field: string }) =>
    adminPage(c, a, ctx, { error, status: 400 });

  /** A temporary password (96 random bits), shown once to the admin. */
  const tempPassword = () => randomToken(12);

  app.get(
    '/admin',
    pageRoute(async (c, a, ctx) => {
      requireAdmin(a);
      return adminPage(c, a, ctx);
    }),
  );
  app.post(
    '/admin/sites',
    pageRoute(async (c, a, ctx) => {
      const f = await readForm(c);
      const r = await formCommand(
        () => createSite(db, a, { code: one(f, 'code'), name: one(f, 'name') }),
        rerender(c, a, ctx),
      );
      return r instanceof Response ? r : adminPage(c, a, ctx, { notice: `Site ${r.code} created.` });
    }),
  );
  app.post(
    '/admin/users',
    pageRoute(async (c, a, ctx) => {
      const f = await readForm(c);
      const password = tempPassword();
      const r = await formCommand(
        () =>
          createUser(db, a, {
            email: one(f, 'email'),
            role: one(f, 'role') as never,
            siteIds: many(f, 'site').map(Number),
            password,
          }),
        rerender(c, a, ctx),
      );
      return r instanceof Response
        ? r
        : adminPage(c, a, ctx, {
            notice: (
              <>
                User {r.email} created. Temporary password (shown once): <code class="secret">{password}</code>
              </>
            ),
          });
    }),
  );
  app.post(
    '/admin/users/access',
    pageRoute(async (c, a, ctx) => {
      const f = await readForm(c);
      const r = await formCommand(
        () => updateUserAccess(db, a, one(f, 'email'), { role: one(f, 'role'), siteIds: many(f, 'site').map(Number) }),
        rerender(c, a, ctx),
      );
      return r instanceof Response
        ? r
        : adminPage(c, a, ctx, { notice: `Role and sites of ${one(f, 'email')} saved.` });
    }),
  );
  app.post(
    '/admin/users/deactivate',
    pageRoute(async (c, a, ctx) => {
      const f = await readForm(c);
      const r = await formCommand(() => deactivateUser(db, a, one(f, 'email')), rerender(c, a, ctx));
      return r instanceof Response
        ? r
        : adminPage(c, a, ctx, {
            notice: `User ${r.email} deactivated: ${r.sessionsEnded} session(s) ended, ${r.tokensRevoked} API token(s) revoked.`,
          });
    }),
  );
  app.post(
    '/admin/users/reset-password',
    pageRoute(async (c, a, ctx) => {
      const f = await readForm(c);
      requireAdmin(a);
      const password = tempPassword();
      const r = await formCommand(() => setPassword(db, a, one(f, 'email'), password), rerender(c, a, ctx));
      return r instanceof Response
        ? r
        : adminPage(c, a, ctx, {
            notice: (
              <>
                Password of {one(f, 'email')} reset; their sessions ended. Temporary password (shown once):{' '}
                <code class="secret">{password}</code>
              </>
            ),
          });
    }),
  );

  async function tokensPage(
    c: Context,
    a: Actor,
    ctx: ViewCtx,
    email: string,
    opts: { error?: FieldError | null; notice?: Child; status?: 200 | 400 } = {},
  ) {
    const tokens = await listApiTokens(db, a, email);
    const scopes = await db.query<{ id: number; scopes: string[] }>(
      'SELECT t.id, t.scopes FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE u.email = $1',
      [email.trim().toLowerCase()],
    );
    const scopeOf = new Map(scopes.rows.map((r) => [Number(r.id), r.scopes]));
    const cfg = kit.config.tokens;
    const state = (t: (typeof tokens)[number]) =>
      t.revoked_at
        ? `revoked ${day(t.revoked_at)}`
        : t.expires_at && new Date(t.expires_at) < new Date()
          ? 'expired'
          : 'active';
    const body = (
      <>
        <h1>API tokens — {email}</h1>
        <ErrorBox e={opts.error ?? null} />
        <Notice notice={opts.notice} />
        <p>
          <a href="/registry/admin">Back to administration</a>
        </p>
        {tokens.length === 0 ? (
          <p class="note">No tokens.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Id</th>
                <th>Label</th>
                <th>Scopes</th>
                <th>Created</th>
                <th>Expires</th>
                <th>State</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr>
                  <td>{String(t.id)}</td>
                  <td>{t.label}</td>
                  <td>{(scopeOf.get(t.id) ?? []).join(', ')}</td>
                  <td>{day(t.created_at)}</td>
                  <td>{day(t.expires_at)}</td>
                  <td>{state(t)}</td>
                  <td>
                    {t.revoked_at ? null : (
                      <form method="post" action="/registry/admin/tokens/revoke">
                        <CsrfField ctx={ctx} />
                        <input type="hidden" name="id" value={String(t.id)} />
                        <input type="hidden" name="email" value={email} />
                        <button type="submit">Revoke</button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h2>Create a token</h2>
        <form method="post" action="/registry/admin/tokens">
          <CsrfField ctx={ctx} />
          <input type="hidden" name="email" value={email} />
          <div class="grid">
            <div>
              <label for="token-label">What it is for</label>
              <input id="token-label" name="label" required maxlength={120} />
            </div>
            <div>
              <label for="token-days">Expires after (days, at most {String(cfg.maxDays.value)})</label>
              <input
                id="token-days"
                name="days"
                type="number"
                min="1"
                max={String(cfg.maxDays.value)}
                value={String(cfg.defaultDays.value)}
              />
            </div>
          </div>
          <fieldset>
            <legend>Scopes (within the user's role)</legend>
            {(['read', 'write', 'export'] as const).map((sc) => (
              <label class="inline">
                <input type="checkbox" name="scope" value={sc} checked={cfg.defaultScopes.value.includes(sc)} /> {sc}
              </label>
            ))}
          </fieldset>
          <p>
            <button class="primary" type="submit">
              Create the token
            </button>
          </p>
        </form>
      </>
    );
    return c.html(layout('API tokens', ctx, body), opts.status ?? 200);
  }

  app.get(
    '/admin/tokens',
    pageRoute(async (c, a, ctx) => tokensPage(c, a, ctx, c.req.query('email') ?? '')),
  );
  app.post(
    '/admin/tokens',
    pageRoute(async (c, a, ctx) => {
      const f = await readForm(c);
      const email = one(f, 'email');
      const days = one(f, 'days') === '' ? undefined : Number(one(f, 'days'));
      const r = await formCommand(
        () =>
          createApiToken(
            db,
            a,
            email,
            { label: one(f, 'label'), days, scopes: many(f, 'scope') },
            undefined,
            kit.config,
          ),
        async (error) => tokensPage(c, a, ctx, email, { error, status: 400 }),
      );
      return r instanceof Response
        ? r
        : tokensPage(c, a, ctx, email, {
            notice: (
              <>
                Token created. Copy it now, it is shown only once: <code class="secret">{r}</code>
              </>
            ),
          });
    }),
  );
  app.post(
    '/admin/tokens/revoke',
    pageRoute(async (c, a, ctx) => {
      const f = await readForm(c);
      const email = one(f, 'email');
      const r = await formCommand(
        () => revokeApiTokens(db, a, { id: Number(one(f, 'id')) }),
        async (error) => tokensPage(c, a, ctx, email, { error, status: 400 }),
      );
      return r instanceof Response ? r : tokensPage(c, a, ctx, email, { notice: `Token ${r.join(', ')} revoked.` });
    }),
  );
  app.get(
    '/admin/security',
    pageRoute(async (c, a, ctx) => {
      const kind = c.req.query('kind') || undefined;
      const events = await listSecurityEvents(db, a, { ...(kind ? { kind } : {}), limit: 300 });
      const body = (
        <>
          <h1>Security events</h1>
          <p>
            <a href="/registry/admin">Back to administration</a>
          </p>
          <p class="note">
            Sign-ins, failures, throttling, sign-outs, CSRF refusals, access denials, record reads and exports; newest
            first. Append-only.
          </p>
          <table>
            <thead>
              <tr>
                <th>When (UTC)</th>
                <th>Event</th>
                <th>User</th>
                <th>E-mail</th>
                <th>Via</th>
                <th>Client</th>
                <th>Patient</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr>
                  <td>{new Date(e.at).toISOString()}</td>
                  <td>{e.kind}</td>
                  <td>{e.user_id === null ? '' : String(e.user_id)}</td>
                  <td>{e.email ?? ''}</td>
                  <td>{e.via ?? ''}</td>
                  <td>{e.client ?? ''}</td>
                  <td>{e.patient_id === null ? '' : String(e.patient_id)}</td>
                  <td>{e.detail ? JSON.stringify(e.detail) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      );
      return c.html(layout('Security events', ctx, body));
    }),
  );
}
