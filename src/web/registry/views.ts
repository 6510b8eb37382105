// Server-rendered registry pages: pure functions from data to HTML, every value escaped (html``).
// Forms post to the same origin, carry the session's CSRF token and work without JavaScript.

import { OPIOIDS } from '../../instruments/mme.ts';
import { RMDQ_ITEMS } from '../../instruments/rmdq.ts';
import { AE_OUTCOMES, ATTRIBUTIONS, CTCAE_GRADES, SERIOUSNESS_CRITERIA } from '../../instruments/safety.ts';
import { ACTIVATIONS, FORMS } from '../../products/prp.ts';
import type { EligibilityItem } from '../../registry/config.ts';
import { type LicensedPromText, PROMIS10_FORM_ORDER, PROMIS10_QUESTIONS } from '../../registry/prom-text.ts';
import {
  AE_ACTIONS,
  type CONSENT_SCOPES,
  EPIDURAL_APPROACHES,
  IMAGE_GUIDANCE,
  MSC_SOURCES,
  PAIN_GENERATORS,
  PATIENT_STATUSES,
  PRIOR_TREATMENTS,
  SEGMENTS,
  SEXES,
  SIDES,
  SMOKING,
  STRUCTURES,
  THERAPIES,
} from '../../registry/validation.ts';
import type { AuditEntry, FollowUpReport, FollowUpReportRow, PatientPage, PatientRow } from '../../store/registry.ts';
import type { Site } from '../../store/registry-accounts.ts';
import { html, page, type Raw } from '../html.ts';
import type { FormData } from './forms.ts';
import type { Permissions } from './middleware.ts';

export interface ViewCtx {
  email: string;
  role: string;
  csrf: string;
  /** What the signed-in user may do, answered by the policy (src/registry/policy.ts): views never test roles. */
  can: Permissions;
}

const EXTRA_STYLE = `fieldset{border:1px solid var(--line);margin:1rem 0;padding:.5rem 1rem}legend{font-weight:600}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.6rem 1rem}
.error{background:#fdecea;color:#7a1010;padding:.5rem .8rem;border-left:4px solid #b3261e;margin:.5rem 0}
.ok{background:#e8f5e9;color:var(--ok);padding:.5rem .8rem;border-left:4px solid var(--ok)}
nav.registry{display:flex;gap:1rem;align-items:center;margin-bottom:1rem;flex-wrap:wrap}
nav.registry form{margin-left:auto}
button.primary{background:var(--accent);color:#fff;border:0;border-radius:3px;padding:.4rem 1rem}
label.inline{display:inline;font-weight:400;margin-right:.8rem}
fieldset.item{border:0;padding:.2rem 0;margin:.4rem 0}fieldset.item legend{font-weight:400}`;

/** Roles that enter clinical data see the data-entry links; admins see the administration pages. */
export const canWriteRecords = (ctx: ViewCtx) => ctx.can['records:write'];
const isAdmin = (ctx: ViewCtx) => ctx.can['users:manage'];

export function layout(title: string, ctx: ViewCtx | null, body: Raw): string {
  const nav = ctx
    ? html`<nav class="registry" aria-label="Registry"><a href="/registry">Dashboard</a><a href="/registry/outcomes">Outcomes</a>${canWriteRecords(ctx) ? html`<a href="/registry/patients/new">Enrol a patient</a>` : ''}${isAdmin(ctx) ? html`<a href="/registry/admin">Administration</a>` : ''}
<span class="note">${ctx.email} (${ctx.role})</span>
<form method="post" action="/registry/logout"><input type="hidden" name="_csrf" value="${ctx.csrf}"><button type="submit">Sign out</button></form></nav>`
    : html``;
  return page(title, html`<style>${EXTRA_STYLE}</style>${nav}${body}`);
}

const csrfField = (ctx: ViewCtx) => html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;
export const errorBox = (e: { error: string; field: string } | null) =>
  e ? html`<div class="error" role="alert"><strong>Not saved.</strong> ${e.field}: ${e.error}</div>` : html``;

/** Form-value accessor for re-rendering a rejected form with what the user typed. */
export type Values = (name: string) => string[];
export const valuesOf =
  (form: FormData | null): Values =>
  (name) => {
    const v = form?.[name];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  };
const noValues: Values = () => [];

/** A labelled input; `extra.id` gives the element another id than its name (several forms on one page). */
function input(v: Values, name: string, label: string, type = 'text', extra: Record<string, string> = {}) {
  const { id = name, ...rest } = extra;
  const attrs = Object.entries(rest).map(([k, x]) => html` ${k}="${x}"`);
  return html`<div><label for="${id}">${label}</label><input id="${id}" name="${name}" type="${type}" value="${v(name)[0] ?? ''}"${attrs}></div>`;
}
function select(v: Values, name: string, label: string, options: readonly (string | [string, string])[], blank = true) {
  const cur = v(name)[0] ?? '';
  return html`<div><label for="${name}">${label}</label><select id="${name}" name="${name}">${blank ? html`<option value="">—</option>` : ''}${options.map(
    (o) => {
      const [val, text] = Array.isArray(o) ? o : [o, o];
      return html`<option value="${val}"${cur === val ? html` selected` : ''}>${text}</option>`;
    },
  )}</select></div>`;
}
function checkboxes(v: Values, name: string, label: string, options: readonly string[]) {
  const cur = v(name);
  return html`<fieldset><legend>${label}</legend>${options.map(
    (o) =>
      html`<label class="inline"><input type="checkbox" name="${name}" value="${o}"${cur.includes(o) ? html` checked` : ''}> ${o}</label>`,
  )}</fieldset>`;
}
function yesNo(v: Values, name: string, label: string) {
  const cur = v(name)[0];
  return html`<div role="radiogroup" aria-label="${label}"><span>${label}</span>
<label class="inline"><input type="radio" name="${name}" value="true"${cur === 'true' ? html` checked` : ''}> yes</label>
<label class="inline"><input type="radio" name="${name}" value="false"${cur === 'false' ? html` checked` : ''}> no</label></div>`;
}

