// End to end in real Chromium: home → therapy → study, asserting what a user sees. Screenshots are
// saved to test-artifacts/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { readEvidenceBase } from '../../src/evidence/files.ts';
import { createApp, staticEvidence } from '../../src/web/server.ts';
import { ARTIFACTS, axeViolations, launchBrowser } from '../helpers/browser.ts';
import { listen } from '../helpers/server.ts';

let browser: Browser;
let server: { url: string; close(): Promise<void> };

before(async () => {
  const base = await readEvidenceBase();
  server = await listen(createApp(staticEvidence(base.studies, base.statements, base.documents)));
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('a clinician goes from the matrix to the MSC card to a study and reads a provenance quote', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${server.url}/`);
  assert.match(await page.title(), /RegenSpine/);
  assert.equal(await page.locator('h1').count(), 1);
  const row = page.locator('tr', { has: page.locator('a[href="/therapies/msc"]') });
  const studiesCell = Number(await row.locator('td').first().innerText());
  assert.ok(studiesCell >= 5, `MSC row shows ${studiesCell} studies`);
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-1-home.png'), fullPage: true });

  // Keyboard: the skip link is the first focusable element.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');

  await page.click('a[href="/therapies/msc"]');
  await page.waitForURL(/\/therapies\/msc$/);
  const headline = await page.locator('.headline').innerText();
  assert.match(headline, /published stud/);
  assert.ok(!/no (treatment[- ]associated )?adverse event/i.test(headline));
  const safety = await page.locator('ul.insights').innerText();
  assert.match(safety, /infection/i, 'the card shows the implant-site infection');
  assert.match(safety, /BMC/);
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-2-msc-card.png'), fullPage: true });

  await page.click('table a[href="/studies/amirdelfan-2021"]');
  await page.waitForURL(/\/studies\/amirdelfan-2021$/);
  assert.match(await page.locator('h1').innerText(), /mesenchymal precursor cells/i);
  const aeTable = page.locator('h2:has-text("Adverse events") + table');
  assert.match(await aeTable.innerText(), /infection/i);
  const quote = aeTable.locator('details.prov blockquote').first();
  assert.equal(await quote.isVisible(), false);
  await aeTable.locator('details.prov summary').first().click();
  assert.equal(await quote.isVisible(), true);
  assert.ok((await quote.innerText()).length > 10);
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-3-study.png'), fullPage: true });
  await page.close();
});

test('the ongoing trials page lists the registered trials of seed 000 Table 3', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/trials`);
  const text = await page.locator('main').innerText();
  for (const nct of [
    'NCT04102761',
    'NCT04544709',
    'NCT03122119',
    'NCT04757740',
    'NCT03737461',
    'NCT04759105',
    'NCT04410731',
    'NCT04499105',
    'NCT04559295',
  ]) {
    assert.ok(text.includes(nct), `${nct} missing`);
  }
  await page.close();
});

test('pages pass the axe-core WCAG 2.1 AA checks', async () => {
  // The pages forbid scripts (CSP); the checker is a test tool injected around that policy.
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  for (const path of [
    '/',
    '/therapies/msc',
    '/therapies/prp',
    '/studies/amirdelfan-2021',
    '/studies/atluri-2022',
    '/trials',
    '/sources',
  ]) {
    await page.goto(`${server.url}${path}`);
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], `${path}: ${JSON.stringify(violations)}`);
  }
  await context.close();
});
