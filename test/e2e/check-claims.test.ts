// The claim checker in real Chromium: a reader pastes seed 004's card into /check, submits the form (no
// JavaScript needed), sees the contradicted safety claim marked with its icon and word over the text, opens its
// reasons and reads the quote; /check and the result page are axe-clean (WCAG 2.1 A/AA). Screenshots in
// test-artifacts/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { readEvidenceBase } from '../../src/evidence/files.ts';
import { createApp, staticEvidence } from '../../src/web/server.ts';
import { ARTIFACTS, axeViolations, launchBrowser } from '../helpers/browser.ts';
import { listen } from '../helpers/server.ts';

const SEED = readFileSync(join(import.meta.dirname, '..', '..', 'data', 'sources', 'seed-004.txt'), 'utf8');
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

test('submit seed 004 at /check and see its safety claim contradicted, with the reason and the quote', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}/check`);
  await page.fill('#claim-text', SEED);
  await Promise.all([page.waitForURL(`${server.url}/check`), page.click('button[type="submit"]')]);
  const safety = page.locator('mark.claim', { hasText: 'Excellent Safety Profile' });
  assert.equal(await safety.count(), 1);
  assert.match((await safety.getAttribute('class')) ?? '', /v-contradicted/);
  // the verdict is in words and an icon, not colour alone
  assert.match(await safety.innerText(), /✗ contradicted/);
  const item = page.locator('ol.claims > li', { hasText: 'Excellent Safety Profile' });
  const reason = item.locator('details p').first();
  assert.equal(await reason.isVisible(), false);
  await item.locator('details summary').click();
  assert.equal(await reason.isVisible(), true);
  assert.match(await reason.innerText(), /possibly related to the injected product/);
  assert.equal(
    await item.locator('blockquote', { hasText: 'possibly related to the injection material' }).isVisible(),
    true,
  );
  await page.screenshot({ path: join(ARTIFACTS, 'check-seed-004.png'), fullPage: true });
  await context.close();
});

test('/check, its result and /check/seed-004 are axe-clean', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true }); // to inject axe, as the other e2e tests do
  const page = await context.newPage();
  await page.goto(`${server.url}/check`);
  assert.deepEqual(await axeViolations(page), [], '/check');
  await page.fill('#claim-text', SEED);
  await Promise.all([page.waitForURL(`${server.url}/check`), page.click('button[type="submit"]')]);
  assert.equal(await page.locator('mark.claim.v-contradicted').count(), 2);
  await page.locator('ol.claims details summary').first().click();
  assert.deepEqual(await axeViolations(page), [], 'POST /check result');
  await page.goto(`${server.url}/check/seed-004`);
  assert.deepEqual(await axeViolations(page), [], '/check/seed-004');
  await page.setViewportSize({ width: 390, height: 844 });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(wide, false, '/check/seed-004 fits a 390 px screen');
  await page.screenshot({ path: join(ARTIFACTS, 'check-seed-004-narrow.png'), fullPage: true });
  await context.close();
});