export function loginPage(token: string, error: string | null): string {
  return layout(
    'Sign in',
    null,
    html`<h1>Registry sign-in</h1>${error ? html`<div class="error" role="alert">${error}</div>` : ''}
<form method="post" action="/registry/login"><input type="hidden" name="_login" value="${token}">
<div class="grid"><div><label for="email">E-mail</label><input id="email" name="email" type="email" autocomplete="username" required></div>
<div><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required></div></div>
<p><button class="primary" type="submit">Sign in</button></p></form>`,
  );
}

const reportRows = (rows: FollowUpReportRow[]) =>
  rows.length === 0
    ? html`<p class="note">None.</p>`
    : html`<table><thead><tr><th>Patient</th><th>Timepoint</th><th>Target</th><th>Window</th><th></th></tr></thead><tbody>${rows.map(
        (r) =>
          html`<tr><td><a href="/registry/patients/${r.patient_id}">${r.registry_id}</a></td><td>${r.timepoint}</td><td>${r.target}</td><td>${r.window_open} – ${r.window_close}</td><td><a href="/registry/patients/${r.patient_id}/visits/new?timepoint=${r.timepoint}">Enter follow-up</a></td></tr>`,
      )}</tbody></table>`;

/** The follow-up lists of the dashboard: the same for every user of the site, so rendered once per report. */
export function reportSection(report: FollowUpReport, at: Date | null): Raw {
  return html`<h2 id="overdue">Overdue follow-ups</h2>${reportRows(report.overdue)}
<h2 id="due">Due follow-ups</h2>${reportRows(report.due)}
<h2 id="missed">Missed follow-ups</h2>${reportRows(report.missed)}
<p class="note">Status on ${report.today}; windows from config ${report.config_version}${at ? html`; computed ${at.toISOString().slice(11, 19)} UTC (refreshed after any change, at most a minute old)` : ''}.</p>`;
}

export function dashboardPage(
  ctx: ViewCtx,
  sites: Site[],
  siteId: number | null,
  report: FollowUpReport | null,
  serious: Record<string, unknown>[],
  page: PatientPage,
  search: { q: string; status: string; reportAt: Date | null },
  reportHtml: Raw | null = null,
): string {
  const site = sites.find((s) => s.id === siteId);
  const patients = page.patients;
  const more = new URLSearchParams({
    ...(siteId ? { site: String(siteId) } : {}),
    ...(search.q ? { q: search.q } : {}),
    ...(search.status ? { status: search.status } : {}),
    ...(page.next_before ? { before: String(page.next_before) } : {}),
  });
  return layout(
    'Registry',
    ctx,
    html`<h1>Registry dashboard${site ? html` — ${site.name}` : ''}</h1>
${
  sites.length > 1
    ? html`<form method="get" action="/registry" class="inline">${select(
        (n) => (n === 'site' ? [String(siteId ?? '')] : []),
        'site',
        'Site',
        sites.map((s) => [String(s.id), `${s.code} — ${s.name}`] as [string, string]),
        false,
      )}<button type="submit">Show</button></form>`
    : ''
}
<h2 id="serious">Serious adverse events not yet acknowledged</h2>
${
  serious.length === 0
    ? html`<p class="note">None.</p>`
    : html`<div class="warn" role="alert">${serious.length} serious adverse event(s) need the site's acknowledgement.</div>
<table><thead><tr><th>Patient</th><th>Event</th><th>Onset</th><th>CTCAE grade</th><th>Seriousness</th><th></th></tr></thead><tbody>${serious.map(
        (
          e,
        ) => html`<tr><td><a href="/registry/patients/${String(e.patient_id)}">${String(e.registry_id)}</a></td><td>${String(e.term)}</td><td>${String(e.onset_date)}</td><td>${String(e.grade)}</td><td>${(e.seriousness_criteria as string[]).join(', ')}</td>
<td>${
          ctx.can['ae:acknowledge']
            ? html`<form method="post" action="/registry/adverse-events/${String(e.id)}/acknowledge">${csrfField(ctx)}<input type="hidden" name="version" value="${String(e.version)}"><button type="submit">Acknowledge</button></form>`
            : html`<span class="note">a clinician acknowledges</span>`
        }</td></tr>`,
      )}</tbody></table>`
}
${reportHtml ?? (report ? reportSection(report, search.reportAt) : '')}
<h2 id="patients">Patients</h2>
<form method="get" action="/registry" class="inline" role="search">${siteId ? html`<input type="hidden" name="site" value="${String(siteId)}">` : ''}
<div class="grid">${input((n) => (n === 'q' && search.q ? [search.q] : []), 'q', 'Registry id contains')}${select(
      (n) => (n === 'status' && search.status ? [search.status] : []),
      'status',
      'Status',
      PATIENT_STATUSES.map((x) => [x, x.replaceAll('_', ' ')] as [string, string]),
    )}</div><p><button type="submit">Search</button></p></form>
${
  patients.length === 0
    ? html`<p class="note">${search.q || search.status ? 'No patient matches.' : 'No patients yet.'}${canWriteRecords(ctx) && !search.q && !search.status ? html` <a href="/registry/patients/new">Enrol the first one</a>.` : ''}</p>`
    : html`<table><thead><tr><th>Registry id</th><th>Year of birth</th><th>Sex</th><th>Status</th><th>Eligible</th><th>Index procedure</th></tr></thead><tbody>${patients.map(
        (p) =>
          html`<tr><td><a href="/registry/patients/${p.id}">${p.registry_id}</a></td><td>${p.year_of_birth}</td><td>${p.sex}</td><td>${p.status.replaceAll('_', ' ')}</td><td>${p.eligible ? 'yes' : 'no'}</td><td>${p.index_procedure_date ?? '—'}</td></tr>`,
      )}</tbody></table>${page.next_before ? html`<p><a href="/registry?${more.toString()}#patients">Next ${patients.length} patients</a></p>` : ''}`
}`,
  );
}

