// Text report in the style of metafor's print.rma.uni / print.rma.mh / print.rma.peto. Pure: returns a string.
import type { Measure } from './escalc.ts';
import type { FixedPoolResult } from './mh.ts';
import type { RmaResult } from './rma.ts';
import { backTransform } from './transform.ts';

const f4 = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : 'NA');
const pv = (p: number): string => (!Number.isFinite(p) ? 'NA' : p < 1e-4 ? '<.0001' : p.toFixed(4).replace(/^0/, ''));
const pvEq = (p: number): string =>
  !Number.isFinite(p) ? '= NA' : p < 1e-4 ? '< .0001' : `= ${p.toFixed(4).replace(/^0/, '')}`;
const stars = (p: number): string => (p < 0.001 ? '***' : p < 0.01 ? '**' : p < 0.05 ? '*' : p < 0.1 ? '.' : '');

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, j) => c.padStart(widths[j]!)).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

export interface ReportContext {
  measure?: Measure;
  /** per-study sample sizes (for the PFT back-transformation) */
  ni?: ArrayLike<number>;
  warnings?: string[];
}

export function formatRma(r: RmaResult, ctx: ReportContext = {}): string {
  const out: string[] = [''];
  const ee = r.method === 'EE' || r.method === 'FE';
  const kind = ee ? 'Equal-Effects Model' : r.intOnly ? 'Random-Effects Model' : 'Mixed-Effects Model';
  out.push(`${kind} (k = ${r.k}${ee ? '' : `; tau^2 estimator: ${r.method}`})`, '');
  if (!ee) {
    out.push(
      `tau^2 (estimated amount of ${r.intOnly ? 'total' : 'residual'} heterogeneity): ${f4(r.tau2)} (SE = ${f4(r.seTau2)})`,
    );
    out.push(`tau (square root of estimated tau^2 value):      ${f4(Math.sqrt(r.tau2))}`);
  }
  out.push(
    `I^2 (${r.intOnly ? 'total heterogeneity / total variability' : 'residual heterogeneity / unaccounted variability'}):   ${Number.isFinite(r.I2) ? r.I2.toFixed(2) : 'NA'}%`,
  );
  out.push(
    `H^2 (${r.intOnly ? 'total variability / sampling variability' : 'unaccounted variability / sampling variability'}):  ${Number.isFinite(r.H2) ? r.H2.toFixed(2) : 'NA'}`,
  );
  if (r.R2 !== null)
    out.push(
      `R^2 (amount of heterogeneity accounted for):            ${Number.isFinite(r.R2) ? r.R2.toFixed(2) : 'NA'}%`,
    );
  out.push(
    '',
    `Test for ${r.intOnly ? '' : 'Residual '}Heterogeneity:`,
    `Q${r.intOnly ? '' : 'E'}(df = ${r.k - r.p}) = ${f4(r.QE)}, p-val ${pvEq(r.QEp)}`,
    '',
  );
  if (!r.intOnly) {
    const [m, df] = r.QMdf;
    out.push(
      'Test of Moderators:',
      r.test === 'knha'
        ? `F(df1 = ${m}, df2 = ${df}) = ${f4(r.QM)}, p-val ${pvEq(r.QMp)}`
        : `QM(df = ${m}) = ${f4(r.QM)}, p-val ${pvEq(r.QMp)}`,
      '',
    );
  }
  out.push('Model Results:', '');
  const stat = r.test === 'knha' ? 'tval' : 'zval';
  const head = r.intOnly
    ? ['estimate', 'se', stat, 'pval', 'ci.lb', 'ci.ub', '']
    : ['', 'estimate', 'se', stat, 'pval', 'ci.lb', 'ci.ub', ''];
  const rows = r.beta.map((b, j) => {
    const cells = [
      f4(b),
      f4(r.se[j]!),
      f4(r.zval[j]!),
      pv(r.pval[j]!),
      f4(r.ciLb[j]!),
      f4(r.ciUb[j]!),
      stars(r.pval[j]!),
    ];
    return r.intOnly ? cells : [r.coefNames[j]!, ...cells];
  });
  out.push(table(head, rows), '', '---', "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1", '');
  if (r.pred) {
    const p = r.pred;
    out.push('Summary estimate:', '');
    const h = ['pred', 'se', 'ci.lb', 'ci.ub', ...(ee ? [] : ['pi.lb', 'pi.ub'])];
    out.push(table(h, [[f4(p.pred), f4(p.se), f4(p.ciLb), f4(p.ciUb), ...(ee ? [] : [f4(p.piLb), f4(p.piUb)])]]), '');
    const bt = ctx.measure ? backTransform(ctx.measure, ctx.ni) : null;
    if (bt) {
      const vals = [p.pred, p.ciLb, p.ciUb, ...(ee ? [] : [p.piLb, p.piUb])].map((x) => f4(bt.f(x)));
      out.push(`Back-transformed (${bt.label}):`, '');
      out.push(table(['pred', 'ci.lb', 'ci.ub', ...(ee ? [] : ['pi.lb', 'pi.ub'])], [vals]), '');
    }
  }
  for (const w of [...r.warnings, ...(ctx.warnings ?? [])]) out.push(`Warning: ${w}`);
  return out.join('\n');
}

export function formatFixedPool(r: FixedPoolResult): string {
  const out: string[] = [''];
  out.push(
    r.model === 'rma.mh'
      ? `Equal-Effects Model (k = ${r.k}; Mantel-Haenszel method)`
      : `Equal-Effects Model (k = ${r.k}; Peto's method)`,
    '',
  );
  out.push(`I^2 (total heterogeneity / total variability):  ${r.I2.toFixed(2)}%`);
  out.push(`H^2 (total variability / sampling variability): ${r.H2.toFixed(2)}`, '');
  out.push('Test for Heterogeneity:', `Q(df = ${Math.max(0, r.kYi - 1)}) = ${f4(r.QE)}, p-val ${pvEq(r.QEp)}`, '');
  out.push('Model Results (log scale):', '');
  out.push(
    table(
      ['estimate', 'se', 'zval', 'pval', 'ci.lb', 'ci.ub', ''],
      [[f4(r.beta), f4(r.se), f4(r.zval), pv(r.pval), f4(r.ciLb), f4(r.ciUb), stars(r.pval)]],
    ),
    '',
  );
  if (r.measure !== 'RD') {
    out.push('Model Results (OR/RR scale):', '');
    out.push(
      table(['estimate', 'ci.lb', 'ci.ub'], [[f4(Math.exp(r.beta)), f4(Math.exp(r.ciLb)), f4(Math.exp(r.ciUb))]]),
      '',
    );
  }
  out.push('---', "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1", '');
  for (const w of r.warnings) out.push(`Warning: ${w}`);
  return out.join('\n');
}
