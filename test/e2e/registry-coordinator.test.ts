// End to end in real Chromium, without JavaScript: a coordinator signs in, enrols a patient, records
// consent and a PRP procedure, enters baseline PROMs, reports a serious adverse event, and sees it and the
// overdue follow-up on the dashboard; the audit history shows the work. Screenshots in test-artifacts/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { lowerScryptCostForTests } from '../../src/registry/auth.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { CLI_ACTOR, createSite, createUser } from '../../src/store/registry-accounts.ts';
import { mountRegistry } from '../../src/web/registry/index.ts';
import { createApp, staticEvidence } from '../../src/web/server.ts';
import { ARTIFACTS, launchBrowser } from '../helpers/browser.ts';
import { listen } from '../helpers/server.ts';

// Each sign-in here verifies a password, and scrypt's cost is not what these tests test (that is
// test/registry/scrypt-cost.test.ts): hash at N = 2^12, as src/registry/auth.ts lowerScryptCostForTests allows.
lowerScryptCostForTests(2 ** 12);

const PASSWORD = 'coordinator-pass-1';
let db: Db;
let browser: Browser;
let server: { url: string; close(): Promise<void> };

before(async () => {
  db = await openDb({ memory: true, migrated: true });
  await migrate(db);
  const site = await createSite(db, CLI_ACTOR, { code: 'E2E-1', name: 'Spine Clinic East' });
  await createUser(db, CLI_ACTOR, {
    email: 'coordinator@e2e.example.org',
    role: 'coordinator',
    siteIds: [site.id],
    password: PASSWORD,
  });
  const app = createApp(staticEvidence([]));
  mountRegistry(app, db, { today: () => '2025-04-15' });
  server = await listen(app);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await db?.close();
});

/** Submits and waits for the redirect; on a re-rendered form, fails with the form's error message. */
async function submit(page: Page, button: string, url: RegExp) {
  const before = page.url();
  await page.click(button);
  await page.waitForURL((u) => u.href !== before, { timeout: 10_000 });
  if (!url.test(page.url())) {
    const error = await page.locator('.error').allInnerTexts();
    assert.fail(`expected ${url} after submitting, got ${page.url()}: ${error.join(' | ')}`);
  }
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, `registry-${name}.png`), fullPage: true });