export function enrolPage(
  ctx: ViewCtx,
  sites: Site[],
  items: EligibilityItem[],
  form: FormData | null,
  error: { error: string; field: string } | null,
): string {
  const v = valuesOf(form);
  return layout(
    'Enrol a patient',
    ctx,
    html`<h1>Enrol a patient</h1>${errorBox(error)}
<p class="note">Pseudonymous: do not enter names, dates of birth or record numbers. The registry id is assigned on saving.</p>
<form method="post" action="/registry/patients">${csrfField(ctx)}
<div class="grid">${select(
      v,
      'site_id',
      'Site',
      sites.map((s) => [String(s.id), `${s.code} — ${s.name}`] as [string, string]),
      sites.length !== 1,
    )}
${input(v, 'year_of_birth', 'Year of birth', 'number', { min: '1900', max: '2100' })}
${select(v, 'sex', 'Sex', SEXES)}
${input(v, 'bmi', 'BMI (kg/m²)', 'number', { step: '0.1', min: '0' })}
${select(v, 'smoking', 'Smoking', SMOKING)}
${input(v, 'pain_duration_months', 'Duration of pain (months)', 'number', { min: '0' })}</div>
${checkboxes(v, 'pain_generators', 'Pain generator(s)', PAIN_GENERATORS)}
${checkboxes(v, 'prior_treatments', 'Prior treatments', PRIOR_TREATMENTS)}
${yesNo(v, 'baseline_opioid_use', 'Opioid use at baseline')}
<fieldset><legend>Eligibility checklist</legend>${items.map((i) => yesNo(v, `eligibility.${i.id}`, `${i.kind === 'exclusion' ? 'Exclusion' : 'Inclusion'}: ${i.label}`))}</fieldset>
<p><button class="primary" type="submit">Enrol</button></p></form>`,
  );
}

type Detail = {
  patient: PatientRow;
  consents: Record<string, unknown>[];
  procedures: Record<string, unknown>[];
  visits: Record<string, unknown>[];
  adverse_events: Record<string, unknown>[];
};

const SCOPE_LABELS: Record<string, string> = {
  care: 'care (consent to the treatment)',
  registry: 'registry participation (data collection and follow-up)',
  research: 'research use of the data (de-identified export)',
};
/** Registry participation first: the consent a new patient needs before anything else (the form's default). */
const SCOPE_ORDER = ['registry', 'research', 'care'] as const satisfies readonly (typeof CONSENT_SCOPES)[number][];
const STATUS_LABELS: Record<string, string> = {
  active: 'Active',
  withdrawn: 'Withdrawn from the registry',
  lost_to_follow_up: 'Lost to follow-up',
  deceased: 'Deceased',
};

const fmt = (x: unknown) =>
  typeof x === 'number' ? (Number.isInteger(x) ? String(x) : x.toFixed(2)) : String(x ?? '—');

