/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// (the pragma: tsx started outside the checkout, e.g. by bin/regenspine.js in another folder, reads no tsconfig.json)
// Server-rendered registry pages as typed hono/jsx components over typed view models (the store's row types,
// src/store/registry.ts PatientDetail …): JSX escapes every value it renders, so no view builds HTML by hand.
// What the signed-in user may do reaches the views as `can(…)` answers (ViewCtx.can, from
// src/registry/policy.ts through middleware.ts permissionsOf): views never test a role.
// Forms post to the same origin, carry the session's CSRF token and work without JavaScript.

import { raw as trustedHtml } from 'hono/html';
import type { Child } from 'hono/jsx';
import { OPIOIDS } from '../../instruments/mme.ts';
import { RMDQ_ITEMS } from '../../instruments/rmdq.ts';
import { AE_OUTCOMES, ATTRIBUTIONS, CTCAE_GRADES, SERIOUSNESS_CRITERIA } from '../../instruments/safety.ts';
import type { Derived } from '../../products/prp.ts';
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
import type {
  AuditEntry,
  EditRow,
  FollowUpReport,
  FollowUpReportRow,
  PatientDetail,
  PatientPage,
  PatientRow,
  ProcedureRow,
  SeriousEventRow,
} from '../../store/registry.ts';
import type { Site } from '../../store/registry-accounts.ts';
import { page, raw } from '../html.ts';
import { toHtml } from '../jsx.ts';
import type { FormData } from './forms.ts';
import type { Permissions } from './middleware.ts';

export interface ViewCtx {
  email: string;
  /** Shown next to the e-mail only; what the user may do is `can`. */
  role: string;
  csrf: string;
  /** What the signed-in user may do, answered by the policy (src/registry/policy.ts): views never test roles. */
  can: Permissions;
}

/** A field error of a rejected form (CommandError.toJSON()). */
export type FieldError = { error: string; field: string };

const EXTRA_STYLE = `fieldset{border:1px solid var(--line);margin:1rem 0;padding:.5rem 1rem}legend{font-weight:600}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.6rem 1rem}
.error{background:#fdecea;color:#7a1010;padding:.5rem .8rem;border-left:4px solid #b3261e;margin:.5rem 0}
.ok{background:#e8f5e9;color:var(--ok);padding:.5rem .8rem;border-left:4px solid var(--ok)}
nav.registry{display:flex;gap:1rem;align-items:center;margin-bottom:1rem;flex-wrap:wrap}
nav.registry form{margin-left:auto}
button.primary{background:var(--accent);color:#fff;border:0;border-radius:3px;padding:.4rem 1rem}
label.inline{display:inline;font-weight:400;margin-right:.8rem}
fieldset.item{border:0;padding:.2rem 0;margin:.4rem 0}fieldset.item legend{font-weight:400}`;

/** The registry's navigation and the page shell (src/web/html.ts page) around a JSX body. */
export function layout(title: string, ctx: ViewCtx | null, body: Child): string {
  return page(
    title,
    raw(
      toHtml(
        <>
          {/* A constant of this file (no user data); <style> is a raw-text element, so it must not be escaped. */}
          <style>{trustedHtml(EXTRA_STYLE)}</style>
          {ctx ? <RegistryNav ctx={ctx} /> : null}
          {body}
        </>,
      ),
    ),
  );
}

function RegistryNav({ ctx }: { ctx: ViewCtx }) {
  return (
    <nav class="registry" aria-label="Registry">
      <a href="/registry">Dashboard</a>
      <a href="/registry/outcomes">Outcomes</a>
      {ctx.can['records:write'] ? <a href="/registry/patients/new">Enrol a patient</a> : null}
      {ctx.can['users:manage'] ? <a href="/registry/admin">Administration</a> : null}
      {'\n'}
      <span class="note">
        {ctx.email} ({ctx.role})
      </span>
      {'\n'}
      <form method="post" action="/registry/logout">
        <CsrfField ctx={ctx} />
        <button type="submit">Sign out</button>
      </form>
    </nav>
  );
}

export const CsrfField = ({ ctx }: { ctx: ViewCtx }) => <input type="hidden" name="_csrf" value={ctx.csrf} />;

export const ErrorBox = ({ e }: { e: FieldError | null }) =>
  e ? (
    <div class="error" role="alert">
      <strong>Not saved.</strong> {e.field}: {e.error}
    </div>
  ) : null;

/** Form-value accessor for re-rendering a rejected form with what the user typed. */
export type Values = (name: string) => string[];
export const valuesOf =
  (form: FormData | null): Values =>
  (name) => {
    const v = form?.[name];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  };
const noValues: Values = () => [];

type Option = string | readonly [string, string];
const optionOf = (o: Option): readonly [string, string] => (typeof o === 'string' ? [o, o] : o);

/** A labelled input; `id` gives the element another id than its name (several forms on one page); `attrs`
 * are further attributes of the input (step, min, max, required …) in the order given. */
function Input(props: {
  v: Values;
  name: string;
  label: string;
  type?: string;
  id?: string;
  attrs?: Record<string, string>;
}) {
  const { v, name, label, type = 'text', id = name, attrs = {} } = props;
  return (
    <div>
      <label for={id}>{label}</label>
      <input id={id} name={name} type={type} value={v(name)[0] ?? ''} {...attrs} />
    </div>
  );
}

function Select(props: { v: Values; name: string; label: string; options: readonly Option[]; blank?: boolean }) {
  const { v, name, label, options, blank = true } = props;
  const cur = v(name)[0] ?? '';
  return (
    <div>
      <label for={name}>{label}</label>
      <select id={name} name={name}>
        {blank ? <option value="">—</option> : null}
        {options.map((o) => {
          const [val, text] = optionOf(o);
          return (
            <option value={val} selected={cur === val}>
              {text}
            </option>
          );
        })}
      </select>
    </div>
  );
}

