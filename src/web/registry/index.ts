// HTTP adapter of the registry: two hono sub-apps, the JSON API mounted at /api/registry (API tokens or the
// browser session) and the server-rendered forms at /registry. Authentication, CSRF and the one error
// mapper are middleware (./middleware.ts) setting typed context variables (c.var.actor, c.var.repo); every
// rule about records lives in src/registry, and src/store only reads and writes. Logs carry ids and error classes only, never
// record content (no PHI in logs).

import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { clientThrottleKey, randomToken } from '../../registry/auth.ts';
import { DEFAULT_REGISTRY_CONFIG, type RegistryConfig } from '../../registry/config.ts';
import { type LicensedPromText, loadLicensedPromText } from '../../registry/prom-text.ts';
import { CommandError, FollowUpReportQuerySchema, MAX_VERSION, parseCommand } from '../../registry/validation.ts';
import type { Db } from '../../store/db.ts';
import { type FollowUpReport, requirePermission } from '../../store/registry.ts';
import {
  createSession,
  deleteSession,
  listSites,
  login,
  recordSecurityEvent,
  type SecurityEvent,
  userEmail,
} from '../../store/registry-accounts.ts';
import type { RegistryRepository } from '../../store/registry-repository.ts';
import { isHttps, clientAddress as requestClientAddress, sameOrigin as requestSameOrigin } from '../request.ts';
import { mountRegistryAdmin } from './admin.tsx';
import {
  commandToForm,
  type FormData,
  formToCommand,
  procedureFormToCommand,
  visitFormToCommand,
  visitToForm,
} from './forms.ts';
import {
  authenticate,
  csrf,
  type HttpKit,
  permissionsOf,
  type RegistryContext,
  type RegistryEnv,
  registryErrors,
  SAFE_METHODS,
  SESSION_COOKIE,
  sameToken,
} from './middleware.ts';
import { pulledStream } from './stream.ts';
import * as V from './views.tsx';

export { SESSION_COOKIE } from './middleware.ts';

export interface RegistryOptions {
  config?: RegistryConfig;
  /**
   * The server is behind a reverse proxy: trust X-Forwarded-Proto/Host (Secure cookies behind https) and
   * take the client address for login throttling from the last X-Forwarded-For entry (the one the proxy
   * appended). Default: REGENSPINE_TRUST_PROXY=1. Off, those headers are ignored.
   */
  trustProxy?: boolean;
  /** Today's date for schedule reports and the future-procedure check (tests); default: the server's UTC date. */
  today?: () => string;
  /**
   * The clinic's licensed ODI / EQ-5D-3L wording (src/registry/prom-text.ts). Default: the JSON file named
   * by REGENSPINE_PROM_TEXT, or none (the forms then show short labels and say why).
   */
  promText?: LicensedPromText | null;
}

const LOGIN_COOKIE = 'rs_login';