export function patientPage(
  ctx: ViewCtx,
  d: Detail,
  opts: { notice?: string | null; error?: { error: string; field: string } | null; consentForm?: FormData | null } = {},
): string {
  const p = d.patient;
  const v = valuesOf(opts.consentForm ?? null);
  const canWrite = canWriteRecords(ctx);
  return layout(
    `Patient ${p.registry_id}`,
    ctx,
    html`<h1>Patient ${p.registry_id}</h1>
${opts.notice ? html`<div class="ok" role="status">${opts.notice}</div>` : ''}${errorBox(opts.error ?? null)}
<p>Born ${p.year_of_birth} · ${p.sex} · BMI ${fmt(p.bmi)} · smoking ${p.smoking} · pain ${p.pain_duration_months} months · generator ${p.pain_generator_group} (${p.pain_generators.join(', ')}) · baseline opioids ${p.baseline_opioid_use ? 'yes' : 'no'}</p>
<p>Eligible: <strong>${p.eligible ? 'yes' : 'no'}</strong>${p.eligibility.reasons.length > 0 ? html` — ${p.eligibility.reasons.join('; ')}` : ''} <span class="note">(checklist ${p.eligibility.config_version})</span></p>
<p><a href="/registry/patients/${p.id}/audit">Audit history</a></p>
<h2>Consent</h2>
${
  d.consents.length === 0
    ? html`<p class="warn">No consent recorded: a procedure cannot be recorded until the registry-participation consent is.</p>`
    : html`<table><thead><tr><th>Scope</th><th>Form version</th><th>Date</th><th>Obtained by</th><th>Withdrawn</th>${canWrite ? html`<th></th>` : ''}</tr></thead><tbody>${d.consents.map(
        (c) =>
          html`<tr><td>${SCOPE_LABELS[String(c.scope)] ?? fmt(c.scope)}</td><td>${fmt(c.form_version)}</td><td>${fmt(c.consent_date)}</td><td>${fmt(c.obtained_by)}</td>
<td>${c.withdrawn_date ? html`${fmt(c.withdrawn_date)} — ${fmt(c.withdrawal_reason)}` : 'no'}</td>${
            canWrite
              ? html`<td><a href="/registry/consents/${String(c.id)}/edit">Correct</a>${
                  c.withdrawn_date
                    ? ''
                    : html`<details><summary>Withdraw</summary><form method="post" action="/registry/consents/${String(c.id)}/withdraw">${csrfField(ctx)}<input type="hidden" name="version" value="${String(c.version)}">
<div class="grid">${input(noValues, 'withdrawn_date', 'Withdrawn on', 'date', { id: `withdrawn_date_${String(c.id)}`, required: '' })}${input(noValues, 'reason', 'Reason given', 'text', { id: `withdrawal_reason_${String(c.id)}`, required: '' })}</div>
<p><button type="submit">Record the withdrawal</button></p></form></details>`
                }</td>`
              : ''
          }</tr>`,
      )}</tbody></table>`
}
${
  canWrite
    ? html`<form method="post" action="/registry/patients/${p.id}/consents">${csrfField(ctx)}<div class="grid">
${select(
  v,
  'scope',
  'Scope',
  SCOPE_ORDER.map((x) => [x, SCOPE_LABELS[x]!] as [string, string]),
  false,
)}
${input(v, 'form_version', 'Consent form version')}${input(v, 'consent_date', 'Date', 'date')}${input(v, 'obtained_by', 'Obtained by')}</div>
<p><button type="submit">Record consent</button></p></form>`
    : ''
}
<h2>Status</h2>
<p>${STATUS_LABELS[p.status] ?? p.status}${p.status_date ? html` since ${p.status_date}` : ''}${p.status_reason ? html` — ${p.status_reason}` : ''}</p>
${
  canWrite
    ? html`<details><summary>Change the status</summary><form method="post" action="/registry/patients/${p.id}/status">${csrfField(ctx)}<input type="hidden" name="version" value="${String(p.version)}">
<div class="grid">${select(
        noValues,
        'status',
        'New status',
        PATIENT_STATUSES.map((x) => [x, STATUS_LABELS[x]!] as [string, string]),
        false,
      )}${input(noValues, 'status_date', 'Since (empty for active)', 'date')}${input(noValues, 'reason', 'Reason', 'text', { id: 'status_reason', required: '' })}</div>
<p><button type="submit">Save the status</button></p></form></details>`
    : ''
}
<h2>Procedures</h2>
${
  d.procedures.length === 0
    ? html`<p class="note">None.</p>`
    : html`<table><thead><tr><th>Date</th><th>Therapy</th><th>Targets</th><th>Guidance</th><th>Volume (mL)</th><th>Product</th></tr></thead><tbody>${d.procedures.map(
        (pr) => {
          const c = pr.characterization as Record<string, unknown>;
          const targets = (pr.targets as Record<string, string>[])
            .map((t) => [t.structure, t.level, t.side, t.approach].filter(Boolean).join(' '))
            .join('; ');
          const prp =
            pr.therapy === 'PRP'
              ? html`fold ${fmt(c.fold)}×; PAW ${fmt((c.paw as { value: string | null }).value ?? (c.paw as { reason: string }).reason)}; Dohan Ehrenfest ${fmt((c.dohan_ehrenfest as { value: string | null }).value ?? 'not derivable')}`
              : html``;
          return html`<tr><td>${fmt(pr.procedure_date)}</td><td>${fmt(pr.therapy)}</td><td>${targets}</td><td>${fmt(pr.image_guidance)}</td><td>${fmt(pr.injectate_volume_ml)}</td>
<td>${prp}${(pr.product_warnings as string[]).map((w) => html`<div class="warn">${w}</div>`)}</td>${canWrite ? html`<td><a href="/registry/procedures/${String(pr.id)}/edit">Correct</a></td>` : ''}</tr>`;
        },
      )}</tbody></table>`
}
${canWrite ? html`<p><a href="/registry/patients/${p.id}/procedures/new">Record a procedure</a></p>` : ''}
<h2>Follow-up visits</h2>
${
  d.visits.length === 0
    ? html`<p class="note">None.</p>`
    : html`<table><thead><tr><th>Timepoint</th><th>Date</th><th>In window</th><th>PROMs</th><th>MME/day</th><th>Re-intervention</th></tr></thead><tbody>${d.visits.map(
        (
          vi,
        ) => html`<tr><td>${fmt(vi.timepoint)}</td><td>${fmt(vi.visit_date)}</td><td>${vi.in_window === null ? '—' : vi.in_window ? 'yes' : 'no'}</td>
<td>${(vi.proms as Record<string, unknown>[]).map((s) => html`<span class="tag">${fmt(s.instrument)} ${fmt(s.score)}</span> `)}</td><td>${fmt(vi.mme_per_day)}</td>
<td>${(vi.reintervention as { occurred?: boolean } | null)?.occurred ? 'yes' : 'no'}</td>${canWrite ? html`<td><a href="/registry/visits/${String(vi.id)}/edit">Correct</a></td>` : ''}</tr>`,
      )}</tbody></table>`
}
${canWrite ? html`<p><a href="/registry/patients/${p.id}/visits/new">Enter a follow-up</a></p>` : ''}
<h2>Adverse events</h2>
${
  d.adverse_events.length === 0
    ? html`<p class="note">None reported.</p>`
    : html`<table><thead><tr><th>Term</th><th>Onset</th><th>Grade</th><th>Serious</th><th>Procedure / product</th><th>Outcome</th><th>Acknowledged</th></tr></thead><tbody>${d.adverse_events.map(
        (
          a,
        ) => html`<tr><td>${fmt(a.term)}</td><td>${fmt(a.onset_date)}</td><td>${fmt(a.grade)}</td><td>${a.serious ? (a.seriousness_criteria as string[]).join(', ') : 'no'}</td>
<td>${fmt(a.attribution_procedure)} / ${fmt(a.attribution_product)}</td><td>${fmt(a.outcome)}</td><td>${a.serious ? (a.acknowledged_at ? 'yes' : 'NO') : '—'}</td></tr>`,
      )}</tbody></table>`
}
${canWrite ? html`<p><a href="/registry/patients/${p.id}/adverse-events/new">Report an adverse event</a></p>` : ''}`,
  );
}

