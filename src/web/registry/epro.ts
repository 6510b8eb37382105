// HTTP adapter of patient-completed questionnaires by link (ePRO). Two halves:
//  - the patient's pages under /q/<secret>: no account, plain HTML forms that work without JavaScript, sized
//    for a phone; they show the visit's questionnaires and nothing about the patient (no registry id, no
//    earlier answers), and store the answers through src/store/epro.ts;
//  - the coordinator's side under /registry/epro (page) and /api/registry/epro… (JSON), behind the
//    registry's sign-in, CSRF check and roles (src/web/registry/index.ts guard; mounted after it).
// Rules: src/registry/epro.ts; storage: src/store/epro.ts.

import type { Context, Hono } from 'hono';
import { OPIOIDS } from '../../instruments/mme.ts';
import { DEFAULT_REGISTRY_CONFIG, type RegistryConfig } from '../../registry/config.ts';
import { DEFAULT_EPRO_CONFIG, type EproConfig, eproInstruments, LINK_REFUSALS } from '../../registry/epro.ts';
import type { Actor } from '../../registry/policy.ts';
import {
  type LicensedPromText,
  loadLicensedPromText,
  PROMIS10_FORM_ORDER,
  PROMIS10_QUESTIONS,
} from '../../registry/prom-text.ts';
import { CommandError } from '../../registry/validation.ts';
import { type Db, isConnectionError } from '../../store/db.ts';
import { issueEproLink, listInvitations, openEproLink, queueReminders, submitEproLink } from '../../store/epro.ts';
import { followUpReport } from '../../store/registry.ts';
import { listSites, userEmail } from '../../store/registry-accounts.ts';
import { html, page, type Raw } from '../html.ts';
import { clientAddress as requestClientAddress, sameOrigin as requestSameOrigin } from '../request.ts';
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

const STYLE = `body{max-width:40rem}fieldset{border:1px solid #ccd;margin:1rem 0;padding:.5rem .8rem;min-width:0}
legend{font-weight:600;padding:0 .3rem}fieldset.q{border:0;border-top:1px solid #ccd;padding:.4rem 0;margin:.6rem 0}
fieldset.q legend{font-weight:500;padding:0}label.opt{display:block;padding:.45rem .3rem;min-height:1.6rem}
label.opt input{margin-right:.5rem;transform:scale(1.3)}.scale{display:flex;flex-wrap:wrap;gap:.2rem}
.scale label.opt{display:inline-block;min-width:2.2rem;text-align:center;padding:.45rem .2rem}
.error{background:#fdecea;color:#7a1010;padding:.5rem .8rem;border-left:4px solid #b3261e;margin:.5rem 0}
.ok{background:#e8f5e9;padding:.5rem .8rem;border-left:4px solid #2e7d32}
input[type=number],select{font-size:1rem;padding:.3rem;max-width:100%}
button.primary{font-size:1.1rem;padding:.7rem 1.4rem;background:#1f5fa8;color:#fff;border:0;border-radius:4px}
.note{color:#444;font-size:.95rem}`;

const patientPage = (title: string, body: Raw) => page(title, html`<style>${STYLE}</style>${body}`, { nav: false });

const TIMEPOINT_WORDS: Record<string, string> = {
  baseline: 'before your treatment',
  '1m': 'one month after your treatment',
  '3m': 'three months after your treatment',
  '6m': 'six months after your treatment',
  '12m': 'one year after your treatment',
  '24m': 'two years after your treatment',
};

type Values = (name: string) => string;
const valuesOf =
  (form: FormData | null): Values =>
  (name) => {
    const v = form?.[name];
    return (Array.isArray(v) ? v[0] : v) ?? '';
  };

function radios(v: Values, name: string, legend: string | Raw, options: [string, string][], scale = false) {
  return html`<fieldset class="q"><legend>${legend}</legend><div${scale ? html` class="scale"` : ''}>${options.map(
    ([value, label]) =>
      html`<label class="opt"><input type="radio" name="${name}" value="${value}"${v(name) === value ? html` checked` : ''}>${label}</label>`,
  )}</div></fieldset>`;
}

const range = (a: number, b: number): [string, string][] =>
  Array.from({ length: b - a + 1 }, (_, i) => [String(a + i), String(a + i)]);

const EQ5D_DIMS: [string, string][] = [
  ['MO', 'Mobility'],
  ['SC', 'Self-care'],
  ['UA', 'Usual activities'],
  ['PD', 'Pain / discomfort'],
  ['AD', 'Anxiety / depression'],
];

