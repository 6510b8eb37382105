// HTTP adapter of patient-completed questionnaires by link (ePRO). Two halves:
//  - the patient's pages under /q/<secret>: no account, plain HTML forms that work without JavaScript, sized
//    for a phone; they show the visit's questionnaires and nothing about the patient (no registry id, no
//    earlier answers), and store the answers through src/store/epro.ts;
//  - the coordinator's side under /registry/epro (page) and /api/registry/epro… (JSON), behind the
//    registry's sign-in, CSRF check and roles (src/web/registry/index.ts guard; mounted after it).
// Rules: src/registry/epro.ts; storage: src/store/epro.ts; the pages: ./epro-view.tsx (hono/jsx components).

import type { Context, Hono } from 'hono';
import { DEFAULT_REGISTRY_CONFIG, type RegistryConfig } from '../../registry/config.ts';
import { DEFAULT_EPRO_CONFIG, type EproConfig, LINK_REFUSALS } from '../../registry/epro.ts';
import type { Actor } from '../../registry/policy.ts';
import { type LicensedPromText, loadLicensedPromText } from '../../registry/prom-text.ts';
import { CommandError } from '../../registry/validation.ts';
import { type Db, isConnectionError } from '../../store/db.ts';
import { issueEproLink, listInvitations, openEproLink, queueReminders, submitEproLink } from '../../store/epro.ts';
import { listSites, userEmail } from '../../store/registry-accounts.ts';
import { registryFor } from '../../store/registry-repository.ts';
import { clientAddress as requestClientAddress, sameOrigin as requestSameOrigin } from '../request.ts';
import {
  eproValuesOf,
  type LinksNotice,
  linksPage as linksView,
  patientFormPage,
  refusalPage,
  thankYouPage,
} from './epro-view.tsx';
import { mountRegistryExport } from './export.ts';
import { type FormData, visitFormToCommand } from './forms.ts';
import { permissionsOf } from './middleware.ts';
import * as V from './views.tsx';

export interface EproWebOptions {
  config?: RegistryConfig;
  epro?: EproConfig;
  /** The server's public address for the links it issues; default REGENSPINE_PUBLIC_URL, else the request's origin. */
  publicUrl?: string;
  trustProxy?: boolean;
  today?: () => string;
  now?: () => Date;
  /** As src/web/registry/index.ts: the clinic's licensed ODI / EQ-5D-3L wording (REGENSPINE_PROM_TEXT). */
  promText?: LicensedPromText | null;
}

/**
 * The patient's form fields → the visit command (the staff form's mapping, src/web/registry/forms.ts),
 * keeping only what a patient answers: PROMs and opioids. "No" to the opioid question (no opioids at this visit) is the command's
 * `no_opioids` (stored as MME/day 0; with medicines also filled in, validation refuses the pair and names the
 * field); the question left unanswered records the medicines typed, if any, and otherwise nothing (unknown).
 */
export function patientFormToVisit(form: FormData): Record<string, unknown> {
  const cmd = visitFormToCommand(form);
  const taking = eproValuesOf(form)('opioids.taking');
  return { proms: cmd.proms, opioids: cmd.opioids, ...(taking === 'false' ? { no_opioids: true } : {}) };
}