/** A correction form: where it posts, the version it corrects, and the reason box (ICH E6 4.9.3). */
export interface EditMode {
  action: string;
  version: number;
  what: string;
}
const editFields = (v: Values, edit: EditMode) =>
  html`<input type="hidden" name="_version" value="${String(edit.version)}"><div class="grid">${input(v, '_reason', 'Reason for the correction (kept in the audit trail)', 'text', { required: '', minlength: '3' })}</div>`;

export function procedurePage(
  ctx: ViewCtx,
  patient: PatientRow,
  form: FormData | null,
  error: { error: string; field: string } | null,
  edit: EditMode | null = null,
  notice: string | null = null,
): string {
  const v = valuesOf(form);
  const target = (i: number) =>
    html`<div class="grid">${select(v, `targets[${i}].structure`, `Target ${i + 1}`, STRUCTURES)}${select(v, `targets[${i}].level`, 'Level', SEGMENTS)}${select(v, `targets[${i}].side`, 'Side', SIDES)}${select(v, `targets[${i}].approach`, 'Epidural approach', EPIDURAL_APPROACHES)}</div>`;
  return layout(
    edit ? 'Correct a procedure' : 'Record a procedure',
    ctx,
    html`<h1>${edit ? 'Correct the procedure' : 'Record a procedure'} — ${patient.registry_id}</h1>${errorBox(error)}${notice ? html`<p class="warn" role="note">${notice}</p>` : ''}
<form method="post" action="${edit ? edit.action : `/registry/patients/${patient.id}/procedures`}">${csrfField(ctx)}${edit ? editFields(v, edit) : ''}
<div class="grid">${input(v, 'procedure_date', 'Date', 'date')}${input(v, 'operator', 'Operator')}${select(v, 'therapy', 'Therapy', THERAPIES)}
${select(v, 'image_guidance', 'Image guidance', IMAGE_GUIDANCE)}${input(v, 'injectate_volume_ml', 'Injectate volume (mL)', 'number', { step: 'any' })}${input(v, 'adjuncts[0]', 'Adjunct (e.g. local anaesthetic)')}</div>
<fieldset><legend>Targets</legend>${target(0)}${target(1)}${target(2)}</fieldset>
<fieldset><legend>PRP (fill when therapy is PRP)</legend><div class="grid">
${input(v, 'prp.volumes.whole_blood_ml', 'Whole blood processed (mL)', 'number', { step: 'any' })}${input(v, 'prp.volumes.prp_ml', 'PRP produced (mL)', 'number', { step: 'any' })}${input(v, 'prp.volumes.injected_ml', 'PRP injected (mL)', 'number', { step: 'any' })}
${input(v, 'prp.preparation.device', 'Device / kit')}${input(v, 'prp.preparation.spins[0].g', 'Spin 1 (g)', 'number', { step: 'any' })}${input(v, 'prp.preparation.spins[0].minutes', 'Spin 1 (min)', 'number', { step: 'any' })}
${input(v, 'prp.preparation.spins[1].g', 'Spin 2 (g)', 'number', { step: 'any' })}${input(v, 'prp.preparation.spins[1].minutes', 'Spin 2 (min)', 'number', { step: 'any' })}
${input(v, 'prp.baseline.platelets', 'Whole-blood platelets /µL', 'number')}${input(v, 'prp.baseline.wbc', 'Whole-blood WBC /µL', 'number')}${input(v, 'prp.baseline.neutrophils', 'Whole-blood neutrophils /µL', 'number')}
${input(v, 'prp.prp.platelets', 'PRP platelets /µL', 'number')}${input(v, 'prp.prp.wbc', 'PRP WBC /µL', 'number')}${input(v, 'prp.prp.neutrophils', 'PRP neutrophils /µL', 'number')}
${input(v, 'prp.prp.rbc_pct', 'PRP red cells (% of PRP)', 'number', { step: 'any' })}${select(v, 'prp.activation', 'Activation', ACTIVATIONS)}${select(v, 'prp.form', 'Form', FORMS)}</div></fieldset>
<fieldset><legend>BMC (fill when therapy is BMC)</legend><div class="grid">
${input(v, 'bmc.aspirate_volume_ml', 'Aspirate volume (mL)', 'number', { step: 'any' })}${input(v, 'bmc.final_volume_ml', 'Concentrate volume (mL)', 'number', { step: 'any' })}${input(v, 'bmc.injected_volume_ml', 'Injected (mL)', 'number', { step: 'any' })}
${input(v, 'bmc.tnc_per_ml', 'TNC /mL', 'number', { step: 'any' })}${input(v, 'bmc.cfu_f_per_ml', 'CFU-F /mL', 'number', { step: 'any' })}${input(v, 'bmc.cfu_f_assay_days', 'CFU-F assay (days)', 'number')}
${input(v, 'bmc.cd34_per_ul', 'CD34+ /µL', 'number', { step: 'any' })}${input(v, 'bmc.cd34_gating', 'CD34 gating protocol')}${input(v, 'bmc.viability_pct', 'Viability %', 'number', { step: 'any' })}</div></fieldset>
<fieldset><legend>MSC (fill when therapy is MSC)</legend><div class="grid">
${select(v, 'msc.source', 'Source', MSC_SOURCES)}${select(v, 'msc.origin', 'Origin', ['autologous', 'allogeneic'])}${select(
  v,
  'msc.culture_expanded',
  'Culture-expanded',
  [
    ['true', 'yes'],
    ['false', 'no'],
  ],
)}
${input(v, 'msc.passage', 'Passage', 'number')}${input(v, 'msc.dose_viable_cells', 'Dose (viable cells)', 'number', { step: 'any' })}${input(v, 'msc.viability_pct', 'Viability %', 'number', { step: 'any' })}
${select(v, 'msc.release_tests.sterility', 'Sterility', ['pass', 'fail', 'not-done'])}${select(v, 'msc.release_tests.endotoxin', 'Endotoxin', ['pass', 'fail', 'not-done'])}${select(v, 'msc.release_tests.mycoplasma', 'Mycoplasma', ['pass', 'fail', 'not-done'])}
${input(v, 'msc.ind_number', 'IND number')}${input(v, 'msc.trial_registration', 'Trial registration')}</div></fieldset>
<p><button class="primary" type="submit">${edit ? 'Save the correction' : 'Record procedure'}</button></p></form>`,
  );
}

