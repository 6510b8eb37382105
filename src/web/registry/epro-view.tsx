/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// (the pragma: tsx started outside the checkout, e.g. by bin/regenspine.js in another folder, reads no tsconfig.json)
// The ePRO pages as hono/jsx components (the routes are ./epro.ts): the patient's questionnaire under
// /q/<secret> (phone-sized, no JavaScript, nothing about the patient shown), its thank-you and refusal pages,
// and the coordinator's "Questionnaire links" page. JSX escapes every value.

import { raw as trustedHtml } from 'hono/html';
import type { Child } from 'hono/jsx';
import { OPIOIDS } from '../../instruments/mme.ts';
import { eproInstruments } from '../../registry/epro.ts';
import { type LicensedPromText, PROMIS10_FORM_ORDER, PROMIS10_QUESTIONS } from '../../registry/prom-text.ts';
import type { FollowUpListRow } from '../../registry/schedule.ts';
import type { InvitationListRow } from '../../store/epro.ts';
import { page } from '../html.ts';
import { jsxRaw } from '../jsx.ts';
import type { FormData } from './forms.ts';
import { CsrfField, layout, type ViewCtx } from './views.tsx';

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

/** A patient-facing page: the site shell without the site navigation. */
const patientPage = (title: string, body: Child) =>
  page(
    title,
    jsxRaw(
      <>
        {/* A constant of this file; <style> is a raw-text element, so it must not be escaped. */}
        <style>{trustedHtml(STYLE)}</style>
        {body}
      </>,
    ),
    { nav: false },
  );

const TIMEPOINT_WORDS: Record<string, string> = {
  baseline: 'before your treatment',
  '1m': 'one month after your treatment',
  '3m': 'three months after your treatment',
  '6m': 'six months after your treatment',
  '12m': 'one year after your treatment',
  '24m': 'two years after your treatment',
};

type Values = (name: string) => string;
export const eproValuesOf =
  (form: FormData | null): Values =>
  (name) => {
    const v = form?.[name];
    return (Array.isArray(v) ? v[0] : v) ?? '';
  };