export function mountEpro(app: Hono, db: Db, opts: EproWebOptions = {}): void {
  // The registry exports (issue 13 §4) ride on the same mount: one line in src/web/server.ts.
  mountRegistryExport(app, db, opts);
  const config = opts.config ?? DEFAULT_REGISTRY_CONFIG;
  const epro = opts.epro ?? DEFAULT_EPRO_CONFIG;
  const trustProxy = opts.trustProxy ?? process.env.REGENSPINE_TRUST_PROXY === '1';
  const today = opts.today ?? (() => new Date().toISOString().slice(0, 10));
  const now = opts.now ?? (() => new Date());
  const promText =
    opts.promText !== undefined
      ? opts.promText
      : process.env.REGENSPINE_PROM_TEXT
        ? loadLicensedPromText(process.env.REGENSPINE_PROM_TEXT)
        : null;
  const baseUrl = (c: Context) => opts.publicUrl ?? process.env.REGENSPINE_PUBLIC_URL ?? new URL(c.req.url).origin;

  const clientAddress = (c: Context) => requestClientAddress(c, trustProxy);
  const sameOrigin = (c: Context) => requestSameOrigin(c, trustProxy);
  const logFailure = (c: Context, e: unknown) =>
    console.error(`epro: ${c.req.method} ${c.req.routePath} failed: ${(e as Error).name ?? 'Error'}`);

  // ---- The patient's pages ----------------------------------------------------------------------------
  app.use('/q/*', async (c, next) => {
    await next();
    c.res.headers.set('cache-control', 'no-store');
    c.res.headers.set('x-robots-tag', 'noindex');
  });
  const refused = (c: Context, r: { reason: string; retryAfterSeconds?: number }) => {
    if (r.reason === 'throttled') {
      c.header('retry-after', String(r.retryAfterSeconds ?? 60));
      return c.html(
        refusalPage('Too many attempts from this connection. Please wait a few minutes and try again.'),
        429,
      );
    }
    return c.html(
      refusalPage(LINK_REFUSALS[r.reason as keyof typeof LINK_REFUSALS]),
      r.reason === 'unknown' ? 404 : 410,
    );
  };
  app.get('/q/:token', async (c) => {
    const token = c.req.param('token');
    const r = await openEproLink(db, token, clientAddress(c), { config, now: now() });
    if (!r.ok) return refused(c, r);
    return c.html(patientFormPage(token, r.invitation, promText, null, null));
  });
  app.post('/q/:token', async (c) => {
    const token = c.req.param('token');
    if (!sameOrigin(c)) return c.html(refusalPage('The form was not sent from this site.'), 403);
    const body = await c.req.parseBody({ all: true });
    const form: FormData = {};
    for (const [k, x] of Object.entries(body)) {
      if (typeof x === 'string') form[k] = x;
      else if (Array.isArray(x)) form[k] = x.filter((y): y is string => typeof y === 'string');
    }
    try {
      const r = await submitEproLink(db, token, patientFormToVisit(form), clientAddress(c), {
        config,
        now: now(),
        today: today(),
      });
      if (!r.ok) return refused(c, r);
      return c.html(thankYouPage());
    } catch (e) {
      if (e instanceof CommandError && e.status < 500) {
        const opened = await openEproLink(db, token, clientAddress(c), { config, now: now() });
        if (!opened.ok) return refused(c, opened);
        const msg =
          e.field === 'proms'
            ? 'Please answer at least one questionnaire.'
            : e.field === 'no_opioids'
              ? 'Opioid pain medicines: you answered "No" and also listed medicines; please choose one.'
              : `${e.field}: ${e.message}`;
        return c.html(patientFormPage(token, opened.invitation, promText, form, msg), 400);
      }
      if (isConnectionError(e)) throw e;
      logFailure(c, e);
      return c.html(refusalPage('Something went wrong; your answers were not sent. Please try again later.'), 500);
    }
  });

  // ---- The coordinator's side (behind the registry's guard) ----------------------------------------------
  const actorOf = (c: Context): Actor => (c.get('auth') as { actor: Actor }).actor;
  const jsonError = (c: Context, e: unknown) => {
    if (isConnectionError(e)) throw e;
    if (e instanceof CommandError) return c.json(e.toJSON(), e.status);
    logFailure(c, e);
    return c.json({ error: 'internal error' }, 500);
  };
  const jsonBody = async (c: Context): Promise<Record<string, unknown>> => {
    try {
      const b = await c.req.json();
      if (b && typeof b === 'object' && !Array.isArray(b)) return b as Record<string, unknown>;
    } catch {}
    throw new CommandError('request body is not a JSON object', 'body');
  };
  app.post('/api/registry/epro/links', async (c) => {
    try {
      const b = await jsonBody(c);
      const r = await issueEproLink(db, actorOf(c), b as never, { baseUrl: baseUrl(c), config, epro, now: now() });
      return c.json(r, 201);
    } catch (e) {
      return jsonError(c, e);
    }
  });
  app.get('/api/registry/sites/:id/epro/links', async (c) => {
    try {
      return c.json(await listInvitations(db, actorOf(c), Number(c.req.param('id')), now()));
    } catch (e) {
      return jsonError(c, e);
    }
  });
  app.post('/api/registry/epro/reminders', async (c) => {
    try {
      return c.json(
        await queueReminders(db, actorOf(c), { baseUrl: baseUrl(c), config, epro, now: now(), today: today() }),
      );
    } catch (e) {
      return jsonError(c, e);
    }
  });

  const viewCtx = async (c: Context): Promise<V.ViewCtx> => {
    const auth = c.get('auth') as { actor: Actor; session: { csrf: string } | null };
    return {
      email: (await userEmail(db, auth.actor.userId)) ?? '',
      role: auth.actor.role,
      csrf: auth.session?.csrf ?? '',
      can: permissionsOf(auth.actor),
    };
  };
  const linksPage = async (c: Context, notice: LinksNotice, status: 200 | 201 | 400 | 403 | 404 | 409 | 422 = 200) => {
    const a = actorOf(c);
    const ctx = await viewCtx(c);
    const sites = await listSites(db, a.siteIds);
    const wanted = Number(c.req.query('site') ?? sites[0]?.id ?? 0);
    const siteId = sites.some((s) => s.id === wanted) ? wanted : (sites[0]?.id ?? null);
    if (siteId === null) return c.html(V.messagePage(ctx, 'Questionnaire links', 'You belong to no site.'), 403);
    const report = await registryFor(db, a).followUpReport(siteId, today(), { config, limit: 100 });
    const links = await listInvitations(db, a, siteId, now());
    const open = [...report.due, ...report.overdue];
    return c.html(linksView(ctx, notice, epro.linkHours.value, open, links), status);
  };
  app.get('/registry/epro', async (c) => {
    try {
      return await linksPage(c, null);
    } catch (e) {
      if (e instanceof CommandError) return c.html(V.messagePage(await viewCtx(c), 'Not allowed', e.message), e.status);
      throw e;
    }
  });
  app.post('/registry/epro/links', async (c) => {
    const body = await c.req.parseBody();
    try {
      const r = await issueEproLink(
        db,
        actorOf(c),
        { patient_id: body.patient_id, timepoint: body.timepoint, email: body.email },
        { baseUrl: baseUrl(c), config, epro, now: now() },
      );
      return linksPage(c, { kind: 'issued', url: r.url, queued: r.queued }, 201);
    } catch (e) {
      if (e instanceof CommandError)
        return linksPage(c, { kind: 'refused', field: e.field, message: e.message }, e.status as 400);
      throw e;
    }
  });
}
