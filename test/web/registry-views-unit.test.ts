// The registry's server-rendered pages (src/web/registry/views.tsx) rendered to HTML from hand-built view
// models, without a database or a server. What is checked: every value is HTML-escaped (hono/jsx escapes
// & < > " ' as &amp; &lt; &gt; &quot; &#39;, node_modules/hono/dist/utils/html.js escapeToBuffer), an action
// appears only when its can(…) answer is true (ViewCtx.can, src/registry/policy.ts), unknown values show as
// "—" and never as 0 (docs/reference/registry.md: a missing MME is unknown, "no opioids" is MME 0), and the
// markup is accessible (each input has a <label for>, tables have headers, alerts have roles).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LicensedPromText } from '../../src/registry/prom-text.ts';
import type {
  AdverseEventRow,
  AuditEntry,
  ConsentRow,
  FollowUpReport,
  PatientDetail,
  PatientRow,
  ProcedureRow,
  SeriousEventRow,
  VisitRow,
} from '../../src/store/registry.ts';
import type { Permissions } from '../../src/web/registry/middleware.ts';
import {
  adverseEventPage,
  auditPage,
  consentEditPage,
  dashboardPage,
  enrolPage as enrolPageFn,
  loginPage,
  messagePage,
  patientPage,
  procedurePage,
  reportSection,
  type ViewCtx,
  valuesOf,
  visitPage,
} from '../../src/web/registry/views.tsx';

/** A hostile value and how hono/jsx must print it, in text and in attribute values alike. */
const EVIL = `<script>&"'`;
const EVIL_HTML = '&lt;script&gt;&amp;&quot;&#39;';

const perms = (on: boolean, over: Partial<Permissions> = {}): Permissions => ({
  'records:read': on,
  'records:write': on,
  'ae:acknowledge': on,
  'audit:read': on,
  'deidentified:read': on,
  'users:manage': on,
  ...over,
});
const ctxAll: ViewCtx = { email: 'ann@clinic.example', role: 'clinician', csrf: 'tok-1', can: perms(true) };
const ctxNone: ViewCtx = { email: 'bob@clinic.example', role: 'analyst', csrf: 'tok-2', can: perms(false) };
const CSRF1 = '<input type="hidden" name="_csrf" value="tok-1"/>';

/** The page's own content: what <main> holds after the registry's style block. */
const main = (html: string): string => {
  const start = html.indexOf('<main id="content">');
  const end = html.indexOf('</main>');
  assert.ok(start >= 0 && end > start, 'the page shell has a <main>');
  return html.slice(start + '<main id="content">'.length, end).replace(/^<style>[\s\S]*?<\/style>/, '');
};
/** The content after the navigation (pages with a signed-in user). */
const body = (html: string): string => main(html).replace(/^<nav class="registry"[\s\S]*?<\/nav>/, '');
const has = (html: string, fragment: string) =>
  assert.ok(html.includes(fragment), `expected the fragment\n  ${fragment}\nin\n  ${html}`);
const lacks = (html: string, fragment: string) =>
  assert.ok(!html.includes(fragment), `did not expect the fragment\n  ${fragment}\nin\n  ${html}`);

const patient = (over: Partial<PatientRow> = {}): PatientRow => ({
  id: 7,
  site_id: 1,
  registry_id: 'RS-7Q2K',
  year_of_birth: 1961,
  sex: 'female',
  bmi: 27.5,
  smoking: 'former',
  pain_duration_months: 30,
  prior_treatments: ['medication'],
  pain_generators: ['disc', 'facet'],
  pain_generator_group: 'mixed',
  baseline_opioid_use: true,
  eligibility: { eligible: false, reasons: ['BMI over 40', 'no MRI'], answers: {}, config_version: 'elig-2025.1' },
  eligible: false,
  index_procedure_id: null,
  index_procedure_date: null,
  status: 'active',
  status_date: null,
  status_reason: null,
  version: 4,
  created_at: new Date('2025-01-02T03:04:05Z'),
  ...over,
});

