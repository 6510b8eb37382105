// "Your clinic" beside the literature in real Chromium on a 390 px phone: a clinician signs in to the registry
// through the sign-in form, opens the BMC evidence page, and finds the clinic's NRS responders at 3 months
// (4 of 5 BMC patients, entered through the registry commands) beside Atluri 2022's 74 %, the caveats and
// the link to the outcomes dashboard; nothing is wider than the screen and axe-core finds no WCAG 2.1 AA
// violation. Signed out again, the same page has no clinic section. Screenshot: test-artifacts/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { readEvidenceBase } from '../../src/evidence/files.ts';
import { lowerScryptCostForTests } from '../../src/registry/auth.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import { CLI_ACTOR, createUser } from '../../src/store/registry-accounts.ts';
import { createApp, staticEvidence } from '../../src/web/server.ts';
import { ARTIFACTS, axeViolations, launchBrowser } from '../helpers/browser.ts';
import { listen } from '../helpers/server.ts';
import { bmcPatient } from '../registry/analysis-fixtures.ts';
import { buildWorld } from '../registry/fixtures.ts';

// Each sign-in here verifies a password, and scrypt's cost is not what these tests test (that is
// test/registry/scrypt-cost.test.ts): hash at N = 2^12, as src/registry/auth.ts lowerScryptCostForTests allows.
lowerScryptCostForTests(2 ** 12);

const PASSWORD = 'clinician-pass-1';
let db: Db;
let browser: Browser;
let server: { url: string; close(): Promise<void> };

before(async () => {
  db = await openDb({ memory: true, migrated: true });
  const w = await buildWorld(db);
  await createUser(db, CLI_ACTOR, {
    email: 'doctor@e2e.example.org',
    role: 'clinician',
    siteIds: [w.sites.A],
    password: PASSWORD,
  });
  for (let i = 0; i < 5; i++) await bmcPatient(w, 'A', i < 4);
  const base = await readEvidenceBase();
  server = await listen(createApp(staticEvidence(base.studies, base.statements, base.documents), { db }));
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await db?.close();
});

test('signed in on a 390 px phone: the clinic beside Atluri 2022, readable and accessible; signed out: none', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${server.url}/registry/login`);
  await page.fill('#email', 'doctor@e2e.example.org');
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/registry$/);

  await page.goto(`${server.url}/therapies/bmc/evidence`);
  const section = page.locator('section.clinic');
  assert.match(await section.locator('h2').innerText(), /Your clinic beside the literature/);
  const table = section.locator('h3:has-text("NRS pain responders") + table').first(); // months ascending: 3
  assert.match(await section.locator('h3:has-text("NRS pain responders")').first().innerText(), /at 3 months/);
  const text = await table.innerText();
  assert.match(text, /Your clinic \(registry; 5 assessed of 5 eligible\)\s+80\.0%/);
  assert.match(text, /Atluri et al\. 2022 — Bone marrow concentrate[^\t]*\t74%/);
  assert.match(await section.innerText(), /no control group/);
  assert.equal(await section.locator('a[href="/registry/outcomes"]').count(), 1);

  const m = await page.evaluate(() => ({
    doc: document.documentElement.scrollWidth,
    view: window.innerWidth,
    rights: [...document.querySelectorAll('section.clinic table')].map((x) => x.getBoundingClientRect().right),
  }));
  assert.ok(m.doc <= m.view, `page ${m.doc} px wide`);
  for (const r of m.rights) assert.ok(r <= m.view + 0.5, `a table ends at ${r} px`);
  await section.screenshot({ path: join(ARTIFACTS, 'clinic-beside-390.png') });

  await page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
  });
  assert.deepEqual(await axeViolations(page), []);

  // signed out (the cookie gone): the public page, without the section
  await context.clearCookies();
  await page.goto(`${server.url}/therapies/bmc/evidence`);
  assert.equal(await page.locator('section.clinic').count(), 0);
  await context.close();
});