const ODI_SECTIONS = [
  'Pain intensity',
  'Personal care',
  'Lifting',
  'Walking',
  'Sitting',
  'Standing',
  'Sleeping',
  'Sex life (if applicable)',
  'Social life',
  'Travelling',
];
const EQ5D_DIMS: [string, string][] = [
  ['MO', 'Mobility'],
  ['SC', 'Self-care'],
  ['UA', 'Usual activities'],
  ['PD', 'Pain / discomfort'],
  ['AD', 'Anxiety / depression'],
];

/** A PROMIS item as its question with labelled answers (radio buttons: the printed form's layout). */
function promisItem(v: Values, item: keyof typeof PROMIS10_QUESTIONS, n: number) {
  const q = PROMIS10_QUESTIONS[item];
  const cur = v(`promis.${item}`)[0] ?? '';
  return html`<fieldset class="item"><legend>${n}. ${q.text} <span class="note">(${item})</span></legend>${q.options.map(
    ([value, label]) =>
      html`<label class="inline"><input type="radio" name="promis.${item}" value="${String(value)}"${cur === String(value) ? html` checked` : ''}> ${label}</label>`,
  )}</fieldset>`;
}

/** The ODI: the clinic's licensed statements when supplied, else short section labels and a note. */
function odiBlock(v: Values, text: LicensedPromText | null) {
  const odi = text?.ODI;
  if (odi) {
    return html`<fieldset><legend>Oswestry Disability Index (${odi.version}) <span class="note">wording licensed to this clinic: ${text!.licence}</span></legend>${odi.sections.map(
      (sec, i) =>
        html`<fieldset class="item"><legend>${i + 1}. ${sec.title}</legend>${sec.statements.map(
          (st, k) =>
            html`<div><label class="inline"><input type="radio" name="odi.${i}" value="${String(k)}"${(v(`odi.${i}`)[0] ?? '') === String(k) ? html` checked` : ''}> ${st}</label></div>`,
        )}</fieldset>`,
    )}</fieldset>`;
  }
  const range = Array.from({ length: 6 }, (_, i) => String(i));
  return html`<fieldset><legend>Oswestry Disability Index v2.1a (0 = first statement … 5 = last)</legend>
<p class="note" role="note">The ODI wording is licensed (Mapi Research Trust) and is not shipped with the registry: use your licensed paper or electronic form and enter each section's statement number. A clinic holding the licence can show the statements here (REGENSPINE_PROM_TEXT, see the README).</p>
<div class="grid">${ODI_SECTIONS.map((sec, i) => select(v, `odi.${i}`, `${i + 1}. ${sec}`, range))}</div></fieldset>`;
}

