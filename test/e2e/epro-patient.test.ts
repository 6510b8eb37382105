// The patient's questionnaire on a phone (issue 13 §3), in real Chromium at 375 × 812 CSS px with
// JavaScript switched off: the link opens the form (a clinic's licensed ODI / EQ-5D wording shown, here a
// placeholder file), the page is no wider than the screen, the patient answers by tapping and sends it, and
// the visit is stored and scored. Accessibility checked with axe-core (WCAG 2.1 A/AA) on the same page.
// Screenshots in test-artifacts/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { type Db, openDb } from '../../src/store/db.ts';
import { issueEproLink } from '../../src/store/epro.ts';
import { migrate } from '../../src/store/migrate.ts';
import * as R from '../../src/store/registry.ts';
import {
  actorFromToken,
  CLI_ACTOR,
  createApiToken,
  createSite,
  createUser,
} from '../../src/store/registry-accounts.ts';
import { mountEpro } from '../../src/web/registry/epro.ts';
import { mountRegistry } from '../../src/web/registry/index.ts';
import { createApp, staticEvidence } from '../../src/web/server.ts';
import { ARTIFACTS, axeViolations, launchBrowser } from '../helpers/browser.ts';
import { listen } from '../helpers/server.ts';
import { enrolInput, prpProcedure } from '../registry/fixtures.ts';

const WIDTH = 375;
/** A made-up licensed-text file (the format a clinic fills with its licensed wording; not the real text). */
const FAKE_LICENSED = {
  licence: 'Test licence no. 0000 (placeholder text, not the instrument)',
  ODI: {
    version: 'ODI v2.1a (test placeholder)',
    sections: Array.from({ length: 10 }, (_, i) => ({
      title: `Section ${i + 1} placeholder`,
      statements: Array.from({ length: 6 }, (_, k) => `Placeholder statement ${i + 1}.${k}`),
    })),
  },
  EQ5D3L: {
    version: 'EQ-5D-3L (test placeholder)',
    dimensions: Object.fromEntries(
      ['MO', 'SC', 'UA', 'PD', 'AD'].map((d) => [d, [1, 2, 3].map((l) => `${d} placeholder level ${l}`)]),
    ),
    vas: 'Placeholder: your health today, 0 to 100',
  },
};

let db: Db;
let browser: Browser;
let server: { url: string; close(): Promise<void> };
let actor: Awaited<ReturnType<typeof actorFromToken>>;
let patientId = 0;

before(async () => {
  db = await openDb({ memory: true, migrated: true });
  await migrate(db);
  const site = await createSite(db, CLI_ACTOR, { code: 'E2E-13', name: 'Spine Clinic West' });
  await createUser(db, CLI_ACTOR, { email: 'coord@e2e13.example.org', role: 'coordinator', siteIds: [site.id] });
  actor = await actorFromToken(
    db,
    await createApiToken(db, CLI_ACTOR, 'coord@e2e13.example.org', { label: 'setup', scopes: ['read', 'write'] }),
  );
  const p = await R.enrolPatient(db, actor!, enrolInput(site.id));
  await R.recordConsent(db, actor!, p.id, { form_version: 'v2', consent_date: '2025-01-02', obtained_by: 'c' });
  await R.recordProcedure(db, actor!, p.id, prpProcedure());
  patientId = p.id;
  const app = createApp(staticEvidence([]));
  mountRegistry(app, db, { promText: FAKE_LICENSED as never });
  mountEpro(app, db, { promText: FAKE_LICENSED as never });
  server = await listen(app);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await db?.close();
});

test(`a patient completes the questionnaire on a ${WIDTH} px phone without JavaScript`, async () => {
  const link = await issueEproLink(db, actor!, { patient_id: patientId, timepoint: '3m' }, { baseUrl: server.url });
  const ctx = await browser.newContext({ viewport: { width: WIDTH, height: 812 }, javaScriptEnabled: false });
  const page = await ctx.newPage();
  try {
    const res = await page.goto(link.url);
    assert.equal(res?.status(), 200);
    assert.equal(await page.locator('h1').textContent(), 'Your questionnaire');
    const m = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: window.innerWidth }));
    assert.ok(m.doc <= m.view, `page ${m.doc} px wide on a ${m.view} px screen`);
    await page.screenshot({ path: join(ARTIFACTS, 'epro-patient-form-375.png'), fullPage: true });

    for (let i = 0; i < 10; i++) await page.getByLabel(`Placeholder statement ${i + 1}.1`, { exact: true }).check();
    await page.locator('input[name="nrs"][value="4"]').check();
    for (const d of ['MO', 'SC', 'UA', 'PD', 'AD']) await page.getByLabel(`${d} placeholder level 2`).check();
    await page.getByLabel('Placeholder: your health today, 0 to 100').fill('65');
    const answers: Record<string, string> = {
      Global01: '3',
      Global02: '3',
      Global03: '3',
      Global04: '4',
      Global05: '4',
      Global06: '4',
      Global07: '3',
      Global08: '4',
      Global09: '3',
      Global10: '3',
    };
    for (const [k, v] of Object.entries(answers)) await page.locator(`input[name="promis.${k}"][value="${v}"]`).check();
    await page.getByLabel('No', { exact: true }).check();
    await page.getByRole('button', { name: 'Send my answers' }).click();
    await page.waitForLoadState();
    assert.equal(await page.locator('h1').textContent(), 'Thank you');
    await page.screenshot({ path: join(ARTIFACTS, 'epro-patient-thanks-375.png'), fullPage: true });
  } finally {
    await ctx.close();
  }
  const scores = await db.query<{ instrument: string; score: number }>(
    "SELECT ps.instrument, ps.score FROM prom_score ps JOIN followup_visit v ON v.id = ps.visit_id WHERE v.patient_id = $1 AND v.timepoint = '3m' ORDER BY ps.instrument",
    [patientId],
  );
  const byInstrument = Object.fromEntries(scores.rows.map((r) => [r.instrument, r.score]));
  assert.deepEqual(Object.keys(byInstrument).sort(), ['EQ5D3L', 'NRS', 'ODI', 'PROMIS10']);
  assert.equal(byInstrument.ODI, 20); // ten sections at statement 1: 10 / 50 × 100 (docs/reference/instruments.md, ODI scoring: total / 50 × 100)
  assert.equal(byInstrument.PROMIS10, 47.7); // the PACIO worked example's answers: GPH T 47.7
});

test('the form passes axe-core WCAG 2.1 A/AA checks', async () => {
  const link = await issueEproLink(db, actor!, { patient_id: patientId, timepoint: '6m' }, { baseUrl: server.url });
  // axe-core is injected as a script: the page's CSP (no scripts at all) is bypassed for the check only.
  const page = await browser.newPage({ viewport: { width: WIDTH, height: 812 }, bypassCSP: true });
  try {
    await page.goto(link.url);
    const v = await axeViolations(page);
    assert.deepEqual(
      v.filter((x) => x.impact === 'serious' || x.impact === 'critical'),
      [],
    );
  } finally {
    await page.close();
  }
});