export function mountRegistry(app: Hono, db: Db, opts: RegistryOptions = {}): void {
  const config = opts.config ?? DEFAULT_REGISTRY_CONFIG;
  const today = opts.today ?? (() => new Date().toISOString().slice(0, 10));
  const trustProxy = opts.trustProxy ?? process.env.REGENSPINE_TRUST_PROXY === '1';
  const promText =
    opts.promText !== undefined
      ? opts.promText
      : process.env.REGENSPINE_PROM_TEXT
        ? loadLicensedPromText(process.env.REGENSPINE_PROM_TEXT)
        : null;

  const cookieOpts = (c: Context, maxAge?: number) => ({
    httpOnly: true,
    sameSite: 'Lax' as const,
    secure: isHttps(c, trustProxy),
    path: '/',
    ...(maxAge !== undefined ? { maxAge } : {}),
  });

  const sameOrigin = (c: Context) => requestSameOrigin(c, trustProxy);
  const clientAddress = (c: Context) => requestClientAddress(c, trustProxy);

  /** Appends a security event with the client's throttle key; a logging failure never fails the request. */
  const security = async (c: Context, e: SecurityEvent) => {
    try {
      await recordSecurityEvent(db, { client: clientThrottleKey(clientAddress(c)), ...e });
    } catch (err) {
      logFailure(c, err);
    }
  };

  // The dashboard's follow-up report per (site, day), reused for config dashboard.reportCacheSeconds
  // (security review L5); the promise is cached, so concurrent loads share one computation. Any
  // successful write through this server clears it.
  const reportCache = new Map<string, { at: number; report: Promise<FollowUpReport>; html?: string }>();
  const cachedReport = (repo: RegistryRepository, siteId: number, day: string) => {
    const key = `${siteId} ${day}`;
    const hit = reportCache.get(key);
    const ttl = config.dashboard.reportCacheSeconds.value * 1000;
    if (hit && Date.now() - hit.at < ttl) return hit;
    const entry: { at: number; report: Promise<FollowUpReport>; html?: string } = {
      at: Date.now(),
      report: repo.followUpReport(siteId, day, { config }),
    };
    entry.report.catch(() => reportCache.delete(key));
    reportCache.set(key, entry);
    return entry;
  };

  async function readForm(c: Context): Promise<FormData> {
    const body = await c.req.parseBody({ all: true });
    const out: FormData = {};
    for (const [k, v] of Object.entries(body)) {
      if (typeof v === 'string') out[k] = v;
      else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
    }
    return out;
  }

  // Authentication and CSRF for both halves (./middleware.ts); the sign-in page is the only open one.
  const kit: HttpKit = {
    db,
    security,
    sameOrigin,
    csrfFormToken: async (c) => String((await readForm(c))._csrf ?? ''),
    logFailure: (c, e) => logFailure(c, e),
    config,
  };
  const api = new Hono<RegistryEnv>();
  const pages = new Hono<RegistryEnv>();
  api.use('*', authenticate(kit, 'json'));
  pages.use('*', authenticate(kit, 'page', ['/registry/login']));
  api.use(
    '*',
    csrf(kit, (c) =>
      c.json({ error: 'CSRF check failed: missing or wrong token for this session', field: '_csrf' }, 403),
    ),
  );
  pages.use(
    '*',
    csrf(kit, (c) =>
      c.html(
        V.messagePage(
          null,
          'Request refused',
          'The form was not sent from this session (CSRF check failed). Reload the page and try again.',
        ),
        403,
      ),
    ),
  );
  const noStoreAndClear = async (c: Context, next: () => Promise<void>) => {
    await next();
    if (!SAFE_METHODS.has(c.req.method) && c.res.status < 400) reportCache.clear();
    c.res.headers.set('cache-control', 'no-store');
  };
  api.use('*', noStoreAndClear);
  pages.use('*', noStoreAndClear);

  const idParam = (c: Context, name = 'id'): number => {
    const n = Number(c.req.param(name));
    if (!Number.isSafeInteger(n) || n <= 0) throw new CommandError('not found', 'id', 404);
    return n;
  };

  /** Logs the route and the error class, never messages that could quote record values. */
  const logFailure = (c: Context, e: unknown) => {
    const code = (e as { code?: string }).code;
    console.error(
      `registry: ${c.req.method} ${c.req.routePath} failed: ${(e as Error).name ?? 'Error'}${code ? ` ${code}` : ''}`,
    );
  };

  // The one error mapper, for both sub-apps: only the drawing differs (JSON, or a page in the layout).
  api.onError(registryErrors(kit, (c, status, e) => c.json(e ? e.toJSON() : { error: 'internal error' }, status)));
  pages.onError(
    registryErrors(kit, async (c, status, e) => {
      const ctx = c.get('auth') ? await viewCtx(c) : null;
      if (!e) return c.html(V.messagePage(ctx, 'Something went wrong', 'The change was not saved.'), 500);
      return c.html(V.messagePage(ctx, e.status === 404 ? 'Not found' : 'Not allowed', e.message), status);
    }),
  );

  /** Query parameters of the patient search, numbers converted (validated by PatientSearchSchema). */
  const searchQuery = (c: Context): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const k of ['q', 'status', 'site_id', 'before', 'limit']) {
      const v = c.req.query(k);
      if (v === undefined || v === '') continue;
      out[k] = ['site_id', 'before', 'limit'].includes(k) ? Number(v) : v;
    }
    return out;
  };

  async function jsonBody(c: Context): Promise<unknown> {
    try {
      return await c.req.json();
    } catch {
      throw new CommandError('request body is not valid JSON', 'body');
    }
  }

  /** A JSON handler: its result is the body; a thrown error goes to the error mapper. */
  const json =
    (handler: (c: RegistryContext, repo: RegistryRepository) => Promise<unknown>, status: 200 | 201 = 200) =>
    async (c: RegistryContext) =>
      c.json((await handler(c, c.var.repo)) as object, status);

  // ---- JSON API -------------------------------------------------------------------------------------
  api.get(
    '/me',
    json(async (_c, repo) => ({
      user_id: repo.actor.userId,
      email: await userEmail(db, repo.actor.userId),
      role: repo.actor.role,
      site_ids: repo.actor.siteIds,
    })),
  );
  api.get(
    '/sites',
    json(async (_c, repo) => listSites(db, repo.actor.siteIds)),
  );
  api.post(
    '/patients',
    json(async (c, repo) => repo.enrolPatient(await jsonBody(c), config), 201),
  );
  api.get(
    '/patients',
    json(async (c, repo) => {
      const site = c.req.query('site_id');
      // With a search or a page asked for: one page and the cursor of the next; else the plain list.
      if (['q', 'status', 'before', 'limit'].some((k) => c.req.query(k) !== undefined))
        return repo.searchPatients(searchQuery(c));
      return repo.listPatients(site ? { siteId: Number(site) } : {});
    }),
  );
  api.patch(
    '/patients/:id/status',
    json(async (c, repo) => repo.setPatientStatus(idParam(c), await jsonBody(c), today())),
  );
  api.post(
    '/consents/:id/withdraw',
    json(async (c, repo) => repo.withdrawConsent(idParam(c), await jsonBody(c), today())),
  );
  api.patch(
    '/consents/:id',
    json(async (c, repo) => repo.correctConsent(idParam(c), await jsonBody(c), today())),
  );
  api.put(
    '/procedures/:id',
    json(async (c, repo) => repo.correctProcedure(idParam(c), await jsonBody(c), today(), config)),
  );
  api.put(
    '/visits/:id',
    json(async (c, repo) => repo.correctFollowUp(idParam(c), await jsonBody(c), config, today())),
  );
  api.get(
    '/patients/:id',
    json(async (c, repo) => repo.getPatient(idParam(c))),
  );
  api.patch(
    '/patients/:id',
    json(async (c, repo) => repo.updatePatient(idParam(c), await jsonBody(c), config)),
  );
  api.post(
    '/patients/:id/consents',
    json(async (c, repo) => repo.recordConsent(idParam(c), await jsonBody(c), today()), 201),
  );
  api.post(
    '/patients/:id/procedures',
    json(async (c, repo) => repo.recordProcedure(idParam(c), await jsonBody(c), today()), 201),
  );
  api.post(
    '/patients/:id/visits',
    json(async (c, repo) => repo.submitFollowUp(idParam(c), await jsonBody(c), config, today()), 201),
  );
  api.post(
    '/patients/:id/adverse-events',
    json(async (c, repo) => repo.reportAdverseEvent(idParam(c), await jsonBody(c), today()), 201),
  );
  api.patch(
    '/adverse-events/:id',
    json(async (c, repo) => repo.updateAdverseEvent(idParam(c), await jsonBody(c))),
  );
  api.delete(
    '/adverse-events/:id',
    json(async (c, repo) => repo.deleteAdverseEvent(idParam(c), await jsonBody(c))),
  );
  api.post(
    '/adverse-events/:id/acknowledge',
    json(async (c, repo) => {
      const body = (await jsonBody(c)) as { version?: unknown };
      const v = Number(body?.version);
      if (!(Number.isInteger(v) && v >= 1 && v <= MAX_VERSION))
        throw new CommandError('expected the record version', 'version');
      return repo.acknowledgeAdverseEvent(idParam(c), v);
    }),
  );
  api.get(
    '/sites/:id/adverse-events/unacknowledged',
    json(async (c, repo) => {
      const site = idParam(c);
      if (!repo.actor.siteIds.includes(site))
        throw new CommandError('you are not a member of this site', 'site_id', 403);
      return repo.unacknowledgedSeriousEvents(site);
    }),
  );
  api.get(
    '/sites/:id/follow-ups',
    json(async (c, repo) => {
      const limit = c.req.query('limit');
      const q = parseCommand(FollowUpReportQuerySchema, {
        today: c.req.query('today') ?? today(),
        ...(limit === undefined ? {} : { limit: Number(limit) }),
      });
      return repo.followUpReport(idParam(c), q.today, { config, limit: q.limit });
    }),
  );
  api.get(
    '/patients/:id/audit',
    json(async (c, repo) => repo.auditHistory({ patientId: idParam(c) })),
  );
  api.get(
    '/audit',
    json(async (c, repo) => {
      const entity = c.req.query('entity') ?? '';
      const id = c.req.query('id') ?? '';
      if (!/^[a-z_]+$/.test(entity)) throw new CommandError('expected a table name such as adverse_event', 'entity');
      return repo.auditHistory({ entity, entityId: id });
    }),
  );
  // The de-identified export, streamed (security review M5): a JSON array written page by page as the
  // client reads it (pull: the next page is read from the database only when the previous one has been
  // taken), so memory per export is one page whatever the registry's size; at most
  // export.perTokenConcurrent at once per credential and export.serverConcurrent on the server (429 beyond).
  const exportsRunning = new Map<string, number>();
  let exportsTotal = 0;
  api.get('/deidentified/outcomes', async (c) => {
    const auth = c.var.auth;
    const repo = c.var.repo;
    requirePermission(repo.actor, 'deidentified:read');
    const mine = exportsRunning.get(auth.credential) ?? 0;
    if (mine >= config.export.perTokenConcurrent.value || exportsTotal >= config.export.serverConcurrent.value) {
      c.header('retry-after', '5');
      return c.json(
        {
          error:
            mine >= config.export.perTokenConcurrent.value
              ? 'an export with this credential is already running; wait for it to finish'
              : 'the server is running as many exports as it may; try again shortly',
          field: 'export',
        },
        429,
      );
    }
    exportsRunning.set(auth.credential, mine + 1);
    exportsTotal++;
    const enc = new TextEncoder();
    const stream = pulledStream(
      repo.deidentifiedOutcomePages({ pageRows: config.export.pageRows.value, today: today() }),
      {
        // a JSON array, one row per line
        encode: (page, first) => enc.encode((first ? '[\n' : ',\n') + page.map((r) => JSON.stringify(r)).join(',\n')),
        end: (empty) => enc.encode(empty ? '[]\n' : '\n]\n'),
        release: () => {
          exportsTotal--;
          const n = (exportsRunning.get(auth.credential) ?? 1) - 1;
          if (n <= 0) exportsRunning.delete(auth.credential);
          else exportsRunning.set(auth.credential, n);
        },
        onFailure: (e) => logFailure(c, e),
      },
    );
    return new Response(stream, { headers: { 'content-type': 'application/json; charset=utf-8' } });
  });

  // ---- Pages ----------------------------------------------------------------------------------------
  pages.get('/login', (c) => {
    const token = randomToken(24);
    setCookie(c, LOGIN_COOKIE, token, cookieOpts(c, 600));
    return c.html(V.loginPage(token, null));
  });
  pages.post('/login', async (c) => {
    const form = await readForm(c);
    const expected = getCookie(c, LOGIN_COOKIE) ?? '';
    const given = String(form._login ?? '');
    const relogin = () => {
      const token = randomToken(24);
      setCookie(c, LOGIN_COOKIE, token, cookieOpts(c, 600));
      return token;
    };
    if (!sameOrigin(c) || !expected || !sameToken(given, expected)) {
      return c.html(V.loginPage(relogin(), 'The sign-in form expired. Please try again.'), 403);
    }
    const email = String(form.email ?? '');
    const r = await login(db, email, String(form.password ?? ''), config, clientAddress(c));
    if (!r.ok) {
      await security(c, {
        kind: r.reason === 'throttled' ? 'sign-in-throttled' : 'sign-in-failed',
        email,
        via: 'ui',
        ...(r.reason === 'throttled' ? { detail: { retry_after_seconds: r.retryAfterSeconds } } : {}),
      });
      if (r.reason === 'throttled') {
        c.header('retry-after', String(r.retryAfterSeconds));
        return c.html(V.loginPage(relogin(), `Too many failed attempts. Try again in ${r.retryAfterSeconds} s.`), 429);
      }
      return c.html(V.loginPage(relogin(), 'E-mail or password is wrong.'), 401);
    }
    const s = await createSession(db, r.userId, getCookie(c, SESSION_COOKIE) ?? null, config);
    deleteCookie(c, LOGIN_COOKIE, { path: '/' });
    setCookie(c, SESSION_COOKIE, s.id, cookieOpts(c, Math.round(config.auth.sessionHours.value * 3600)));
    await security(c, { kind: 'sign-in', userId: r.userId, email, via: 'ui' });
    return c.redirect('/registry', 303);
  });
  pages.post('/logout', async (c) => {
    const a = c.var.auth;
    if (a.session) await deleteSession(db, a.session.id);
    await security(c, { kind: 'sign-out', userId: a.actor.userId, via: 'ui' });
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/registry/login', 303);
  });

  const viewCtx = async (c: RegistryContext): Promise<V.ViewCtx> => {
    const a = c.var.auth;
    return {
      email: (await userEmail(db, a.actor.userId)) ?? '',
      role: a.actor.role,
      csrf: a.session?.csrf ?? '',
      can: permissionsOf(a.actor),
    };
  };

  /** Page handler: gets the actor and the view context; a thrown error goes to the error mapper. */
  const pageRoute =
    (handler: (c: RegistryContext, repo: RegistryRepository, ctx: V.ViewCtx) => Promise<Response>) =>
    async (c: RegistryContext) =>
      handler(c, c.var.repo, await viewCtx(c));

  /** Runs a form command: on a field error the form is shown again with the message and what was typed. */
  async function formCommand<T>(
    run: () => Promise<T>,
    rerender: (err: { error: string; field: string }) => Promise<Response>,
  ): Promise<T | Response> {
    try {
      return await run();
    } catch (e) {
      if (e instanceof CommandError && (e.status === 400 || e.status === 409 || e.status === 422))
        return rerender(e.toJSON());
      throw e;
    }
  }

  pages.get(
    '/',
    pageRoute(async (c, repo, ctx) => {
      const sites = await listSites(db, repo.actor.siteIds);
      if (!repo.can('records:read')) {
        return c.html(
          V.messagePage(
            ctx,
            'Registry',
            'Your role reads de-identified data through the API (/api/registry/deidentified/outcomes).',
          ),
        );
      }
      const wanted = Number(c.req.query('site') ?? sites[0]?.id ?? 0);
      const siteId = sites.some((s) => s.id === wanted) ? wanted : (sites[0]?.id ?? null);
      const cached = siteId ? cachedReport(repo, siteId, today()) : null;
      const report = cached ? await cached.report : null;
      if (cached && report) cached.html ??= V.reportSection(report, new Date(cached.at));
      const serious = siteId ? await repo.unacknowledgedSeriousEvents(siteId) : [];
      const q = searchQuery(c);
      const page = siteId
        ? await repo.searchPatients({ ...q, site_id: siteId, limit: 50 })
        : { patients: [], next_before: null };
      return c.html(
        V.dashboardPage(
          ctx,
          sites,
          siteId,
          report,
          serious,
          page,
          {
            q: String(q.q ?? ''),
            status: String(q.status ?? ''),
            reportAt: cached ? new Date(cached.at) : null,
          },
          cached?.html ?? null,
        ),
      );
    }),
  );
  pages.get(
    '/patients/new',
    pageRoute(async (c, repo, ctx) =>
      c.html(V.enrolPage(ctx, await listSites(db, repo.actor.siteIds), config.eligibility.items.value, null, null)),
    ),
  );
  pages.post(
    '/patients',
    pageRoute(async (c, repo, ctx) => {
      const form = await readForm(c);
      const cmd = formToCommand(form);
      cmd.eligibility ??= {};
      cmd.prior_treatments ??= [];
      cmd.pain_generators ??= [];
      const r = await formCommand(
        () => repo.enrolPatient(cmd, config),
        async (err) =>
          c.html(
            V.enrolPage(ctx, await listSites(db, repo.actor.siteIds), config.eligibility.items.value, form, err),
            400,
          ),
      );
      if (r instanceof Response) return r;
      return c.redirect(`/registry/patients/${r.id}?saved=enrolled`, 303);
    }),
  );
  const NOTICES: Record<string, string> = {
    enrolled: 'Patient enrolled.',
    consent: 'Consent recorded.',
    procedure: 'Procedure recorded.',
    visit: 'Follow-up saved and scored.',
    ae: 'Adverse event reported.',
    corrected: 'Correction saved (see the audit history).',
    withdrawn: 'Withdrawal recorded.',
    status: 'Status saved.',
  };
  pages.get(
    '/patients/:id',
    pageRoute(async (c, repo, ctx) => {
      const d = await repo.getPatient(idParam(c));
      return c.html(V.patientPage(ctx, d, { notice: NOTICES[c.req.query('saved') ?? ''] ?? null }));
    }),
  );
  pages.post(
    '/patients/:id/consents',
    pageRoute(async (c, repo, ctx) => {
      const id = idParam(c);
      const form = await readForm(c);
      const r = await formCommand(
        () => repo.recordConsent(id, formToCommand(form), today()),
        async (err) => c.html(V.patientPage(ctx, await repo.getPatient(id), { error: err, consentForm: form }), 400),
      );
      return r instanceof Response ? r : c.redirect(`/registry/patients/${id}?saved=consent`, 303);
    }),
  );
  const patientRow = async (repo: RegistryRepository, id: number) =>
    (await repo.getPatient(id, { log: false })).patient;
  pages.get(
    '/patients/:id/procedures/new',
    pageRoute(async (c, repo, ctx) => {
      const d = await repo.getPatient(idParam(c), { log: false });
      // Say up front what will stop the procedure being saved, instead of after the form is filled in.
      const registry = (d.consents as { scope: string; withdrawn_date: string | null }[]).filter(
        (x) => x.scope === 'registry' && !x.withdrawn_date,
      );
      const notice = !d.patient.eligible
        ? 'The patient is not eligible (see the eligibility checklist): a procedure cannot be recorded.'
        : registry.length === 0
          ? 'No registry-participation consent is recorded: record it on the patient page first.'
          : null;
      return c.html(V.procedurePage(ctx, d.patient, null, null, null, notice));
    }),
  );
  pages.post(
    '/patients/:id/procedures',
    pageRoute(async (c, repo, ctx) => {
      const id = idParam(c);
      const form = await readForm(c);
      const r = await formCommand(
        () => repo.recordProcedure(id, procedureFormToCommand(form), today()),
        async (err) =>
          c.html(
            V.procedurePage(ctx, await patientRow(repo, id), form, err),
            err.field === 'consent' || err.field === 'eligibility' ? 422 : 400,
          ),
      );
      return r instanceof Response ? r : c.redirect(`/registry/patients/${id}?saved=procedure`, 303);
    }),
  );
  const timepointKeys = config.followup.timepoints.value.map((t) => t.key);
  pages.get(
    '/patients/:id/visits/new',
    pageRoute(async (c, repo, ctx) => {
      const tp = c.req.query('timepoint');
      return c.html(
        V.visitPage(ctx, await patientRow(repo, idParam(c)), timepointKeys, tp ? { timepoint: tp } : null, null, {
          promText,
        }),
      );
    }),
  );
  pages.post(
    '/patients/:id/visits',
    pageRoute(async (c, repo, ctx) => {
      const id = idParam(c);
      const form = await readForm(c);
      const r = await formCommand(
        () => repo.submitFollowUp(id, visitFormToCommand(form), config, today()),
        async (err) =>
          c.html(V.visitPage(ctx, await patientRow(repo, id), timepointKeys, form, err, { promText }), 400),
      );
      return r instanceof Response ? r : c.redirect(`/registry/patients/${id}?saved=visit`, 303);
    }),
  );
  pages.get(
    '/patients/:id/adverse-events/new',
    pageRoute(async (c, repo, ctx) => {
      const d = await repo.getPatient(idParam(c));
      return c.html(V.adverseEventPage(ctx, d.patient, d.procedures, null, null));
    }),
  );
  pages.post(
    '/patients/:id/adverse-events',
    pageRoute(async (c, repo, ctx) => {
      const id = idParam(c);
      const form = await readForm(c);
      const cmd = formToCommand(form);
      cmd.seriousness_criteria ??= [];
      const r = await formCommand(
        () => repo.reportAdverseEvent(id, cmd, today()),
        async (err) => {
          const d = await repo.getPatient(id);
          return c.html(V.adverseEventPage(ctx, d.patient, d.procedures, form, err), 400);
        },
      );
      return r instanceof Response ? r : c.redirect(`/registry/patients/${id}?saved=ae`, 303);
    }),
  );
  pages.post(
    '/adverse-events/:id/acknowledge',
    pageRoute(async (c, repo) => {
      const form = await readForm(c);
      await repo.acknowledgeAdverseEvent(idParam(c), Number(form.version));
      return c.redirect('/registry#serious', 303);
    }),
  );
  // ---- Corrections, withdrawal and status (forms) ------------------------------------------------------
  const versionOf = (form: FormData, name = '_version') => Number(String(form[name] ?? ''));
  const reasonOf = (form: FormData) => String(form._reason ?? '');
  pages.post(
    '/patients/:id/status',
    pageRoute(async (c, repo, ctx) => {
      const id = idParam(c);
      const form = await readForm(c);
      const r = await formCommand(
        () =>
          repo.setPatientStatus(
            id,
            {
              version: versionOf(form, 'version'),
              status: String(form.status ?? ''),
              status_date: String(form.status_date ?? '') || null,
              reason: String(form.reason ?? ''),
            },
            today(),
          ),
        async (err) => c.html(V.patientPage(ctx, await repo.getPatient(id, { log: false }), { error: err }), 400),
      );
      return r instanceof Response ? r : c.redirect(`/registry/patients/${id}?saved=status`, 303);
    }),
  );
  pages.post(
    '/consents/:id/withdraw',
    pageRoute(async (c, repo, ctx) => {
      const id = idParam(c);
      const form = await readForm(c);
      const cur = await consentRow(repo, id);
      const r = await formCommand(
        () =>
          repo.withdrawConsent(
            id,
            {
              version: versionOf(form, 'version'),
              withdrawn_date: String(form.withdrawn_date ?? ''),
              reason: String(form.reason ?? ''),
            },
            today(),
          ),
        async (err) =>
          c.html(V.patientPage(ctx, await repo.getPatient(cur.patient_id, { log: false }), { error: err }), 400),
      );
      return r instanceof Response ? r : c.redirect(`/registry/patients/${cur.patient_id}?saved=withdrawn`, 303);
    }),
  );
  /** A consent of the actor's sites with its patient id (404 otherwise). */
  const consentRow = (repo: RegistryRepository, id: number) => repo.getConsent(id);
  pages.get(
    '/consents/:id/edit',
    pageRoute(async (c, repo, ctx) => {
      const cur = await consentRow(repo, idParam(c));
      requirePermission(repo.actor, 'records:write');
      return c.html(V.consentEditPage(ctx, await patientRow(repo, cur.patient_id), cur, null, null));
    }),
  );
  pages.post(
    '/consents/:id/edit',
    pageRoute(async (c, repo, ctx) => {
      const id = idParam(c);
      const form = await readForm(c);
      const cur = await consentRow(repo, id);
      const fields = formToCommand(form);
      const r = await formCommand(
        () => repo.correctConsent(id, { ...fields, version: versionOf(form), reason: reasonOf(form) }, today()),
        async (err) => c.html(V.consentEditPage(ctx, await patientRow(repo, cur.patient_id), cur, form, err), 400),
      );
      return r instanceof Response ? r : c.redirect(`/registry/patients/${cur.patient_id}?saved=corrected`, 303);
    }),
  );
  const procedureRow = (repo: RegistryRepository, id: number) => repo.getProcedure(id);
  const procedureEdit = (id: number, version: number): V.EditMode => ({
    action: `/registry/procedures/${id}/edit`,
    version,
  });
  pages.get(
    '/procedures/:id/edit',
    pageRoute(async (c, repo, ctx) => {
      requirePermission(repo.actor, 'records:write');
      const pr = await procedureRow(repo, idParam(c));
      const key = String(pr.therapy).toLowerCase();
      const form = commandToForm({
        procedure_date: pr.procedure_date,
        operator: pr.operator,
        therapy: pr.therapy,
        [key]: pr.product,
        targets: pr.targets,
        image_guidance: pr.image_guidance,
        injectate_volume_ml: pr.injectate_volume_ml,
        adjuncts: pr.adjuncts,
      });
      for (const [i, x] of ((pr.adjuncts as string[]) ?? []).entries()) form[`adjuncts[${i}]`] = x;
      delete form.adjuncts;
      return c.html(
        V.procedurePage(
          ctx,
          await patientRow(repo, pr.patient_id),
          form,
          null,
          procedureEdit(Number(pr.id), pr.version),
        ),
      );
    }),
  );
  pages.post(
    '/procedures/:id/edit',
    pageRoute(async (c, repo, ctx) => {
      const id = idParam(c);
      const form = await readForm(c);
      const pr = await procedureRow(repo, id);
      const r = await formCommand(
        () =>
          repo.correctProcedure(
            id,
            { version: versionOf(form), reason: reasonOf(form), record: procedureFormToCommand(form) },
            today(),
            config,
          ),
        async (err) =>
          c.html(
            V.procedurePage(ctx, await patientRow(repo, pr.patient_id), form, err, procedureEdit(id, versionOf(form))),
            400,
          ),
      );
      return r instanceof Response ? r : c.redirect(`/registry/patients/${pr.patient_id}?saved=corrected`, 303);
    }),
  );
  const visitRow = (repo: RegistryRepository, id: number) => repo.getVisit(id);
  const visitEdit = (id: number, version: number): V.EditMode => ({
    action: `/registry/visits/${id}/edit`,
    version,
  });
  pages.get(
    '/visits/:id/edit',
    pageRoute(async (c, repo, ctx) => {
      requirePermission(repo.actor, 'records:write');
      const { visit, scores } = await visitRow(repo, idParam(c));
      return c.html(
        V.visitPage(ctx, await patientRow(repo, visit.patient_id), timepointKeys, visitToForm(visit, scores), null, {
          promText,
          edit: visitEdit(Number(visit.id), visit.version),
        }),
      );
    }),
  );
  pages.post(
    '/visits/:id/edit',
    pageRoute(async (c, repo, ctx) => {
      const id = idParam(c);
      const form = await readForm(c);
      const { visit } = await visitRow(repo, id);
      const r = await formCommand(
        () =>
          repo.correctFollowUp(
            id,
            { version: versionOf(form), reason: reasonOf(form), record: visitFormToCommand(form) },
            config,
            today(),
          ),
        async (err) =>
          c.html(
            V.visitPage(ctx, await patientRow(repo, visit.patient_id), timepointKeys, form, err, {
              promText,
              edit: visitEdit(id, versionOf(form)),
            }),
            400,
          ),
      );
      return r instanceof Response ? r : c.redirect(`/registry/patients/${visit.patient_id}?saved=corrected`, 303);
    }),
  );

  mountRegistryAdmin(pages, db, {
    pageRoute: (handler) => pageRoute((c, repo, ctx) => handler(c, repo.actor, ctx)),
    readForm,
    formCommand,
    security,
    config,
  });

  pages.get(
    '/patients/:id/audit',
    pageRoute(async (c, repo, ctx) => {
      const id = idParam(c);
      const p = await patientRow(repo, id);
      return c.html(V.auditPage(ctx, p.registry_id, id, await repo.auditHistory({ patientId: id })));
    }),
  );

  app.route('/api/registry', api);
  app.route('/registry', pages);
}