function eq5dBlock(v: Values, text: LicensedPromText | null) {
  const eq = text?.EQ5D3L;
  return html`<fieldset><legend>EQ-5D-3L${eq ? html` (${eq.version}) <span class="note">wording licensed to this clinic: ${text!.licence}</span>` : ' (1 = no problems, 3 = extreme problems)'}</legend>
${eq ? '' : html`<p class="note" role="note">The EQ-5D wording is licensed (EuroQol Research Foundation) and is not shipped with the registry: use your licensed form and enter the level ticked. A clinic holding the licence can show the statements here (REGENSPINE_PROM_TEXT, see the README).</p>`}
<div class="grid">${EQ5D_DIMS.map(([k, label]) =>
    eq
      ? html`<fieldset class="item"><legend>${label}</legend>${eq.dimensions[k as 'MO'].map(
          (st, i) =>
            html`<div><label class="inline"><input type="radio" name="eq5d.${k}" value="${String(i + 1)}"${(v(`eq5d.${k}`)[0] ?? '') === String(i + 1) ? html` checked` : ''}> ${st}</label></div>`,
        )}</fieldset>`
      : select(v, `eq5d.${k}`, label, ['1', '2', '3']),
  )}${input(v, 'eq5d.vas', eq?.vas ?? 'EQ VAS (0–100)', 'number', { min: '0', max: '100' })}</div></fieldset>`;
}

export function visitPage(
  ctx: ViewCtx,
  patient: PatientRow,
  timepoints: string[],
  form: FormData | null,
  error: { error: string; field: string } | null,
  opts: { promText?: LicensedPromText | null; edit?: EditMode | null } = {},
): string {
  const v = valuesOf(form);
  const edit = opts.edit ?? null;
  const text = opts.promText ?? null;
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => String(a + i));
  return layout(
    edit ? 'Correct a follow-up' : 'Enter a follow-up',
    ctx,
    html`<h1>${edit ? 'Correct the follow-up' : 'Follow-up'} — ${patient.registry_id}</h1>${errorBox(error)}
<p class="note">Leave an instrument blank if it was not administered. Scores are computed on saving.${edit ? ' Opioids are shown as the total daily amount stored (one dose a day).' : ''}</p>
<form method="post" action="${edit ? edit.action : `/registry/patients/${patient.id}/visits`}">${csrfField(ctx)}${edit ? editFields(v, edit) : ''}
<div class="grid">${select(v, 'timepoint', 'Timepoint', timepoints)}${input(v, 'visit_date', 'Visit date', 'date')}</div>
${odiBlock(v, text)}
<fieldset><legend>Pain</legend><div class="grid">${select(v, 'nrs', 'NRS-11 (0 = no pain, 10 = worst possible)', range(0, 10))}${input(v, 'vas', 'VAS (0–100 mm)', 'number', { step: '0.1', min: '0', max: '100' })}</div></fieldset>
${eq5dBlock(v, text)}
<fieldset><legend>PROMIS Global Health v1.2 (Global-10) <span class="note">free to use under PROMIS Health Organization terms</span></legend>${PROMIS10_FORM_ORDER.map((it, i) => promisItem(v, it, i + 1))}</fieldset>
<fieldset><legend>Roland-Morris Disability Questionnaire (24 statements)</legend>
<label class="inline"><input type="checkbox" name="rmdq.administered" value="true"${v('rmdq.administered')[0] === 'true' ? html` checked` : ''}> administered (tick the statements that apply today)</label><div class="grid">${Array.from(
      { length: RMDQ_ITEMS },
      (_, i) =>
        html`<label class="inline"><input type="checkbox" name="rmdq.${i}" value="true"${v(`rmdq.${i}`)[0] === 'true' ? html` checked` : ''}> statement ${i + 1}</label>`,
    )}</div></fieldset>
<fieldset><legend>Opioid medication (MME per day, CDC 2022)</legend>${[0, 1, 2].map(
      (i) =>
        html`<div class="grid">${select(v, `opioids[${i}].drug`, `Opioid ${i + 1}`, OPIOIDS)}${input(v, `opioids[${i}].dose_mg`, 'Strength per dose (mg)', 'number', { step: 'any' })}${input(v, `opioids[${i}].doses_per_day`, 'Doses per day', 'number', { step: 'any' })}${input(v, `opioids[${i}].dose_mcg_per_h`, 'Patch (mcg/h)', 'number', { step: 'any' })}</div>`,
    )}</fieldset>
<fieldset><legend>Re-intervention (treatment failure) and imaging</legend><div class="grid">
${select(
  v,
  'reintervention.occurred',
  'Re-intervention since the last visit',
  [
    ['false', 'no'],
    ['true', 'yes'],
  ],
  false,
)}${input(v, 'reintervention.date', 'Date', 'date')}${input(v, 'reintervention.description', 'What was done')}</div>
<div><label for="imaging_note">Imaging notes</label><textarea id="imaging_note" name="imaging_note" rows="2" cols="60">${v('imaging_note')[0] ?? ''}</textarea></div></fieldset>
<p><button class="primary" type="submit">${edit ? 'Save the correction' : 'Save follow-up'}</button></p></form>`,
  );
}