test('a coordinator does a day of registry work with forms only (JavaScript disabled)', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/registry`);
  await page.waitForURL(/\/registry\/login$/);
  await page.fill('#email', 'coordinator@e2e.example.org');
  await page.fill('#password', 'wrong-password');
  await page.click('button[type=submit]');
  assert.match(await page.locator('.error').innerText(), /wrong/);
  await page.fill('#email', 'coordinator@e2e.example.org');
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/registry$/);
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'rs_session')!;
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Lax');

  // Enrol: first a mistake (a required checklist answer missing), then the fix; typed values survive.
  await page.click('a[href="/registry/patients/new"]');
  await page.fill('#year_of_birth', '1966');
  await page.selectOption('#sex', 'female');
  await page.fill('#bmi', '27.4');
  await page.selectOption('#smoking', 'former');
  await page.fill('#pain_duration_months', '26');
  await page.check('input[name="pain_generators"][value="disc"]');
  await page.check('input[name="prior_treatments"][value="physical-therapy"]');
  await page.check('input[name="baseline_opioid_use"][value="true"]');
  await page.check('input[name="eligibility.chronic_lbp"][value="true"]');
  for (const x of ['anemia', 'fever_infection', 'hematologic_disorder', 'malignancy', 'anticoagulation']) {
    await page.check(`input[name="eligibility.${x}"][value="false"]`);
  }
  await page.click('button.primary');
  assert.match(await page.locator('.error').innerText(), /eligibility\.pregnancy/);
  assert.equal(await page.inputValue('#bmi'), '27.4');
  await page.check('input[name="eligibility.pregnancy"][value="false"]');
  await submit(page, 'button.primary', /\/registry\/patients\/\d+\?saved=enrolled$/);
  const registryId = (await page.locator('h1').innerText()).replace('Patient ', '');
  assert.match(registryId, /^P-[0-9A-Z]{10}$/);
  assert.match(await page.locator('.warn').first().innerText(), /No consent/);

  // Consent.
  await page.fill('#form_version', 'RS-consent v3');
  await page.fill('#consent_date', '2025-02-20');
  await page.fill('#obtained_by', 'coordinator');
  await submit(page, 'form[action$="/consents"] button', /saved=consent/);

  // Baseline PROMs.
  await page.click('a[href$="/visits/new"]');
  await page.selectOption('#timepoint', 'baseline');
  await page.fill('#visit_date', '2025-02-25');
  const odi = [3, 2, 3, 2, 3, 2, 2, 1, 2, 2];
  for (let i = 0; i < 10; i++) await page.selectOption(`#odi\\.${i}`, String(odi[i]));
  await page.selectOption('#nrs', '7');
  for (const [d, l] of [
    ['MO', '2'],
    ['SC', '1'],
    ['UA', '2'],
    ['PD', '3'],
    ['AD', '2'],
  ])
    await page.selectOption(`#eq5d\\.${d}`, l!);
  await page.selectOption('#opioids\\[0\\]\\.drug', 'tramadol');
  await page.fill('#opioids\\[0\\]\\.dose_mg', '50');
  await page.fill('#opioids\\[0\\]\\.doses_per_day', '2');
  await submit(page, 'button.primary', /saved=visit/);
  const visits = await page.locator('h2:has-text("Follow-up visits") + table').innerText();
  assert.match(visits, /ODI 44\b/); // 22 / (5 × 10) × 100 (instruments.md §1.2)
  assert.match(visits, /NRS 7/);
  assert.match(visits, /EQ5D3L 0\.09/); // 21232 (MO2 SC1 UA2 PD3 AD2) UK index 0.088 (instruments.md §3.5)
  assert.match(visits, /\b20\b/); // tramadol 100 mg/day × 0.2 (CDC 2022)

  // PRP procedure with a low fold: stored with a visible warning.
  await page.click('a[href$="/procedures/new"]');
  await page.fill('#procedure_date', '2025-03-01');
  await page.fill('#operator', 'operator-7');
  await page.selectOption('#therapy', 'PRP');
  await page.selectOption('#image_guidance', 'fluoroscopy');
  await page.fill('#injectate_volume_ml', '2');
  await page.selectOption('#targets\\[0\\]\\.structure', 'disc');
  await page.selectOption('#targets\\[0\\]\\.level', 'L4-L5');
  await page.fill('#prp\\.baseline\\.platelets', '220000');
  await page.fill('#prp\\.baseline\\.wbc', '6500');
  await page.fill('#prp\\.prp\\.platelets', '440000');
  await page.fill('#prp\\.prp\\.wbc', '900');
  await page.selectOption('#prp\\.activation', 'none');
  await page.selectOption('#prp\\.form', 'liquid');
  await submit(page, 'button.primary', /saved=procedure/);
  const procedures = await page.locator('h2:has-text("Procedures") + table').innerText();
  assert.match(procedures, /fold 2\.00×/);
  assert.match(procedures, /below the configured PRP threshold 2\.5/);
  assert.match(procedures, /P-PRP/);

  // Serious adverse event.
  await page.click('a[href$="/adverse-events/new"]');
  await page.fill('#term', 'Discitis');
  await page.fill('#onset_date', '2025-03-20');
  await page.selectOption('#grade', '3');
  await page.selectOption('#attribution_procedure', 'probable');
  await page.selectOption('#attribution_product', 'possible');
  await page.check('input[name="seriousness_criteria"][value="hospitalisation"]');
  await submit(page, 'button.primary', /saved=ae/);
  await shot(page, '3-patient');

  // Dashboard: the serious event awaits acknowledgement; the 1-month follow-up is overdue on 2025-04-15.
  await page.goto(`${server.url}/registry`);
  const serious = await page.locator('h2#serious + div.warn').innerText();
  assert.match(serious, /1 serious adverse event/);
  const overdue = await page.locator('h2#overdue + table').innerText();
  assert.match(overdue, new RegExp(`${registryId}\\s+1m\\s+2025-04-01`));
  await shot(page, '1-dashboard');

  // Audit history of the patient.
  const patientUrl = await page.locator(`a:has-text("${registryId}") >> nth=0`).getAttribute('href');
  await page.goto(`${server.url}${patientUrl}/audit`);
  const audit = await page.locator('table').innerText();
  for (const entity of ['patient', 'consent', 'followup_visit', 'prom_score', 'procedure', 'adverse_event']) {
    assert.match(audit, new RegExp(`${entity} \\d+`), entity);
  }
  assert.match(audit, /index procedure recorded/);
  assert.match(audit, /coordinator@e2e\.example\.org/);
  await shot(page, '4-audit');
  await page.reload();

  // Signing out ends the session.
  await page.click('nav.registry button');
  await page.waitForURL(/\/registry\/login$/);
  await page.goto(`${server.url}/registry`);
  await page.waitForURL(/\/registry\/login$/);
  await context.close();
});
