// The registry views as components (issue 12 item 4): what a user may do reaches them as can(…) answers,
// and JSX escapes every value. The views are called directly with hand-written view models (the admin pages,
// which read the store themselves, through app.request); the expected
// offers and escapes come from the requirement (no write control without records:write; text a user typed
// never becomes markup), not from the code under test.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Hono } from 'hono';
import { lowerScryptCostForTests } from '../../src/registry/auth.ts';
import { PERMISSIONS, type Permission } from '../../src/registry/policy.ts';
import type { AuditEntry, FollowUpReport, PatientDetail, PatientRow } from '../../src/store/registry.ts';
import { CLI_ACTOR, createApiToken, createSite, createUser } from '../../src/store/registry-accounts.ts';
import { prismaPage, recordsPage } from '../../src/web/literature-view.tsx';
import { linksPage, patientFormPage, refusalPage } from '../../src/web/registry/epro-view.tsx';
import { mountRegistry } from '../../src/web/registry/index.ts';
import type { Permissions } from '../../src/web/registry/middleware.ts';
import * as V from '../../src/web/registry/views.tsx';
import { pgliteWorld } from './fixtures.ts';

// Each sign-in here verifies a password, and scrypt's cost is not what these tests test (that is
// test/registry/scrypt-cost.test.ts): hash at N = 2^12, as src/registry/auth.ts lowerScryptCostForTests allows.
lowerScryptCostForTests(2 ** 12);

const EVIL = `<script>alert("x")</script>'"&`;
/** EVIL as it must appear in HTML text or an attribute value. */
const EVIL_ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&quot;&amp;';

const perms = (granted: Permission[]): Permissions =>
  Object.fromEntries(PERMISSIONS.map((p) => [p, granted.includes(p)])) as Record<Permission, boolean>;
const ctxWith = (granted: Permission[], email = 'user@a.example.org'): V.ViewCtx => ({
  email,
  role: 'clinician',
  csrf: 'csrf-token-1',
  can: perms(granted),
});

const patientRow = (over: Partial<PatientRow> = {}): PatientRow => ({
  id: 7,
  site_id: 1,
  registry_id: 'RS-A-0007',
  year_of_birth: 1968,
  sex: 'female',
  bmi: 26.1,
  smoking: 'former',
  pain_duration_months: 30,
  prior_treatments: [],
  pain_generators: ['disc'],
  pain_generator_group: 'discogenic',
  baseline_opioid_use: true,
  eligibility: { eligible: true, reasons: [], answers: {}, config_version: 'registry-2025.1' },
  eligible: true,
  index_procedure_id: 3,
  index_procedure_date: '2025-01-10',
  status: 'active',
  status_date: null,
  status_reason: null,
  version: 1,
  created_at: new Date('2025-01-02T00:00:00Z'),
  ...over,
});

const detail = (text = 'plain'): PatientDetail => ({
  patient: patientRow({ registry_id: text === 'plain' ? 'RS-A-0007' : text, status_reason: text }),
  consents: [
    {
      id: 11,
      scope: 'registry',
      form_version: text,
      consent_date: '2025-01-02',
      obtained_by: text,
      withdrawn_date: null,
      withdrawal_reason: null,
      version: 1,
    },
  ],
  procedures: [
    {
      id: 3,
      procedure_date: '2025-01-10',
      operator: text,
      therapy: 'PRP',
      product: {},
      characterization: {
        fold: 5,
        paw: { value: null, reason: text },
        dohan_ehrenfest: { value: 'P-PRP', reason: null },
      },
      product_warnings: [text],
      product_config_version: 'products-1',
      targets: [{ structure: text, level: 'L4-L5' }],
      image_guidance: 'fluoroscopy',
      injectate_volume_ml: 3,
      adjuncts: null,
      version: 1,
    },
  ],
  visits: [
    {
      id: 21,
      timepoint: 'baseline',
      visit_date: '2025-01-05',
      target_date: null,
      in_window: null,
      opioids: null,
      mme_per_day: null,
      reintervention: null,
      imaging_note: text,
      version: 1,
      proms: [{ id: 1, visit_id: 21, instrument: text, score: 12 }],
    },
  ],
  adverse_events: [
    {
      id: 31,
      procedure_id: 3,
      term: text,
      onset_date: '2025-01-25',
      grade: 3,
      seriousness_criteria: [text],
      serious: true,
      attribution_procedure: text,
      attribution_product: 'possible',
      outcome: null,
      acknowledged_at: null,
      version: 1,
    },
  ],
});

