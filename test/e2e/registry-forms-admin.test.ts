// Real Chromium, no JavaScript (issue 11): the follow-up form shows the PROMIS Global-10 questions with
// labelled answers and says where the licensed ODI / EQ-5D wording comes from, and a clinic's licensed
// wording file is shown when supplied; an admin creates a site and a user on the administration page, the
// coordinator sees no administration link. Screenshots in test-artifacts/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { lowerScryptCostForTests } from '../../src/registry/auth.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import * as R from '../../src/store/registry.ts';
import {
  actorFromToken,
  CLI_ACTOR,
  createApiToken,
  createSite,
  createUser,
} from '../../src/store/registry-accounts.ts';
import { mountRegistry } from '../../src/web/registry/index.ts';
import { createApp, staticEvidence } from '../../src/web/server.ts';
import { ARTIFACTS, launchBrowser } from '../helpers/browser.ts';
import { listen } from '../helpers/server.ts';
import { enrolInput, prpProcedure } from '../registry/fixtures.ts';

// Each sign-in here verifies a password, and scrypt's cost is not what these tests test (that is
// test/registry/scrypt-cost.test.ts): hash at N = 2^12, as src/registry/auth.ts lowerScryptCostForTests allows.
lowerScryptCostForTests(2 ** 12);

const PASSWORD = 'e2e-password-11';
let db: Db;
let browser: Browser;
let plain: { url: string; close(): Promise<void> };
let licensed: { url: string; close(): Promise<void> };
let patientId = 0;

/** A made-up licensed-text file: the format a clinic fills with its licensed wording (not the real text). */
const FAKE_LICENSED = {
  licence: 'Test licence no. 0000 (placeholder text, not the instrument)',
  ODI: {
    version: 'ODI v2.1a (test placeholder)',
    sections: Array.from({ length: 10 }, (_, i) => ({
      title: `Section ${i + 1} placeholder`,
      statements: Array.from({ length: 6 }, (_, k) => `Placeholder statement ${i + 1}.${k}`),
    })),
  },
};

before(async () => {
  db = await openDb({ memory: true, migrated: true });
  await migrate(db);
  const site = await createSite(db, CLI_ACTOR, { code: 'E2E-11', name: 'Spine Clinic West' });
  await createUser(db, CLI_ACTOR, {
    email: 'coord@e2e.example.org',
    role: 'coordinator',
    siteIds: [site.id],
    password: PASSWORD,
  });
  await createUser(db, CLI_ACTOR, {
    email: 'admin@e2e.example.org',
    role: 'admin',
    siteIds: [site.id],
    password: PASSWORD,
  });
  await createUser(db, CLI_ACTOR, { email: 'clin@e2e.example.org', role: 'clinician', siteIds: [site.id] });
  const actor = (await actorFromToken(
    db,
    await createApiToken(db, CLI_ACTOR, 'clin@e2e.example.org', { label: 'setup', scopes: ['read', 'write'] }),
  ))!;
  const p = await R.enrolPatient(db, actor, enrolInput(site.id));
  await R.recordConsent(db, actor, p.id, { form_version: 'v2', consent_date: '2025-01-02', obtained_by: 'c' });
  await R.recordProcedure(db, actor, p.id, prpProcedure(), '2025-04-15');
  patientId = p.id;
  const a = createApp(staticEvidence([]));
  mountRegistry(a, db, { today: () => '2025-04-15', promText: null });
  plain = await listen(a);
  const b = createApp(staticEvidence([]));
  mountRegistry(b, db, { today: () => '2025-04-15', promText: FAKE_LICENSED as never });
  licensed = await listen(b);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await plain?.close();
  await licensed?.close();
  await db?.close();
});

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, `registry-${name}.png`), fullPage: true });

async function signIn(page: Page, base: string, email: string) {
  await page.goto(`${base}/registry/login`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/registry$/);
}

test('the follow-up form shows PROMIS questions and the licensing note; a supplied wording file is shown', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(page, plain.url, 'coord@e2e.example.org');
  assert.equal(await page.locator('a[href="/registry/admin"]').count(), 0, 'no administration link for a coordinator');
  await page.goto(`${plain.url}/registry/patients/${patientId}/visits/new?timepoint=1m`);
  const q = page.getByText('In general, would you say your health is:');
  assert.equal(await q.count(), 1);
  assert.ok(await q.isVisible());
  // A labelled answer can be chosen by its label, as a patient would read it.
  await page
    .getByRole('group', { name: /1\. In general, would you say your health is/ })
    .getByLabel('Very good')
    .check();
  // The rest as on the HL7 PACIO worked example (instruments.md §4): GPH raw 15 → T 47.7.
  const answers: Record<string, string> = {
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
  for (const [item, value] of Object.entries(answers))
    await page.check(`input[name="promis.${item}"][value="${value}"]`);
  assert.ok(await page.getByText(/ODI wording is licensed \(Mapi Research Trust\)/).isVisible());
  await shot(page, 'prom-form');
  await page.fill('#visit_date', '2025-02-10');
  await page.click('button.primary');
  await page.waitForURL(/saved=visit/);
  assert.match(await page.locator('body').innerText(), /PROMIS10 47\.70/);
  await context.close();

  const c2 = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const p2 = await c2.newPage();
  await signIn(p2, licensed.url, 'coord@e2e.example.org');
  await p2.goto(`${licensed.url}/registry/patients/${patientId}/visits/new?timepoint=3m`);
  assert.ok(await p2.getByText('Placeholder statement 1.0').isVisible());
  assert.ok(
    await p2
      .getByText(/wording licensed to this clinic: Test licence no\. 0000/)
      .first()
      .isVisible(),
  );
  await shot(p2, 'prom-form-licensed');
  await c2.close();
});

test('an admin creates a site and a user on the administration page', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(page, plain.url, 'admin@e2e.example.org');
  assert.equal(await page.getByRole('link', { name: 'Enrol a patient' }).count(), 0);
  await page.click('a[href="/registry/admin"]');
  await page.fill('#site-code', 'E2E-12');
  await page.fill('#site-name', 'Spine Clinic North');
  await page.getByRole('button', { name: 'Create the site' }).click();
  await page.waitForLoadState();
  assert.ok(await page.getByText('Site E2E-12 created.').isVisible());
  await page.fill('#new-email', 'new.coordinator@e2e.example.org');
  await page.selectOption('#new-role', 'coordinator');
  await page.getByRole('group', { name: 'Sites' }).getByLabel('E2E-12').check();
  await page.getByRole('button', { name: 'Create the user' }).click();
  await page.waitForLoadState();
  const temp = await page.locator('code.secret').innerText();
  assert.ok(temp.length >= 12);
  await shot(page, 'admin');
  const row = await db.query<{ role: string }>(
    "SELECT role FROM app_user WHERE email = 'new.coordinator@e2e.example.org'",
  );
  assert.equal(row.rows[0]?.role, 'coordinator');
  await context.close();
});