export function adverseEventPage(
  ctx: ViewCtx,
  patient: PatientRow,
  procedures: Record<string, unknown>[],
  form: FormData | null,
  error: { error: string; field: string } | null,
): string {
  const v = valuesOf(form);
  return layout(
    'Report an adverse event',
    ctx,
    html`<h1>Report an adverse event — ${patient.registry_id}</h1>${errorBox(error)}
<form method="post" action="/registry/patients/${patient.id}/adverse-events">${csrfField(ctx)}
<div class="grid">${input(v, 'term', 'Event term (CTCAE / MedDRA)')}${input(v, 'onset_date', 'Onset date', 'date')}
${select(
  v,
  'grade',
  'CTCAE v5.0 grade',
  CTCAE_GRADES.map((g) => [String(g.grade), `${g.grade} — ${g.label}`] as [string, string]),
)}
${select(
  v,
  'procedure_id',
  'Procedure',
  procedures.map((p) => [String(p.id), `${String(p.procedure_date)} ${String(p.therapy)}`] as [string, string]),
)}
${select(v, 'attribution_procedure', 'Related to the procedure', ATTRIBUTIONS)}${select(v, 'attribution_product', 'Related to the product', ATTRIBUTIONS)}
${select(v, 'action', 'Action taken', AE_ACTIONS, false)}${select(v, 'outcome', 'Outcome', AE_OUTCOMES)}${input(v, 'resolution_date', 'Resolution date', 'date')}</div>
${checkboxes(v, 'seriousness_criteria', 'Seriousness criteria (ICH E2A) — any ticked makes the event serious', SERIOUSNESS_CRITERIA)}
<p><button class="primary" type="submit">Report</button></p></form>`,
  );
}

export function consentEditPage(
  ctx: ViewCtx,
  patient: PatientRow,
  consent: Record<string, unknown>,
  form: FormData | null,
  error: { error: string; field: string } | null,
): string {
  const v = valuesOf(
    form ?? {
      scope: String(consent.scope),
      form_version: String(consent.form_version),
      consent_date: String(consent.consent_date),
      obtained_by: String(consent.obtained_by),
    },
  );
  return layout(
    'Correct a consent',
    ctx,
    html`<h1>Correct the consent — ${patient.registry_id}</h1>${errorBox(error)}
<p class="note">For a mistyped entry. A patient who takes consent back: use "Withdraw" on the patient page instead.</p>
<form method="post" action="/registry/consents/${String(consent.id)}/edit">${csrfField(ctx)}${editFields(v, { action: '', version: Number(consent.version), what: 'consent' })}
<div class="grid">${select(
      v,
      'scope',
      'Scope',
      SCOPE_ORDER.map((x) => [x, SCOPE_LABELS[x]!] as [string, string]),
      false,
    )}${input(v, 'form_version', 'Consent form version')}${input(v, 'consent_date', 'Date', 'date')}${input(v, 'obtained_by', 'Obtained by')}</div>
<p><button class="primary" type="submit">Save the correction</button> <a href="/registry/patients/${patient.id}">Cancel</a></p></form>`,
  );
}

export function auditPage(ctx: ViewCtx, registryId: string, patientId: number, entries: AuditEntry[]): string {
  const show = (o: Record<string, unknown> | null) =>
    o
      ? Object.entries(o).map(
          ([k, x]) => html`<div><code>${k}</code>: ${typeof x === 'object' ? JSON.stringify(x) : String(x)}</div>`,
        )
      : '';
  return layout(
    `Audit ${registryId}`,
    ctx,
    html`<h1>Audit history — ${registryId}</h1><p><a href="/registry/patients/${patientId}">Back to the patient</a></p>
<table><thead><tr><th>When (UTC)</th><th>Who</th><th>Via</th><th>Record</th><th>Action</th><th>Old</th><th>New</th><th>Reason</th></tr></thead><tbody>${entries.map(
      (e) =>
        html`<tr><td>${new Date(e.at).toISOString()}</td><td>${e.user_email ?? (e.user_id === null ? 'system' : `user ${e.user_id}`)} ${e.user_role ? `(${e.user_role})` : ''}</td><td>${e.via ?? ''}</td>
<td>${e.entity} ${e.entity_id}</td><td>${e.action}</td><td>${e.action === 'create' ? '' : show(e.old_values)}</td><td>${e.action === 'delete' ? '' : show(e.action === 'create' ? null : e.new_values)}${e.action === 'create' ? html`<span class="note">record created</span>` : ''}</td><td>${e.reason ?? ''}</td></tr>`,
    )}</tbody></table>`,
  );
}

export function messagePage(ctx: ViewCtx | null, title: string, message: string, status = ''): string {
  return layout(
    title,
    ctx,
    html`<h1>${title}</h1><p>${message}</p>${status ? html`<p class="note">${status}</p>` : ''}<p><a href="/registry">Back to the dashboard</a></p>`,
  );
}

export { noValues };
