// Funnel plot as a standalone SVG string, drawn with @observablehq/plot on a linkedom document. Pure: no I/O.
// Its own module so that commands which draw no funnel never load Plot and d3 (about 0.3 s of module loading
// on every CLI start, measured with --cpu-prof).
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { qnormUpper } from './dist.ts';
import type { Measure } from './escalc.ts';
import { MEASURE_LABEL, niceTicks } from './forest.ts';
import type { RmaResult } from './rma.ts';

export interface FunnelInput {
  measure: Measure;
  fit: RmaResult;
  labels?: string[];
  title?: string;
}

/**
 * Funnel plot (metafor's funnel.rma): each study's effect against its standard error (y axis reversed, 0 at
 * the top), a vertical line at the pooled estimate and the pseudo 95% confidence region estimate ± 1.96·SE
 * (Sterne & Egger 2001, BMJ 323:101; metafor draws the same region). Ratio measures on a log axis labelled on
 * the natural scale, everything else on the analysis scale. Drawn with @observablehq/plot on a linkedom
 * document (no browser needed).
 */
export function funnelSvg(input: FunnelInput): string {
  const { fit, measure } = input;
  const ratio = ['RR', 'OR', 'PETO', 'ROM'].includes(measure);
  const tx = (v: number): number => (ratio ? Math.exp(v) : v);
  const b = fit.beta[0]!;
  const z = qnormUpper(0.025);
  const pts = fit.yi.map((y, i) => ({ x: tx(y), se: Math.sqrt(fit.vi[i]!), label: input.labels?.[i] ?? '' }));
  const seMax = Math.max(...pts.map((p) => p.se)) * 1.05 || 1;
  const steps = 40;
  const edge = (sign: 1 | -1) =>
    Array.from({ length: steps + 1 }, (_, j) => {
      const se = (seMax * j) / steps;
      return { x: tx(b + sign * z * se), se };
    });
  const xs = [...pts.map((p) => p.x), ...edge(-1).map((p) => p.x), ...edge(1).map((p) => p.x)].filter(Number.isFinite);
  const xDomain: [number, number] = [Math.min(...xs), Math.max(...xs)];
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const axisLabel = ratio ? `${MEASURE_LABEL[measure]} (log scale)` : MEASURE_LABEL[measure];
  const svg = Plot.plot({
    document: document as unknown as Document,
    width: 640,
    height: 440,
    marginLeft: 56,
    marginBottom: 44,
    style: { fontSize: '12px', fontFamily: 'Helvetica, Arial, sans-serif', background: '#fff' },
    ...(input.title ? { title: input.title } : {}),
    x: ratio
      ? {
          type: 'log',
          label: axisLabel,
          labelAnchor: 'center',
          domain: xDomain,
          ticks: niceTicks(Math.log(xDomain[0]), Math.log(xDomain[1]), true),
          tickFormat: (d: number) => String(Number(d.toPrecision(3))),
        }
      : { type: 'linear', label: axisLabel, labelAnchor: 'center', domain: xDomain, nice: true },
    y: { reverse: true, label: 'Standard error', domain: [0, seMax], labelAnchor: 'center' },
    marks: [
      Plot.areaX([...edge(-1)], {
        x1: 'x',
        x2: (_d: { se: number }, j: number) => edge(1)[j]!.x,
        y: 'se',
        fill: '#eef1f7',
      }),
      Plot.line(edge(-1), { x: 'x', y: 'se', stroke: '#777', strokeDasharray: '4,3' }),
      Plot.line(edge(1), { x: 'x', y: 'se', stroke: '#777', strokeDasharray: '4,3' }),
      Plot.ruleX([tx(b)], { stroke: '#b22222' }),
      Plot.dot(pts, { x: 'x', y: 'se', fill: '#1f3b73', r: 4, title: 'label' }),
    ],
  }) as unknown as Element;
  svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return svg.outerHTML;
}