const report = (text: string): FollowUpReport => ({
  site_id: 1,
  today: '2025-04-15',
  config_version: text,
  counts: {},
  due: [],
  overdue: [
    {
      patient_id: 7,
      registry_id: text,
      timepoint: '3m',
      target: '2025-04-10',
      window_open: '2025-03-27',
      window_close: '2025-05-08',
    } as FollowUpReport['overdue'][number],
  ],
  missed: [],
});

const seriousRow = (text: string) => ({
  id: 31,
  patient_id: 7,
  registry_id: text,
  site_id: 1,
  term: text,
  onset_date: '2025-01-25',
  grade: 3,
  seriousness_criteria: [text],
  created_at: new Date(),
  version: 1,
});

const WRITE_CONTROLS = [
  'Enrol a patient',
  'Enrol the first one',
  'href="/registry/patients/7/procedures/new"',
  'href="/registry/patients/7/visits/new"',
  'href="/registry/patients/7/adverse-events/new"',
  'href="/registry/patients/new"',
  '>Correct</a>',
  'action="/registry/patients/7/consents"',
  'action="/registry/patients/7/status"',
  '/withdraw"',
  '>Acknowledge</button>',
  'href="/registry/admin"',
];

describe('views given can(…) = false offer no write controls', () => {
  const readOnly = ctxWith(['records:read', 'audit:read']);
  const empty = { patients: [], next_before: null };
  const search = { q: '', status: '', reportAt: null };
  test('dashboard (no patients yet, a serious event, a report): no Enrol link, no Acknowledge button', () => {
    const html = V.dashboardPage(readOnly, [], 1, report('r'), [seriousRow('Discitis')], empty, search);
    for (const c of WRITE_CONTROLS) assert.ok(!html.includes(c), `dashboard shows ${c}`);
    assert.match(html, /a clinician acknowledges/);
    assert.match(html, /No patients yet\./);
  });
  test('patient page: no procedure / visit / adverse-event / consent / status / correction controls', () => {
    const html = V.patientPage(readOnly, detail());
    for (const c of WRITE_CONTROLS) assert.ok(!html.includes(c), `patient page shows ${c}`);
    assert.match(html, /<h1>Patient RS-A-0007<\/h1>/);
  });
  test('the same views with records:write, ae:acknowledge and users:manage offer them', () => {
    const all = ctxWith(['records:read', 'records:write', 'ae:acknowledge', 'users:manage', 'audit:read']);
    const dash = V.dashboardPage(all, [], 1, report('r'), [seriousRow('Discitis')], empty, search);
    for (const c of ['Enrol a patient', 'Enrol the first one', '>Acknowledge</button>', 'href="/registry/admin"'])
      assert.ok(dash.includes(c), `dashboard lacks ${c}`);
    const page = V.patientPage(all, detail());
    for (const c of WRITE_CONTROLS.slice(2, 10)) assert.ok(page.includes(c), `patient page lacks ${c}`);
  });
});

