// Publication-style forest plot as a standalone SVG string (hand-written SVG: no DOM needed, ~0.1 ms per plot).
// Layout after metafor's forest.rma and the usual journal style: study labels and n on the left, squares sized
// by weight (area ∝ weight) with 95% CIs, pooled diamond, prediction-interval bar, "estimate [95% CI]" and
// weight columns on the right, heterogeneity line underneath. Ratio measures use a log axis labelled on the
// natural scale; other transformed measures (proportions, correlations) are drawn on the natural scale.
import { qnormUpper } from './dist.ts';
import type { Measure } from './escalc.ts';
import type { RmaResult } from './rma.ts';
import { backTransform } from './transform.ts';

export interface ForestInput {
  measure: Measure;
  labels: string[];
  ni?: number[];
  fit: RmaResult;
  title?: string;
  /** captions under the axis, left and right of the null line (e.g. "Favours treatment"); default none */
  favoursLeft?: string;
  favoursRight?: string;
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const fmt = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : 'NA');

function niceTicks(lo: number, hi: number, ratio: boolean): number[] {
  if (ratio) {
    const cands = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100];
    const t = cands.filter((c) => Math.log(c) >= lo - 1e-9 && Math.log(c) <= hi + 1e-9);
    return t.length >= 2 ? t : [Math.exp(lo), 1, Math.exp(hi)];
  }
  const span = hi - lo;
  const step0 = 10 ** Math.floor(Math.log10(span / 4));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * step0).find((s) => span / s <= 6) ?? step0 * 10;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-12; v += step) out.push(Number(v.toFixed(10)));
  return out;
}

