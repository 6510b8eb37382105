// Charts of the outcomes dashboard as standalone SVG strings, drawn with @observablehq/plot on a linkedom
// document (no browser), as src/stats/funnel.ts does. Pure. Each chart is shown beside a table of its numbers.
// Its own module so that only the dashboard loads Plot and d3.
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import type { CohortAnalysis } from './core.ts';
import { DAYS_PER_MONTH } from './core.ts';

const STYLE = { fontSize: '12px', fontFamily: 'Helvetica, Arial, sans-serif', background: '#fff' };

function render(options: Plot.PlotOptions, title: string): string {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const el = Plot.plot({ document: document as unknown as Document, style: STYLE, ...options }) as unknown as Element;
  // With a legend Plot returns a <figure> holding the legend and the chart's <svg>: label the chart itself.
  // (the legend's swatches are small svgs before it, so the chart is the figure's last svg).
  const inner = el.querySelectorAll('svg');
  const svg = el.tagName.toLowerCase() === 'svg' ? el : (inner[inner.length - 1] ?? el);
  svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', title);
  return el.outerHTML;
}

const empty = (title: string, why: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${title}" width="640" height="60"><text x="8" y="30" font-family="Helvetica, Arial, sans-serif" font-size="13">${why}</text></svg>`;

/** Responder % (complete case) per timepoint with exact 95% CI bars, one colour per instrument. */
export function responderChart(a: CohortAnalysis): string {
  const title = 'Responders (%) by month after the procedure, exact 95% CI';
  const pts = a.responders
    .filter((r) => r.pct !== null && r.ci_exact !== null)
    .map((r) => ({
      instrument: r.instrument,
      month: r.timepoint_months,
      pct: r.pct!,
      lo: r.ci_exact![0],
      hi: r.ci_exact![1],
    }));
  if (pts.length === 0)
    return empty(title, 'No timepoint has an assessed, evaluable patient yet (or every cell is suppressed).');
  const months = [...new Set(a.responders.map((r) => r.timepoint_months))];
  return render(
    {
      width: 640,
      height: 320,
      marginLeft: 48,
      marginBottom: 40,
      x: { type: 'point', domain: months, label: 'Months after the procedure', labelAnchor: 'center', padding: 0.4 },
      y: { domain: [0, 100], label: 'Responders (%)', grid: true },
      color: { legend: true },
      marks: [
        Plot.ruleY([0]),
        Plot.ruleX(pts, { x: 'month', y1: 'lo', y2: 'hi', stroke: 'instrument', dx: 0, strokeWidth: 2 }),
        Plot.dot(pts, {
          x: 'month',
          y: 'pct',
          fill: 'instrument',
          r: 4,
          title: (d: { instrument: string; pct: number }) => `${d.instrument} ${d.pct.toFixed(1)}%`,
        }),
      ],
    },
    title,
  );
}

/** Kaplan–Meier freedom from treatment failure with its pointwise CI band. */
export function survivalChart(a: CohortAnalysis): string {
  const title = 'Freedom from treatment failure (Kaplan–Meier)';
  if (a.survival.curve.length === 0) return empty(title, 'No follow-up time to draw (or every step is suppressed).');
  // Step function: each step holds its value until the next time; the curve starts at 1 on day 0.
  const pts = [{ month: 0, s: 1, lo: 1, hi: 1 }];
  for (const c of a.survival.curve) {
    const m = c.day / DAYS_PER_MONTH;
    const prev = pts.at(-1)!;
    pts.push({ month: m, s: prev.s, lo: prev.lo, hi: prev.hi });
    pts.push({ month: m, s: c.survival, lo: c.lower ?? c.survival, hi: c.upper ?? c.survival });
  }
  return render(
    {
      width: 640,
      height: 300,
      marginLeft: 48,
      marginBottom: 40,
      x: { label: 'Months after the procedure', labelAnchor: 'center', domain: [0, Math.max(1, pts.at(-1)!.month)] },
      y: { domain: [0, 1], label: 'Free of treatment failure', grid: true },
      marks: [
        Plot.areaY(pts, { x: 'month', y1: 'lo', y2: 'hi', fill: '#cfe0f3' }),
        Plot.line(pts, { x: 'month', y: 's', stroke: '#0b4f8a', strokeWidth: 2 }),
      ],
    },
    title,
  );
}

/** Follow-up completeness: % of eligible patients seen in each window. */
export function completenessChart(a: CohortAnalysis): string {
  const title = 'Follow-up completeness (% of eligible patients seen in the window)';
  const rows = a.completeness
    .filter((c) => c.pct !== null)
    .map((c) => ({ month: `${c.timepoint_months} m`, pct: c.pct! }));
  if (rows.length === 0) return empty(title, 'No timepoint is due yet (or every cell is suppressed).');
  return render(
    {
      width: 640,
      height: 240,
      marginLeft: 48,
      x: { label: 'Timepoint', domain: rows.map((r) => r.month) },
      y: { domain: [0, 100], label: 'Seen (%)', grid: true },
      marks: [Plot.barY(rows, { x: 'month', y: 'pct', fill: '#5b8fc7' }), Plot.ruleY([0])],
    },
    title,
  );
}

/** Adverse events per 100 procedures with exact CIs, by category. */
export function aeChart(a: CohortAnalysis): string {
  const title = 'Adverse events: procedures with an event per 100 procedures, exact 95% CI';
  const rows = a.adverse_events.rows
    .filter((r) => r.per_100_procedures !== null && r.ci_exact !== null)
    .map((r) => ({ category: r.category, rate: r.per_100_procedures!, lo: r.ci_exact![0], hi: r.ci_exact![1] }));
  if (rows.length === 0) return empty(title, 'No procedures to count (or every cell is suppressed).');
  return render(
    {
      width: 640,
      height: 40 + rows.length * 22,
      marginLeft: 170,
      x: { domain: [0, 100], label: 'Per 100 procedures', grid: true },
      y: { domain: rows.map((r) => r.category), label: null },
      marks: [
        Plot.ruleY(rows, { y: 'category', x1: 'lo', x2: 'hi', stroke: '#8a3b00' }),
        Plot.dot(rows, { y: 'category', x: 'rate', fill: '#8a3b00' }),
      ],
    },
    title,
  );
}