/** The patient's form: the instruments of src/registry/epro.ts eproInstruments, in the usual order. */
export function patientFormPage(
  token: string,
  inv: { timepoint: string; site_name: string; expires_at: Date },
  text: LicensedPromText | null,
  form: FormData | null,
  error: string | null,
): string {
  const v = valuesOf(form);
  const { shown, withClinic } = eproInstruments(text);
  const odi = text?.ODI;
  const eq = text?.EQ5D3L;
  const opioidRow = (i: number) =>
    html`<div><label for="op${i}">Medicine ${i + 1}</label><br><select id="op${i}" name="opioids[${i}].drug"><option value="">—</option>${OPIOIDS.map(
      (o) =>
        html`<option value="${o}"${v(`opioids[${i}].drug`) === o ? html` selected` : ''}>${o.replace('-', ' ')}</option>`,
    )}</select><br><label for="op${i}mg">Strength of one dose (mg)</label><br><input id="op${i}mg" name="opioids[${i}].dose_mg" type="number" step="any" min="0" value="${v(`opioids[${i}].dose_mg`)}"><br><label for="op${i}n">Doses per day</label><br><input id="op${i}n" name="opioids[${i}].doses_per_day" type="number" step="any" min="0" value="${v(`opioids[${i}].doses_per_day`)}"><br><label for="op${i}p">Patch strength (mcg/h), for patches</label><br><input id="op${i}p" name="opioids[${i}].dose_mcg_per_h" type="number" step="any" min="0" value="${v(`opioids[${i}].dose_mcg_per_h`)}"></div>`;
  return patientPage(
    'Your questionnaire',
    html`<h1>Your questionnaire</h1>
<p>${inv.site_name} asks how you are ${TIMEPOINT_WORDS[inv.timepoint] ?? 'now'}. It takes about 10 minutes. Please answer every question; you can send the form once.</p>
${error ? html`<div class="error" role="alert"><strong>Not sent yet.</strong> ${error}</div>` : ''}
<form method="post" action="/q/${token}">
${
  shown.includes('ODI') && odi
    ? html`<fieldset><legend>Back pain and daily life</legend><p class="note">${odi.version}. ${text!.licence}. In each section, choose the one statement that describes you today.</p>${odi.sections.map(
        (sec, i) =>
          radios(
            v,
            `odi.${i}`,
            `${i + 1}. ${sec.title}`,
            sec.statements.map((st, k) => [String(k), st]),
          ),
      )}</fieldset>`
    : ''
}
<fieldset><legend>Pain</legend>${radios(v, 'nrs', 'How bad is your back pain today? 0 = no pain, 10 = the worst pain you can imagine.', range(0, 10), true)}</fieldset>
${
  shown.includes('EQ5D3L') && eq
    ? html`<fieldset><legend>Your health today</legend><p class="note">${eq.version}. ${text!.licence}.</p>${EQ5D_DIMS.map(
        ([k, label]) =>
          radios(
            v,
            `eq5d.${k}`,
            label,
            eq.dimensions[k as 'MO'].map((st, i) => [String(i + 1), st]),
          ),
      )}<div><label for="eqvas">${eq.vas ?? 'Your health today, from 0 (worst) to 100 (best)'}</label><br><input id="eqvas" name="eq5d.vas" type="number" min="0" max="100" value="${v('eq5d.vas')}"></div></fieldset>`
    : ''
}
<fieldset><legend>Your health in general</legend><p class="note">PROMIS Global Health v1.2, free to use under PROMIS Health Organization terms.</p>${PROMIS10_FORM_ORDER.map(
      (it, i) =>
        radios(
          v,
          `promis.${it}`,
          `${i + 1}. ${PROMIS10_QUESTIONS[it].text}`,
          PROMIS10_QUESTIONS[it].options.map(([value, label]) => [String(value), label]),
          it === 'Global07',
        ),
    )}</fieldset>
<fieldset><legend>Opioid pain medicines</legend>${radios(
      v,
      'opioids.taking',
      'Do you take opioid pain medicines (for example codeine, tramadol, oxycodone, morphine, or a fentanyl patch)?',
      [
        ['false', 'No opioids at this visit'],
        ['true', 'Yes'],
      ],
    )}<p class="note">If yes, tell us what you take on a usual day, as on the pack.</p>${[0, 1, 2].map(opioidRow)}</fieldset>
${withClinic.length > 0 ? html`<p class="note">Your clinic will ask you the ${withClinic.map((k) => (k === 'ODI' ? 'back-pain disability (Oswestry)' : 'EQ-5D')).join(' and ')} questions itself.</p>` : ''}
<p><button class="primary" type="submit">Send my answers</button></p></form>
<p class="note">This link works once and only for this questionnaire; it expires ${inv.expires_at.toISOString().slice(0, 10)}.</p>`,
  );
}

const refusalPage = (message: string) =>
  patientPage('Questionnaire', html`<h1>Questionnaire</h1><p class="error" role="alert">${message}</p>`);

