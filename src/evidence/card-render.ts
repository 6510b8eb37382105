// Plain-text and Markdown renderings of an evidence card (the HTML one is in src/web). Pure.
import type { EvidenceCard } from './card.ts';

const cite = (ids: string[]) => (ids.length ? ` [${ids.join(', ')}]` : '');

export function cardToText(card: EvidenceCard): string {
  const lines = [
    `${card.therapy_label} for ${card.condition}`,
    '',
    card.headline,
    '',
    ...card.insights.map((i) => `- ${i.text}${cite(i.study_ids)}`),
    '',
    'Sources:',
    ...card.citations.map((c) => `  [${c.id}] ${c.text}`),
  ];
  return `${lines.join('\n')}\n`;
}

export function cardToMarkdown(card: EvidenceCard): string {
  const lines = [
    `# ${card.therapy_label} for ${card.condition}`,
    '',
    `**${card.headline}**`,
    '',
    ...card.insights.map(
      (i) => `- ${i.text}${i.study_ids.length ? ` (${i.study_ids.map((id) => `[${id}](#${id})`).join(', ')})` : ''}`,
    ),
    '',
    '## Sources',
    '',
    ...card.citations.map((c) => `- <a id="${c.id}"></a>**${c.id}**: ${c.text}`),
  ];
  return `${lines.join('\n')}\n`;
}
