// The outcomes dashboard's charts (src/registry/analysis/charts.ts) as SVG strings, read back with linkedom.
// Positions are worked out from each chart's stated frame and Plot's documented defaults (margins top 20,
// right 20, bottom 30 unless set; linear scales map the domain onto the frame; a point scale with padding p
// spaces n points by (width − margins) / (n − 1 + 2p)). Tables are hand-built (analysis-unit-tables.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseHTML } from 'linkedom';
import { aeChart, completenessChart, responderChart, survivalChart } from '../../src/registry/analysis/charts.ts';
import { DAYS_PER_MONTH } from '../../src/registry/analysis/core.ts';
import { aeRow, completenessRow, responderRow, tables } from './analysis-unit-tables.ts';

const STYLE = 'font-size:12px;font-family:Helvetica, Arial, sans-serif;background:#fff';

function parse(html: string) {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  return document.body.firstElementChild as unknown as Element;
}
/** The chart's own svg (the last one: a legend's swatches come first). */
function chartSvg(root: Element): Element {
  const all = root.tagName.toLowerCase() === 'svg' ? [root] : [...root.querySelectorAll('svg')];
  return all[all.length - 1]!;
}
const num = (el: Element, attr: string) => Number(el.getAttribute(attr));
const near = (got: number, want: number, what: string) =>
  assert.ok(Math.abs(got - want) < 0.01, `${what}: got ${got}, want ${want}`);
const texts = (root: Element, label: string) =>
  [...root.querySelectorAll(`g[aria-label="${label}"] text`)].map((t) => t.textContent);