export function forestSvg(input: ForestInput): string {
  const { fit, labels, measure } = input;
  const k = fit.k;
  const bt = backTransform(measure, input.ni);
  const ratio = bt?.ratio ?? false;
  // display transform: data are plotted at x = disp(analysis value)
  const disp = (x: number): number => (bt && !ratio ? bt.f(x) : x);
  const z = qnormUpper(0.025);
  const lo = fit.yi.map((y, i) => disp(y - z * Math.sqrt(fit.vi[i]!)));
  const hi = fit.yi.map((y, i) => disp(y + z * Math.sqrt(fit.vi[i]!)));
  const est = fit.yi.map(disp);
  const ee = fit.method === 'EE' || fit.method === 'FE';
  const pred = fit.pred!;
  const pooled = {
    est: disp(pred.pred),
    lb: disp(pred.ciLb),
    ub: disp(pred.ciUb),
    plb: disp(pred.piLb),
    pub: disp(pred.piUb),
  };

  // axis range: the pooled CI and PI always, study CIs clipped to a sensible window
  const core = [pooled.lb, pooled.ub, ...est].filter(Number.isFinite);
  if (!ee && Number.isFinite(pooled.plb)) core.push(pooled.plb, pooled.pub);
  let xmin = Math.min(...core, ...lo.filter(Number.isFinite));
  let xmax = Math.max(...core, ...hi.filter(Number.isFinite));
  const nullVal = ratio ? 0 : bt ? Number.NaN : 0;
  if (Number.isFinite(nullVal)) {
    xmin = Math.min(xmin, nullVal);
    xmax = Math.max(xmax, nullVal);
  }
  const cmin = Math.min(...core);
  const cmax = Math.max(...core);
  const cspan = Math.max(cmax - cmin, 1e-6);
  xmin = Math.max(xmin, cmin - 2 * cspan);
  xmax = Math.min(xmax, cmax + 2 * cspan);
  const pad = (xmax - xmin) * 0.05 || 0.1;
  xmin -= pad;
  xmax += pad;

  const rowH = 22;
  const W = 940;
  const left = 20;
  const colN = 290;
  const px0 = 330;
  const px1 = 640;
  const colCI = 660;
  const colW = W - 20;
  const top = input.title ? 56 : 30;
  const headY = top;
  const firstY = headY + rowH + 4;
  const pooledY = firstY + k * rowH + 10;
  const axisY = pooledY + rowH + 6;
  const H = axisY + 78;
  const X = (v: number): number => px0 + ((v - xmin) / (xmax - xmin)) * (px1 - px0);
  const clampX = (v: number): number => Math.min(px1, Math.max(px0, X(v)));

  const wmax = Math.max(...fit.weights);
  const natural = (v: number): number => (ratio ? Math.exp(v) : v);
  const ciText = (e: number, l: number, u: number): string =>
    `${fmt(natural(e))} [${fmt(natural(l))}, ${fmt(natural(u))}]`;

  const s: string[] = [];
  s.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="13">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
  );
  if (input.title) s.push(`<text x="${left}" y="28" font-size="15" font-weight="bold">${esc(input.title)}</text>`);
  const measureLabel = {
    RR: 'Risk ratio',
    OR: 'Odds ratio',
    PETO: 'Odds ratio (Peto)',
    RD: 'Risk difference',
    MD: 'Mean difference',
    SMD: "Hedges' g",
    ROM: 'Ratio of means',
    PR: 'Proportion',
    PLN: 'Proportion',
    PLO: 'Proportion',
    PAS: 'Proportion',
    PFT: 'Proportion',
    MN: 'Mean',
    COR: 'Correlation',
    ZCOR: 'Correlation',
    GEN: 'Estimate',
  }[measure];
  s.push(
    `<g font-weight="bold"><text x="${left}" y="${headY}">Study</text>`,
    input.ni ? `<text x="${colN}" y="${headY}" text-anchor="end">n</text>` : '',
    `<text x="${(px0 + px1) / 2}" y="${headY}" text-anchor="middle">${esc(measureLabel)} (95% CI)</text>`,
    `<text x="${colCI}" y="${headY}">Estimate [95% CI]</text>`,
    `<text x="${colW}" y="${headY}" text-anchor="end">Weight</text></g>`,
    `<line x1="${left}" x2="${colW}" y1="${headY + 8}" y2="${headY + 8}" stroke="#000" stroke-width="0.8"/>`,
  );
  for (let i = 0; i < k; i++) {
    const y = firstY + i * rowH;
    const cy = y - 4;
    s.push(`<text x="${left}" y="${y}">${esc(labels[i] ?? `Study ${i + 1}`)}</text>`);
    if (input.ni)
      s.push(`<text x="${colN}" y="${y}" text-anchor="end">${Number.isFinite(input.ni[i]!) ? input.ni[i] : ''}</text>`);
    const l = lo[i]!;
    const u = hi[i]!;
    s.push(
      `<line x1="${clampX(l).toFixed(1)}" x2="${clampX(u).toFixed(1)}" y1="${cy}" y2="${cy}" stroke="#000" stroke-width="1"/>`,
    );
    if (X(l) < px0) s.push(`<path d="M${px0} ${cy} l6 -3.5 v7 z" fill="#000"/>`);
    if (X(u) > px1) s.push(`<path d="M${px1} ${cy} l-6 -3.5 v7 z" fill="#000"/>`);
    const side = 4 + 10 * Math.sqrt(fit.weights[i]! / wmax);
    const ex = X(est[i]!);
    if (ex >= px0 && ex <= px1)
      s.push(
        `<rect x="${(ex - side / 2).toFixed(1)}" y="${(cy - side / 2).toFixed(1)}" width="${side.toFixed(1)}" height="${side.toFixed(1)}" fill="#1f3b73"/>`,
      );
    const vals =
      bt && !ratio
        ? [est[i]!, l, u]
        : [fit.yi[i]!, fit.yi[i]! - z * Math.sqrt(fit.vi[i]!), fit.yi[i]! + z * Math.sqrt(fit.vi[i]!)];
    s.push(`<text x="${colCI}" y="${y}">${ciText(vals[0]!, vals[1]!, vals[2]!)}</text>`);
    s.push(`<text x="${colW}" y="${y}" text-anchor="end">${fmt(fit.weights[i]!, 1)}%</text>`);
  }
  // pooled row
  const py = pooledY;
  s.push(`<line x1="${left}" x2="${colW}" y1="${py - 16}" y2="${py - 16}" stroke="#000" stroke-width="0.5"/>`);
  const modelLabel = ee
    ? 'Common-effect model'
    : `Random-effects model (${fit.method}${fit.test === 'knha' ? ', Knapp-Hartung' : ''})`;
  s.push(`<text x="${left}" y="${py}" font-weight="bold">${esc(modelLabel)}</text>`);
  if (input.ni)
    s.push(
      `<text x="${colN}" y="${py}" text-anchor="end" font-weight="bold">${input.ni.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0)}</text>`,
    );
  const dy = py - 4;
  s.push(
    `<polygon points="${clampX(pooled.lb).toFixed(1)},${dy} ${X(pooled.est).toFixed(1)},${dy - 7} ${clampX(pooled.ub).toFixed(1)},${dy} ${X(pooled.est).toFixed(1)},${dy + 7}" fill="#b22222"/>`,
  );
  const pv = bt && !ratio ? [pooled.est, pooled.lb, pooled.ub] : [pred.pred, pred.ciLb, pred.ciUb];
  s.push(`<text x="${colCI}" y="${py}" font-weight="bold">${ciText(pv[0]!, pv[1]!, pv[2]!)}</text>`);
  s.push(`<text x="${colW}" y="${py}" text-anchor="end" font-weight="bold">100.0%</text>`);
  if (!ee && Number.isFinite(pooled.plb)) {
    const piy = py + 14;
    s.push(
      `<line x1="${clampX(pooled.plb).toFixed(1)}" x2="${clampX(pooled.pub).toFixed(1)}" y1="${piy}" y2="${piy}" stroke="#b22222" stroke-width="2.5"/>`,
      `<text x="${left}" y="${piy + 4}" font-style="italic">Prediction interval</text>`,
    );
    const pp = bt && !ratio ? [pooled.plb, pooled.pub] : [pred.piLb, pred.piUb];
    s.push(
      `<text x="${colCI}" y="${piy + 4}" font-style="italic">[${fmt(natural(pp[0]!))}, ${fmt(natural(pp[1]!))}]</text>`,
    );
  }
  // null line and axis
  if (Number.isFinite(nullVal) && nullVal >= xmin && nullVal <= xmax)
    s.push(
      `<line x1="${X(nullVal).toFixed(1)}" x2="${X(nullVal).toFixed(1)}" y1="${headY + 12}" y2="${axisY}" stroke="#555" stroke-dasharray="3,3"/>`,
    );
  s.push(
    `<line x1="${X(pooled.est).toFixed(1)}" x2="${X(pooled.est).toFixed(1)}" y1="${headY + 12}" y2="${py + 4}" stroke="#b22222" stroke-width="0.6" stroke-dasharray="2,3"/>`,
  );
  s.push(`<line x1="${px0}" x2="${px1}" y1="${axisY}" y2="${axisY}" stroke="#000"/>`);
  for (const t of niceTicks(xmin, xmax, ratio)) {
    const xv = ratio ? Math.log(t) : t;
    if (xv < xmin || xv > xmax) continue;
    const x = X(xv).toFixed(1);
    s.push(`<line x1="${x}" x2="${x}" y1="${axisY}" y2="${axisY + 5}" stroke="#000"/>`);
    s.push(
      `<text x="${x}" y="${axisY + 18}" text-anchor="middle" font-size="11">${ratio ? String(t) : String(Number(t.toPrecision(6)))}</text>`,
    );
  }
  if (Number.isFinite(nullVal)) {
    if (input.favoursLeft)
      s.push(`<text x="${px0}" y="${axisY + 34}" font-size="11" fill="#444">${esc(input.favoursLeft)}</text>`);
    if (input.favoursRight)
      s.push(
        `<text x="${px1}" y="${axisY + 34}" font-size="11" fill="#444" text-anchor="end">${esc(input.favoursRight)}</text>`,
      );
  }
  const het = ee
    ? `Heterogeneity: Q = ${fmt(fit.QE)} (df = ${fit.k - fit.p}), p ${fit.QEp < 1e-4 ? '< 0.0001' : `= ${fmt(fit.QEp, 4)}`}; I² = ${fmt(fit.I2, 1)}%`
    : `Heterogeneity: τ² = ${fmt(fit.tau2, 4)}; I² = ${fmt(fit.I2, 1)}%; Q = ${fmt(fit.QE)} (df = ${fit.k - fit.p}), p ${fit.QEp < 1e-4 ? '< 0.0001' : `= ${fmt(fit.QEp, 4)}`}`;
  const overall = `Test for overall effect: ${fit.test === 'knha' ? 't' : 'z'} = ${fmt(fit.zval[0]!)}, p ${fit.pval[0]! < 1e-4 ? '< 0.0001' : `= ${fmt(fit.pval[0]!, 4)}`}`;
  s.push(`<text x="${left}" y="${axisY + 54}" font-size="12">${esc(het)}</text>`);
  s.push(`<text x="${left}" y="${axisY + 70}" font-size="12">${esc(overall)}</text>`);
  s.push('</svg>');
  return s.filter((x) => x !== '').join('\n');
}
