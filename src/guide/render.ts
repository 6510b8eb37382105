// The patient guide as Markdown (for `regenspine guide --format markdown`). Pure. Each sentence with studies
// links to them (PubMed, DOI or ClinicalTrials.gov when the citation has one; else the "Studies" list).
import type { Guide, GuideSentence } from './model.ts';
import { SECTION_HEADINGS } from './model.ts';

const H = (i: number) => SECTION_HEADINGS[i]!;

export function studyHref(s: Guide['studies'][number]): string {
  if (s.pmid) return `https://pubmed.ncbi.nlm.nih.gov/${s.pmid}/`;
  if (s.doi) return `https://doi.org/${s.doi}`;
  if (s.nct) return `https://clinicaltrials.gov/study/${s.nct}`;
  return `#studies`;
}

function md(g: Guide, x: GuideSentence): string {
  const byId = new Map(g.studies.map((s) => [s.id, s]));
  const links = x.study_ids.map((id) => {
    const s = byId.get(id);
    return s ? `[${id}](${studyHref(s)})` : id;
  });
  return `${x.text}${x.second_hand ? ' *(second-hand)*' : ''}${links.length ? ` [${links.join(', ')}]` : ''}`;
}

const list = (g: Guide, xs: GuideSentence[]) => xs.map((x) => `- ${md(g, x)}`).join('\n');

export function guideToMarkdown(g: Guide): string {
  const out: string[] = [];
  out.push(`# ${g.title} for ${g.condition}: a guide for patients`, '');
  out.push(`## ${H(0)}`, '', list(g, g.summary), '');
  out.push(`## ${H(1)}`, '', g.what_it_is.map((x) => x.text).join(' '), '');
  out.push(`## ${H(7)}: ${H(2).toLowerCase()}`, '');
  for (const b of g.benefits) out.push(`### ${b.heading}`, '', list(g, b.sentences), '');
  out.push(`### ${H(3)}`, '');
  for (const a of g.icon_arrays) {
    const bar = (k: number) => `${'●'.repeat(Math.round(k / 5))}${'○'.repeat(20 - Math.round(k / 5))}`;
    out.push(
      `- ${a.text}${a.second_hand ? ' *(second-hand)*' : ''} [${a.study_id}](${studyHref(g.studies.find((s) => s.id === a.study_id) ?? { id: a.study_id, citation: '', pmid: null, doi: null, nct: null })})`,
      `  - ${bar(a.treated.per_100)} ${a.treated.per_100} in 100 (${a.formula})`,
      ...(a.control ? [`  - ${bar(a.control.per_100)} ${a.control.per_100} in 100 with ${a.control.label}`] : []),
      ...(a.definition ? [`  - What the study counted: “${a.definition}”${a.when ? ` (${a.when})` : ''}`] : []),
    );
  }
  if (g.icon_notes.length) out.push(list(g, g.icon_notes));
  out.push('');
  out.push(`## ${H(8)}`, '', `### ${H(9)}`, '', list(g, g.harms.reported), '');
  out.push(
    `### ${H(10)}`,
    '',
    g.harms.general_intro.text,
    '',
    g.harms.general.map((x) => `- ${x.text}`).join('\n'),
    '',
  );
  out.push(`## ${H(4)}`, '', list(g, g.not_improved), '');
  out.push(`## ${H(5)}`, '', list(g, g.not_measured), '');
  out.push(`## ${H(6)}`, '', list(g, g.followup), '');
  out.push(`## ${H(11)}`, '', g.regulatory.map((x) => x.text).join(' '), '');
  out.push(`## ${H(12)}`, '', g.cost.map((x) => x.text).join(' '), '');
  out.push(`## ${H(13)}`, '', g.questions.map((x) => `- ${x.text}`).join('\n'), '');
  out.push(`## ${H(14)}`, '', g.trials_intro.text, '');
  for (const t of g.trials)
    out.push(
      `- ${t.nct ? `[${t.nct}](https://clinicaltrials.gov/study/${t.nct})` : t.id}: ${t.title}. This trial is ${t.status_plain}${t.status_as_of ? ` (as listed on ${t.status_as_of}; check the registry for today’s status)` : ''}.`,
    );
  if (g.trials.length === 0) out.push('- No registered trial of this treatment is in the evidence base.');
  out.push('', '## Studies', '', ...g.studies.map((s) => `- **${s.id}**: ${s.citation}`), '');
  out.push(
    '---',
    '',
    `Reading level: Flesch–Kincaid grade ${g.readability.grade} (target ${g.readability.target} or lower; ${g.readability.sentences} sentences, ${g.readability.words} words; ${g.readability.library}). Certainty and results are those of the Summary of Findings (\`regenspine sof --therapy ${g.therapy}\`). “Second-hand” numbers are known only as a review retells the study. Not medical advice.`,
    '',
  );
  return out.join('\n');
}