/** The x of the first text in a group (its transform is translate(x,y)). */
const labelX = (root: Element, label: string) => {
  const t = root.querySelector(`g[aria-label="${label}"] text`)!.getAttribute('transform')!;
  return Number(/translate\(([^,]+),/.exec(t)![1]);
};
const has = (root: Element, label: string) => root.querySelector(`g[aria-label="${label}"]`) !== null;
const pathPoints = (d: string) =>
  d
    .replace(/Z$/, '')
    .slice(1)
    .split('L')
    .map((p) => p.split(',').map(Number) as [number, number]);

function assertFrame(svg: Element, title: string, width: number, height: number) {
  assert.equal(svg.tagName.toLowerCase(), 'svg');
  assert.equal(svg.getAttribute('xmlns'), 'http://www.w3.org/2000/svg');
  assert.equal(svg.getAttribute('role'), 'img');
  assert.equal(svg.getAttribute('aria-label'), title);
  assert.equal(svg.getAttribute('style'), STYLE);
  assert.deepEqual([num(svg, 'width'), num(svg, 'height')], [width, height]);
}

const emptySvg = (title: string, why: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${title}" width="640" height="60"><text x="8" y="30" font-family="Helvetica, Arial, sans-serif" font-size="13">${why}</text></svg>`;

const RESP_TITLE = 'Responders (%) by month after the procedure, exact 95% CI';
const SURV_TITLE = 'Freedom from treatment failure (Kaplan–Meier)';
const COMP_TITLE = 'Follow-up completeness (% of eligible patients seen in the window)';
const AE_TITLE = 'Adverse events: procedures with an event per 100 procedures, exact 95% CI';

describe('nothing to draw: a one-line svg saying why', () => {
  const none = tables({
    responders: [responderRow({ pct: null, ci_exact: null }), responderRow({ timepoint_months: 6, ci_exact: null })],
    survival: { ...tables().survival, curve: [] },
    completeness: [completenessRow({ pct: null })],
    adverse_events: { procedures: 0, rows: [aeRow({ per_100_procedures: null }), aeRow({ ci_exact: null })] },
  });
  test('responders', () => {
    assert.equal(
      responderChart(none),
      emptySvg(RESP_TITLE, 'No timepoint has an assessed, evaluable patient yet (or every cell is suppressed).'),
    );
  });
  test('survival', () => {
    assert.equal(survivalChart(none), emptySvg(SURV_TITLE, 'No follow-up time to draw (or every step is suppressed).'));
  });
  test('completeness', () => {
    assert.equal(
      completenessChart(none),
      emptySvg(COMP_TITLE, 'No timepoint is due yet (or every cell is suppressed).'),
    );
  });
  test('adverse events', () => {
    assert.equal(aeChart(none), emptySvg(AE_TITLE, 'No procedures to count (or every cell is suppressed).'));
  });
});

describe('responder chart', () => {
  // months 3, 6, 12 on the axis (12 has no percentage: on the axis, not drawn); frame x 48 .. 620, y 280 .. 20
  const a = tables({
    responders: [
      responderRow({ instrument: 'ODI', timepoint_months: 3, pct: 50, ci_exact: [20, 80] }),
      responderRow({ instrument: 'NRS', timepoint_months: 6, pct: 40, ci_exact: [10, 70] }),
      responderRow({ instrument: 'ODI', timepoint_months: 12, pct: null, ci_exact: null }),
    ],
  });
  const root = parse(responderChart(a));
  const svg = chartSvg(root);

  test('a figure with the instruments legend around the labelled 640 × 320 chart', () => {
    assert.equal(root.tagName.toLowerCase(), 'figure');
    assertFrame(svg, RESP_TITLE, 640, 320);
    assert.match(root.textContent ?? '', /NRS/);
    assert.deepEqual(texts(svg, 'x-axis tick label'), ['3', '6', '12']);
    assert.deepEqual(texts(svg, 'x-axis label'), ['Months after the procedure']);
    assert.match(texts(svg, 'y-axis label')[0]!, /Responders \(%\)/);
    assert.equal(texts(svg, 'y-axis tick label').at(-1), '100');
    assert.equal(has(svg, 'y-grid'), true);
    near(labelX(svg, 'x-axis label'), (48 + 620) / 2, 'x label centred');
  });

  test('one colour per instrument: the dot, its interval bar and its legend swatch share it', () => {
    const swatch = new Map(
      [...root.querySelectorAll('span')].map((sp) => [sp.textContent, sp.querySelector('svg')?.getAttribute('fill')]),
    );
    const dots = [...svg.querySelectorAll('g[aria-label="dot"] circle')];
    const bars = [...svg.querySelectorAll('g[aria-label="rule"] line')].filter(
      (l) => l.getAttribute('y1') !== l.getAttribute('y2'),
    );
    const colour = (inst: string) => {
      const dot = dots.find((d) => d.querySelector('title')?.textContent?.startsWith(inst))!;
      const bar = bars.find((b) => b.getAttribute('x1') === dot.getAttribute('cx'))!;
      return [dot.getAttribute('fill'), bar.getAttribute('stroke'), swatch.get(inst)];
    };
    const [odi, nrs] = [colour('ODI'), colour('NRS')];
    assert.ok(odi[0], 'ODI has a colour');
    assert.deepEqual(odi, [odi[0], odi[0], odi[0]]);
    assert.deepEqual(nrs, [nrs[0], nrs[0], nrs[0]]);
    assert.notEqual(odi[0], nrs[0]);
  });

  test('a zero line across the frame at y 280', () => {
    const flat = [...svg.querySelectorAll('g[aria-label="rule"] line')].filter(
      (l) => l.getAttribute('y1') === l.getAttribute('y2'),
    );
    assert.deepEqual(
      flat.map((l) => [num(l, 'x1'), num(l, 'x2'), num(l, 'y1')]),
      [[48, 620, 280]],
    );
  });

  test('a dot per percentage with its title, and a bar for its exact interval', () => {
    // rounded point scale (d3 scalePoint.round): step = ⌊572 / (2 + 0.8)⌋ = 204, first point at
    // 48 + (572 − 2 × 204) / 2 = 130, then 334, 538; y(p) = 280 − 2.6 p
    const dots = [...svg.querySelectorAll('g[aria-label="dot"] circle')];
    assert.equal(dots.length, 2);
    const byTitle = new Map(dots.map((d) => [d.querySelector('title')?.textContent, d]));
    const odi = byTitle.get('ODI 50.0%')!;
    const nrs = byTitle.get('NRS 40.0%')!;
    assert.ok(odi && nrs, [...byTitle.keys()].join(', '));
    near(num(odi, 'cx'), 130, 'ODI x');
    near(num(odi, 'cy'), 150, 'ODI y');
    near(num(nrs, 'cx'), 334, 'NRS x');
    near(num(nrs, 'cy'), 176, 'NRS y');
    assert.equal(num(odi, 'r'), 4);
    const rules = [...svg.querySelectorAll('g[aria-label="rule"] line')].filter(
      (l) => l.getAttribute('y1') !== l.getAttribute('y2'),
    );
    const spans = rules.map((l) => [num(l, 'x1'), num(l, 'y1'), num(l, 'y2')].map((v) => Math.round(v * 10) / 10));
    spans.sort((p, q) => p[0]! - q[0]!);
    // ODI 20–80 → y 228 .. 72; NRS 10–70 → y 254 .. 98
    assert.deepEqual(
      spans.map((s) => [s[0], Math.max(s[1]!, s[2]!), Math.min(s[1]!, s[2]!)]),
      [
        [130, 228, 72],
        [334, 254, 98],
      ],
    );
    assert.equal(rules[0]!.parentElement!.getAttribute('stroke-width'), '2');
  });
});

describe('survival chart', () => {
  // steps at 3 and 6 months (days 3 × 30.4375 and 6 × 30.4375); x 0 .. 6 → 48 .. 620; y 0 .. 1 → 260 .. 20
  const a = tables({
    survival: {
      ...tables().survival,
      curve: [
        { day: 3 * DAYS_PER_MONTH, survival: 0.8, lower: 0.5, upper: 0.9, at_risk: 10 },
        { day: 6 * DAYS_PER_MONTH, survival: 0.6, lower: null, upper: null, at_risk: 5 },
      ],
    },
  });
  const svg = chartSvg(parse(survivalChart(a)));

  test('a labelled 640 × 300 svg', () => {
    assertFrame(svg, SURV_TITLE, 640, 300);
    assert.match(texts(svg, 'x-axis label')[0]!, /^Months after the procedure/);
    assert.match(texts(svg, 'y-axis label')[0]!, /Free of treatment failure/);
    assert.deepEqual(texts(svg, 'y-axis tick label'), ['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    assert.equal(has(svg, 'y-grid'), true);
    near(labelX(svg, 'x-axis label'), (48 + 620) / 2, 'x label centred');
  });

  test('the step line starts at 1 on day 0 and holds each value until the next step', () => {
    const line = svg.querySelector('g[aria-label="line"]')!;
    assert.equal(line.getAttribute('stroke'), '#0b4f8a');
    assert.equal(line.getAttribute('stroke-width'), '2');
    const pts = pathPoints(line.querySelector('path')!.getAttribute('d')!);
    const want = [
      [48, 20],
      [334, 20],
      [334, 68],
      [620, 68],
      [620, 116],
    ];
    assert.equal(pts.length, want.length);
    pts.forEach((p, i) => {
      near(p[0], want[i]![0]!, `point ${i} x`);
      near(p[1], want[i]![1]!, `point ${i} y`);
    });
  });

  test('the band follows the interval; a step without limits collapses onto the curve', () => {
    const area = svg.querySelector('g[aria-label="area"]')!;
    assert.equal(area.getAttribute('fill'), '#cfe0f3');
    const pts = pathPoints(area.querySelector('path')!.getAttribute('d')!)
      .map(([x, y]) => `${Math.round(x)},${Math.round(y)}`)
      .sort();
    // lower 1, 1, 0.5, 0.5, 0.6 and upper 1, 1, 0.9, 0.9, 0.6 at x 48, 334, 334, 620, 620
    const want = ['48,20', '334,20', '334,140', '620,140', '620,116', '48,20', '334,20', '334,44', '620,44', '620,116'];
    assert.deepEqual(pts, want.sort());
  });

  test('a curve shorter than a month is drawn on an axis of at least one month', () => {
    const short = tables({
      survival: { ...tables().survival, curve: [{ day: 15, survival: 0.5, lower: 0.2, upper: 0.8, at_risk: 8 }] },
    });
    const line = chartSvg(parse(survivalChart(short))).querySelector('g[aria-label="line"] path')!;
    const pts = pathPoints(line.getAttribute('d')!);
    // day 15 = 0.49281 months: x = 48 + 0.49281 × 572 = 329.89
    near(pts.at(-1)![0], 48 + (15 / 30.4375) * 572, 'last x');
    near(pts.at(-1)![1], 140, 'last y');
  });
});

describe('completeness chart', () => {
  const a = tables({
    completeness: [
      completenessRow({ timepoint_months: 1, pct: 50 }),
      completenessRow({ timepoint_months: 3, pct: 100 }),
      completenessRow({ timepoint_months: 6, pct: null }),
    ],
  });
  const svg = chartSvg(parse(completenessChart(a)));
  test('a bar per timepoint with a percentage, on 0–100 %', () => {
    assertFrame(svg, COMP_TITLE, 640, 240);
    assert.deepEqual(texts(svg, 'x-axis tick label'), ['1 m', '3 m']);
    assert.deepEqual(texts(svg, 'x-axis label'), ['Timepoint']);
    assert.match(texts(svg, 'y-axis label')[0]!, /Seen \(%\)/);
    const bars = svg.querySelector('g[aria-label="bar"]')!;
    assert.equal(bars.getAttribute('fill'), '#5b8fc7');
    // y 0 .. 100 → 210 .. 20: 50 % is 95 high, 100 % is 190
    // band scale over x 48 .. 620, padding 0.1, rounded: step = ⌊572 / 2.1⌋ = 272, bandwidth 0.9 × 272 = 244.8 → 245,
    // first band at 48 + (572 − 1.9 × 272) / 2 = 75.6 → 76, the second at 76 + 272 = 348
    assert.deepEqual(
      [...bars.querySelectorAll('rect')].map((r) => [num(r, 'x'), num(r, 'width'), num(r, 'y'), num(r, 'height')]),
      [
        [76, 245, 115, 95],
        [348, 245, 20, 190],
      ],
    );
    assert.equal(has(svg, 'y-grid'), true);
    assert.ok(svg.querySelector('g[aria-label="rule"] line'), 'the zero line');
  });
});

describe('adverse-event chart', () => {
  const a = tables({
    adverse_events: {
      procedures: 10,
      rows: [
        aeRow({ category: 'any', per_100_procedures: 50, ci_exact: [20, 80] }),
        aeRow({ category: 'grade 1', per_100_procedures: 20, ci_exact: [5, 40] }),
        aeRow({ category: 'grade 2', per_100_procedures: null, ci_exact: null }),
      ],
    },
  });
  const svg = chartSvg(parse(aeChart(a)));
  test('one line per category with a rate: 40 + 22 per row high, x 0–100 from 170 to 620', () => {
    assertFrame(svg, AE_TITLE, 640, 84);
    assert.deepEqual(texts(svg, 'y-axis tick label'), ['any', 'grade 1']);
    assert.match(texts(svg, 'x-axis label')[0]!, /Per 100 procedures/);
    assert.equal(has(svg, 'x-grid'), true);
    assert.equal(has(svg, 'y-axis label'), false); // the categories need no axis title
    const dots = [...svg.querySelectorAll('g[aria-label="dot"] circle')];
    // x(v) = 170 + 4.5 v
    assert.deepEqual(
      dots.map((d) => num(d, 'cx')),
      [395, 260],
    );
    assert.equal(dots[0]!.parentElement!.getAttribute('fill'), '#8a3b00');
    const rules = [...svg.querySelectorAll('g[aria-label="rule"] line')];
    assert.deepEqual(
      rules.map((l) => [num(l, 'x1'), num(l, 'x2')].map((v) => Math.round(v * 100) / 100).sort((p, q) => p - q)),
      [
        [260, 530],
        [192.5, 350],
      ],
    );
    assert.equal(rules[0]!.parentElement!.getAttribute('stroke'), '#8a3b00');
  });
});
