// Forest and funnel plots drawn by a real browser: geometry, not pixels. Every text box is measured by
// Chromium (its client rectangle) and no two may overlap (the model label used to run into the total n); subgroup
// headings and subtotals are drawn; binary measures show events/total per arm. Data: metadat's dat.bcg
// (examples/dat.bcg.csv, source in examples/SOURCES.md); the expected counts are read off that table.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { studiesFromCsv } from '../../src/stats/csv.ts';
import { escalc } from '../../src/stats/escalc.ts';
import { forestSvg } from '../../src/stats/forest.ts';
import { funnelSvg } from '../../src/stats/funnel.ts';
import { rma } from '../../src/stats/rma.ts';
import { subgroups } from '../../src/stats/subgroup.ts';
import { ARTIFACTS, launchBrowser } from '../helpers/browser.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const csv = studiesFromCsv(readFileSync(join(ROOT, 'examples', 'dat.bcg.csv'), 'utf8'));
const es = escalc('RR', csv.rows);
const alloc = csv.extra.alloc!;
const counts = csv.rows.map((r) => ({ e1: r.ai!, n1: r.ai! + r.bi!, e2: r.ci!, n2: r.ci! + r.di! }));

interface Box {
  text: string;
  cls: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function textBoxes(svg: string, name: string): Promise<{ boxes: Box[]; width: number; height: number }> {
  const page = await browser.newPage();
  try {
    await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
    writeFileSync(join(ARTIFACTS, `${name}.svg`), svg);
    await page
      .locator('svg')
      .first()
      .screenshot({ path: join(ARTIFACTS, `${name}.png`) });
    return await page.evaluate(() => {
      const root = document.querySelector('svg')!;
      const r = root.getBoundingClientRect();
      const boxes = [...root.querySelectorAll('text')]
        .filter((t) => (t.textContent ?? '').trim() !== '')
        .map((t) => {
          // screen boxes (transforms applied: Plot places its axes with <g transform>)
          const b = t.getBoundingClientRect();
          return {
            text: t.textContent ?? '',
            cls: t.getAttribute('class') ?? '',
            x: b.x - r.x,
            y: b.y - r.y,
            w: b.width,
            h: b.height,
          };
        });
      return { boxes, width: r.width, height: r.height };
    });
  } finally {
    await page.close();
  }
}

function overlaps(boxes: Box[]): string[] {
  const out: string[] = [];
  const eps = 0.5; // px: glyph boxes of neighbouring rows may touch
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a.x + a.w - eps > b.x && b.x + b.w - eps > a.x && a.y + a.h - eps > b.y && b.y + b.h - eps > a.y)
        out.push(`"${a.text}" overlaps "${b.text}"`);
    }
  return out;
}

function inside(boxes: Box[], width: number, height: number): string[] {
  return boxes
    .filter((b) => b.x < 0 || b.y < 0 || b.x + b.w > width + 0.5 || b.y + b.h > height + 0.5)
    .map((b) => `"${b.text}" outside the picture`);
}

describe('forest plot geometry (Chromium)', () => {
  test('REML + Knapp-Hartung with events/total: no text box overlaps another, all inside', async () => {
    const fit = rma(es.yi, es.vi, { method: 'REML', test: 'knha' });
    const svg = forestSvg({ measure: 'RR', labels: csv.labels, ni: Array.from(es.ni), fit, counts });
    const { boxes, width, height } = await textBoxes(svg, 'forest-bcg-knha');
    assert.deepEqual(overlaps(boxes), []);
    assert.deepEqual(inside(boxes, width, height), []);
    const texts = boxes.map((b) => b.text);
    // dat.bcg, Aronson 1948: tpos 4, tneg 119 → 4/123; cpos 11, cneg 128 → 11/139
    assert.ok(texts.includes('4/123') && texts.includes('11/139'), texts.join('|'));
    assert.ok(texts.includes('Random-effects model (REML, Knapp-Hartung)'));
    // column totals: sum of tpos = 1065 of 191064 treated; cpos 1510 of 166283 controls (dat.bcg)
    assert.ok(texts.includes('1065/191064') && texts.includes('1510/166283'), texts.join('|'));
  });

  test('long labels and n only: the model label keeps clear of the total n', async () => {
    const fit = rma(es.yi, es.vi, { method: 'REML', test: 'knha' });
    const labels = csv.labels.map((l) => `${l} (a long study label for the layout)`);
    const svg = forestSvg({ measure: 'RR', labels, ni: Array.from(es.ni), fit });
    const { boxes, width, height } = await textBoxes(svg, 'forest-bcg-long-labels');
    assert.deepEqual(overlaps(boxes), []);
    assert.deepEqual(inside(boxes, width, height), []);
  });

  test('subgroups: a heading and a subtotal per subgroup, studies under their heading', async () => {
    const fit = rma(es.yi, es.vi, { method: 'REML' });
    const sg = subgroups(Array.from(es.yi), Array.from(es.vi), alloc, { method: 'REML', column: 'alloc' });
    const svg = forestSvg({
      measure: 'RR',
      labels: csv.labels,
      ni: Array.from(es.ni),
      fit,
      counts,
      subgroups: { column: 'alloc', group: alloc, result: sg },
    });
    const { boxes, width, height } = await textBoxes(svg, 'forest-bcg-by-alloc');
    assert.deepEqual(overlaps(boxes), []);
    assert.deepEqual(inside(boxes, width, height), []);
    const headings = boxes.filter((b) => b.cls === 'row-heading').map((b) => b.text);
    assert.deepEqual(headings, ['alloc: alternate', 'alloc: random', 'alloc: systematic']);
    // dat.bcg's alloc column: 2 alternate, 7 random, 4 systematic
    const subtotals = boxes.filter((b) => b.cls === 'row-subtotal').map((b) => b.text);
    assert.deepEqual(subtotals, ['Subtotal (k = 2)', 'Subtotal (k = 7)', 'Subtotal (k = 4)']);
    const y = (text: string) => boxes.find((b) => b.text === text)!.y;
    // Aronson 1948 (random) lies between the "random" heading and its subtotal
    assert.ok(y('alloc: random') < y('Aronson 1948') && y('Aronson 1948') < y('Subtotal (k = 7)'));
    assert.equal((svg.match(/class="subtotal"/g) ?? []).length, 3, 'three subtotal diamonds');
    assert.ok(boxes.some((b) => /^Test for subgroup differences: Q = /.test(b.text)));
  });
});

describe('funnel plot (Chromium)', () => {
  test('one dot per study, readable axes, no overlapping labels', async () => {
    const fit = rma(es.yi, es.vi, { method: 'REML' });
    const svg = funnelSvg({ measure: 'RR', fit, labels: csv.labels });
    assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const { boxes } = await textBoxes(svg, 'funnel-bcg');
    assert.deepEqual(overlaps(boxes), []);
    const texts = boxes.map((b) => b.text);
    assert.ok(texts.some((t) => /Standard error/.test(t)));
    assert.ok(texts.some((t) => /Risk ratio \(log scale\)/.test(t)));
    assert.ok(!texts.some((t) => /\d+m$/.test(t)), `no SI-prefixed ticks: ${texts.join('|')}`);
    assert.equal((svg.match(/<circle/g) ?? []).length, 13);
  });
});
