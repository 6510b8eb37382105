// "What the evidence shows" (/therapies/:therapy/evidence) in real Chromium, as a clinician meets it: from the
// home page to the PRP page, the direction-only Singla result worded without numbers, the certainty reasons one
// click away, Xuan 2020's reported MD as a result with its quote, the MSC forest plot with its text alternative
// and numbers table, a reviewer judgement beside the computed suggestion, a 390 px phone, and axe-core WCAG 2.1 AA.
// Expected texts are typed from the seeds (data/sources/seed-000.txt, seed-001.txt). Screenshots: test-artifacts/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { readEvidenceBase } from '../../src/evidence/files.ts';
import { parseJudgement } from '../../src/synthesis/judgements.ts';
import { createApp, staticEvidence } from '../../src/web/server.ts';
import { ARTIFACTS, axeViolations, launchBrowser } from '../helpers/browser.ts';
import { listen } from '../helpers/server.ts';

let browser: Browser;
let server: { url: string; close(): Promise<void> };
const SINGLA = 'chronic-low-back-pain.prp.sacroiliac.pain.active.le3m';

before(async () => {
  const base = await readEvidenceBase();
  // A reviewer judgement made for this test (not a real review): shown beside the computed suggestion.
  const j = parseJudgement(`${SINGLA}.json`, {
    question: SINGLA,
    overrides: [
      {
        who: 'Test Reviewer',
        date: '2026-12-01',
        domain: 'overall',
        from: 'very-low',
        to: 'low',
        reason: 'test judgement: one RCT with a significant direction at two timepoints',
      },
    ],
  });
  assert.ok('ok' in j);
  server = await listen(
    createApp({
      ...staticEvidence(base.studies, base.statements, base.documents),
      sofInputs: () => ({ mcids: {}, judgements: [j.ok] }),
    }),
  );
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('home → PRP → what the evidence shows: direction only, certainty reasons, reported analysis, override', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${server.url}/`);
  await page.click('a[href="/therapies/prp"]');
  await page.waitForURL(/\/therapies\/prp$/);
  await page.click('a[href="/therapies/prp/evidence"]');
  await page.waitForURL(/\/therapies\/prp\/evidence$/);
  assert.match(await page.locator('h1').innerText(), /What the evidence shows: Platelet-rich plasma/);
  const sof = page.locator('table', { has: page.locator('caption', { hasText: 'Summary of Findings' }) });
  assert.ok((await sof.locator('tbody tr').count()) >= 10);
  // the badge says the certainty in words, not colour alone
  assert.match(await sof.locator('.badge').first().innerText(), /Very low/);

  // seed-000: Singla — PRP better than steroid at 6 weeks and 3 months, significant; no numbers given
  const q = page.locator(`section#q-${SINGLA.replace(/\./g, '-')}`);
  const text = await q.innerText();
  assert.match(
    text,
    /singla-2017 reports PRP better than Group S \(steroid\) \(6 weeks, 3 months\); statistically significant/,
  );
  // reasons one click away
  const details = q.locator('details', { has: page.locator('summary', { hasText: /^Why very low/ }) });
  const trace = details.locator('table');
  assert.equal(await trace.isVisible(), false);
  await details.locator('summary').click();
  assert.equal(await trace.isVisible(), true);
  assert.match(await trace.innerText(), /imprecision\s+−2/);
  // the reviewer judgement stands beside the computed suggestion
  const override = q.locator('.override');
  assert.match(await override.innerText(), /overall: Very low → (⊕⊕◯◯)?Low/);
  assert.match(await override.innerText(), /Test Reviewer, 2026-12-01/);
  assert.match(await q.locator('p', { hasText: 'computed GRADE suggestion' }).innerText(), /Very low/);
  await page.screenshot({ path: join(ARTIFACTS, 'sof-1-prp.png'), fullPage: true });

  // seed-001: Xuan 2020, "mean difference −1.47, 95% CI −2.12 to −0.81" within 8 weeks — a result, with its quote
  const xuan = page.locator('li', { hasText: 'xuan-2020 reports MD' }).first();
  assert.match(await xuan.innerText(), /MD −1\.47 \(95% CI −2\.12 to −0\.81\), within 8 weeks/);
  assert.equal(await xuan.locator('a[href="/studies/xuan-2020"]').count(), 1);
  await xuan.locator('details.prov summary').click();
  assert.match(await xuan.locator('blockquote').innerText(), /1\.47/);
  await page.close();
});

test('MSC: the forest plot of Kumar 6/10 and Orozco 9/10 is single-arm, with a text alternative and its numbers', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${server.url}/therapies/msc/evidence`);
  const fig = page.locator('figure.forest');
  assert.equal(await fig.count(), 1);
  const svg = fig.locator('svg[role="img"]');
  assert.ok(await svg.isVisible());
  const alt = await page.locator(`#${await svg.getAttribute('aria-labelledby')}`).innerText();
  assert.match(alt, /kumar-2017 60% .*orozco-2011 90%/);
  assert.match(alt, /pooled single-arm proportion/);
  const section = page.locator('section.q', { has: fig });
  assert.match(await section.locator('h3').innerText(), /single-arm/);
  const numbers = section.locator('table', { has: page.locator('caption', { hasText: 'Numbers in the forest plot' }) });
  assert.match(await numbers.innerText(), /kumar-2017\s+6 \/ 10\s+60%/);
  assert.match(await numbers.innerText(), /orozco-2011\s+9 \/ 10\s+90%/);
  await fig.screenshot({ path: join(ARTIFACTS, 'sof-2-msc-forest.png') });
  await page.screenshot({ path: join(ARTIFACTS, 'sof-3-msc.png'), fullPage: true });
  await page.close();
});

test('on a 390 px phone no evidence page is wider than the screen', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  for (const t of ['prp', 'msc', 'bmc', 'mpc', 'ad-msc', 'all']) {
    const res = await page.goto(`${server.url}/therapies/${t}/evidence`);
    assert.equal(res?.status(), 200, t);
    const m = await page.evaluate(() => ({
      doc: document.documentElement.scrollWidth,
      view: window.innerWidth,
      tables: [...document.querySelectorAll('table, svg')].map((x) => x.getBoundingClientRect().right),
    }));
    assert.ok(m.doc <= m.view, `${t}: page ${m.doc} px wide`);
    for (const r of m.tables) assert.ok(r <= m.view + 0.5, `${t}: an element ends at ${r} px`);
    if (t === 'msc') await page.screenshot({ path: join(ARTIFACTS, 'sof-4-msc-390.png'), fullPage: false });
  }
  const missing = await page.goto(`${server.url}/therapies/nothing/evidence`);
  assert.equal(missing?.status(), 404);
  await page.close();
});

test('the evidence pages pass the axe-core WCAG 2.1 AA checks', async () => {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  for (const t of ['prp', 'msc', 'bmc']) {
    await page.goto(`${server.url}/therapies/${t}/evidence`);
    // open every disclosure so its content is checked too
    await page.evaluate(() => {
      for (const d of document.querySelectorAll('details')) d.open = true;
    });
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], `${t}: ${JSON.stringify(violations)}`);
  }
  await context.close();
});