function Radios(props: { v: Values; name: string; legend: string; options: [string, string][]; scale?: boolean }) {
  const { v, name, legend, options, scale = false } = props;
  return (
    <fieldset class="q">
      <legend>{legend}</legend>
      <div class={scale ? 'scale' : undefined}>
        {options.map(([value, label]) => (
          <label class="opt">
            <input type="radio" name={name} value={value} checked={v(name) === value} />
            {label}
          </label>
        ))}
      </div>
    </fieldset>
  );
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

function OpioidRow({ v, i }: { v: Values; i: number }) {
  return (
    <div>
      <label for={`op${i}`}>Medicine {i + 1}</label>
      <br />
      <select id={`op${i}`} name={`opioids[${i}].drug`}>
        <option value="">—</option>
        {OPIOIDS.map((o) => (
          <option value={o} selected={v(`opioids[${i}].drug`) === o}>
            {o.replace('-', ' ')}
          </option>
        ))}
      </select>
      <br />
      <label for={`op${i}mg`}>Strength of one dose (mg)</label>
      <br />
      <input
        id={`op${i}mg`}
        name={`opioids[${i}].dose_mg`}
        type="number"
        step="any"
        min="0"
        value={v(`opioids[${i}].dose_mg`)}
      />
      <br />
      <label for={`op${i}n`}>Doses per day</label>
      <br />
      <input
        id={`op${i}n`}
        name={`opioids[${i}].doses_per_day`}
        type="number"
        step="any"
        min="0"
        value={v(`opioids[${i}].doses_per_day`)}
      />
      <br />
      <label for={`op${i}p`}>Patch strength (mcg/h), for patches</label>
      <br />
      <input
        id={`op${i}p`}
        name={`opioids[${i}].dose_mcg_per_h`}
        type="number"
        step="any"
        min="0"
        value={v(`opioids[${i}].dose_mcg_per_h`)}
      />
    </div>
  );
}

/** The patient's form: the instruments of src/registry/epro.ts eproInstruments, in the usual order. */
export function patientFormPage(
  token: string,
  inv: { timepoint: string; site_name: string; expires_at: Date },
  text: LicensedPromText | null,
  form: FormData | null,
  error: string | null,
): string {
  const v = eproValuesOf(form);
  const { shown, withClinic } = eproInstruments(text);
  const odi = text?.ODI;
  const eq = text?.EQ5D3L;
  return patientPage(
    'Your questionnaire',
    <>
      <h1>Your questionnaire</h1>
      <p>
        {inv.site_name} asks how you are {TIMEPOINT_WORDS[inv.timepoint] ?? 'now'}. It takes about 10 minutes. Please
        answer every question; you can send the form once.
      </p>
      {error ? (
        <div class="error" role="alert">
          <strong>Not sent yet.</strong> {error}
        </div>
      ) : null}
      <form method="post" action={`/q/${token}`}>
        {shown.includes('ODI') && odi ? (
          <fieldset>
            <legend>Back pain and daily life</legend>
            <p class="note">
              {odi.version}. {text!.licence}. In each section, choose the one statement that describes you today.
            </p>
            {odi.sections.map((sec, i) => (
              <Radios
                v={v}
                name={`odi.${i}`}
                legend={`${i + 1}. ${sec.title}`}
                options={sec.statements.map((st, k) => [String(k), st])}
              />
            ))}
          </fieldset>
        ) : null}
        <fieldset>
          <legend>Pain</legend>
          <Radios
            v={v}
            name="nrs"
            legend="How bad is your back pain today? 0 = no pain, 10 = the worst pain you can imagine."
            options={range(0, 10)}
            scale
          />
        </fieldset>
        {shown.includes('EQ5D3L') && eq ? (
          <fieldset>
            <legend>Your health today</legend>
            <p class="note">
              {eq.version}. {text!.licence}.
            </p>
            {EQ5D_DIMS.map(([k, label]) => (
              <Radios
                v={v}
                name={`eq5d.${k}`}
                legend={label}
                options={eq.dimensions[k as 'MO'].map((st, i) => [String(i + 1), st])}
              />
            ))}
            <div>
              <label for="eqvas">{eq.vas ?? 'Your health today, from 0 (worst) to 100 (best)'}</label>
              <br />
              <input id="eqvas" name="eq5d.vas" type="number" min="0" max="100" value={v('eq5d.vas')} />
            </div>
          </fieldset>
        ) : null}
        <fieldset>
          <legend>Your health in general</legend>
          <p class="note">PROMIS Global Health v1.2, free to use under PROMIS Health Organization terms.</p>
          {PROMIS10_FORM_ORDER.map((it, i) => (
            <Radios
              v={v}
              name={`promis.${it}`}
              legend={`${i + 1}. ${PROMIS10_QUESTIONS[it].text}`}
              options={PROMIS10_QUESTIONS[it].options.map(([value, label]) => [String(value), label])}
              scale={it === 'Global07'}
            />
          ))}
        </fieldset>
        <fieldset>
          <legend>Opioid pain medicines</legend>
          <Radios
            v={v}
            name="opioids.taking"
            legend="Do you take opioid pain medicines (for example codeine, tramadol, oxycodone, morphine, or a fentanyl patch)?"
            options={[
              ['false', 'No'],
              ['true', 'Yes'],
            ]}
          />
          <p class="note">If yes, tell us what you take on a usual day, as on the pack.</p>
          {[0, 1, 2].map((i) => (
            <OpioidRow v={v} i={i} />
          ))}
        </fieldset>
        {withClinic.length > 0 ? (
          <p class="note">
            Your clinic will ask you the{' '}
            {withClinic.map((k) => (k === 'ODI' ? 'back-pain disability (Oswestry)' : 'EQ-5D')).join(' and ')} questions
            itself.
          </p>
        ) : null}
        <p>
          <button class="primary" type="submit">
            Send my answers
          </button>
        </p>
      </form>
      <p class="note">
        This link works once and only for this questionnaire; it expires {inv.expires_at.toISOString().slice(0, 10)}.
      </p>
    </>,
  );
}

export const refusalPage = (message: string) =>
  patientPage(
    'Questionnaire',
    <>
      <h1>Questionnaire</h1>
      <p class="error" role="alert">
        {message}
      </p>
    </>,
  );

export const thankYouPage = () =>
  patientPage(
    'Thank you',
    <>
      <h1>Thank you</h1>
      <p class="ok" role="status">
        Your answers have been sent to your clinic. You can close this page.
      </p>
    </>,
  );

/** What the last action on the links page did: a link issued (its URL shown once) or refused. */
export type LinksNotice =
  | { kind: 'issued'; url: string; queued: boolean }
  | { kind: 'refused'; field: string; message: string }
  | null;

function Notice({ n }: { n: LinksNotice }) {
  if (!n) return null;
  if (n.kind === 'issued')
    return (
      <div class="ok" role="status">
        Link issued{n.queued ? ' and the invitation put in the outbox' : ''}. Give it to the patient now — it is shown
        only once: <code>{n.url}</code>
      </div>
    );
  return (
    <div class="error" role="alert">
      <strong>No link issued.</strong> {n.field}: {n.message}
    </div>
  );
}

/** The coordinator's page: visits due or overdue (issue a link) and the links issued. */
export function linksPage(
  ctx: ViewCtx,
  notice: LinksNotice,
  linkHours: number,
  open: FollowUpListRow[],
  links: InvitationListRow[],
): string {
  return layout(
    'Questionnaire links',
    ctx,
    <>
      <h1>Questionnaire links</h1>
      <Notice n={notice} />
      <p class="note">
        A link lets the patient fill in the visit's questionnaires on a phone, once, without an account. It expires
        after {String(linkHours)} hours unless you choose otherwise. With an e-mail address the invitation goes to the
        outbox (sent by <code>regenspine epro send</code>); the address is erased when the questionnaire is done.
      </p>
      <h2>Visits due or overdue</h2>
      {open.length === 0 ? (
        <p>None today.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Patient</th>
              <th>Visit</th>
              <th>Target</th>
              <th>Status</th>
              <th>Issue a link</th>
            </tr>
          </thead>
          <tbody>
            {open.map((r) => (
              <tr>
                <td>{r.registry_id}</td>
                <td>{r.timepoint}</td>
                <td>{r.target}</td>
                <td>{r.status}</td>
                <td>
                  <form method="post" action="/registry/epro/links">
                    <CsrfField ctx={ctx} />
                    <input type="hidden" name="patient_id" value={String(r.patient_id)} />
                    <input type="hidden" name="timepoint" value={r.timepoint} />
                    <label for={`e${String(r.patient_id)}${r.timepoint}`}>E-mail (optional)</label>{' '}
                    <input id={`e${String(r.patient_id)}${r.timepoint}`} name="email" type="email" />{' '}
                    <button type="submit">Issue link</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Links issued</h2>
      {links.length === 0 ? (
        <p>None yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Patient</th>
              <th>Visit</th>
              <th>Issued</th>
              <th>Expires</th>
              <th>State</th>
              <th>Reminders</th>
              <th>Unsent messages</th>
            </tr>
          </thead>
          <tbody>
            {links.map((l) => (
              <tr>
                <td>{l.registry_id}</td>
                <td>{l.timepoint}</td>
                <td>{l.created_at.toISOString().slice(0, 16)}</td>
                <td>{l.expires_at.toISOString().slice(0, 16)}</td>
                <td>{l.state}</td>
                <td>{String(l.reminders)}</td>
                <td>{String(l.messages_pending)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>,
  );
}
