// Publication-style forest plot and funnel plot as standalone SVG strings. Pure: no I/O.
//
// Forest plot (the funnel plot is in funnel.ts): layout after metafor's forest.rma and the Cochrane (RevMan) style: study labels, events/total
// per arm for binary measures (or n), squares sized by weight (area ∝ weight) with 95% CIs, subgroups with
// their heading and subtotal diamond, pooled diamond, prediction-interval bar, "estimate [95% CI]" and weight
// columns on the right, heterogeneity and overall tests underneath. Ratio measures use a log axis labelled on
// the natural scale; other transformed measures (proportions, correlations) are drawn on the natural scale.
//
// Why the forest plot is hand-written SVG and not @observablehq/plot (which draws the funnel plot, funnel.ts): a
// forest plot is mostly a text table whose columns are sized by their widest entry, with a small chart in one
// column. Plot lays out one chart in one frame; the table columns, the per-row marks in a shared row grid
// and the column widths measured from the text are simpler and exact as hand-placed elements, and it needs
// no DOM (~0.1 ms per plot). Column widths come from textWidth below, so no text box overlaps another;
// test/cli/forest-plot.test.ts checks that with the real text boxes in Chromium.
import { qnormUpper } from './dist.ts';
import type { Measure } from './escalc.ts';
import type { RmaResult } from './rma.ts';
import type { SubgroupResult } from './subgroup.ts';
import { backTransform } from './transform.ts';

/** Events and totals of one study's two arms (group 1 = ai of n1i, group 2 = ci of n2i); NaN when unknown. */
export interface ArmCounts {
  e1: number;
  n1: number;
  e2: number;
  n2: number;
}

export interface ForestInput {
  measure: Measure;
  labels: string[];
  ni?: number[];
  fit: RmaResult;
  title?: string;
  /** captions under the axis, left and right of the null line (e.g. "Favours treatment"); default none */
  favoursLeft?: string;
  favoursRight?: string;
  /** binary measures: events/total per arm, one per study (same order as labels); drawn instead of n */
  counts?: ArmCounts[];
  /** column headings of the two arms (default "Experimental", "Control", as RevMan) */
  armNames?: [string, string];
  /** subgroups: each study's level (same order as labels) and the subgroup analysis of those studies */
  subgroups?: { column: string; group: (string | null)[]; result: SubgroupResult };
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const fmt = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : 'NA');
const fmtP = (p: number): string => (p < 1e-4 ? '< 0.0001' : `= ${fmt(p, 4)}`);

const FONT = 13;
/**
 * Width of a text in px, an upper bound for Helvetica/Arial/Liberation Sans: per-character advance widths
 * (in em) of Arial's metrics, grouped — narrow (i, l, punctuation) 0.28, digits and most lower case 0.56,
 * wide (m, w, upper case) 0.72–0.94; bold adds ~8%. Used to size columns so no two texts overlap.
 */
export function textWidth(s: string, size = FONT, bold = false): number {
  let em = 0;
  for (const ch of s) {
    if ("ijlI.,:;|!'`()[] ".includes(ch)) em += 0.3;
    else if ('ft-r/'.includes(ch)) em += 0.36;
    else if ('mwMW%'.includes(ch)) em += 0.94;
    else if (ch >= 'A' && ch <= 'Z') em += 0.73;
    else if ('²τ×–—≥≤'.includes(ch)) em += 0.6;
    else em += 0.57;
  }
  return em * size * (bold ? 1.1 : 1);
}

