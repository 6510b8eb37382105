// Plain-text and Markdown renderings of checked claims (the HTML one is in src/web/check-view.ts). Pure.
import { type CheckedClaim, type ClaimEvidence, VERDICTS, type Verdict } from './types.ts';

/** Each verdict's word and an icon that is not colour alone (the page also says the word). */
export const VERDICT_LABEL: Record<Verdict, { icon: string; word: string }> = {
  supported: { icon: '✓', word: 'supported' },
  contradicted: { icon: '✗', word: 'contradicted' },
  overstated: { icon: '▲', word: 'overstated' },
  unsupported: { icon: '∅', word: 'unsupported' },
  unverifiable: { icon: '?', word: 'unverifiable' },
  'not-checkable': { icon: '–', word: 'not checkable' },
};

const summaryLine = (claims: CheckedClaim[]) =>
  VERDICTS.map((v) => `${claims.filter((c) => c.verdict === v).length} ${VERDICT_LABEL[v].word}`).join(', ');

function evidenceText(e: ClaimEvidence): string {
  return `${e.study_id ? `${e.study_id}, ` : ''}${e.document}, ${e.locator}: “${e.quote}”`;
}

export function claimsToText(claims: CheckedClaim[]): string {
  const lines: string[] = [];
  claims.forEach((c, i) => {
    const v = VERDICT_LABEL[c.verdict];
    lines.push(
      `${i + 1}. [${v.icon} ${v.word.toUpperCase()}] (${c.kind}${c.therapy ? `, ${c.therapy}` : ''}) ${c.text}`,
    );
    lines.push(`   ${c.reason}`);
    if (c.study_ids.length) lines.push(`   studies: ${c.study_ids.join(', ')}`);
    for (const e of c.evidence) lines.push(`   - ${evidenceText(e)}`);
    lines.push('');
  });
  lines.push(`Summary: ${summaryLine(claims)}.`);
  return `${lines.join('\n')}\n`;
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function claimsToMarkdown(claims: CheckedClaim[]): string {
  const rows = claims.map(
    (c, i) =>
      `| ${i + 1} | ${mdCell(c.text)} | ${c.kind} | ${c.therapy ?? '—'} | ${VERDICT_LABEL[c.verdict].icon} ${c.verdict} | ${mdCell(c.reason)} | ${c.study_ids.join(', ') || '—'} |`,
  );
  const sources = claims.flatMap((c, i) => c.evidence.map((e) => `- claim ${i + 1}: ${mdCell(evidenceText(e))}`));
  return `| # | claim | kind | therapy | verdict | reason | studies |\n|---|---|---|---|---|---|---|\n${rows.join('\n')}\n\n**Summary:** ${summaryLine(claims)}.\n${sources.length ? `\n### Sources\n\n${sources.join('\n')}\n` : ''}`;
}
