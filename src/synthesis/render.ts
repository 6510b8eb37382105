// Text, Markdown and CSV renderings of a Summary-of-Findings (src/synthesis/sof.ts). Pure.
import type { Sof, SofQuestion } from './sof.ts';

const n2 = (x: number | null | undefined, d = 2) =>
  x === null || x === undefined || !Number.isFinite(x) ? '' : Number(x.toFixed(d)).toString().replace(/^-/, '−');

function effectCell(q: SofQuestion): string {
  const e = q.effect;
  if (e) {
    const pct = e.measure === 'PLO';
    const f = (x: number) => (pct ? `${n2(x * 100, 0)}%` : n2(x));
    return `${pct ? 'proportion (single-arm)' : e.measure} ${f(e.estimate)} (${f(e.ci_lb)} to ${f(e.ci_ub)}); k = ${e.k}, ${e.method}${e.i2 !== null ? `, I² ${n2(e.i2, 0)}%` : ''}${e.pi_lb !== null ? `, PI ${f(e.pi_lb)} to ${f(e.pi_ub!)}` : ''}`;
  }
  const r = q.reported_analyses[0];
  if (r)
    return `${r.measure} ${n2(r.estimate)}${r.ci_lb !== null ? ` (${n2(r.ci_lb)} to ${n2(r.ci_ub)})` : ''} as reported by ${r.study_id}`;
  return q.findings.length ? `no estimate (${q.findings.length} finding(s) without numbers)` : 'no estimate';
}

/** "200 per 1,000 with comparator; 400 more per 1,000 (95% CI 62 more to 1,000 more)", or why there is none. */
export function absoluteCell(q: SofQuestion): string {
  const a = q.absolute;
  if (!a) return q.absolute_reason ?? '';
  const n = (x: number) => Math.round(Math.abs(x)).toLocaleString('en-US');
  const d = (x: number) => (Math.round(x) === 0 ? '0' : `${n(x)} ${x < 0 ? 'fewer' : 'more'}`);
  return `${n(a.risk_with_comparator)} per 1,000 with comparator; ${d(a.difference.estimate)} per 1,000 (95% CI ${d(a.difference.ci_lb)} to ${d(a.difference.ci_ub)})`;
}

function participants(q: SofQuestion): string {
  return `${q.participants ?? '?'} (${q.study_ids.length} ${q.study_ids.length === 1 ? 'study' : 'studies'})`;
}

const reasons = (q: SofQuestion) =>
  q.domains
    .filter((d) => d.steps > 0)
    .map((d) => `${d.domain} ${d.domain === 'large-effect' ? '+' : '−'}${d.steps}`)
    .join(', ');

export function sofToText(s: Sof): string {
  const out = [
    `Summary of Findings: ${s.therapy} for ${s.condition}${s.target ? ` (target ${s.target})` : ''} — GRADE certainty is a computed suggestion`,
    '',
  ];
  for (const q of s.questions) {
    out.push(`${q.outcome} · ${q.timepoint} · ${q.comparison} · target ${q.target}  [${q.id}]`);
    out.push(`  participants (studies): ${participants(q)}`);
    out.push(`  effect: ${effectCell(q)}`);
    if (q.absolute) out.push(`  absolute effect: ${absoluteCell(q)}`);
    for (const e of q.study_effects)
      out.push(
        `    ${e.study_id}: ${e.measure} ${n2(e.estimate, 3)} (${n2(e.ci_lb, 3)} to ${n2(e.ci_ub, 3)})${e.events !== null ? `, ${e.events}/${e.n}` : ''}`,
      );
    for (const r of q.reported_analyses)
      out.push(`    reported by ${r.study_id}: ${r.measure} ${r.estimate} (${r.ci_lb} to ${r.ci_ub}), ${r.when ?? ''}`);
    for (const f of q.findings) out.push(`    finding (${f.study_id}): ${f.sentence}`);
    for (const n of q.not_computable) out.push(`    not computable (${n.study_id}, ${n.kind}): ${n.reason}`);
    out.push(
      `  certainty: ${q.certainty} (start ${q.start}${reasons(q) ? `; ${reasons(q)}` : ''})${q.override ? ' — reviewer override on file' : ''}`,
    );
    out.push(`  ${q.statement}`);
    for (const w of q.warnings) out.push(`  warning: ${w}`);
    out.push('');
  }
  out.push('ASIPP evidence level (computed suggestion, docs/reference/evidence-grading.md §1.2)');
  for (const a of s.asipp)
    out.push(`  ${a.target}: level ${a.level}${a.stated ? `; stated ${a.stated.level} by ${a.stated.body}` : ''}`);
  return `${out.join('\n')}\n`;
}

const md = (x: string) => x.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function sofToMarkdown(s: Sof): string {
  const out = [
    `# Summary of Findings: ${s.therapy} for ${s.condition}`,
    '',
    'Certainty is a computed GRADE suggestion with a rule trace; reviewer overrides are shown beside it.',
    '',
    '| Outcome | Timepoint | Comparison | Target | № participants (studies) | Relative effect or MD (95% CI) | Anticipated absolute effect | Certainty | Statement |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const q of s.questions) {
    out.push(
      `| ${md(q.outcome)} | ${md(q.timepoint)} | ${md(q.comparison)} | ${q.target} | ${participants(q)} | ${md(effectCell(q))} | ${md(q.absolute ? absoluteCell(q) : '—')} | ${q.certainty}${reasons(q) ? ` (${reasons(q)})` : ''} | ${md(q.statement)} |`,
    );
  }
  out.push('', '| Target | ASIPP level (computed) | Stated |', '|---|---|---|');
  for (const a of s.asipp)
    out.push(`| ${a.target} | ${a.level} | ${a.stated ? `${a.stated.level} (${md(a.stated.reported_by)})` : '—'} |`);
  return `${out.join('\n')}\n`;
}

const csvCell = (x: string | number | null) => {
  const t = x === null ? '' : String(x);
  return /[",\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
};

export function sofToCsv(s: Sof): string {
  const rows: (string | number | null)[][] = [
    [
      'id',
      'outcome',
      'timepoint',
      'comparison',
      'target',
      'participants',
      'studies',
      'measure',
      'estimate',
      'ci_lb',
      'ci_ub',
      'k',
      'method',
      'i2',
      'certainty',
      'not_computable',
      'statement',
      'risk_with_comparator_per_1000',
      'difference_per_1000',
      'difference_ci_lb',
      'difference_ci_ub',
    ],
  ];
  for (const q of s.questions) {
    const e = q.effect;
    rows.push([
      q.id,
      q.outcome,
      q.timepoint,
      q.comparison,
      q.target,
      q.participants,
      q.study_ids.join(' '),
      e?.measure ?? null,
      e?.estimate ?? null,
      e?.ci_lb ?? null,
      e?.ci_ub ?? null,
      e?.k ?? null,
      e?.method ?? null,
      e?.i2 ?? null,
      q.certainty,
      q.not_computable.length,
      q.statement,
      q.absolute?.risk_with_comparator ?? null,
      q.absolute?.difference.estimate ?? null,
      q.absolute?.difference.ci_lb ?? null,
      q.absolute?.difference.ci_ub ?? null,
    ]);
  }
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
}
