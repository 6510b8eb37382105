// The evidence pages on a phone (issue 11 §2: tables overflowed a 390 px screen, the page was 784 px
// wide): in real Chromium at 390 × 844 CSS px, no page is wider than the screen — a wide table scrolls
// inside its own box instead. Every page: the matrix, each therapy card, every study, the trials list.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { readValidStudies } from '../../src/app.ts';
import { THERAPY_GROUPS } from '../../src/domain/vocabulary.ts';
import { createApp, staticEvidence } from '../../src/web/server.ts';
import { ARTIFACTS, axeViolations, launchBrowser } from '../helpers/browser.ts';
import { listen } from '../helpers/server.ts';

const WIDTH = 390; // an iPhone 12–15's CSS width

let browser: Browser;
let server: { url: string; close(): Promise<void> };
let studyIds: string[] = [];

before(async () => {
  const studies = await readValidStudies();
  studyIds = studies.map((s) => s.id);
  server = await listen(createApp(staticEvidence(studies)));
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test(`no evidence page is wider than a ${WIDTH} px screen; wide tables scroll in place`, async () => {
  const paths = [
    '/',
    '/trials',
    ...Object.keys(THERAPY_GROUPS).map((t) => `/therapies/${t}`),
    ...studyIds.map((id) => `/studies/${id}`),
  ];
  assert.ok(studyIds.length >= 20, `${studyIds.length} studies`);
  const page = await browser.newPage({ viewport: { width: WIDTH, height: 844 } });
  const wide: string[] = [];
  let scrollingTables = 0;
  try {
    for (const p of paths) {
      const res = await page.goto(`${server.url}${p}`);
      assert.equal(res?.status(), 200, p);
      const m = await page.evaluate(() => ({
        doc: document.documentElement.scrollWidth,
        body: document.body.scrollWidth,
        view: window.innerWidth,
        // tables wider than their box must scroll inside it, and stay within the screen themselves
        tables: [...document.querySelectorAll('table')].map((t) => ({
          right: t.getBoundingClientRect().right,
          scrolls: t.scrollWidth > t.clientWidth + 1,
          overflowX: getComputedStyle(t).overflowX,
        })),
      }));
      if (m.doc > m.view || m.body > m.view) wide.push(`${p}: ${m.doc} px`);
      for (const t of m.tables) {
        if (t.right > m.view + 0.5) wide.push(`${p}: a table ends at ${t.right} px`);
        if (t.scrolls) {
          scrollingTables++;
          assert.equal(t.overflowX, 'auto', `${p}: a wide table scrolls`);
        }
      }
      if (p === '/therapies/msc' || p === '/studies/amirdelfan-2021')
        await page.screenshot({ path: join(ARTIFACTS, `narrow-${p.replace(/\//g, '_')}.png`), fullPage: true });
    }
  } finally {
    await page.close();
  }
  assert.deepEqual(wide, []);
  // the regression was real: the studies table is far wider than a phone, so some tables do scroll
  assert.ok(scrollingTables > 0, 'some tables are wider than the screen and scroll');
});

test(`pages pass the axe-core WCAG 2.1 AA checks at ${WIDTH} px too (a table that scrolls is reachable by keyboard)`, async () => {
  // On a phone the wide tables scroll inside their box: axe's scrollable-region-focusable rule then needs the
  // box to take keyboard focus, which a desktop-width check never exercises.
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: WIDTH, height: 844 } });
  const page = await context.newPage();
  try {
    for (const path of ['/', '/therapies/msc', '/studies/amirdelfan-2021', '/studies/atluri-2022', '/trials']) {
      await page.goto(`${server.url}${path}`);
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], `${path}: ${JSON.stringify(violations)}`);
    }
  } finally {
    await context.close();
  }
});