describe('user-supplied text is escaped in every converted view', () => {
  const ctx = ctxWith(['records:read', 'records:write', 'ae:acknowledge', 'users:manage', 'audit:read'], EVIL);
  const form = (names: string[]) => Object.fromEntries(names.map((n) => [n, EVIL]));
  const err = { error: EVIL, field: EVIL };
  const cases: [string, () => string][] = [
    ['login', () => V.loginPage(EVIL, EVIL)],
    [
      'dashboard',
      () =>
        V.dashboardPage(
          ctx,
          [
            { id: 1, code: EVIL, name: EVIL },
            { id: 2, code: 'B', name: 'B' },
          ] as never,
          1,
          report(EVIL),
          [seriousRow(EVIL)],
          { patients: [patientRow({ registry_id: EVIL })], next_before: 5 },
          { q: EVIL, status: EVIL, reportAt: null },
        ),
    ],
    [
      'enrol',
      () =>
        V.enrolPage(
          ctx,
          [{ id: 1, code: EVIL, name: EVIL }] as never,
          [{ id: 'x', kind: 'inclusion', label: EVIL }] as never,
          form(['bmi', 'year_of_birth']),
          err,
        ),
    ],
    [
      'patient',
      () => V.patientPage(ctx, detail(EVIL), { notice: EVIL, error: err, consentForm: form(['obtained_by']) }),
    ],
    [
      'procedure',
      () =>
        V.procedurePage(
          ctx,
          patientRow({ registry_id: EVIL }),
          form(['operator', 'prp.preparation.device']),
          err,
          {
            action: '/registry/procedures/3/edit',
            version: 1,
          },
          EVIL,
        ),
    ],
    [
      'visit',
      () => V.visitPage(ctx, patientRow({ registry_id: EVIL }), ['1m'], form(['imaging_note', 'vas', '_reason']), err),
    ],
    [
      'adverse event',
      () => V.adverseEventPage(ctx, patientRow({ registry_id: EVIL }), detail(EVIL).procedures, form(['term']), err),
    ],
    [
      'consent correction',
      () =>
        V.consentEditPage(
          ctx,
          patientRow({ registry_id: EVIL }),
          {
            id: 11,
            patient_id: 7,
            version: 1,
            scope: 'registry',
            form_version: EVIL,
            consent_date: EVIL,
            obtained_by: EVIL,
          },
          null,
          err,
        ),
    ],
    [
      'audit',
      () =>
        V.auditPage(ctx, EVIL, 7, [
          {
            id: 1,
            at: new Date('2025-01-02T00:00:00Z'),
            user_id: 1,
            user_email: EVIL,
            user_role: EVIL,
            via: EVIL,
            entity: EVIL,
            entity_id: EVIL,
            action: 'update',
            old_values: { [EVIL]: EVIL },
            new_values: { note: { nested: EVIL } },
            reason: EVIL,
          } satisfies AuditEntry,
        ]),
    ],
    ['message', () => V.messagePage(ctx, EVIL, EVIL, EVIL)],
    [
      'ePRO questionnaire',
      () =>
        patientFormPage(
          EVIL,
          { timepoint: EVIL, site_name: EVIL, expires_at: new Date('2025-05-01T00:00:00Z') },
          null,
          { nrs: EVIL, 'eq5d.vas': EVIL, 'opioids[0].dose_mg': EVIL },
          EVIL,
        ),
    ],
    ['ePRO refusal', () => refusalPage(EVIL)],
    [
      'ePRO links',
      () =>
        linksPage(
          ctx,
          { kind: 'issued', url: EVIL, queued: true },
          72,
          [
            {
              patient_id: 7,
              registry_id: EVIL,
              timepoint: EVIL,
              target: EVIL,
              window_open: EVIL,
              window_close: EVIL,
              status: 'due',
            },
          ],
          [
            {
              id: 1,
              patient_id: 7,
              registry_id: EVIL,
              timepoint: EVIL,
              created_at: new Date(),
              expires_at: new Date(),
              state: 'open' as never,
              reminders: 0,
              messages_pending: 0,
            },
          ],
        ),
    ],
    [
      'literature records',
      () =>
        recordsPage(
          { search: EVIL, format: EVIL, screening: EVIL, duplicates: undefined },
          {
            total: 120,
            records: [
              {
                id: 1,
                ids: { pmid: EVIL, doi: EVIL, nct: [EVIL] },
                title: EVIL,
                year: 2020,
                authors: [EVIL],
                journal: EVIL,
                volume: null,
                issue: null,
                pages: null,
                abstract: null,
                publication_types: [],
                mesh: [],
                format: 'ris',
                source: EVIL,
                duplicate_of: 2,
                duplicate_reason: EVIL,
                screening_status: 'excluded',
                exclusion_reason: EVIL,
                deleted_in_source: false,
                status: EVIL,
                phase: null,
                enrollment: { count: 10, type: EVIL },
                imports: [],
                linked_studies: [EVIL],
                linked_publications: [],
              } as never,
            ],
          },
          2,
          50,
        ),
    ],
    ['literature PRISMA', () => prismaPage({ identified: { total: EVIL } } as never)],
  ];
  for (const [name, render] of cases) {
    test(name, () => {
      const html = render();
      assert.doesNotMatch(html, /<script/i, `${name}: a <script> element`);
      assert.ok(html.includes(EVIL_ESCAPED) || html.includes(EVIL_ESCAPED.replaceAll('&quot;', '\\&quot;')), name);
      // No attribute was broken out of: every quote of EVIL arrives as an entity.
      assert.doesNotMatch(html, /alert\("x"\)/, `${name}: unescaped quotes`);
    });
  }
});