function Checkboxes(props: { v: Values; name: string; label: string; options: readonly string[] }) {
  const cur = props.v(props.name);
  return (
    <fieldset>
      <legend>{props.label}</legend>
      {props.options.map((o) => (
        <label class="inline">
          <input type="checkbox" name={props.name} value={o} checked={cur.includes(o)} /> {o}
        </label>
      ))}
    </fieldset>
  );
}

function YesNo(props: { v: Values; name: string; label: string }) {
  const cur = props.v(props.name)[0];
  return (
    <div role="radiogroup" aria-label={props.label}>
      <span>{props.label}</span>
      {'\n'}
      <label class="inline">
        <input type="radio" name={props.name} value="true" checked={cur === 'true'} /> yes
      </label>
      {'\n'}
      <label class="inline">
        <input type="radio" name={props.name} value="false" checked={cur === 'false'} /> no
      </label>
    </div>
  );
}

export function loginPage(token: string, error: string | null): string {
  return layout(
    'Sign in',
    null,
    <>
      <h1>Registry sign-in</h1>
      {error ? (
        <div class="error" role="alert">
          {error}
        </div>
      ) : null}
      <form method="post" action="/registry/login">
        <input type="hidden" name="_login" value={token} />
        <div class="grid">
          <div>
            <label for="email">E-mail</label>
            <input id="email" name="email" type="email" autocomplete="username" required />
          </div>
          <div>
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required />
          </div>
        </div>
        <p>
          <button class="primary" type="submit">
            Sign in
          </button>
        </p>
      </form>
    </>,
  );
}

