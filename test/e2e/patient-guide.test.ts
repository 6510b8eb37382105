// A patient reads a guide on a phone, in real Chromium at 375 × 812 CSS px (issue 10 §3): the icon array is
// there with its text alternative, nothing is wider than the screen, benefits and risks stack, the reading
// level is in the footer, axe-core finds no WCAG 2.1 A/AA violation, and the print layout hides the site
// navigation. Screenshots are saved to test-artifacts/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { readEvidenceBase } from '../../src/evidence/files.ts';
import { createApp, staticEvidence } from '../../src/web/server.ts';
import { ARTIFACTS, axeViolations, launchBrowser } from '../helpers/browser.ts';
import { listen } from '../helpers/server.ts';

const WIDTH = 375;
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

test(`the MSC guide at ${WIDTH} px: icon arrays, no horizontal scroll, reading level, axe clean`, async () => {
  // The pages forbid scripts (CSP); axe-core is a test tool injected around that policy.
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: WIDTH, height: 812 } });
  const page = await context.newPage();
  try {
    const res = await page.goto(`${server.url}/guide/msc`);
    assert.equal(res?.status(), 200);
    assert.equal(await page.locator('h1').count(), 1);
    // icon arrays: 100 figures each, an accessible name, and the sentence under the picture
    const svgs = page.locator('figure.ia svg[role="img"]');
    assert.ok((await svgs.count()) >= 1, 'at least one icon array');
    assert.equal(await svgs.first().locator('g').count(), 100);
    assert.equal(await svgs.first().locator('g.on').count(), 60, 'Kumar 6 of 10 → 60 of 100 filled (seed-000)');
    const name = await svgs.first().evaluate((el) =>
      (el.getAttribute('aria-labelledby') ?? '')
        .split(' ')
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' '),
    );
    assert.match(name, /About 60 in 100 people .*Out of 100 people drawn, 60 are filled in/);
    assert.match(await page.locator('figure.ia figcaption').first().innerText(), /no comparison group/);
    const box = await svgs.first().boundingBox();
    assert.ok(box && box.width <= WIDTH, `the picture fits (${box?.width} px)`);
    // no horizontal scroll
    const m = await page.evaluate(() => ({
      doc: document.documentElement.scrollWidth,
      body: document.body.scrollWidth,
      view: window.innerWidth,
    }));
    assert.ok(m.doc <= m.view && m.body <= m.view, `page is ${m.doc} px wide on a ${m.view} px screen`);
    // benefits and risks stack on a phone (side by side on a wide screen)
    const b = await page.locator('section.benefits').boundingBox();
    const r = await page.locator('section.risks').boundingBox();
    assert.ok(b && r && r.y > b.y + b.height - 1, 'risks below benefits on a phone');
    // body text is readable: at least 16 px
    const fontSize = await page.evaluate(() => Number.parseFloat(getComputedStyle(document.body).fontSize));
    assert.ok(fontSize >= 16, `${fontSize} px`);
    assert.match(
      await page.locator('#reading-level').innerText(),
      /Flesch–Kincaid grade \d+(\.\d)? \(target 8 or lower\)/,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'guide-msc-375.png'), fullPage: true });
    await page
      .locator('figure.ia')
      .first()
      .screenshot({ path: join(ARTIFACTS, 'guide-msc-375-icon-array.png') });
    const v = await axeViolations(page);
    assert.deepEqual(v, [], JSON.stringify(v));

    // wide screen: side by side
    await page.setViewportSize({ width: 1280, height: 900 });
    const b2 = await page.locator('section.benefits').boundingBox();
    const r2 = await page.locator('section.risks').boundingBox();
    assert.ok(b2 && r2 && Math.abs(r2.y - b2.y) < 2 && r2.x > b2.x, 'benefits and risks side by side');
    // print: no site navigation
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('header.site').isVisible(), false);
    await page.screenshot({ path: join(ARTIFACTS, 'guide-msc-print.png'), fullPage: true });
  } finally {
    await context.close();
  }
});

test(`the PRP and BMC guides at ${WIDTH} px: no horizontal scroll, axe clean; BMC has no picture`, async () => {
  // The pages forbid scripts (CSP); axe-core is a test tool injected around that policy.
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: WIDTH, height: 812 } });
  const page = await context.newPage();
  try {
    for (const t of ['prp', 'bmc']) {
      assert.equal((await page.goto(`${server.url}/guide/${t}`))?.status(), 200);
      const m = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: window.innerWidth }));
      assert.ok(m.doc <= m.view, `${t}: ${m.doc} px`);
      assert.equal((await page.locator('figure.ia').count()) > 0, t === 'prp');
      const v = await axeViolations(page);
      assert.deepEqual(v, [], `${t}: ${JSON.stringify(v)}`);
      await page.screenshot({ path: join(ARTIFACTS, `guide-${t}-375.png`), fullPage: true });
    }
  } finally {
    await context.close();
  }
});