describe('the administration pages (admin.tsx) escape what users typed, driven through app.request', () => {
  const world = pgliteWorld();
  const PASSWORD = 'correct horse battery';
  let app: Hono;
  let sid = '';
  before(async () => {
    app = new Hono();
    mountRegistry(app, world.db, { today: () => '2025-04-15' });
    await createSite(world.db, CLI_ACTOR, { code: 'EVIL-1', name: EVIL });
    await createUser(world.db, CLI_ACTOR, {
      email: 'admin-views@a.example.org',
      role: 'admin',
      siteIds: [world.w.sites.A],
      password: PASSWORD,
    });
    await createApiToken(world.db, CLI_ACTOR, 'admin-views@a.example.org', { label: EVIL, scopes: ['read'] });
    const form = await app.request('/registry/login');
    const token = /name="_login" value="([^"]+)"/.exec(await form.text())![1]!;
    const login = /rs_login=([^;]+)/.exec(form.headers.get('set-cookie') ?? '')![1]!;
    const res = await app.request('/registry/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `rs_login=${login}` },
      body: new URLSearchParams({ _login: token, email: 'admin-views@a.example.org', password: PASSWORD }).toString(),
    });
    assert.equal(res.status, 303);
    sid = /rs_session=([^;]+)/.exec(res.headers.getSetCookie().join('; '))![1]!;
    // A failed sign-in with the evil text as the e-mail: the security log records what was typed.
    const again = await app.request('/registry/login');
    const t2 = /name="_login" value="([^"]+)"/.exec(await again.text())![1]!;
    const l2 = /rs_login=([^;]+)/.exec(again.headers.get('set-cookie') ?? '')![1]!;
    await app.request('/registry/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `rs_login=${l2}` },
      body: new URLSearchParams({ _login: t2, email: EVIL, password: 'wrong' }).toString(),
    });
  });
  for (const path of [
    '/registry/admin',
    '/registry/admin/tokens?email=admin-views@a.example.org',
    '/registry/admin/security',
  ])
    test(path, async () => {
      const res = await app.request(path, { headers: { cookie: `rs_session=${sid}` } });
      assert.equal(res.status, 200);
      const html = await res.text();
      assert.doesNotMatch(html, /<script/i);
      assert.doesNotMatch(html, /alert\("x"\)/);
      assert.ok(html.includes(EVIL_ESCAPED) || html.includes('&lt;script&gt;alert(\\&quot;x\\&quot;)'), path);
    });
});
