// Text sections for the analyses beyond pooling (leave-one-out, cumulative, subgroups, small-study effects), in
// the style of metafor's print methods. Pure: returns strings.
import type { RanktestResult, RegtestResult, TrimfillResult } from './bias.ts';
import type { RefitRow } from './sensitivity.ts';
import type { SubgroupResult } from './subgroup.ts';

const f4 = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : 'NA');
const pv = (p: number): string => (!Number.isFinite(p) ? 'NA' : p < 1e-4 ? '<.0001' : p.toFixed(4).replace(/^0/, ''));

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

export function formatRefits(title: string, rows: RefitRow[], labels: string[], knha: boolean): string {
  const head = ['', 'estimate', 'se', knha ? 'tval' : 'zval', 'pval', 'ci.lb', 'ci.ub', 'Q', 'Qp', 'tau2', 'I2', 'H2'];
  const body = rows.map((r) => [
    labels[r.index] ?? `Study ${r.index + 1}`,
    ...[r.estimate, r.se, r.zval].map(f4),
    pv(r.pval),
    ...[r.ciLb, r.ciUb, r.Q].map(f4),
    pv(r.Qp),
    f4(r.tau2),
    Number.isFinite(r.I2) ? r.I2.toFixed(2) : 'NA',
    Number.isFinite(r.H2) ? r.H2.toFixed(2) : 'NA',
  ]);
  const notes = rows.filter((r) => r.error).map((r) => `Note: ${labels[r.index] ?? r.index + 1}: ${r.error}`);
  return ['', `${title}:`, '', table(head, body), ...notes, ''].join('\n');
}

export function formatSubgroups(s: SubgroupResult): string {
  const out = ['', `Subgroup analysis by ${s.column}:`, ''];
  const rows = s.groups.map((g) =>
    g.fit
      ? [
          g.level,
          String(g.k),
          f4(g.fit.beta[0]!),
          f4(g.fit.se[0]!),
          f4(g.fit.ciLb[0]!),
          f4(g.fit.ciUb[0]!),
          pv(g.fit.pval[0]!),
          f4(g.fit.tau2),
          Number.isFinite(g.fit.I2) ? g.fit.I2.toFixed(2) : 'NA',
        ]
      : [g.level, String(g.k), 'NA', 'NA', 'NA', 'NA', 'NA', 'NA', 'NA'],
  );
  out.push(table(['', 'k', 'estimate', 'se', 'ci.lb', 'ci.ub', 'pval', 'tau2', 'I2'], rows), '');
  if (s.moderatorTest) {
    const t = s.moderatorTest;
    out.push(
      Number.isFinite(t.ddf)
        ? `Test of subgroup differences (moderator model, common tau^2): F(df1 = ${t.df}, df2 = ${t.ddf}) = ${f4(t.stat)}, p-val = ${pv(t.pval)}`
        : `Test of subgroup differences (moderator model, common tau^2): QM(df = ${t.df}) = ${f4(t.stat)}, p-val = ${pv(t.pval)}`,
    );
  }
  if (s.betweenTest)
    out.push(
      `Test of subgroup differences (separate tau^2, Q-between): Q(df = ${s.betweenTest.df}) = ${f4(s.betweenTest.stat)}, p-val = ${pv(s.betweenTest.pval)}`,
    );
  for (const g of s.groups) {
    if (g.error) out.push(`Note: subgroup ${g.level}: ${g.error}`);
    for (const w of g.warnings) out.push(`Warning: ${w}`);
  }
  for (const w of s.warnings) out.push(`Warning: ${w}`);
  out.push('');
  return out.join('\n');
}

export interface BiasReport {
  regtest: RegtestResult | { error: string };
  ranktest: RanktestResult | { error: string };
  trimfill: TrimfillResult | { error: string };
}

export function formatBias(b: BiasReport): string {
  const out = ['', 'Small-study effects / publication bias:', ''];
  const r = b.regtest;
  if ('error' in r) out.push(`Egger's regression test: not computed (${r.error})`);
  else {
    const stat = Number.isFinite(r.ddf) ? `t = ${f4(r.zval)}, df = ${r.ddf}` : `z = ${f4(r.zval)}`;
    out.push(`Egger's regression test (predictor: sei): ${stat}, p = ${pv(r.pval)}`);
    out.push(`  limit estimate (as sei -> 0): ${f4(r.est)} (CI: ${f4(r.ciLb)}, ${f4(r.ciUb)})`);
  }
  const k = b.ranktest;
  if ('error' in k) out.push(`Rank correlation test: not computed (${k.error})`);
  else
    out.push(
      `Rank correlation test (Begg): Kendall's tau = ${f4(k.tau)}, p = ${pv(k.pval)}${k.exact ? ' (exact)' : ''}`,
    );
  const t = b.trimfill;
  if ('error' in t) out.push(`Trim-and-fill: not computed (${t.error})`);
  else {
    out.push(
      `Trim-and-fill (${t.estimator}): estimated missing studies on the ${t.side} side: ${t.k0} (SE = ${f4(t.seK0)})`,
    );
    const f = t.fit;
    out.push(
      `  adjusted estimate (k = ${f.k}): ${f4(f.beta[0]!)} (SE = ${f4(f.se[0]!)}, CI: ${f4(f.ciLb[0]!)}, ${f4(f.ciUb[0]!)}), tau^2 = ${f4(f.tau2)}`,
    );
  }
  const warns = new Set<string>();
  for (const x of [r, k, t]) if (!('error' in x)) for (const w of x.warnings) warns.add(w);
  for (const w of warns) out.push(`Warning: ${w}`);
  out.push('');
  return out.join('\n');
}