/**
 * The patient's form fields → the visit command (the staff form's mapping, src/web/registry/forms.ts),
 * keeping only what a patient answers: PROMs and opioids. "No opioids at this visit" is the command's
 * `no_opioids` (stored as MME/day 0; with medicines also filled in, validation refuses the pair and names the
 * field); the question left unanswered records the medicines typed, if any, and otherwise nothing (unknown).
 */
export function patientFormToVisit(form: FormData): Record<string, unknown> {
  const cmd = visitFormToCommand(form);
  const taking = valuesOf(form)('opioids.taking');
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
      return c.html(
        patientPage(
          'Thank you',
          html`<h1>Thank you</h1><p class="ok" role="status">Your answers have been sent to your clinic. You can close this page.</p>`,
        ),
      );
    } catch (e) {
      if (e instanceof CommandError && e.status < 500) {
        const opened = await openEproLink(db, token, clientAddress(c), { config, now: now() });
        if (!opened.ok) return refused(c, opened);
        const msg =
          e.field === 'proms'
            ? 'Please answer at least one questionnaire.'
            : e.field === 'no_opioids'
              ? 'Opioid pain medicines: you answered "No opioids at this visit" and also listed medicines; please choose one.'
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
  const linksPage = async (c: Context, notice: Raw | null, status: 200 | 201 | 400 | 403 | 404 | 409 | 422 = 200) => {
    const a = actorOf(c);
    const ctx = await viewCtx(c);
    const sites = await listSites(db, a.siteIds);
    const wanted = Number(c.req.query('site') ?? sites[0]?.id ?? 0);
    const siteId = sites.some((s) => s.id === wanted) ? wanted : (sites[0]?.id ?? null);
    if (siteId === null) return c.html(V.messagePage(ctx, 'Questionnaire links', 'You belong to no site.'), 403);
    const report = await followUpReport(db, a, siteId, today(), { config, limit: 100 });
    const links = await listInvitations(db, a, siteId, now());
    const open = [...report.due, ...report.overdue];
    return c.html(
      V.layout(
        'Questionnaire links',
        ctx,
        html`<h1>Questionnaire links</h1>${notice ?? ''}
<p class="note">A link lets the patient fill in the visit's questionnaires on a phone, once, without an account. It expires after ${String(epro.linkHours.value)} hours unless you choose otherwise. With an e-mail address the invitation goes to the outbox (sent by <code>regenspine epro send</code>); the address is erased when the questionnaire is done.</p>
<h2>Visits due or overdue</h2>${
          open.length === 0
            ? html`<p>None today.</p>`
            : html`<table><thead><tr><th>Patient</th><th>Visit</th><th>Target</th><th>Status</th><th>Issue a link</th></tr></thead><tbody>${open.map(
                (r) =>
                  html`<tr><td>${r.registry_id}</td><td>${r.timepoint}</td><td>${r.target}</td><td>${r.status}</td><td><form method="post" action="/registry/epro/links"><input type="hidden" name="_csrf" value="${ctx.csrf}"><input type="hidden" name="patient_id" value="${String(r.patient_id)}"><input type="hidden" name="timepoint" value="${r.timepoint}"><label for="e${String(r.patient_id)}${r.timepoint}">E-mail (optional)</label> <input id="e${String(r.patient_id)}${r.timepoint}" name="email" type="email"> <button type="submit">Issue link</button></form></td></tr>`,
              )}</tbody></table>`
        }
<h2>Links issued</h2>${
          links.length === 0
            ? html`<p>None yet.</p>`
            : html`<table><thead><tr><th>Patient</th><th>Visit</th><th>Issued</th><th>Expires</th><th>State</th><th>Reminders</th><th>Unsent messages</th></tr></thead><tbody>${links.map(
                (l) =>
                  html`<tr><td>${l.registry_id}</td><td>${l.timepoint}</td><td>${l.created_at.toISOString().slice(0, 16)}</td><td>${l.expires_at.toISOString().slice(0, 16)}</td><td>${l.state}</td><td>${String(l.reminders)}</td><td>${String(l.messages_pending)}</td></tr>`,
              )}</tbody></table>`
        }`,
      ),
      status,
    );
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
      return linksPage(
        c,
        html`<div class="ok" role="status">Link issued${r.queued ? ' and the invitation put in the outbox' : ''}. Give it to the patient now — it is shown only once: <code>${r.url}</code></div>`,
        201,
      );
    } catch (e) {
      if (e instanceof CommandError)
        return linksPage(
          c,
          html`<div class="error" role="alert"><strong>No link issued.</strong> ${e.field}: ${e.message}</div>`,
          e.status as 400,
        );
      throw e;
    }
  });
}