export function niceTicks(lo: number, hi: number, ratio: boolean): number[] {
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

export const MEASURE_LABEL: Record<Measure, string> = {
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
};

/** One row of the table part of the plot. */
type Row =
  | { kind: 'heading'; text: string }
  | { kind: 'study'; i: number }
  | { kind: 'subtotal'; level: string; fit: RmaResult | null; members: number[]; error?: string }
  | { kind: 'subhet'; text: string }
  | { kind: 'overall' }
  | { kind: 'pi' }
  | { kind: 'gap' };

function modelName(fit: RmaResult): string {
  return fit.method === 'EE' || fit.method === 'FE'
    ? 'Common-effect model'
    : `Random-effects model (${fit.method}${fit.test === 'knha' ? ', Knapp-Hartung' : ''})`;
}

export function forestSvg(input: ForestInput): string {
  const { fit, labels, measure } = input;
  const k = fit.k;
  const bt = backTransform(measure, input.ni);
  const ratio = bt?.ratio ?? false;
  // display transform: data are plotted at x = disp(analysis value)
  const disp = (x: number): number => (bt && !ratio ? bt.f(x) : x);
  const natural = (v: number): number => (ratio ? Math.exp(v) : v);
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
  /** "estimate [lb, ub]" on the natural scale from analysis-scale values */
  const ciOf = (e: number, l: number, u: number): string =>
    bt && !ratio
      ? `${fmt(disp(e))} [${fmt(disp(l))}, ${fmt(disp(u))}]`
      : `${fmt(natural(e))} [${fmt(natural(l))}, ${fmt(natural(u))}]`;
  const studyCi = (i: number): string =>
    ciOf(fit.yi[i]!, fit.yi[i]! - z * Math.sqrt(fit.vi[i]!), fit.yi[i]! + z * Math.sqrt(fit.vi[i]!));
  const hetText = (f: RmaResult): string =>
    f.method === 'EE' || f.method === 'FE'
      ? `Heterogeneity: Q = ${fmt(f.QE)} (df = ${f.k - f.p}), p ${fmtP(f.QEp)}; I² = ${fmt(f.I2, 1)}%`
      : `Heterogeneity: τ² = ${fmt(f.tau2, 4)}; I² = ${fmt(f.I2, 1)}%; Q = ${fmt(f.QE)} (df = ${f.k - f.p}), p ${fmtP(f.QEp)}`;

  // ---- rows: studies in file order, or grouped by subgroup (levels in R's factor order) with subtotals
  const rows: Row[] = [];
  const sg = input.subgroups;
  if (sg) {
    for (const g of sg.result.groups) {
      const members = sg.group.map((v, i) => (v === g.level ? i : -1)).filter((i) => i >= 0);
      if (members.length === 0) continue;
      rows.push({ kind: 'heading', text: `${sg.column}: ${g.level}` });
      for (const i of members) rows.push({ kind: 'study', i });
      rows.push({
        kind: 'subtotal',
        level: g.level,
        fit: g.fit,
        members,
        ...(g.error !== undefined ? { error: g.error } : {}),
      });
      if (g.fit && g.fit.k > 1)
        rows.push({
          kind: 'subhet',
          text: `Heterogeneity: I² = ${fmt(g.fit.I2, 1)}%${g.fit.method === 'EE' || g.fit.method === 'FE' ? '' : `, τ² = ${fmt(g.fit.tau2, 4)}`}`,
        });
      rows.push({ kind: 'gap' });
    }
    const left = sg.group.map((v, i) => (v === null ? i : -1)).filter((i) => i >= 0);
    if (left.length > 0) {
      rows.push({ kind: 'heading', text: `${sg.column}: missing (not in any subgroup)` });
      for (const i of left) rows.push({ kind: 'study', i });
      rows.push({ kind: 'gap' });
    }
  } else for (let i = 0; i < k; i++) rows.push({ kind: 'study', i });
  rows.push({ kind: 'overall' });
  if (!ee && Number.isFinite(pooled.plb)) rows.push({ kind: 'pi' });

  // ---- axis range: the pooled CI and PI always, subtotals, study CIs clipped to a sensible window
  const core = [pooled.lb, pooled.ub, ...est].filter(Number.isFinite);
  if (!ee && Number.isFinite(pooled.plb)) core.push(pooled.plb, pooled.pub);
  for (const r of rows)
    if (r.kind === 'subtotal' && r.fit?.pred) core.push(disp(r.fit.pred.ciLb), disp(r.fit.pred.ciUb));
  const finiteCore = core.filter(Number.isFinite);
  let xmin = Math.min(...finiteCore, ...lo.filter(Number.isFinite));
  let xmax = Math.max(...finiteCore, ...hi.filter(Number.isFinite));
  const nullVal = ratio ? 0 : bt ? Number.NaN : 0;
  if (Number.isFinite(nullVal)) {
    xmin = Math.min(xmin, nullVal);
    xmax = Math.max(xmax, nullVal);
  }
  const cmin = Math.min(...finiteCore);
  const cmax = Math.max(...finiteCore);
  const cspan = Math.max(cmax - cmin, 1e-6);
  xmin = Math.max(xmin, cmin - 2 * cspan);
  xmax = Math.min(xmax, cmax + 2 * cspan);
  const pad = (xmax - xmin) * 0.05 || 0.1;
  xmin -= pad;
  xmax += pad;

  // ---- texts of each column, then the column widths from the widest entry
  const counts = input.counts;
  const armNames = input.armNames ?? ['Experimental', 'Control'];
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  const en = (e: number, n: number): string => (Number.isFinite(e) && Number.isFinite(n) ? `${e}/${n}` : '');
  const arm = (members: number[], which: 1 | 2): string =>
    counts
      ? en(
          sum(members.map((i) => (which === 1 ? counts[i]!.e1 : counts[i]!.e2))),
          sum(members.map((i) => (which === 1 ? counts[i]!.n1 : counts[i]!.n2))),
        )
      : '';
  const nOf = (members: number[]): string => (input.ni ? String(sum(members.map((i) => input.ni![i]!))) : '');
  const all = Array.from({ length: k }, (_, i) => i);
  const weightOf = (members: number[]): string => `${fmt(sum(members.map((i) => fit.weights[i]!)), 1)}%`;

  interface Cells {
    label: string;
    bold?: boolean;
    italic?: boolean;
    a1?: string;
    a2?: string;
    n?: string;
    ci?: string;
    w?: string;
  }
  const cells = (r: Row): Cells => {
    switch (r.kind) {
      case 'heading':
        return { label: r.text, bold: true };
      case 'study': {
        const c = counts?.[r.i];
        return {
          label: labels[r.i] ?? `Study ${r.i + 1}`,
          ...(c ? { a1: en(c.e1, c.n1), a2: en(c.e2, c.n2) } : {}),
          n: input.ni && Number.isFinite(input.ni[r.i]!) ? String(input.ni[r.i]) : '',
          ci: studyCi(r.i),
          w: `${fmt(fit.weights[r.i]!, 1)}%`,
        };
      }
      case 'subtotal': {
        const p = r.fit?.pred;
        return {
          label: `Subtotal (k = ${r.members.length})`,
          bold: true,
          a1: arm(r.members, 1),
          a2: arm(r.members, 2),
          n: nOf(r.members),
          ci: p ? ciOf(p.pred, p.ciLb, p.ciUb) : 'not estimable',
          w: weightOf(r.members),
        };
      }
      case 'subhet':
        return { label: r.text, italic: true };
      case 'overall':
        return {
          label: modelName(fit),
          bold: true,
          a1: arm(all, 1),
          a2: arm(all, 2),
          n: nOf(all),
          ci: ciOf(pred.pred, pred.ciLb, pred.ciUb),
          w: '100.0%',
        };
      case 'pi': {
        const pp = bt && !ratio ? [pooled.plb, pooled.pub] : [natural(pred.piLb), natural(pred.piUb)];
        return { label: 'Prediction interval', italic: true, ci: `[${fmt(pp[0]!)}, ${fmt(pp[1]!)}]` };
      }
      case 'gap':
        return { label: '' };
    }
  };
  const table = rows.map(cells);
  const colW = (key: keyof Cells, head: string, skip?: (c: Cells) => boolean): number =>
    Math.max(
      textWidth(head, FONT, true),
      ...table.filter((c) => !skip?.(c)).map((c) => textWidth(String(c[key] ?? ''), FONT, Boolean(c.bold))),
    );
  const GAP = 16;
  const left = 20;
  // het lines under a subtotal are long: they may run under the count columns (empty in that row) but not
  // into the plot; so the label column is sized without them, the plot starts after whichever ends later.
  const isSubhet = (c: Cells): boolean => Boolean(c.italic) && c.ci === undefined;
  const labelW = colW('label', 'Study', isSubhet);
  const subhetW = Math.max(0, ...table.filter(isSubhet).map((c) => textWidth(c.label, 12)));
  let x = left + labelW + GAP;
  const cols: { key: 'a1' | 'a2' | 'n'; head: string; right: number }[] = [];
  if (counts) {
    const w1 = colW('a1', armNames[0]);
    cols.push({ key: 'a1', head: armNames[0], right: x + w1 });
    x += w1 + GAP;
    const w2 = colW('a2', armNames[1]);
    cols.push({ key: 'a2', head: armNames[1], right: x + w2 });
    x += w2 + GAP;
  } else if (input.ni) {
    const wn = colW('n', 'n');
    cols.push({ key: 'n', head: 'n', right: x + wn });
    x += wn + GAP;
  }
  const px0 = Math.max(x + 4, left + subhetW + GAP);
  const px1 = px0 + 300;
  const colCI = px1 + 24;
  const ciW = colW('ci', 'Estimate [95% CI]');
  const colWeight = colCI + ciW + GAP + colW('w', 'Weight');

  // ---- footer texts (under the axis), and the total width
  const footer: string[] = [hetText(fit)];
  footer.push(
    `Test for overall effect: ${fit.test === 'knha' ? 't' : 'z'} = ${fmt(fit.zval[0]!)}, p ${fmtP(fit.pval[0]!)}`,
  );
  if (sg?.result.betweenTest) {
    const t = sg.result.betweenTest;
    footer.push(`Test for subgroup differences: Q = ${fmt(t.stat)} (df = ${t.df}), p ${fmtP(t.pval)}`);
  }
  const W = Math.ceil(Math.max(colWeight + 20, left + Math.max(...footer.map((f) => textWidth(f, 12))) + 20));

  const rowH = 22;
  const top = input.title ? 56 : 30;
  const headY = top + (counts ? 16 : 0);
  const firstY = headY + rowH + 4;
  const rowY: number[] = [];
  {
    let y = firstY;
    for (const r of rows) {
      if (r.kind === 'overall') y += 10;
      rowY.push(y);
      y += r.kind === 'gap' ? rowH / 2 : r.kind === 'subhet' ? rowH - 4 : rowH;
    }
  }
  const lastY = rowY[rowY.length - 1]!;
  const axisY = lastY + 16;
  const H = axisY + 40 + footer.length * 16 + 8;
  const X = (v: number): number => px0 + ((v - xmin) / (xmax - xmin)) * (px1 - px0);
  const clampX = (v: number): number => Math.min(px1, Math.max(px0, X(v)));
  const wmax = Math.max(...fit.weights);

  const s: string[] = [];
  s.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="${FONT}">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
  );
  if (input.title) s.push(`<text x="${left}" y="28" font-size="15" font-weight="bold">${esc(input.title)}</text>`);
  s.push('<g font-weight="bold">', `<text x="${left}" y="${headY}">Study</text>`);
  for (const c of cols) {
    if (c.key === 'n') s.push(`<text x="${c.right}" y="${headY}" text-anchor="end">n</text>`);
    else {
      s.push(`<text x="${c.right}" y="${headY - 16}" text-anchor="end">${esc(c.head)}</text>`);
      s.push(`<text x="${c.right}" y="${headY}" text-anchor="end" font-weight="normal">Events/Total</text>`);
    }
  }
  s.push(
    `<text x="${(px0 + px1) / 2}" y="${headY}" text-anchor="middle">${esc(MEASURE_LABEL[measure])} (95% CI)</text>`,
    `<text x="${colCI}" y="${headY}">Estimate [95% CI]</text>`,
    `<text x="${colWeight}" y="${headY}" text-anchor="end">Weight</text></g>`,
    `<line x1="${left}" x2="${colWeight}" y1="${headY + 8}" y2="${headY + 8}" stroke="#000" stroke-width="0.8"/>`,
  );
  const diamond = (l: number, e: number, u: number, cy: number, fill: string, cls: string): string =>
    `<polygon class="${cls}" points="${clampX(l).toFixed(1)},${cy} ${clampX(e).toFixed(1)},${cy - 7} ${clampX(u).toFixed(1)},${cy} ${clampX(e).toFixed(1)},${cy + 7}" fill="${fill}"/>`;
  rows.forEach((r, ri) => {
    const y = rowY[ri]!;
    const cy = y - 4;
    const c = table[ri]!;
    const attrs = `${c.bold ? ' font-weight="bold"' : ''}${c.italic ? ' font-style="italic"' : ''}`;
    if (r.kind === 'overall')
      s.push(`<line x1="${left}" x2="${colWeight}" y1="${y - 16}" y2="${y - 16}" stroke="#000" stroke-width="0.5"/>`);
    if (c.label !== '')
      s.push(
        `<text class="row-${r.kind}" x="${left}" y="${y}"${attrs}${r.kind === 'subhet' ? ' font-size="12"' : ''}>${esc(c.label)}</text>`,
      );
    for (const col of cols) {
      const v = c[col.key];
      if (v) s.push(`<text x="${col.right}" y="${y}" text-anchor="end"${attrs}>${esc(v)}</text>`);
    }
    if (c.ci) s.push(`<text x="${colCI}" y="${y}"${attrs}>${esc(c.ci)}</text>`);
    if (c.w) s.push(`<text x="${colWeight}" y="${y}" text-anchor="end"${attrs}>${esc(c.w)}</text>`);
    if (r.kind === 'study') {
      const i = r.i;
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
    } else if (r.kind === 'subtotal' && r.fit?.pred) {
      const p = r.fit.pred;
      s.push(diamond(disp(p.ciLb), disp(p.pred), disp(p.ciUb), cy, '#5a6f96', 'subtotal'));
    } else if (r.kind === 'overall') {
      s.push(diamond(pooled.lb, pooled.est, pooled.ub, cy, '#b22222', 'overall'));
    } else if (r.kind === 'pi') {
      s.push(
        `<line x1="${clampX(pooled.plb).toFixed(1)}" x2="${clampX(pooled.pub).toFixed(1)}" y1="${cy}" y2="${cy}" stroke="#b22222" stroke-width="2.5"/>`,
      );
    }
  });
  const overallY = rowY[rows.findIndex((r) => r.kind === 'overall')]!;
  // null line and axis
  if (Number.isFinite(nullVal) && nullVal >= xmin && nullVal <= xmax)
    s.push(
      `<line x1="${X(nullVal).toFixed(1)}" x2="${X(nullVal).toFixed(1)}" y1="${headY + 12}" y2="${axisY}" stroke="#555" stroke-dasharray="3,3"/>`,
    );
  s.push(
    `<line x1="${X(pooled.est).toFixed(1)}" x2="${X(pooled.est).toFixed(1)}" y1="${headY + 12}" y2="${overallY + 4}" stroke="#b22222" stroke-width="0.6" stroke-dasharray="2,3"/>`,
  );
  s.push(`<line x1="${px0}" x2="${px1}" y1="${axisY}" y2="${axisY}" stroke="#000"/>`);
  for (const t of niceTicks(xmin, xmax, ratio)) {
    const xv = ratio ? Math.log(t) : t;
    if (xv < xmin || xv > xmax) continue;
    const tx = X(xv).toFixed(1);
    s.push(`<line x1="${tx}" x2="${tx}" y1="${axisY}" y2="${axisY + 5}" stroke="#000"/>`);
    s.push(
      `<text x="${tx}" y="${axisY + 18}" text-anchor="middle" font-size="11">${ratio ? String(t) : String(Number(t.toPrecision(6)))}</text>`,
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
  footer.forEach((f, j) => {
    s.push(`<text x="${left}" y="${axisY + 54 + j * 16}" font-size="12">${esc(f)}</text>`);
  });
  s.push('</svg>');
  return s.join('\n');
}