describe('layout and navigation', () => {
  test('the navigation offers enrolment and administration only to users allowed them', () => {
    const nav = main(messagePage(ctxAll, 'T', 'M')).split('</nav>')[0]!;
    assert.equal(
      `${nav}</nav>`,
      '<nav class="registry" aria-label="Registry"><a href="/registry">Dashboard</a><a href="/registry/outcomes">Outcomes</a>' +
        '<a href="/registry/patients/new">Enrol a patient</a><a href="/registry/admin">Administration</a>\n' +
        '<span class="note">ann@clinic.example (clinician)</span>\n' +
        `<form method="post" action="/registry/logout">${CSRF1}<button type="submit">Sign out</button></form></nav>`,
    );
    const none = main(messagePage(ctxNone, 'T', 'M'));
    lacks(none, 'Enrol a patient');
    lacks(none, 'Administration');
    has(none, '<span class="note">bob@clinic.example (analyst)</span>');
    const writer = main(messagePage({ ...ctxNone, can: perms(false, { 'records:write': true }) }, 'T', 'M'));
    has(writer, '<a href="/registry/patients/new">Enrol a patient</a>');
    lacks(writer, 'Administration');
    const admin = main(messagePage({ ...ctxNone, can: perms(false, { 'users:manage': true }) }, 'T', 'M'));
    lacks(admin, 'Enrol a patient');
    has(admin, '<a href="/registry/admin">Administration</a>');
  });

  test('the e-mail, role and CSRF token are escaped', () => {
    const html = main(messagePage({ email: EVIL, role: EVIL, csrf: EVIL, can: perms(false) }, 'T', 'M'));
    has(html, `<span class="note">${EVIL_HTML} (${EVIL_HTML})</span>`);
    has(html, `<input type="hidden" name="_csrf" value="${EVIL_HTML}"/>`);
    lacks(html, '<script>');
  });

  test('signed out: no navigation; the registry style block is raw CSS, not escaped', () => {
    const html = messagePage(null, 'Gone', 'The link has expired.');
    lacks(html, '<nav class="registry"');
    has(html, '<style>fieldset{border:1px solid var(--line);margin:1rem 0;padding:.5rem 1rem}legend{font-weight:600}');
    has(html, 'fieldset.item legend{font-weight:400}</style>');
  });

  test('message page: title, message, optional status note, the way back', () => {
    assert.equal(
      main(messagePage(null, `Not found ${EVIL}`, `No such ${EVIL}`, `status ${EVIL}`)),
      `<h1>Not found ${EVIL_HTML}</h1><p>No such ${EVIL_HTML}</p><p class="note">status ${EVIL_HTML}</p>` +
        '<p><a href="/registry">Back to the dashboard</a></p>',
    );
    assert.equal(
      main(messagePage(null, 'Saved', 'Done.')),
      '<h1>Saved</h1><p>Done.</p><p><a href="/registry">Back to the dashboard</a></p>',
    );
    assert.match(messagePage(null, `A ${EVIL}`, 'x'), /<title>A &lt;script&gt;&amp;&quot;&#39;/);
  });

  test('valuesOf: a form field as a list of values, absent as none', () => {
    const v = valuesOf({ a: 'x', b: ['y', 'z'] });
    assert.deepEqual(v('a'), ['x']);
    assert.deepEqual(v('b'), ['y', 'z']);
    assert.deepEqual(v('c'), []);
    assert.deepEqual(valuesOf(null)('a'), []);
  });
});

describe('sign-in page', () => {
  test('labelled e-mail and password inputs, the login token, no error box without an error', () => {
    assert.equal(
      main(loginPage('lt-9', null)),
      '<h1>Registry sign-in</h1><form method="post" action="/registry/login"><input type="hidden" name="_login" value="lt-9"/>' +
        '<div class="grid"><div><label for="email">E-mail</label><input id="email" name="email" type="email" autocomplete="username" required=""/></div>' +
        '<div><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required=""/></div></div>' +
        '<p><button class="primary" type="submit">Sign in</button></p></form>',
    );
  });

  test('an error is an alert, escaped; so is the token', () => {
    const html = main(loginPage(EVIL, EVIL));
    has(html, `<h1>Registry sign-in</h1><div class="error" role="alert">${EVIL_HTML}</div><form`);
    has(html, `name="_login" value="${EVIL_HTML}"/>`);
  });
});

describe('follow-up report section', () => {
  const row = {
    patient_id: 7,
    registry_id: EVIL,
    timepoint: '3m',
    target: '2025-04-10',
    window_open: '2025-03-27',
    window_close: '2025-05-08',
  };
  const report = (over: Partial<FollowUpReport> = {}): FollowUpReport =>
    ({
      site_id: 1,
      today: '2025-05-01',
      config_version: 'fu-2025.1',
      overdue: [],
      due: [],
      missed: [],
      ...over,
    }) as unknown as FollowUpReport;

  test('empty lists say "None."; the status line names the day and the config version', () => {
    assert.equal(
      reportSection(report(), null),
      '<h2 id="overdue">Overdue follow-ups</h2><p class="note">None.</p><h2 id="due">Due follow-ups</h2><p class="note">None.</p>' +
        '<h2 id="missed">Missed follow-ups</h2><p class="note">None.</p><p class="note">Status on 2025-05-01; windows from config fu-2025.1.</p>',
    );
  });

  test('the time of computation in UTC (HH:MM:SS)', () => {
    has(
      reportSection(report(), new Date('2025-05-01T08:09:10.500Z')),
      '<p class="note">Status on 2025-05-01; windows from config fu-2025.1; computed 08:09:10 UTC (refreshed after any change, at most a minute old).</p>',
    );
  });

  test('a row links the patient and the follow-up form for its timepoint, values escaped', () => {
    const html = reportSection(report({ due: [{ ...row, timepoint: '3m&x' }] as never }), null);
    has(
      html,
      '<h2 id="due">Due follow-ups</h2><table><thead><tr><th>Patient</th><th>Timepoint</th><th>Target</th><th>Window</th><th></th></tr></thead>' +
        `<tbody><tr><td><a href="/registry/patients/7">${EVIL_HTML}</a></td><td>3m&amp;x</td><td>2025-04-10</td><td>2025-03-27 – 2025-05-08</td>` +
        '<td><a href="/registry/patients/7/visits/new?timepoint=3m%26x">Enter follow-up</a></td></tr></tbody></table>',
    );
    has(html, '<h2 id="overdue">Overdue follow-ups</h2><p class="note">None.</p>');
    has(html, '<h2 id="missed">Missed follow-ups</h2><p class="note">None.</p>');
    has(reportSection(report({ overdue: [row] as never }), null), '<h2 id="overdue">Overdue follow-ups</h2><table>');
    has(reportSection(report({ missed: [row] as never }), null), '<h2 id="missed">Missed follow-ups</h2><table>');
  });
});

describe('dashboard', () => {
  const sites = [
    { id: 1, code: 'S1', name: 'North <A&B>' },
    { id: 2, code: 'S2', name: 'South' },
  ] as never[];
  const serious: SeriousEventRow[] = [
    {
      id: 9,
      patient_id: 7,
      registry_id: 'RS-7Q2K',
      site_id: 1,
      term: EVIL,
      onset_date: '2025-03-01',
      grade: 3,
      seriousness_criteria: ['hospitalisation', 'disability'],
      created_at: new Date(0),
      version: 2,
    },
  ];
  const search = { q: '', status: '', reportAt: null };
  const noPatients = { patients: [], next_before: null };

  test('site chooser only with several sites, the current one selected; its name in the heading', () => {
    const html = body(dashboardPage(ctxAll, sites, 1, null, [], noPatients, search));
    has(html, '<h1>Registry dashboard — North &lt;A&amp;B&gt;</h1>');
    has(
      html,
      '<form method="get" action="/registry" class="inline"><div><label for="site">Site</label><select id="site" name="site">' +
        '<option value="1" selected="">S1 — North &lt;A&amp;B&gt;</option><option value="2">S2 — South</option></select></div>' +
        '<button type="submit">Show</button></form>',
    );
    const one = body(dashboardPage(ctxAll, sites.slice(0, 1), null, null, [], noPatients, search));
    has(one, '<h1>Registry dashboard</h1>');
    lacks(one, '<label for="site">');
  });

  test('serious events: none, or an alert with the count and a table; acknowledging needs ae:acknowledge', () => {
    has(
      body(dashboardPage(ctxAll, sites, 1, null, [], noPatients, search)),
      '<h2 id="serious">Serious adverse events not yet acknowledged</h2><p class="note">None.</p>',
    );
    const html = body(dashboardPage(ctxAll, sites, 1, null, serious, noPatients, search));
    has(
      html,
      '<div class="warn" role="alert">1 serious adverse event(s) need the site&#39;s acknowledgement.</div><table><thead><tr><th>Patient</th>' +
        '<th>Event</th><th>Onset</th><th>CTCAE grade</th><th>Seriousness</th><th></th></tr></thead><tbody><tr>' +
        `<td><a href="/registry/patients/7">RS-7Q2K</a></td><td>${EVIL_HTML}</td><td>2025-03-01</td><td>3</td><td>hospitalisation, disability</td>` +
        `<td><form method="post" action="/registry/adverse-events/9/acknowledge">${CSRF1}<input type="hidden" name="version" value="2"/>` +
        '<button type="submit">Acknowledge</button></form></td></tr></tbody></table>',
    );
    const ro = body(dashboardPage(ctxNone, sites, 1, null, serious, noPatients, search));
    lacks(ro, 'Acknowledge</button>');
    has(ro, '<td>hospitalisation, disability</td><td><span class="note">a clinician acknowledges</span></td>');
  });

  test('the follow-up report: the cached HTML as given, else rendered from the report', () => {
    const cached = body(dashboardPage(ctxAll, sites, 1, null, [], noPatients, search, '<h2 id="overdue">cached</h2>'));
    has(cached, '<p class="note">None.</p><h2 id="overdue">cached</h2><h2 id="patients">Patients</h2>');
    const rep = { site_id: 1, today: '2025-05-01', config_version: 'v1', overdue: [], due: [], missed: [] } as never;
    const rendered = body(
      dashboardPage(ctxAll, sites, 1, rep, [], noPatients, { ...search, reportAt: new Date('2025-05-01T12:00:00Z') }),
    );
    has(rendered, 'Status on 2025-05-01; windows from config v1; computed 12:00:00 UTC');
    const none = body(dashboardPage(ctxAll, sites, 1, null, [], noPatients, search));
    lacks(none, 'Overdue follow-ups');
    has(none, '<p class="note">None.</p><h2 id="patients">Patients</h2>');
  });

  test('the patient search keeps the site, the query and the status', () => {
    const html = body(
      dashboardPage(ctxAll, sites, 1, null, [], noPatients, { q: EVIL, status: 'withdrawn', reportAt: null }),
    );
    has(
      html,
      '<form method="get" action="/registry" class="inline" role="search"><input type="hidden" name="site" value="1"/><div class="grid">' +
        `<div><label for="q">Registry id contains</label><input id="q" name="q" type="text" value="${EVIL_HTML}"/></div>` +
        '<div><label for="status">Status</label><select id="status" name="status"><option value="">—</option><option value="active">active</option>' +
        '<option value="withdrawn" selected="">withdrawn</option><option value="lost_to_follow_up">lost to follow up</option>' +
        '<option value="deceased">deceased</option></select></div></div><p><button type="submit">Search</button></p></form>',
    );
    const plain = body(dashboardPage(ctxAll, sites, null, null, [], noPatients, search));
    has(plain, '<form method="get" action="/registry" class="inline" role="search"><div class="grid">');
    has(plain, '<input id="q" name="q" type="text" value=""/>');
    has(plain, '<select id="status" name="status"><option value="">—</option><option value="active">active</option>');
  });

  test('no patients: an invitation to enrol only for writers and only without a search', () => {
    has(
      body(dashboardPage(ctxAll, sites, 1, null, [], noPatients, search)),
      '<p class="note">No patients yet. <a href="/registry/patients/new">Enrol the first one</a>.</p>',
    );
    has(body(dashboardPage(ctxNone, sites, 1, null, [], noPatients, search)), '<p class="note">No patients yet.</p>');
    has(
      body(dashboardPage(ctxAll, sites, 1, null, [], noPatients, { ...search, q: 'x' })),
      '<p class="note">No patient matches.</p>',
    );
    has(
      body(dashboardPage(ctxAll, sites, 1, null, [], noPatients, { ...search, status: 'deceased' })),
      '<p class="note">No patient matches.</p>',
    );
  });

  test('the patient table: status in words, eligibility yes/no, a missing index procedure as "—"', () => {
    const page = {
      patients: [
        patient({ registry_id: EVIL, status: 'lost_to_follow_up', eligible: true }),
        patient({ id: 8, registry_id: 'RS-8', sex: 'male', year_of_birth: 1970, index_procedure_date: '2025-01-10' }),
      ],
      next_before: null,
    };
    const html = body(dashboardPage(ctxAll, sites, 1, null, [], page, search));
    has(
      html,
      '<table><thead><tr><th>Registry id</th><th>Year of birth</th><th>Sex</th><th>Status</th><th>Eligible</th><th>Index procedure</th></tr></thead><tbody>' +
        `<tr><td><a href="/registry/patients/7">${EVIL_HTML}</a></td><td>1961</td><td>female</td><td>lost to follow up</td><td>yes</td><td>—</td></tr>` +
        '<tr><td><a href="/registry/patients/8">RS-8</a></td><td>1970</td><td>male</td><td>active</td><td>no</td><td>2025-01-10</td></tr></tbody></table>',
    );
    lacks(html, 'Next ');
  });

  test('the next page link carries the site, the search and the cursor', () => {
    const page = { patients: [patient()], next_before: 7 };
    has(
      body(dashboardPage(ctxAll, sites, 2, null, [], page, { q: 'a b', status: 'active', reportAt: null })),
      '</table><p><a href="/registry?site=2&amp;q=a+b&amp;status=active&amp;before=7#patients">Next 1 patients</a></p>',
    );
    has(
      body(dashboardPage(ctxAll, sites, null, null, [], page, search)),
      '<p><a href="/registry?before=7#patients">Next 1 patients</a></p>',
    );
  });
});

describe('enrolment page', () => {
  const sites = [{ id: 3, code: 'S3', name: 'East' }] as never[];
  const items = [
    { id: 'mri', kind: 'inclusion', label: 'MRI within 6 months' },
    { id: 'inf', kind: 'exclusion', label: `Active infection ${EVIL}` },
  ] as never[];

  test('a blank form: labelled inputs with their limits, one site preselected', () => {
    const html = body(enrolPageOf(null, null));
    assert.ok(html.startsWith('<h1>Enrol a patient</h1><p class="note">Pseudonymous:'), html.slice(0, 80));
    has(html, `<form method="post" action="/registry/patients">${CSRF1}<div class="grid">`);
    has(
      html,
      '<div><label for="site_id">Site</label><select id="site_id" name="site_id"><option value="3">S3 — East</option></select></div>',
    );
    has(
      html,
      '<div><label for="year_of_birth">Year of birth</label><input id="year_of_birth" name="year_of_birth" type="number" value="" min="1900" max="2100"/></div>',
    );
    has(
      html,
      '<div><label for="bmi">BMI (kg/m²)</label><input id="bmi" name="bmi" type="number" value="" step="0.1" min="0"/></div>',
    );
    has(
      html,
      '<div><label for="pain_duration_months">Duration of pain (months)</label><input id="pain_duration_months" name="pain_duration_months" type="number" value="" min="0"/></div>',
    );
    has(
      html,
      '<label for="sex">Sex</label><select id="sex" name="sex"><option value="">—</option><option value="female">female</option>',
    );
    has(
      html,
      '<label for="smoking">Smoking</label><select id="smoking" name="smoking"><option value="">—</option><option value="never">never</option>',
    );
    has(
      html,
      '<fieldset><legend>Pain generator(s)</legend><label class="inline"><input type="checkbox" name="pain_generators" value="disc"/> disc</label>',
    );
    has(
      html,
      '<fieldset><legend>Prior treatments</legend><label class="inline"><input type="checkbox" name="prior_treatments" value="physical-therapy"/> physical-therapy</label>',
    );
    has(
      html,
      '<div role="radiogroup" aria-label="Opioid use at baseline"><span>Opioid use at baseline</span>\n' +
        '<label class="inline"><input type="radio" name="baseline_opioid_use" value="true"/> yes</label>\n' +
        '<label class="inline"><input type="radio" name="baseline_opioid_use" value="false"/> no</label></div>',
    );
    has(
      html,
      '<fieldset><legend>Eligibility checklist</legend><div role="radiogroup" aria-label="Inclusion: MRI within 6 months"><span>Inclusion: MRI within 6 months</span>\n' +
        '<label class="inline"><input type="radio" name="eligibility.mri" value="true"/> yes</label>',
    );
    has(
      html,
      `<div role="radiogroup" aria-label="Exclusion: Active infection ${EVIL_HTML}"><span>Exclusion: Active infection ${EVIL_HTML}</span>`,
    );
    has(html, '<p><button class="primary" type="submit">Enrol</button></p></form>');
  });

  test('several sites: a blank choice first', () => {
    const two = [...sites, { id: 4, code: 'S4', name: 'West' }] as never[];
    has(
      body(enrolPageOf(null, null, two)),
      '<select id="site_id" name="site_id"><option value="">—</option><option value="3">S3 — East</option><option value="4">S4 — West</option></select>',
    );
  });

  test('a rejected form comes back with what was typed, the error named, values escaped', () => {
    const html = body(
      enrolPageOf(
        {
          site_id: '3',
          year_of_birth: '1961',
          sex: 'male',
          bmi: EVIL,
          pain_generators: ['disc', 'sacroiliac'],
          baseline_opioid_use: 'false',
          'eligibility.inf': 'true',
        },
        { error: `expected a number ${EVIL}`, field: 'bmi' },
      ),
    );
    has(
      html,
      `<h1>Enrol a patient</h1><div class="error" role="alert"><strong>Not saved.</strong> bmi: expected a number ${EVIL_HTML}</div>`,
    );
    has(html, '<option value="3" selected="">S3 — East</option>');
    has(html, 'name="year_of_birth" type="number" value="1961" min="1900"');
    has(html, '<option value="male" selected="">male</option>');
    has(html, '<option value="female">female</option>');
    has(html, `<input id="bmi" name="bmi" type="number" value="${EVIL_HTML}" step="0.1" min="0"/>`);
    has(html, '<input type="checkbox" name="pain_generators" value="disc" checked=""/> disc');
    has(html, '<input type="checkbox" name="pain_generators" value="facet"/> facet');
    has(html, '<input type="checkbox" name="pain_generators" value="sacroiliac" checked=""/> sacroiliac');
    has(html, '<input type="radio" name="baseline_opioid_use" value="true"/> yes');
    has(html, '<input type="radio" name="baseline_opioid_use" value="false" checked=""/> no');
    has(html, '<input type="radio" name="eligibility.inf" value="true" checked=""/> yes');
    has(html, '<input type="radio" name="eligibility.inf" value="false"/> no');
  });

  function enrolPageOf(
    form: Record<string, string | string[]> | null,
    error: { error: string; field: string } | null,
    s = sites,
  ) {
    return enrolPageFn(ctxAll, s, items, form, error);
  }
});

describe('patient page', () => {
  const consent = (over: Partial<ConsentRow> = {}): ConsentRow => ({
    id: 3,
    scope: 'registry',
    form_version: 'v2',
    consent_date: '2025-01-05',
    obtained_by: 'Dr Ray',
    withdrawn_date: null,
    withdrawal_reason: null,
    version: 1,
    ...over,
  });
  const procedure = (over: Partial<ProcedureRow> = {}): ProcedureRow => ({
    id: 11,
    procedure_date: '2025-01-10',
    operator: 'Dr Ray',
    therapy: 'PRP',
    product: {},
    characterization: { fold: 5.234, paw: { value: 'P3Bβ' }, dohan_ehrenfest: { value: 'L-PRP' } },
    product_warnings: [],
    product_config_version: null,
    targets: [
      { structure: 'disc', level: 'L4-L5', side: null },
      { structure: 'facet', level: 'L5-S1', side: 'left', approach: 'interlaminar' },
    ],
    image_guidance: 'fluoroscopy',
    injectate_volume_ml: 4,
    adjuncts: null,
    version: 1,
    ...over,
  });
  const visit = (over: Partial<VisitRow> = {}): VisitRow => ({
    id: 21,
    timepoint: '3m',
    visit_date: '2025-04-12',
    target_date: '2025-04-10',
    in_window: true,
    opioids: null,
    mme_per_day: null,
    reintervention: null,
    imaging_note: null,
    version: 1,
    proms: [],
    ...over,
  });
  const ae = (over: Partial<AdverseEventRow> = {}): AdverseEventRow => ({
    id: 31,
    procedure_id: 11,
    term: 'Back pain flare',
    onset_date: '2025-01-12',
    grade: 2,
    seriousness_criteria: [],
    serious: false,
    attribution_procedure: 'possible',
    attribution_product: 'unlikely',
    outcome: 'resolved',
    acknowledged_at: null,
    version: 1,
    ...over,
  });
  const detail = (over: Partial<PatientDetail> = {}): PatientDetail => ({
    patient: patient(),
    consents: [],
    procedures: [],
    visits: [],
    adverse_events: [],
    ...over,
  });

  test('the summary: demographics, BMI to two decimals, eligibility reasons, the audit link', () => {
    const html = body(patientPage(ctxAll, detail()));
    assert.ok(
      html.startsWith('<h1>Patient RS-7Q2K</h1><p>Born 1961 · female · BMI 27.50 · smoking former · pain 30 months'),
      html.slice(0, 200),
    );
    has(
      html,
      '<p>Born 1961 · female · BMI 27.50 · smoking former · pain 30 months · generator mixed (disc, facet) · baseline opioids yes</p>',
    );
    has(
      html,
      '<p>Eligible: <strong>no</strong> — BMI over 40; no MRI <span class="note">(checklist elig-2025.1)</span></p>',
    );
    has(html, '<p><a href="/registry/patients/7/audit">Audit history</a></p>');
    assert.match(patientPage(ctxAll, detail()), /<title>Patient RS-7Q2K/);
  });

  test('an unknown BMI is "—", not 0; an integer BMI has no decimals; no opioids at baseline is "no"', () => {
    const html = body(
      patientPage(
        ctxAll,
        detail({
          patient: patient({
            bmi: null,
            baseline_opioid_use: false,
            eligible: true,
            eligibility: { eligible: true, reasons: [], answers: {}, config_version: 'e1' },
          }),
        }),
      ),
    );
    has(html, '· BMI — · smoking');
    has(html, 'baseline opioids no</p>');
    has(html, '<p>Eligible: <strong>yes</strong> <span class="note">(checklist e1)</span></p>');
    has(body(patientPage(ctxAll, detail({ patient: patient({ bmi: 31 }) }))), '· BMI 31 · smoking');
  });

  test('a notice is a status message; an error an alert; both escaped', () => {
    const html = body(
      patientPage(ctxAll, detail(), { notice: `Saved ${EVIL}`, error: { error: EVIL, field: 'scope' } }),
    );
    has(
      html,
      `<h1>Patient RS-7Q2K</h1><div class="ok" role="status">Saved ${EVIL_HTML}</div><div class="error" role="alert"><strong>Not saved.</strong> scope: ${EVIL_HTML}</div><p>Born`,
    );
    const plain = body(patientPage(ctxAll, detail()));
    lacks(plain, 'role="status"');
    lacks(plain, 'role="alert"');
  });

  test('no consent yet: a warning; the consent form for writers only, registry participation first', () => {
    const html = body(patientPage(ctxAll, detail()));
    has(
      html,
      '<h2>Consent</h2><p class="warn">No consent recorded: a procedure cannot be recorded until the registry-participation consent is.</p>' +
        `<form method="post" action="/registry/patients/7/consents">${CSRF1}<div class="grid"><div><label for="scope">Scope</label><select id="scope" name="scope">` +
        '<option value="registry">registry participation (data collection and follow-up)</option>' +
        '<option value="research">research use of the data (de-identified export)</option>' +
        '<option value="care">care (consent to the treatment)</option></select></div>' +
        '<div><label for="form_version">Consent form version</label><input id="form_version" name="form_version" type="text" value=""/></div>' +
        '<div><label for="consent_date">Date</label><input id="consent_date" name="consent_date" type="date" value=""/></div>' +
        '<div><label for="obtained_by">Obtained by</label><input id="obtained_by" name="obtained_by" type="text" value=""/></div></div>' +
        '<p><button type="submit">Record consent</button></p></form><h2>Status</h2>',
    );
    const ro = body(patientPage(ctxNone, detail()));
    lacks(ro, 'Record consent');
    has(ro, 'consent is.</p><h2>Status</h2>');
  });

  test('a rejected consent form comes back with what was typed', () => {
    const html = body(
      patientPage(ctxAll, detail(), {
        consentForm: { scope: 'research', form_version: EVIL, consent_date: '2025-02-01' },
      }),
    );
    has(html, '<option value="research" selected="">research use of the data (de-identified export)</option>');
    has(html, `<input id="form_version" name="form_version" type="text" value="${EVIL_HTML}"/>`);
    has(html, '<input id="consent_date" name="consent_date" type="date" value="2025-02-01"/>');
  });

  test('consents: scope in words, withdrawal shown; correcting and withdrawing for writers only', () => {
    const d = detail({
      consents: [
        consent(),
        consent({
          id: 4,
          scope: 'research',
          withdrawn_date: '2025-03-01',
          withdrawal_reason: `moved ${EVIL}`,
          version: 2,
        }),
        consent({ id: 5, scope: 'other-scope', obtained_by: EVIL }),
      ],
    });
    const html = body(patientPage(ctxAll, d));
    has(
      html,
      '<table><thead><tr><th>Scope</th><th>Form version</th><th>Date</th><th>Obtained by</th><th>Withdrawn</th><th></th></tr></thead><tbody>' +
        '<tr><td>registry participation (data collection and follow-up)</td><td>v2</td><td>2025-01-05</td><td>Dr Ray</td><td>no</td>' +
        '<td><a href="/registry/consents/3/edit">Correct</a><details><summary>Withdraw</summary>' +
        `<form method="post" action="/registry/consents/3/withdraw">${CSRF1}<input type="hidden" name="version" value="1"/><div class="grid">` +
        '<div><label for="withdrawn_date_3">Withdrawn on</label><input id="withdrawn_date_3" name="withdrawn_date" type="date" value="" required=""/></div>' +
        '<div><label for="withdrawal_reason_3">Reason given</label><input id="withdrawal_reason_3" name="reason" type="text" value="" required=""/></div>' +
        '</div><p><button type="submit">Record the withdrawal</button></p></form></details></td></tr>' +
        `<tr><td>research use of the data (de-identified export)</td><td>v2</td><td>2025-01-05</td><td>Dr Ray</td><td>2025-03-01 — moved ${EVIL_HTML}</td>` +
        '<td><a href="/registry/consents/4/edit">Correct</a></td></tr>' +
        `<tr><td>other-scope</td><td>v2</td><td>2025-01-05</td><td>${EVIL_HTML}</td><td>no</td>`,
    );
    const ro = body(patientPage(ctxNone, d));
    has(ro, '<th>Withdrawn</th></tr></thead>');
    has(ro, '<td>Dr Ray</td><td>no</td></tr>');
    lacks(ro, '/edit');
    lacks(ro, 'Withdraw</summary>');
    // A withdrawal without a recorded reason: the reason is unknown ("—").
    has(
      body(patientPage(ctxNone, detail({ consents: [consent({ withdrawn_date: '2025-03-01' })] }))),
      '<td>2025-03-01 — —</td>',
    );
  });

  test('status in words with its date and reason; changing it for writers only', () => {
    const d = detail({
      patient: patient({ status: 'lost_to_follow_up', status_date: '2025-06-01', status_reason: EVIL }),
    });
    const html = body(patientPage(ctxAll, d));
    has(html, `<h2>Status</h2><p>Lost to follow-up since 2025-06-01 — ${EVIL_HTML}</p>`);
    has(
      html,
      `<details><summary>Change the status</summary><form method="post" action="/registry/patients/7/status">${CSRF1}<input type="hidden" name="version" value="4"/>` +
        '<div class="grid"><div><label for="status">New status</label><select id="status" name="status"><option value="active">Active</option>' +
        '<option value="withdrawn">Withdrawn from the registry</option><option value="lost_to_follow_up">Lost to follow-up</option>' +
        '<option value="deceased">Deceased</option></select></div>' +
        '<div><label for="status_date">Since (empty for active)</label><input id="status_date" name="status_date" type="date" value=""/></div>' +
        '<div><label for="status_reason">Reason</label><input id="status_reason" name="reason" type="text" value="" required=""/></div></div>' +
        '<p><button type="submit">Save the status</button></p></form></details><h2>Procedures</h2>',
    );
    has(body(patientPage(ctxNone, detail())), '<h2>Status</h2><p>Active</p><h2>Procedures</h2>');
    has(body(patientPage(ctxNone, detail({ patient: patient({ status: 'deceased' }) }))), '<p>Deceased</p>');
    has(
      body(patientPage(ctxNone, detail({ patient: patient({ status: 'withdrawn', status_reason: 'asked' }) }))),
      '<p>Withdrawn from the registry — asked</p>',
    );
    has(body(patientPage(ctxNone, detail({ patient: patient({ status: 'odd' as never }) }))), '<p>odd</p>');
  });

  test('procedures: targets joined, PRP characterisation summarised, unknowns as "—", warnings shown', () => {
    const d = detail({
      procedures: [
        procedure({ product_warnings: [`low platelet count ${EVIL}`, 'no spin data'] }),
        procedure({
          id: 12,
          therapy: 'PRP',
          characterization: { fold: 3, paw: { reason: 'no baseline counts' } },
          targets: [{ structure: 'sacroiliac' }],
          image_guidance: null,
          injectate_volume_ml: null,
        }),
        procedure({ id: 13, therapy: 'PRP', characterization: {}, targets: [] }),
        procedure({ id: 14, therapy: 'BMC', characterization: { fold: 9 }, injectate_volume_ml: 2.25 }),
      ],
    });
    const html = body(patientPage(ctxAll, d));
    // one header per cell: the column of "Correct" links has its (empty) header when the user may correct
    has(
      html,
      '<h2>Procedures</h2><table><thead><tr><th>Date</th><th>Therapy</th><th>Targets</th><th>Guidance</th><th>Volume (mL)</th><th>Product</th><th></th></tr></thead><tbody>' +
        '<tr><td>2025-01-10</td><td>PRP</td><td>disc L4-L5; facet L5-S1 left interlaminar</td><td>fluoroscopy</td><td>4</td>' +
        `<td>fold 5.23×; PAW P3Bβ; Dohan Ehrenfest L-PRP<div class="warn">low platelet count ${EVIL_HTML}</div><div class="warn">no spin data</div></td>` +
        '<td><a href="/registry/procedures/11/edit">Correct</a></td></tr>' +
        '<tr><td>2025-01-10</td><td>PRP</td><td>sacroiliac</td><td>—</td><td>—</td><td>fold 3×; PAW no baseline counts; Dohan Ehrenfest not derivable</td>' +
        '<td><a href="/registry/procedures/12/edit">Correct</a></td></tr>' +
        '<tr><td>2025-01-10</td><td>PRP</td><td></td><td>fluoroscopy</td><td>4</td><td>fold —×; PAW —; Dohan Ehrenfest not derivable</td>' +
        '<td><a href="/registry/procedures/13/edit">Correct</a></td></tr>' +
        '<tr><td>2025-01-10</td><td>BMC</td><td>disc L4-L5; facet L5-S1 left interlaminar</td><td>fluoroscopy</td><td>2.25</td><td></td>' +
        '<td><a href="/registry/procedures/14/edit">Correct</a></td></tr></tbody></table>' +
        '<p><a href="/registry/patients/7/procedures/new">Record a procedure</a></p><h2>Follow-up visits</h2>',
    );
    const ro = body(patientPage(ctxNone, d));
    has(ro, '<td>2.25</td><td></td></tr></tbody></table><h2>Follow-up visits</h2>');
    lacks(ro, 'Record a procedure');
    has(
      body(patientPage(ctxAll, detail())),
      '<h2>Procedures</h2><p class="note">None.</p><p><a href="/registry/patients/7/procedures/new">',
    );
  });

  test('visits: in-window yes/no/unknown, scores, MME unknown "—" vs 0 "no opioids", re-intervention', () => {
    const score = (instrument: string, s: number | null) => ({ id: 1, visit_id: 21, instrument, score: s });
    const d = detail({
      visits: [
        visit({
          proms: [score('ODI', 24), score('EQ5D3L', 0.7256)],
          mme_per_day: 0,
          reintervention: { occurred: true },
        }),
        visit({ id: 22, timepoint: '6m', in_window: false, proms: [score('NRS', null)], mme_per_day: 37.5 }),
        visit({ id: 23, timepoint: '12m', in_window: null, mme_per_day: null, reintervention: { occurred: false } }),
        visit({ id: 24, timepoint: EVIL, mme_per_day: 40 }),
      ],
    });
    const html = body(patientPage(ctxAll, d));
    has(
      html,
      '<h2>Follow-up visits</h2><table><thead><tr><th>Timepoint</th><th>Date</th><th>In window</th><th>PROMs</th><th>MME/day</th><th>Re-intervention</th><th></th></tr></thead><tbody>' +
        '<tr><td>3m</td><td>2025-04-12</td><td>yes</td><td><span class="tag">ODI 24</span> <span class="tag">EQ5D3L 0.73</span> </td>' +
        '<td>0 (no opioids)</td><td>yes</td><td><a href="/registry/visits/21/edit">Correct</a></td></tr>' +
        '<tr><td>6m</td><td>2025-04-12</td><td>no</td><td><span class="tag">NRS —</span> </td><td>37.50</td><td>no</td>' +
        '<td><a href="/registry/visits/22/edit">Correct</a></td></tr>' +
        '<tr><td>12m</td><td>2025-04-12</td><td>—</td><td></td><td>—</td><td>no</td><td><a href="/registry/visits/23/edit">Correct</a></td></tr>' +
        `<tr><td>${EVIL_HTML}</td><td>2025-04-12</td><td>yes</td><td></td><td>40</td><td>no</td>`,
    );
    has(
      html,
      '</tbody></table><p><a href="/registry/patients/7/visits/new">Enter a follow-up</a></p><h2>Adverse events</h2>',
    );
    const ro = body(patientPage(ctxNone, d));
    has(ro, '<td>40</td><td>no</td></tr></tbody></table><h2>Adverse events</h2>');
    has(
      body(patientPage(ctxNone, detail())),
      '<h2>Follow-up visits</h2><p class="note">None.</p><h2>Adverse events</h2>',
    );
  });

  test('adverse events: seriousness, attribution, unknown outcome "—", acknowledgement of serious events', () => {
    const d = detail({
      adverse_events: [
        ae({ term: EVIL }),
        ae({
          id: 32,
          serious: true,
          seriousness_criteria: ['hospitalisation', 'disability'],
          acknowledged_at: null,
          outcome: null,
        }),
        ae({
          id: 33,
          serious: true,
          seriousness_criteria: ['death'],
          acknowledged_at: new Date(0),
          grade: 5,
          outcome: 'fatal',
        }),
      ],
    });
    const html = body(patientPage(ctxAll, d));
    has(
      html,
      '<h2>Adverse events</h2><table><thead><tr><th>Term</th><th>Onset</th><th>Grade</th><th>Serious</th><th>Procedure / product</th><th>Outcome</th><th>Acknowledged</th></tr></thead><tbody>' +
        `<tr><td>${EVIL_HTML}</td><td>2025-01-12</td><td>2</td><td>no</td><td>possible / unlikely</td><td>resolved</td><td>—</td></tr>` +
        '<tr><td>Back pain flare</td><td>2025-01-12</td><td>2</td><td>hospitalisation, disability</td><td>possible / unlikely</td><td>—</td><td>NO</td></tr>' +
        '<tr><td>Back pain flare</td><td>2025-01-12</td><td>5</td><td>death</td><td>possible / unlikely</td><td>fatal</td><td>yes</td></tr></tbody></table>' +
        '<p><a href="/registry/patients/7/adverse-events/new">Report an adverse event</a></p>',
    );
    const ro = body(patientPage(ctxNone, d));
    assert.ok(ro.endsWith('<td>fatal</td><td>yes</td></tr></tbody></table>'), ro.slice(-120));
    assert.ok(
      body(patientPage(ctxNone, detail())).endsWith('<h2>Adverse events</h2><p class="note">None reported.</p>'),
    );
  });
});

describe('procedure form', () => {
  test('a new procedure: posts to the patient, no correction fields, every input labelled', () => {
    const html = body(procedurePage(ctxAll, patient(), null, null));
    assert.match(procedurePage(ctxAll, patient(), null, null), /<title>Record a procedure/);
    assert.ok(
      html.startsWith(
        `<h1>Record a procedure — RS-7Q2K</h1><form method="post" action="/registry/patients/7/procedures">${CSRF1}<div class="grid">` +
          '<div><label for="procedure_date">Date</label><input id="procedure_date" name="procedure_date" type="date" value=""/></div>' +
          '<div><label for="operator">Operator</label><input id="operator" name="operator" type="text" value=""/></div>' +
          '<div><label for="therapy">Therapy</label><select id="therapy" name="therapy"><option value="">—</option><option value="PRP">PRP</option>',
      ),
      html.slice(0, 600),
    );
    lacks(html, '_version');
    lacks(html, '_reason');
    has(
      html,
      '<div><label for="injectate_volume_ml">Injectate volume (mL)</label><input id="injectate_volume_ml" name="injectate_volume_ml" type="number" value="" step="any"/></div>',
    );
    has(
      html,
      '<div><label for="adjuncts[0]">Adjunct (e.g. local anaesthetic)</label><input id="adjuncts[0]" name="adjuncts[0]" type="text" value=""/></div>',
    );
    for (const i of [0, 1, 2]) {
      has(
        html,
        `<div><label for="targets[${i}].structure">Target ${i + 1}</label><select id="targets[${i}].structure" name="targets[${i}].structure">`,
      );
      has(html, `<label for="targets[${i}].level">Level</label>`);
      has(html, `<label for="targets[${i}].side">Side</label>`);
      has(html, `<label for="targets[${i}].approach">Epidural approach</label>`);
    }
    lacks(html, 'targets[3]');
    has(
      html,
      '<input id="prp.volumes.whole_blood_ml" name="prp.volumes.whole_blood_ml" type="number" value="" step="any"/>',
    );
    has(
      html,
      '<label for="prp.preparation.spins[1].minutes">Spin 2 (min)</label><input id="prp.preparation.spins[1].minutes" name="prp.preparation.spins[1].minutes" type="number" value="" step="any"/>',
    );
    // Cell counts are whole numbers: no step attribute.
    has(
      html,
      '<label for="prp.baseline.platelets">Whole-blood platelets /µL</label><input id="prp.baseline.platelets" name="prp.baseline.platelets" type="number" value=""/>',
    );
    has(
      html,
      '<label for="bmc.cfu_f_assay_days">CFU-F assay (days)</label><input id="bmc.cfu_f_assay_days" name="bmc.cfu_f_assay_days" type="number" value=""/>',
    );
    has(
      html,
      '<label for="msc.passage">Passage</label><input id="msc.passage" name="msc.passage" type="number" value=""/>',
    );
    has(
      html,
      '<select id="msc.origin" name="msc.origin"><option value="">—</option><option value="autologous">autologous</option><option value="allogeneic">allogeneic</option></select>',
    );
    has(
      html,
      '<select id="msc.culture_expanded" name="msc.culture_expanded"><option value="">—</option><option value="true">yes</option><option value="false">no</option></select>',
    );
    for (const t of ['sterility', 'endotoxin', 'mycoplasma'])
      has(
        html,
        `<select id="msc.release_tests.${t}" name="msc.release_tests.${t}"><option value="">—</option><option value="pass">pass</option><option value="fail">fail</option><option value="not-done">not-done</option></select>`,
      );
    assert.ok(html.endsWith('<p><button class="primary" type="submit">Record procedure</button></p></form>'));
    // Every input and select is labelled.
    const ids = [...html.matchAll(/<(?:input|select) id="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(ids.length > 40);
    for (const id of ids) has(html, `<label for="${id}">`);
  });

  test('a correction: posts to the edit action with the version and a required reason; a notice as a note', () => {
    const edit = { action: '/registry/procedures/11/edit', version: 3 };
    const html = body(
      procedurePage(
        ctxAll,
        patient(),
        { therapy: 'BMC', 'prp.baseline.platelets': '210000', _reason: EVIL },
        null,
        edit,
        `check ${EVIL}`,
      ),
    );
    assert.match(procedurePage(ctxAll, patient(), null, null, edit), /<title>Correct a procedure/);
    assert.ok(
      html.startsWith(
        `<h1>Correct the procedure — RS-7Q2K</h1><p class="warn" role="note">check ${EVIL_HTML}</p>` +
          `<form method="post" action="/registry/procedures/11/edit">${CSRF1}<input type="hidden" name="_version" value="3"/>` +
          '<div class="grid"><div><label for="_reason">Reason for the correction (kept in the audit trail)</label>' +
          `<input id="_reason" name="_reason" type="text" value="${EVIL_HTML}" required="" minlength="3"/></div></div><div class="grid">`,
      ),
      html.slice(0, 700),
    );
    has(html, '<option value="BMC" selected="">BMC</option>');
    has(html, 'name="prp.baseline.platelets" type="number" value="210000"/>');
    assert.ok(html.endsWith('<button class="primary" type="submit">Save the correction</button></p></form>'));
  });

  test('an error is shown above the form', () => {
    has(
      body(procedurePage(ctxAll, patient(), null, { error: 'required', field: 'targets' })),
      '<h1>Record a procedure — RS-7Q2K</h1><div class="error" role="alert"><strong>Not saved.</strong> targets: required</div><form',
    );
  });
});

describe('page titles and the labels of every product field', () => {
  test('each page has its own title', () => {
    const sites = [{ id: 1, code: 'S1', name: 'One' }] as never[];
    const page = { patients: [], next_before: null };
    assert.match(loginPage('t', null), /<title>Sign in · RegenSpine<\/title>/);
    assert.match(
      dashboardPage(ctxAll, sites, 1, null, [], page, { q: '', status: '', reportAt: null }),
      /<title>Registry · RegenSpine<\/title>/,
    );
    assert.match(enrolPageFn(ctxAll, sites, [], null, null), /<title>Enrol a patient · RegenSpine<\/title>/);
  });

  test('the procedure form: every product field by name, label and step', () => {
    // The product fields of docs/reference/products.md (PRP volumes, spins, counts; BMC; MSC), as the form shows them.
    const html = body(procedurePage(ctxAll, patient(), null, null));
    const fields: [string, string, boolean][] = [
      ['prp.volumes.whole_blood_ml', 'Whole blood processed (mL)', true],
      ['prp.volumes.prp_ml', 'PRP produced (mL)', true],
      ['prp.volumes.injected_ml', 'PRP injected (mL)', true],
      ['prp.preparation.spins[0].g', 'Spin 1 (g)', true],
      ['prp.preparation.spins[0].minutes', 'Spin 1 (min)', true],
      ['prp.preparation.spins[1].g', 'Spin 2 (g)', true],
      ['prp.preparation.spins[1].minutes', 'Spin 2 (min)', true],
      ['prp.baseline.platelets', 'Whole-blood platelets /µL', false],
      ['prp.baseline.wbc', 'Whole-blood WBC /µL', false],
      ['prp.baseline.neutrophils', 'Whole-blood neutrophils /µL', false],
      ['prp.prp.platelets', 'PRP platelets /µL', false],
      ['prp.prp.wbc', 'PRP WBC /µL', false],
      ['prp.prp.neutrophils', 'PRP neutrophils /µL', false],
      ['prp.prp.rbc_pct', 'PRP red cells (% of PRP)', true],
      ['bmc.aspirate_volume_ml', 'Aspirate volume (mL)', true],
      ['bmc.final_volume_ml', 'Concentrate volume (mL)', true],
      ['bmc.injected_volume_ml', 'Injected (mL)', true],
      ['bmc.tnc_per_ml', 'TNC /mL', true],
      ['bmc.cfu_f_per_ml', 'CFU-F /mL', true],
      ['bmc.cfu_f_assay_days', 'CFU-F assay (days)', false],
      ['bmc.cd34_per_ul', 'CD34+ /µL', true],
      ['bmc.viability_pct', 'Viability %', true],
      ['msc.passage', 'Passage', false],
      ['msc.dose_viable_cells', 'Dose (viable cells)', true],
      ['msc.viability_pct', 'Viability %', true],
    ];
    for (const [name, label, any] of fields)
      has(
        html,
        `<div><label for="${name}">${label}</label><input id="${name}" name="${name}" type="number" value=""${any ? ' step="any"' : ''}/></div>`,
      );
  });

  test('the follow-up form: the ten ODI sections and five EQ-5D dimensions by name', () => {
    // ODI v2.1a sections (Fairbank & Pynsent 2000) and EQ-5D-3L dimensions (EuroQol), docs/reference/instruments.md.
    const html = body(visitPage(ctxAll, patient(), ['1m'], null, null));
    const odi = [
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
    odi.forEach((sec, i) => {
      has(html, `<label for="odi.${i}">${i + 1}. ${sec}</label>`);
    });
    const eq = [
      ['MO', 'Mobility'],
      ['SC', 'Self-care'],
      ['UA', 'Usual activities'],
      ['PD', 'Pain / discomfort'],
      ['AD', 'Anxiety / depression'],
    ];
    for (const [k, label] of eq)
      has(html, `<label for="eq5d.${k}">${label}</label><select id="eq5d.${k}" name="eq5d.${k}">`);
  });
});

describe('follow-up form', () => {
  const tps = ['baseline', '1m', '3m'];

  test('a new follow-up: timepoints, labelled instruments, RMDQ statements, three opioid rows', () => {
    const html = body(visitPage(ctxAll, patient(), tps, null, null));
    assert.match(visitPage(ctxAll, patient(), tps, null, null), /<title>Enter a follow-up/);
    assert.ok(
      html.startsWith(
        '<h1>Follow-up — RS-7Q2K</h1><p class="note">Leave an instrument blank if it was not administered. Scores are computed on saving.</p>' +
          `<form method="post" action="/registry/patients/7/visits">${CSRF1}<div class="grid">` +
          '<div><label for="timepoint">Timepoint</label><select id="timepoint" name="timepoint"><option value="">—</option>' +
          '<option value="baseline">baseline</option><option value="1m">1m</option><option value="3m">3m</option></select></div>' +
          '<div><label for="visit_date">Visit date</label><input id="visit_date" name="visit_date" type="date" value=""/></div></div>',
      ),
      html.slice(0, 800),
    );
    // Without licensed wording: section labels, a 0–5 choice, and a note on the licence.
    has(
      html,
      '<fieldset><legend>Oswestry Disability Index v2.1a (0 = first statement … 5 = last)</legend><p class="note" role="note">The ODI wording is licensed',
    );
    has(
      html,
      '<div><label for="odi.0">1. Pain intensity</label><select id="odi.0" name="odi.0"><option value="">—</option><option value="0">0</option>' +
        '<option value="1">1</option><option value="2">2</option><option value="3">3</option><option value="4">4</option><option value="5">5</option></select></div>',
    );
    has(html, '<label for="odi.7">8. Sex life (if applicable)</label>');
    has(html, '<label for="odi.9">10. Travelling</label>');
    lacks(html, 'odi.10');
    has(
      html,
      '<fieldset><legend>Pain</legend><div class="grid"><div><label for="nrs">NRS-11 (0 = no pain, 10 = worst possible)</label><select id="nrs" name="nrs"><option value="">—</option><option value="0">0</option>',
    );
    has(html, '<option value="9">9</option><option value="10">10</option></select></div>');
    lacks(html, '<option value="11">');
    has(
      html,
      '<div><label for="vas">VAS (0–100 mm)</label><input id="vas" name="vas" type="number" value="" step="0.1" min="0" max="100"/></div>',
    );
    has(
      html,
      '<fieldset><legend>EQ-5D-3L (1 = no problems, 3 = extreme problems)</legend><p class="note" role="note">The EQ-5D wording is licensed',
    );
    has(
      html,
      '<div><label for="eq5d.MO">Mobility</label><select id="eq5d.MO" name="eq5d.MO"><option value="">—</option><option value="1">1</option><option value="2">2</option><option value="3">3</option></select></div>',
    );
    has(html, '<label for="eq5d.AD">Anxiety / depression</label>');
    has(
      html,
      '<div><label for="eq5d.vas">EQ VAS (0–100)</label><input id="eq5d.vas" name="eq5d.vas" type="number" value="" min="0" max="100"/></div>',
    );
    has(
      html,
      '<fieldset><legend>PROMIS Global Health v1.2 (Global-10) <span class="note">free to use under PROMIS Health Organization terms</span></legend>' +
        '<fieldset class="item"><legend>1. In general, would you say your health is: <span class="note">(Global01)</span></legend>' +
        '<label class="inline"><input type="radio" name="promis.Global01" value="5"/> Excellent</label>',
    );
    // Form order 01–05, 09, 06, 10, 08, 07 (prom-text.ts, the HealthMeasures form).
    has(html, '6. ');
    assert.ok(html.indexOf('(Global09)') < html.indexOf('(Global06)'));
    has(html, '<span class="note">(Global07)</span>');
    has(
      html,
      '<fieldset><legend>Roland-Morris Disability Questionnaire (24 statements)</legend>\n<label class="inline"><input type="checkbox" name="rmdq.administered" value="true"/> administered (tick the statements that apply today)</label>' +
        '<div class="grid"><label class="inline"><input type="checkbox" name="rmdq.0" value="true"/> statement 1</label>',
    );
    has(
      html,
      '<label class="inline"><input type="checkbox" name="rmdq.23" value="true"/> statement 24</label></div></fieldset>',
    );
    lacks(html, 'rmdq.24');
    has(
      html,
      '<fieldset><legend>Opioid medication (MME per day, CDC 2022)</legend><label class="inline"><input type="checkbox" name="no_opioids" id="no_opioids" value="true"/> No opioids at this visit</label>' +
        '<div class="grid"><div><label for="opioids[0].drug">Opioid 1</label><select id="opioids[0].drug" name="opioids[0].drug"><option value="">—</option>',
    );
    has(
      html,
      '<div><label for="opioids[0].dose_mg">Strength per dose (mg)</label><input id="opioids[0].dose_mg" name="opioids[0].dose_mg" type="number" value="" step="any"/></div>',
    );
    has(
      html,
      '<div><label for="opioids[0].doses_per_day">Doses per day</label><input id="opioids[0].doses_per_day" name="opioids[0].doses_per_day" type="number" value="" step="any"/></div>',
    );
    has(
      html,
      '<div><label for="opioids[2].dose_mcg_per_h">Patch (mcg/h)</label><input id="opioids[2].dose_mcg_per_h" name="opioids[2].dose_mcg_per_h" type="number" value="" step="any"/></div>',
    );
    has(html, '<label for="opioids[2].drug">Opioid 3</label>');
    lacks(html, 'opioids[3]');
    has(
      html,
      '<fieldset><legend>Re-intervention (treatment failure) and imaging</legend><div class="grid"><div><label for="reintervention.occurred">Re-intervention since the last visit</label>' +
        '<select id="reintervention.occurred" name="reintervention.occurred"><option value="false">no</option><option value="true">yes</option></select></div>' +
        '<div><label for="reintervention.date">Date</label><input id="reintervention.date" name="reintervention.date" type="date" value=""/></div>' +
        '<div><label for="reintervention.description">What was done</label><input id="reintervention.description" name="reintervention.description" type="text" value=""/></div></div>' +
        '<div><label for="imaging_note">Imaging notes</label><textarea id="imaging_note" name="imaging_note" rows="2" cols="60"></textarea></div></fieldset>',
    );
    assert.ok(html.endsWith('<p><button class="primary" type="submit">Save follow-up</button></p></form>'));
  });

  test('a rejected form keeps every answer: radios and boxes checked, options selected, text escaped', () => {
    const html = body(
      visitPage(
        ctxAll,
        patient(),
        tps,
        {
          timepoint: '3m',
          'odi.2': '4',
          nrs: '10',
          'eq5d.SC': '2',
          'promis.Global03': '2',
          'rmdq.administered': 'true',
          'rmdq.5': 'true',
          no_opioids: 'true',
          'opioids[1].drug': 'morphine',
          'opioids[1].dose_mg': '15',
          'reintervention.occurred': 'true',
          imaging_note: EVIL,
        },
        { error: 'out of range', field: 'proms.ODI' },
      ),
    );
    has(
      html,
      '<h1>Follow-up — RS-7Q2K</h1><div class="error" role="alert"><strong>Not saved.</strong> proms.ODI: out of range</div>',
    );
    has(html, '<option value="3m" selected="">3m</option>');
    has(
      html,
      '<select id="odi.2" name="odi.2"><option value="">—</option><option value="0">0</option><option value="1">1</option><option value="2">2</option><option value="3">3</option><option value="4" selected="">4</option>',
    );
    has(html, '<option value="10" selected="">10</option>');
    has(
      html,
      '<select id="eq5d.SC" name="eq5d.SC"><option value="">—</option><option value="1">1</option><option value="2" selected="">2</option>',
    );
    has(html, '<input type="radio" name="promis.Global03" value="2" checked=""/> Fair');
    has(html, '<input type="radio" name="promis.Global03" value="3"/> Good');
    has(html, '<input type="checkbox" name="rmdq.administered" value="true" checked=""/>');
    has(html, '<input type="checkbox" name="rmdq.5" value="true" checked=""/> statement 6');
    has(html, '<input type="checkbox" name="rmdq.4" value="true"/> statement 5');
    has(html, '<input type="checkbox" name="no_opioids" id="no_opioids" value="true" checked=""/>');
    has(html, '<option value="morphine" selected="">morphine</option>');
    has(html, 'name="opioids[1].dose_mg" type="number" value="15" step="any"/>');
    has(html, '<option value="false">no</option><option value="true" selected="">yes</option>');
    has(html, `<textarea id="imaging_note" name="imaging_note" rows="2" cols="60">${EVIL_HTML}</textarea>`);
  });

  test('a correction: the edit action, version and reason, the note on opioids, its own button', () => {
    const edit = { action: '/registry/visits/21/edit', version: 2 };
    const html = body(visitPage(ctxAll, patient(), tps, null, null, { edit }));
    assert.match(visitPage(ctxAll, patient(), tps, null, null, { edit }), /<title>Correct a follow-up/);
    assert.ok(
      html.startsWith(
        '<h1>Correct the follow-up — RS-7Q2K</h1><p class="note">Leave an instrument blank if it was not administered. Scores are computed on saving. ' +
          'Opioids are shown as the total daily amount stored (one dose a day).</p>' +
          `<form method="post" action="/registry/visits/21/edit">${CSRF1}<input type="hidden" name="_version" value="2"/>`,
      ),
      html.slice(0, 500),
    );
    assert.ok(html.endsWith('<button class="primary" type="submit">Save the correction</button></p></form>'));
  });

  test('licensed wording, when the clinic supplies it: ODI statements and EQ-5D levels as labelled radios', () => {
    const text: LicensedPromText = {
      licence: `Licence ${EVIL}`,
      ODI: {
        version: 'v2.1a',
        sections: Array.from({ length: 10 }, (_, i) => ({
          title: `Section ${i}`,
          statements: Array.from({ length: 6 }, (_, k) => `S${i}.${k}`),
        })),
      },
      EQ5D3L: {
        version: 'UK English',
        dimensions: {
          MO: ['m1', 'm2', 'm3'],
          SC: ['s1', 's2', 's3'],
          UA: ['u1', 'u2', 'u3'],
          PD: ['p1', 'p2', 'p3'],
          AD: ['a1', 'a2', 'a3'],
        },
        vas: 'Your health today (0–100)',
      },
    };
    const html = body(visitPage(ctxAll, patient(), tps, { 'odi.1': '3', 'eq5d.PD': '2' }, null, { promText: text }));
    has(
      html,
      `<fieldset><legend>Oswestry Disability Index (v2.1a) <span class="note">wording licensed to this clinic: Licence ${EVIL_HTML}</span></legend>` +
        '<fieldset class="item"><legend>1. Section 0</legend><div><label class="inline"><input type="radio" name="odi.0" value="0"/> S0.0</label></div>',
    );
    has(html, '<div><label class="inline"><input type="radio" name="odi.1" value="3" checked=""/> S1.3</label></div>');
    has(html, '<div><label class="inline"><input type="radio" name="odi.1" value="2"/> S1.2</label></div>');
    has(html, '<legend>10. Section 9</legend>');
    lacks(html, 'The ODI wording is licensed');
    has(
      html,
      `<fieldset><legend>EQ-5D-3L (UK English) <span class="note">wording licensed to this clinic: Licence ${EVIL_HTML}</span></legend><div class="grid">` +
        '<fieldset class="item"><legend>Mobility</legend><div><label class="inline"><input type="radio" name="eq5d.MO" value="1"/> m1</label></div>',
    );
    has(html, '<div><label class="inline"><input type="radio" name="eq5d.PD" value="2" checked=""/> p2</label></div>');
    has(html, '<div><label class="inline"><input type="radio" name="eq5d.AD" value="3"/> a3</label></div></fieldset>');
    lacks(html, 'The EQ-5D wording is licensed');
    has(html, '<label for="eq5d.vas">Your health today (0–100)</label>');
    // Wording without a VAS instruction keeps the default label.
    const noVas = { ...text, EQ5D3L: { ...text.EQ5D3L!, vas: undefined } } as LicensedPromText;
    has(
      body(visitPage(ctxAll, patient(), tps, null, null, { promText: noVas })),
      '<label for="eq5d.vas">EQ VAS (0–100)</label>',
    );
  });
});

describe('adverse-event form', () => {
  test("labelled fields, CTCAE grades with their names, the patient's procedures, ICH E2A criteria", () => {
    const procs = [{ id: 11, procedure_date: '2025-01-10', therapy: 'PRP' }] as never[];
    const html = body(
      adverseEventPage(
        ctxAll,
        patient(),
        procs,
        { grade: '3', seriousness_criteria: ['death'], action: 'medication' },
        null,
      ),
    );
    assert.ok(
      html.startsWith(
        `<h1>Report an adverse event — RS-7Q2K</h1><form method="post" action="/registry/patients/7/adverse-events">${CSRF1}<div class="grid">` +
          '<div><label for="term">Event term (CTCAE / MedDRA)</label><input id="term" name="term" type="text" value=""/></div>' +
          '<div><label for="onset_date">Onset date</label><input id="onset_date" name="onset_date" type="date" value=""/></div>' +
          '<div><label for="grade">CTCAE v5.0 grade</label><select id="grade" name="grade"><option value="">—</option><option value="1">1 — Mild</option>' +
          '<option value="2">2 — Moderate</option><option value="3" selected="">3 — Severe or medically significant',
      ),
      html.slice(0, 900),
    );
    has(html, '<option value="5">5 — Death</option></select></div>');
    has(
      html,
      '<div><label for="procedure_id">Procedure</label><select id="procedure_id" name="procedure_id"><option value="">—</option><option value="11">2025-01-10 PRP</option></select></div>',
    );
    has(
      html,
      '<label for="attribution_procedure">Related to the procedure</label><select id="attribution_procedure" name="attribution_procedure"><option value="">—</option><option value="unrelated">unrelated</option>',
    );
    has(html, '<label for="attribution_product">Related to the product</label>');
    // Action taken has no blank choice ("none" is an answer).
    has(
      html,
      '<label for="action">Action taken</label><select id="action" name="action"><option value="none">none</option><option value="medication" selected="">medication</option>',
    );
    has(
      html,
      '<label for="outcome">Outcome</label><select id="outcome" name="outcome"><option value="">—</option><option value="resolved">resolved</option>',
    );
    has(
      html,
      '<div><label for="resolution_date">Resolution date</label><input id="resolution_date" name="resolution_date" type="date" value=""/></div></div>',
    );
    has(
      html,
      '<fieldset><legend>Seriousness criteria (ICH E2A) — any ticked makes the event serious</legend><label class="inline"><input type="checkbox" name="seriousness_criteria" value="death" checked=""/> death</label>' +
        '<label class="inline"><input type="checkbox" name="seriousness_criteria" value="life-threatening"/> life-threatening</label>',
    );
    assert.ok(html.endsWith('<p><button class="primary" type="submit">Report</button></p></form>'));
    assert.match(adverseEventPage(ctxAll, patient(), [], null, null), /<title>Report an adverse event/);
    has(
      body(adverseEventPage(ctxAll, patient(), [], null, { error: 'required', field: 'term' })),
      '— RS-7Q2K</h1><div class="error" role="alert"><strong>Not saved.</strong> term: required</div><form',
    );
  });
});

describe('consent correction form', () => {
  const consent = {
    id: 3,
    patient_id: 7,
    version: 2,
    scope: 'research',
    form_version: 'v2',
    consent_date: '2025-01-05',
    obtained_by: EVIL,
  };

  test('prefilled from the stored consent, with version, reason, and a way back', () => {
    const html = body(consentEditPage(ctxAll, patient(), consent, null, null));
    assert.equal(
      html,
      '<h1>Correct the consent — RS-7Q2K</h1><p class="note">For a mistyped entry. A patient who takes consent back: use &quot;Withdraw&quot; on the patient page instead.</p>' +
        `<form method="post" action="/registry/consents/3/edit">${CSRF1}<input type="hidden" name="_version" value="2"/>` +
        '<div class="grid"><div><label for="_reason">Reason for the correction (kept in the audit trail)</label><input id="_reason" name="_reason" type="text" value="" required="" minlength="3"/></div></div>' +
        '<div class="grid"><div><label for="scope">Scope</label><select id="scope" name="scope"><option value="registry">registry participation (data collection and follow-up)</option>' +
        '<option value="research" selected="">research use of the data (de-identified export)</option><option value="care">care (consent to the treatment)</option></select></div>' +
        '<div><label for="form_version">Consent form version</label><input id="form_version" name="form_version" type="text" value="v2"/></div>' +
        '<div><label for="consent_date">Date</label><input id="consent_date" name="consent_date" type="date" value="2025-01-05"/></div>' +
        `<div><label for="obtained_by">Obtained by</label><input id="obtained_by" name="obtained_by" type="text" value="${EVIL_HTML}"/></div></div>` +
        '<p><button class="primary" type="submit">Save the correction</button> <a href="/registry/patients/7">Cancel</a></p></form>',
    );
    assert.match(consentEditPage(ctxAll, patient(), consent, null, null), /<title>Correct a consent/);
  });

  test('a rejected correction shows what was typed and the error', () => {
    const html = body(
      consentEditPage(
        ctxAll,
        patient(),
        consent,
        { scope: 'care', form_version: 'v3', _reason: 'typo' },
        { error: 'too short', field: 'reason' },
      ),
    );
    has(
      html,
      '</h1><div class="error" role="alert"><strong>Not saved.</strong> reason: too short</div><p class="note">',
    );
    has(html, '<option value="care" selected="">care (consent to the treatment)</option>');
    has(html, 'name="_reason" type="text" value="typo"');
    has(html, 'name="form_version" type="text" value="v3"');
    has(html, 'name="consent_date" type="date" value=""');
  });
});

describe('audit history page', () => {
  const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
    id: 1,
    at: new Date('2025-02-03T04:05:06.789Z'),
    user_id: 5,
    user_email: 'ann@clinic.example',
    user_role: 'clinician',
    via: 'web',
    entity: 'patient',
    entity_id: '7',
    action: 'update',
    old_values: { bmi: 27.5, targets: [{ level: 'L4-L5' }] },
    new_values: { bmi: EVIL, note: null },
    reason: `typo ${EVIL}`,
    ...over,
  });

  test('who, when (UTC ISO), via, record, old → new, reason; values escaped', () => {
    const html = body(auditPage(ctxAll, 'RS-7Q2K', 7, [entry()]));
    assert.equal(
      html,
      '<h1>Audit history — RS-7Q2K</h1><p><a href="/registry/patients/7">Back to the patient</a></p><table><thead><tr><th>When (UTC)</th><th>Who</th><th>Via</th>' +
        '<th>Record</th><th>Action</th><th>Old</th><th>New</th><th>Reason</th></tr></thead><tbody>' +
        '<tr><td>2025-02-03T04:05:06.789Z</td><td>ann@clinic.example (clinician)</td><td>web</td><td>patient 7</td><td>update</td>' +
        '<td><div><code>bmi</code>: 27.5</div><div><code>targets</code>: [{&quot;level&quot;:&quot;L4-L5&quot;}]</div></td>' +
        `<td><div><code>bmi</code>: ${EVIL_HTML}</div><div><code>note</code>: null</div></td><td>typo ${EVIL_HTML}</td></tr></tbody></table>`,
    );
    assert.match(auditPage(ctxAll, 'RS-7Q2K', 7, []), /<title>Audit RS-7Q2K/);
  });

  test('a creation shows no old values and "record created"; a deletion no new values', () => {
    const html = body(
      auditPage(ctxAll, 'R', 7, [
        entry({ action: 'create', old_values: { a: 1 }, new_values: { b: 2 } }),
        entry({ action: 'delete', old_values: { a: 1 }, new_values: { b: 2 } }),
      ]),
    );
    has(html, '<td>create</td><td></td><td><span class="note">record created</span></td>');
    has(html, '<td>delete</td><td><div><code>a</code>: 1</div></td><td></td>');
    lacks(html, '<code>b</code>');
  });

  test('the author: e-mail, else "user n", else "system"; no role, via or reason left blank', () => {
    const html = body(
      auditPage(ctxAll, 'R', 7, [
        entry({ user_email: null, user_role: null, via: null, reason: null, old_values: null, new_values: null }),
        entry({ user_email: null, user_id: null, user_role: 'system' }),
      ]),
    );
    has(html, '<td>user 5 </td><td></td><td>patient 7</td><td>update</td><td></td><td></td><td></td></tr>');
    has(html, '<td>system (system)</td><td>web</td>');
  });
});