function ReportRows({ rows }: { rows: FollowUpReportRow[] }) {
  if (rows.length === 0) return <p class="note">None.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>Patient</th>
          <th>Timepoint</th>
          <th>Target</th>
          <th>Window</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr>
            <td>
              <a href={`/registry/patients/${r.patient_id}`}>{r.registry_id}</a>
            </td>
            <td>{r.timepoint}</td>
            <td>{r.target}</td>
            <td>
              {r.window_open} – {r.window_close}
            </td>
            <td>
              <a href={`/registry/patients/${r.patient_id}/visits/new?timepoint=${encodeURIComponent(r.timepoint)}`}>
                Enter follow-up
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The follow-up lists of the dashboard: the same for every user of the site, so rendered once per report
 * (the caller caches the HTML). */
export function reportSection(report: FollowUpReport, at: Date | null): string {
  return toHtml(
    <>
      <h2 id="overdue">Overdue follow-ups</h2>
      <ReportRows rows={report.overdue} />
      <h2 id="due">Due follow-ups</h2>
      <ReportRows rows={report.due} />
      <h2 id="missed">Missed follow-ups</h2>
      <ReportRows rows={report.missed} />
      <p class="note">
        Status on {report.today}; windows from config {report.config_version}
        {at
          ? `; computed ${at.toISOString().slice(11, 19)} UTC (refreshed after any change, at most a minute old)`
          : ''}
        .
      </p>
    </>,
  );
}

export function dashboardPage(
  ctx: ViewCtx,
  sites: Site[],
  siteId: number | null,
  report: FollowUpReport | null,
  serious: SeriousEventRow[],
  patientPage: PatientPage,
  search: { q: string; status: string; reportAt: Date | null },
  /** reportSection's HTML, cached by the caller; rendered by reportSection (JSX), so already escaped. */
  reportHtml: string | null = null,
): string {
  const site = sites.find((s) => s.id === siteId);
  const patients = patientPage.patients;
  const more = new URLSearchParams({
    ...(siteId ? { site: String(siteId) } : {}),
    ...(search.q ? { q: search.q } : {}),
    ...(search.status ? { status: search.status } : {}),
    ...(patientPage.next_before ? { before: String(patientPage.next_before) } : {}),
  });
  const report_ = reportHtml ?? (report ? reportSection(report, search.reportAt) : '');
  return layout(
    'Registry',
    ctx,
    <>
      <h1>Registry dashboard{site ? ` — ${site.name}` : ''}</h1>
      {sites.length > 1 ? (
        <form method="get" action="/registry" class="inline">
          <Select
            v={(n) => (n === 'site' ? [String(siteId ?? '')] : [])}
            name="site"
            label="Site"
            options={sites.map((s) => [String(s.id), `${s.code} — ${s.name}`] as const)}
            blank={false}
          />
          <button type="submit">Show</button>
        </form>
      ) : null}
      <h2 id="serious">Serious adverse events not yet acknowledged</h2>
      {serious.length === 0 ? (
        <p class="note">None.</p>
      ) : (
        <>
          <div class="warn" role="alert">
            {serious.length} serious adverse event(s) need the site's acknowledgement.
          </div>
          <table>
            <thead>
              <tr>
                <th>Patient</th>
                <th>Event</th>
                <th>Onset</th>
                <th>CTCAE grade</th>
                <th>Seriousness</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {serious.map((e) => (
                <tr>
                  <td>
                    <a href={`/registry/patients/${String(e.patient_id)}`}>{e.registry_id}</a>
                  </td>
                  <td>{e.term}</td>
                  <td>{e.onset_date}</td>
                  <td>{String(e.grade)}</td>
                  <td>{e.seriousness_criteria.join(', ')}</td>
                  <td>
                    {ctx.can['ae:acknowledge'] ? (
                      <form method="post" action={`/registry/adverse-events/${String(e.id)}/acknowledge`}>
                        <CsrfField ctx={ctx} />
                        <input type="hidden" name="version" value={String(e.version)} />
                        <button type="submit">Acknowledge</button>
                      </form>
                    ) : (
                      <span class="note">a clinician acknowledges</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {/* reportSection's own JSX output (cached): escaped when it was rendered. */}
      {trustedHtml(report_)}
      <h2 id="patients">Patients</h2>
      {/* biome-ignore lint/a11y/useSemanticElements: the page keeps its markup (a search-role form, as axe and the e2e tests know it); <search> is too new for older screen readers */}
      <form method="get" action="/registry" class="inline" role="search">
        {siteId ? <input type="hidden" name="site" value={String(siteId)} /> : null}
        <div class="grid">
          <Input v={(n) => (n === 'q' && search.q ? [search.q] : [])} name="q" label="Registry id contains" />
          <Select
            v={(n) => (n === 'status' && search.status ? [search.status] : [])}
            name="status"
            label="Status"
            options={PATIENT_STATUSES.map((x) => [x, x.replaceAll('_', ' ')] as const)}
          />
        </div>
        <p>
          <button type="submit">Search</button>
        </p>
      </form>
      {patients.length === 0 ? (
        <p class="note">
          {search.q || search.status ? 'No patient matches.' : 'No patients yet.'}
          {ctx.can['records:write'] && !search.q && !search.status ? (
            <>
              {' '}
              <a href="/registry/patients/new">Enrol the first one</a>.
            </>
          ) : null}
        </p>
      ) : (
        <>
          <table>
            <thead>
              <tr>
                <th>Registry id</th>
                <th>Year of birth</th>
                <th>Sex</th>
                <th>Status</th>
                <th>Eligible</th>
                <th>Index procedure</th>
              </tr>
            </thead>
            <tbody>
              {patients.map((p) => (
                <tr>
                  <td>
                    <a href={`/registry/patients/${p.id}`}>{p.registry_id}</a>
                  </td>
                  <td>{p.year_of_birth}</td>
                  <td>{p.sex}</td>
                  <td>{p.status.replaceAll('_', ' ')}</td>
                  <td>{p.eligible ? 'yes' : 'no'}</td>
                  <td>{p.index_procedure_date ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {patientPage.next_before ? (
            <p>
              <a href={`/registry?${more.toString()}#patients`}>Next {patients.length} patients</a>
            </p>
          ) : null}
        </>
      )}
    </>,
  );
}

const siteOptions = (sites: Site[]) => sites.map((s) => [String(s.id), `${s.code} — ${s.name}`] as const);

export function enrolPage(
  ctx: ViewCtx,
  sites: Site[],
  items: EligibilityItem[],
  form: FormData | null,
  error: FieldError | null,
): string {
  const v = valuesOf(form);
  return layout(
    'Enrol a patient',
    ctx,
    <>
      <h1>Enrol a patient</h1>
      <ErrorBox e={error} />
      <p class="note">
        Pseudonymous: do not enter names, dates of birth or record numbers. The registry id is assigned on saving.
      </p>
      <form method="post" action="/registry/patients">
        <CsrfField ctx={ctx} />
        <div class="grid">
          <Select v={v} name="site_id" label="Site" options={siteOptions(sites)} blank={sites.length !== 1} />
          <Input v={v} name="year_of_birth" label="Year of birth" type="number" attrs={{ min: '1900', max: '2100' }} />
          <Select v={v} name="sex" label="Sex" options={SEXES} />
          <Input v={v} name="bmi" label="BMI (kg/m²)" type="number" attrs={{ step: '0.1', min: '0' }} />
          <Select v={v} name="smoking" label="Smoking" options={SMOKING} />
          <Input
            v={v}
            name="pain_duration_months"
            label="Duration of pain (months)"
            type="number"
            attrs={{ min: '0' }}
          />
        </div>
        <Checkboxes v={v} name="pain_generators" label="Pain generator(s)" options={PAIN_GENERATORS} />
        <Checkboxes v={v} name="prior_treatments" label="Prior treatments" options={PRIOR_TREATMENTS} />
        <YesNo v={v} name="baseline_opioid_use" label="Opioid use at baseline" />
        <fieldset>
          <legend>Eligibility checklist</legend>
          {items.map((i) => (
            <YesNo
              v={v}
              name={`eligibility.${i.id}`}
              label={`${i.kind === 'exclusion' ? 'Exclusion' : 'Inclusion'}: ${i.label}`}
            />
          ))}
        </fieldset>
        <p>
          <button class="primary" type="submit">
            Enrol
          </button>
        </p>
      </form>
    </>,
  );
}

const SCOPE_LABELS: Record<string, string> = {
  care: 'care (consent to the treatment)',
  registry: 'registry participation (data collection and follow-up)',
  research: 'research use of the data (de-identified export)',
};
/** Registry participation first: the consent a new patient needs before anything else (the form's default). */
const SCOPE_ORDER = ['registry', 'research', 'care'] as const satisfies readonly (typeof CONSENT_SCOPES)[number][];
const scopeOptions = SCOPE_ORDER.map((x) => [x, SCOPE_LABELS[x]!] as const);
const STATUS_LABELS: Record<string, string> = {
  active: 'Active',
  withdrawn: 'Withdrawn from the registry',
  lost_to_follow_up: 'Lost to follow-up',
  deceased: 'Deceased',
};

const fmt = (x: unknown) =>
  typeof x === 'number' ? (Number.isInteger(x) ? String(x) : x.toFixed(2)) : String(x ?? '—');

/** A derived product label's value, or why it could not be derived (src/products/prp.ts Derived). */
const derived = (d: unknown, missing: string) => {
  const x = d as Derived<string> | undefined;
  return x?.value ?? x?.reason ?? missing;
};

/** PRP characterisation summary of a procedure row (fold, PAW, Dohan Ehrenfest); empty for other therapies. */
function ProductSummary({ pr }: { pr: ProcedureRow }) {
  if (pr.therapy !== 'PRP') return null;
  const c = pr.characterization;
  return (
    <>
      fold {fmt(c.fold)}×; PAW {fmt(derived(c.paw, '—'))}; Dohan Ehrenfest{' '}
      {fmt((c.dohan_ehrenfest as Derived<string> | undefined)?.value ?? 'not derivable')}
    </>
  );
}

export function patientPage(
  ctx: ViewCtx,
  d: PatientDetail,
  opts: { notice?: string | null; error?: FieldError | null; consentForm?: FormData | null } = {},
): string {
  const p = d.patient;
  const v = valuesOf(opts.consentForm ?? null);
  const canWrite = ctx.can['records:write'];
  return layout(
    `Patient ${p.registry_id}`,
    ctx,
    <>
      <h1>Patient {p.registry_id}</h1>
      {opts.notice ? (
        <div class="ok" role="status">
          {opts.notice}
        </div>
      ) : null}
      <ErrorBox e={opts.error ?? null} />
      <p>
        Born {p.year_of_birth} · {p.sex} · BMI {fmt(p.bmi)} · smoking {p.smoking} · pain {p.pain_duration_months} months
        · generator {p.pain_generator_group} ({p.pain_generators.join(', ')}) · baseline opioids{' '}
        {p.baseline_opioid_use ? 'yes' : 'no'}
      </p>
      <p>
        Eligible: <strong>{p.eligible ? 'yes' : 'no'}</strong>
        {p.eligibility.reasons.length > 0 ? ` — ${p.eligibility.reasons.join('; ')}` : ''}{' '}
        <span class="note">(checklist {p.eligibility.config_version})</span>
      </p>
      <p>
        <a href={`/registry/patients/${p.id}/audit`}>Audit history</a>
      </p>
      <h2>Consent</h2>
      {d.consents.length === 0 ? (
        <p class="warn">
          No consent recorded: a procedure cannot be recorded until the registry-participation consent is.
        </p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Scope</th>
              <th>Form version</th>
              <th>Date</th>
              <th>Obtained by</th>
              <th>Withdrawn</th>
              {canWrite ? <th></th> : null}
            </tr>
          </thead>
          <tbody>
            {d.consents.map((c) => (
              <tr>
                <td>{SCOPE_LABELS[c.scope] ?? fmt(c.scope)}</td>
                <td>{fmt(c.form_version)}</td>
                <td>{fmt(c.consent_date)}</td>
                <td>{fmt(c.obtained_by)}</td>
                <td>{c.withdrawn_date ? `${fmt(c.withdrawn_date)} — ${fmt(c.withdrawal_reason)}` : 'no'}</td>
                {canWrite ? (
                  <td>
                    <a href={`/registry/consents/${String(c.id)}/edit`}>Correct</a>
                    {c.withdrawn_date ? null : (
                      <details>
                        <summary>Withdraw</summary>
                        <form method="post" action={`/registry/consents/${String(c.id)}/withdraw`}>
                          <CsrfField ctx={ctx} />
                          <input type="hidden" name="version" value={String(c.version)} />
                          <div class="grid">
                            <Input
                              v={noValues}
                              name="withdrawn_date"
                              label="Withdrawn on"
                              type="date"
                              id={`withdrawn_date_${String(c.id)}`}
                              attrs={{ required: '' }}
                            />
                            <Input
                              v={noValues}
                              name="reason"
                              label="Reason given"
                              id={`withdrawal_reason_${String(c.id)}`}
                              attrs={{ required: '' }}
                            />
                          </div>
                          <p>
                            <button type="submit">Record the withdrawal</button>
                          </p>
                        </form>
                      </details>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canWrite ? (
        <form method="post" action={`/registry/patients/${p.id}/consents`}>
          <CsrfField ctx={ctx} />
          <div class="grid">
            <Select v={v} name="scope" label="Scope" options={scopeOptions} blank={false} />
            <Input v={v} name="form_version" label="Consent form version" />
            <Input v={v} name="consent_date" label="Date" type="date" />
            <Input v={v} name="obtained_by" label="Obtained by" />
          </div>
          <p>
            <button type="submit">Record consent</button>
          </p>
        </form>
      ) : null}
      <h2>Status</h2>
      <p>
        {STATUS_LABELS[p.status] ?? p.status}
        {p.status_date ? ` since ${p.status_date}` : ''}
        {p.status_reason ? ` — ${p.status_reason}` : ''}
      </p>
      {canWrite ? (
        <details>
          <summary>Change the status</summary>
          <form method="post" action={`/registry/patients/${p.id}/status`}>
            <CsrfField ctx={ctx} />
            <input type="hidden" name="version" value={String(p.version)} />
            <div class="grid">
              <Select
                v={noValues}
                name="status"
                label="New status"
                options={PATIENT_STATUSES.map((x) => [x, STATUS_LABELS[x]!] as const)}
                blank={false}
              />
              <Input v={noValues} name="status_date" label="Since (empty for active)" type="date" />
              <Input v={noValues} name="reason" label="Reason" id="status_reason" attrs={{ required: '' }} />
            </div>
            <p>
              <button type="submit">Save the status</button>
            </p>
          </form>
        </details>
      ) : null}
      <h2>Procedures</h2>
      {d.procedures.length === 0 ? (
        <p class="note">None.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Date</th>
              <th>Therapy</th>
              <th>Targets</th>
              <th>Guidance</th>
              <th>Volume (mL)</th>
              <th>Product</th>
              {canWrite ? <th></th> : null}
            </tr>
          </thead>
          <tbody>
            {d.procedures.map((pr) => (
              <tr>
                <td>{fmt(pr.procedure_date)}</td>
                <td>{fmt(pr.therapy)}</td>
                <td>
                  {pr.targets
                    .map((t) => [t.structure, t.level, t.side, t.approach].filter(Boolean).join(' '))
                    .join('; ')}
                </td>
                <td>{fmt(pr.image_guidance)}</td>
                <td>{fmt(pr.injectate_volume_ml)}</td>
                <td>
                  <ProductSummary pr={pr} />
                  {pr.product_warnings.map((w) => (
                    <div class="warn">{w}</div>
                  ))}
                </td>
                {canWrite ? (
                  <td>
                    <a href={`/registry/procedures/${String(pr.id)}/edit`}>Correct</a>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canWrite ? (
        <p>
          <a href={`/registry/patients/${p.id}/procedures/new`}>Record a procedure</a>
        </p>
      ) : null}
      <h2>Follow-up visits</h2>
      {d.visits.length === 0 ? (
        <p class="note">None.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Timepoint</th>
              <th>Date</th>
              <th>In window</th>
              <th>PROMs</th>
              <th>MME/day</th>
              <th>Re-intervention</th>
              {canWrite ? <th></th> : null}
            </tr>
          </thead>
          <tbody>
            {d.visits.map((vi) => (
              <tr>
                <td>{fmt(vi.timepoint)}</td>
                <td>{fmt(vi.visit_date)}</td>
                <td>{vi.in_window === null ? '—' : vi.in_window ? 'yes' : 'no'}</td>
                <td>
                  {vi.proms.map((s) => (
                    <>
                      <span class="tag">
                        {fmt(s.instrument)} {fmt(s.score)}
                      </span>{' '}
                    </>
                  ))}
                </td>
                <td>{mmeText(vi.mme_per_day)}</td>
                <td>{vi.reintervention?.occurred ? 'yes' : 'no'}</td>
                {canWrite ? (
                  <td>
                    <a href={`/registry/visits/${String(vi.id)}/edit`}>Correct</a>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canWrite ? (
        <p>
          <a href={`/registry/patients/${p.id}/visits/new`}>Enter a follow-up</a>
        </p>
      ) : null}
      <h2>Adverse events</h2>
      {d.adverse_events.length === 0 ? (
        <p class="note">None reported.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Term</th>
              <th>Onset</th>
              <th>Grade</th>
              <th>Serious</th>
              <th>Procedure / product</th>
              <th>Outcome</th>
              <th>Acknowledged</th>
            </tr>
          </thead>
          <tbody>
            {d.adverse_events.map((a) => (
              <tr>
                <td>{fmt(a.term)}</td>
                <td>{fmt(a.onset_date)}</td>
                <td>{fmt(a.grade)}</td>
                <td>{a.serious ? a.seriousness_criteria.join(', ') : 'no'}</td>
                <td>
                  {fmt(a.attribution_procedure)} / {fmt(a.attribution_product)}
                </td>
                <td>{fmt(a.outcome)}</td>
                <td>{a.serious ? (a.acknowledged_at ? 'yes' : 'NO') : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canWrite ? (
        <p>
          <a href={`/registry/patients/${p.id}/adverse-events/new`}>Report an adverse event</a>
        </p>
      ) : null}
    </>,
  );
}

/** A visit's MME/day: a number, 0 shown as "0 (no opioids)", not recorded as "—" (unknown is never zero). */
const mmeText = (mme: number | null) => (mme === null ? '—' : mme === 0 ? '0 (no opioids)' : fmt(mme));

/** A correction form: where it posts, the version it corrects, and the reason box (ICH E6 4.9.3). */
export interface EditMode {
  action: string;
  version: number;
}
function EditFields({ v, edit }: { v: Values; edit: EditMode }) {
  return (
    <>
      <input type="hidden" name="_version" value={String(edit.version)} />
      <div class="grid">
        <Input
          v={v}
          name="_reason"
          label="Reason for the correction (kept in the audit trail)"
          attrs={{ required: '', minlength: '3' }}
        />
      </div>
    </>
  );
}

const ANY = { step: 'any' };
const RELEASE = ['pass', 'fail', 'not-done'];

export function procedurePage(
  ctx: ViewCtx,
  patient: PatientRow,
  form: FormData | null,
  error: FieldError | null,
  edit: EditMode | null = null,
  notice: string | null = null,
): string {
  const v = valuesOf(form);
  const target = (i: number) => (
    <div class="grid">
      <Select v={v} name={`targets[${i}].structure`} label={`Target ${i + 1}`} options={STRUCTURES} />
      <Select v={v} name={`targets[${i}].level`} label="Level" options={SEGMENTS} />
      <Select v={v} name={`targets[${i}].side`} label="Side" options={SIDES} />
      <Select v={v} name={`targets[${i}].approach`} label="Epidural approach" options={EPIDURAL_APPROACHES} />
    </div>
  );
  const num = (name: string, label: string, attrs?: Record<string, string>) => (
    <Input v={v} name={name} label={label} type="number" {...(attrs ? { attrs } : {})} />
  );
  return layout(
    edit ? 'Correct a procedure' : 'Record a procedure',
    ctx,
    <>
      <h1>
        {edit ? 'Correct the procedure' : 'Record a procedure'} — {patient.registry_id}
      </h1>
      <ErrorBox e={error} />
      {notice ? (
        <p class="warn" role="note">
          {notice}
        </p>
      ) : null}
      <form method="post" action={edit ? edit.action : `/registry/patients/${patient.id}/procedures`}>
        <CsrfField ctx={ctx} />
        {edit ? <EditFields v={v} edit={edit} /> : null}
        <div class="grid">
          <Input v={v} name="procedure_date" label="Date" type="date" />
          <Input v={v} name="operator" label="Operator" />
          <Select v={v} name="therapy" label="Therapy" options={THERAPIES} />
          <Select v={v} name="image_guidance" label="Image guidance" options={IMAGE_GUIDANCE} />
          {num('injectate_volume_ml', 'Injectate volume (mL)', ANY)}
          <Input v={v} name="adjuncts[0]" label="Adjunct (e.g. local anaesthetic)" />
        </div>
        <fieldset>
          <legend>Targets</legend>
          {target(0)}
          {target(1)}
          {target(2)}
        </fieldset>
        <fieldset>
          <legend>PRP (fill when therapy is PRP)</legend>
          <div class="grid">
            {num('prp.volumes.whole_blood_ml', 'Whole blood processed (mL)', ANY)}
            {num('prp.volumes.prp_ml', 'PRP produced (mL)', ANY)}
            {num('prp.volumes.injected_ml', 'PRP injected (mL)', ANY)}
            <Input v={v} name="prp.preparation.device" label="Device / kit" />
            {num('prp.preparation.spins[0].g', 'Spin 1 (g)', ANY)}
            {num('prp.preparation.spins[0].minutes', 'Spin 1 (min)', ANY)}
            {num('prp.preparation.spins[1].g', 'Spin 2 (g)', ANY)}
            {num('prp.preparation.spins[1].minutes', 'Spin 2 (min)', ANY)}
            {num('prp.baseline.platelets', 'Whole-blood platelets /µL')}
            {num('prp.baseline.wbc', 'Whole-blood WBC /µL')}
            {num('prp.baseline.neutrophils', 'Whole-blood neutrophils /µL')}
            {num('prp.prp.platelets', 'PRP platelets /µL')}
            {num('prp.prp.wbc', 'PRP WBC /µL')}
            {num('prp.prp.neutrophils', 'PRP neutrophils /µL')}
            {num('prp.prp.rbc_pct', 'PRP red cells (% of PRP)', ANY)}
            <Select v={v} name="prp.activation" label="Activation" options={ACTIVATIONS} />
            <Select v={v} name="prp.form" label="Form" options={FORMS} />
          </div>
        </fieldset>
        <fieldset>
          <legend>BMC (fill when therapy is BMC)</legend>
          <div class="grid">
            {num('bmc.aspirate_volume_ml', 'Aspirate volume (mL)', ANY)}
            {num('bmc.final_volume_ml', 'Concentrate volume (mL)', ANY)}
            {num('bmc.injected_volume_ml', 'Injected (mL)', ANY)}
            {num('bmc.tnc_per_ml', 'TNC /mL', ANY)}
            {num('bmc.cfu_f_per_ml', 'CFU-F /mL', ANY)}
            {num('bmc.cfu_f_assay_days', 'CFU-F assay (days)')}
            {num('bmc.cd34_per_ul', 'CD34+ /µL', ANY)}
            <Input v={v} name="bmc.cd34_gating" label="CD34 gating protocol" />
            {num('bmc.viability_pct', 'Viability %', ANY)}
          </div>
        </fieldset>
        <fieldset>
          <legend>MSC (fill when therapy is MSC)</legend>
          <div class="grid">
            <Select v={v} name="msc.source" label="Source" options={MSC_SOURCES} />
            <Select v={v} name="msc.origin" label="Origin" options={['autologous', 'allogeneic']} />
            <Select
              v={v}
              name="msc.culture_expanded"
              label="Culture-expanded"
              options={[
                ['true', 'yes'],
                ['false', 'no'],
              ]}
            />
            {num('msc.passage', 'Passage')}
            {num('msc.dose_viable_cells', 'Dose (viable cells)', ANY)}
            {num('msc.viability_pct', 'Viability %', ANY)}
            <Select v={v} name="msc.release_tests.sterility" label="Sterility" options={RELEASE} />
            <Select v={v} name="msc.release_tests.endotoxin" label="Endotoxin" options={RELEASE} />
            <Select v={v} name="msc.release_tests.mycoplasma" label="Mycoplasma" options={RELEASE} />
            <Input v={v} name="msc.ind_number" label="IND number" />
            <Input v={v} name="msc.trial_registration" label="Trial registration" />
          </div>
        </fieldset>
        <p>
          <button class="primary" type="submit">
            {edit ? 'Save the correction' : 'Record procedure'}
          </button>
        </p>
      </form>
    </>,
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
function PromisItem({ v, item, n }: { v: Values; item: keyof typeof PROMIS10_QUESTIONS; n: number }) {
  const q = PROMIS10_QUESTIONS[item];
  const cur = v(`promis.${item}`)[0] ?? '';
  return (
    <fieldset class="item">
      <legend>
        {n}. {q.text} <span class="note">({item})</span>
      </legend>
      {q.options.map(([value, label]) => (
        <label class="inline">
          <input type="radio" name={`promis.${item}`} value={String(value)} checked={cur === String(value)} /> {label}
        </label>
      ))}
    </fieldset>
  );
}

/** The ODI: the clinic's licensed statements when supplied, else short section labels and a note. */
function OdiBlock({ v, text }: { v: Values; text: LicensedPromText | null }) {
  const odi = text?.ODI;
  if (odi) {
    return (
      <fieldset>
        <legend>
          Oswestry Disability Index ({odi.version}){' '}
          <span class="note">wording licensed to this clinic: {text!.licence}</span>
        </legend>
        {odi.sections.map((sec, i) => (
          <fieldset class="item">
            <legend>
              {i + 1}. {sec.title}
            </legend>
            {sec.statements.map((st, k) => (
              <div>
                <label class="inline">
                  <input
                    type="radio"
                    name={`odi.${i}`}
                    value={String(k)}
                    checked={(v(`odi.${i}`)[0] ?? '') === String(k)}
                  />{' '}
                  {st}
                </label>
              </div>
            ))}
          </fieldset>
        ))}
      </fieldset>
    );
  }
  const range = Array.from({ length: 6 }, (_, i) => String(i));
  return (
    <fieldset>
      <legend>Oswestry Disability Index v2.1a (0 = first statement … 5 = last)</legend>
      <p class="note" role="note">
        The ODI wording is licensed (Mapi Research Trust) and is not shipped with the registry: use your licensed paper
        or electronic form and enter each section's statement number. A clinic holding the licence can show the
        statements here (REGENSPINE_PROM_TEXT, see the README).
      </p>
      <div class="grid">
        {ODI_SECTIONS.map((sec, i) => (
          <Select v={v} name={`odi.${i}`} label={`${i + 1}. ${sec}`} options={range} />
        ))}
      </div>
    </fieldset>
  );
}

function Eq5dBlock({ v, text }: { v: Values; text: LicensedPromText | null }) {
  const eq = text?.EQ5D3L;
  return (
    <fieldset>
      <legend>
        EQ-5D-3L
        {eq ? (
          <>
            {' '}
            ({eq.version}) <span class="note">wording licensed to this clinic: {text!.licence}</span>
          </>
        ) : (
          ' (1 = no problems, 3 = extreme problems)'
        )}
      </legend>
      {eq ? null : (
        <p class="note" role="note">
          The EQ-5D wording is licensed (EuroQol Research Foundation) and is not shipped with the registry: use your
          licensed form and enter the level ticked. A clinic holding the licence can show the statements here
          (REGENSPINE_PROM_TEXT, see the README).
        </p>
      )}
      <div class="grid">
        {EQ5D_DIMS.map(([k, label]) =>
          eq ? (
            <fieldset class="item">
              <legend>{label}</legend>
              {eq.dimensions[k as 'MO'].map((st, i) => (
                <div>
                  <label class="inline">
                    <input
                      type="radio"
                      name={`eq5d.${k}`}
                      value={String(i + 1)}
                      checked={(v(`eq5d.${k}`)[0] ?? '') === String(i + 1)}
                    />{' '}
                    {st}
                  </label>
                </div>
              ))}
            </fieldset>
          ) : (
            <Select v={v} name={`eq5d.${k}`} label={label} options={['1', '2', '3']} />
          ),
        )}
        <Input
          v={v}
          name="eq5d.vas"
          label={eq?.vas ?? 'EQ VAS (0–100)'}
          type="number"
          attrs={{ min: '0', max: '100' }}
        />
      </div>
    </fieldset>
  );
}

/** The visit form's opioid block: up to three opioids, or the explicit "none" (stored as MME/day 0; leaving
 * both empty records nothing, which stays unknown). */
function OpioidBlock({ v }: { v: Values }) {
  return (
    <fieldset>
      <legend>Opioid medication (MME per day, CDC 2022)</legend>
      <label class="inline">
        <input type="checkbox" name="no_opioids" id="no_opioids" value="true" checked={v('no_opioids')[0] === 'true'} />{' '}
        No opioids at this visit
      </label>
      {[0, 1, 2].map((i) => (
        <div class="grid">
          <Select v={v} name={`opioids[${i}].drug`} label={`Opioid ${i + 1}`} options={OPIOIDS} />
          <Input v={v} name={`opioids[${i}].dose_mg`} label="Strength per dose (mg)" type="number" attrs={ANY} />
          <Input v={v} name={`opioids[${i}].doses_per_day`} label="Doses per day" type="number" attrs={ANY} />
          <Input v={v} name={`opioids[${i}].dose_mcg_per_h`} label="Patch (mcg/h)" type="number" attrs={ANY} />
        </div>
      ))}
    </fieldset>
  );
}

export function visitPage(
  ctx: ViewCtx,
  patient: PatientRow,
  timepoints: string[],
  form: FormData | null,
  error: FieldError | null,
  opts: { promText?: LicensedPromText | null; edit?: EditMode | null } = {},
): string {
  const v = valuesOf(form);
  const edit = opts.edit ?? null;
  const text = opts.promText ?? null;
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => String(a + i));
  return layout(
    edit ? 'Correct a follow-up' : 'Enter a follow-up',
    ctx,
    <>
      <h1>
        {edit ? 'Correct the follow-up' : 'Follow-up'} — {patient.registry_id}
      </h1>
      <ErrorBox e={error} />
      <p class="note">
        Leave an instrument blank if it was not administered. Scores are computed on saving.
        {edit ? ' Opioids are shown as the total daily amount stored (one dose a day).' : ''}
      </p>
      <form method="post" action={edit ? edit.action : `/registry/patients/${patient.id}/visits`}>
        <CsrfField ctx={ctx} />
        {edit ? <EditFields v={v} edit={edit} /> : null}
        <div class="grid">
          <Select v={v} name="timepoint" label="Timepoint" options={timepoints} />
          <Input v={v} name="visit_date" label="Visit date" type="date" />
        </div>
        <OdiBlock v={v} text={text} />
        <fieldset>
          <legend>Pain</legend>
          <div class="grid">
            <Select v={v} name="nrs" label="NRS-11 (0 = no pain, 10 = worst possible)" options={range(0, 10)} />
            <Input
              v={v}
              name="vas"
              label="VAS (0–100 mm)"
              type="number"
              attrs={{ step: '0.1', min: '0', max: '100' }}
            />
          </div>
        </fieldset>
        <Eq5dBlock v={v} text={text} />
        <fieldset>
          <legend>
            PROMIS Global Health v1.2 (Global-10){' '}
            <span class="note">free to use under PROMIS Health Organization terms</span>
          </legend>
          {PROMIS10_FORM_ORDER.map((it, i) => (
            <PromisItem v={v} item={it} n={i + 1} />
          ))}
        </fieldset>
        <fieldset>
          <legend>Roland-Morris Disability Questionnaire (24 statements)</legend>
          {'\n'}
          <label class="inline">
            <input
              type="checkbox"
              name="rmdq.administered"
              value="true"
              checked={v('rmdq.administered')[0] === 'true'}
            />{' '}
            administered (tick the statements that apply today)
          </label>
          <div class="grid">
            {Array.from({ length: RMDQ_ITEMS }, (_, i) => (
              <label class="inline">
                <input type="checkbox" name={`rmdq.${i}`} value="true" checked={v(`rmdq.${i}`)[0] === 'true'} />{' '}
                statement {i + 1}
              </label>
            ))}
          </div>
        </fieldset>
        <OpioidBlock v={v} />
        <fieldset>
          <legend>Re-intervention (treatment failure) and imaging</legend>
          <div class="grid">
            <Select
              v={v}
              name="reintervention.occurred"
              label="Re-intervention since the last visit"
              options={[
                ['false', 'no'],
                ['true', 'yes'],
              ]}
              blank={false}
            />
            <Input v={v} name="reintervention.date" label="Date" type="date" />
            <Input v={v} name="reintervention.description" label="What was done" />
          </div>
          <div>
            <label for="imaging_note">Imaging notes</label>
            <textarea id="imaging_note" name="imaging_note" rows={2} cols={60}>
              {v('imaging_note')[0] ?? ''}
            </textarea>
          </div>
        </fieldset>
        <p>
          <button class="primary" type="submit">
            {edit ? 'Save the correction' : 'Save follow-up'}
          </button>
        </p>
      </form>
    </>,
  );
}

export function adverseEventPage(
  ctx: ViewCtx,
  patient: PatientRow,
  procedures: ProcedureRow[],
  form: FormData | null,
  error: FieldError | null,
): string {
  const v = valuesOf(form);
  return layout(
    'Report an adverse event',
    ctx,
    <>
      <h1>Report an adverse event — {patient.registry_id}</h1>
      <ErrorBox e={error} />
      <form method="post" action={`/registry/patients/${patient.id}/adverse-events`}>
        <CsrfField ctx={ctx} />
        <div class="grid">
          <Input v={v} name="term" label="Event term (CTCAE / MedDRA)" />
          <Input v={v} name="onset_date" label="Onset date" type="date" />
          <Select
            v={v}
            name="grade"
            label="CTCAE v5.0 grade"
            options={CTCAE_GRADES.map((g) => [String(g.grade), `${g.grade} — ${g.label}`] as const)}
          />
          <Select
            v={v}
            name="procedure_id"
            label="Procedure"
            options={procedures.map((p) => [String(p.id), `${p.procedure_date} ${p.therapy}`] as const)}
          />
          <Select v={v} name="attribution_procedure" label="Related to the procedure" options={ATTRIBUTIONS} />
          <Select v={v} name="attribution_product" label="Related to the product" options={ATTRIBUTIONS} />
          <Select v={v} name="action" label="Action taken" options={AE_ACTIONS} blank={false} />
          <Select v={v} name="outcome" label="Outcome" options={AE_OUTCOMES} />
          <Input v={v} name="resolution_date" label="Resolution date" type="date" />
        </div>
        <Checkboxes
          v={v}
          name="seriousness_criteria"
          label="Seriousness criteria (ICH E2A) — any ticked makes the event serious"
          options={SERIOUSNESS_CRITERIA}
        />
        <p>
          <button class="primary" type="submit">
            Report
          </button>
        </p>
      </form>
    </>,
  );
}

export function consentEditPage(
  ctx: ViewCtx,
  patient: PatientRow,
  /** getConsent's row (EditRow: the store leaves its columns untyped). */
  consent: EditRow,
  form: FormData | null,
  error: FieldError | null,
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
    <>
      <h1>Correct the consent — {patient.registry_id}</h1>
      <ErrorBox e={error} />
      <p class="note">
        For a mistyped entry. A patient who takes consent back: use "Withdraw" on the patient page instead.
      </p>
      <form method="post" action={`/registry/consents/${String(consent.id)}/edit`}>
        <CsrfField ctx={ctx} />
        <EditFields v={v} edit={{ action: '', version: Number(consent.version) }} />
        <div class="grid">
          <Select v={v} name="scope" label="Scope" options={scopeOptions} blank={false} />
          <Input v={v} name="form_version" label="Consent form version" />
          <Input v={v} name="consent_date" label="Date" type="date" />
          <Input v={v} name="obtained_by" label="Obtained by" />
        </div>
        <p>
          <button class="primary" type="submit">
            Save the correction
          </button>{' '}
          <a href={`/registry/patients/${patient.id}`}>Cancel</a>
        </p>
      </form>
    </>,
  );
}

function AuditValues({ o }: { o: Record<string, unknown> | null }) {
  if (!o) return null;
  return (
    <>
      {Object.entries(o).map(([k, x]) => (
        <div>
          <code>{k}</code>: {typeof x === 'object' ? JSON.stringify(x) : String(x)}
        </div>
      ))}
    </>
  );
}

export function auditPage(ctx: ViewCtx, registryId: string, patientId: number, entries: AuditEntry[]): string {
  return layout(
    `Audit ${registryId}`,
    ctx,
    <>
      <h1>Audit history — {registryId}</h1>
      <p>
        <a href={`/registry/patients/${patientId}`}>Back to the patient</a>
      </p>
      <table>
        <thead>
          <tr>
            <th>When (UTC)</th>
            <th>Who</th>
            <th>Via</th>
            <th>Record</th>
            <th>Action</th>
            <th>Old</th>
            <th>New</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr>
              <td>{new Date(e.at).toISOString()}</td>
              <td>
                {e.user_email ?? (e.user_id === null ? 'system' : `user ${e.user_id}`)}{' '}
                {e.user_role ? `(${e.user_role})` : ''}
              </td>
              <td>{e.via ?? ''}</td>
              <td>
                {e.entity} {e.entity_id}
              </td>
              <td>{e.action}</td>
              <td>{e.action === 'create' ? null : <AuditValues o={e.old_values} />}</td>
              <td>
                {e.action === 'delete' ? null : <AuditValues o={e.action === 'create' ? null : e.new_values} />}
                {e.action === 'create' ? <span class="note">record created</span> : null}
              </td>
              <td>{e.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>,
  );
}

export function messagePage(ctx: ViewCtx | null, title: string, message: string, status = ''): string {
  return layout(
    title,
    ctx,
    <>
      <h1>{title}</h1>
      <p>{message}</p>
      {status ? <p class="note">{status}</p> : null}
      <p>
        <a href="/registry">Back to the dashboard</a>
      </p>
    </>,
  );
}
