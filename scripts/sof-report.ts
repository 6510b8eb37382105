// The closing table of issue 9: for every therapy group with studies in the evidence base, every SoF question
// id with its certainty, and the count of every "not computable" reason kind. Reads the checkout like
// `regenspine sof` (data/evidence, data/statements, data/judgements, config/instruments.json).
// Run: node --import tsx scripts/sof-report.ts [--format markdown]
import { readJudgements, readMcids } from '../src/cli/commands/sof.ts';
import { THERAPY_GROUPS } from '../src/domain/vocabulary.ts';
import { readEvidenceBase } from '../src/evidence/files.ts';
import { NOT_COMPUTABLE_KINDS } from '../src/synthesis/effects.ts';
import { computeSof } from '../src/synthesis/sof.ts';

const markdown = process.argv.includes('--format') && process.argv[process.argv.indexOf('--format') + 1] === 'markdown';
const base = await readEvidenceBase();
if (base.problems.length) {
  console.error(`the evidence base has ${base.problems.length} problem(s); run regenspine validate`);
  process.exit(1);
}
const mcids = await readMcids();
const judgements = await readJudgements();
const kinds = new Map<string, number>(NOT_COMPUTABLE_KINDS.map((k) => [k, 0]));
const certainties = new Map<string, number>();
const out: string[] = [];
const row = (cells: (string | number)[]) => out.push(markdown ? `| ${cells.join(' | ')} |` : cells.join('\t'));
row(['therapy', 'question', 'certainty', 'effect', 'not computable']);
if (markdown) out.push('|---|---|---|---|---|');
let total = 0;
for (const therapy of Object.keys(THERAPY_GROUPS)) {
  const sof = computeSof(base.studies, base.statements, {
    condition: 'chronic low back pain',
    therapy,
    mcids,
    judgements,
  });
  for (const q of sof.questions) {
    total++;
    certainties.set(q.certainty, (certainties.get(q.certainty) ?? 0) + 1);
    const nc = new Map<string, number>();
    for (const n of q.not_computable) {
      nc.set(n.kind, (nc.get(n.kind) ?? 0) + 1);
      kinds.set(n.kind, (kinds.get(n.kind) ?? 0) + 1);
    }
    const e = q.effect;
    row([
      therapy,
      q.id,
      q.certainty,
      e
        ? `${e.measure} k=${e.k}${e.body === 'single-arm' ? ' single-arm' : ''}`
        : q.reported_analyses.length
          ? 'reported'
          : '—',
      [...nc].map(([k, n]) => `${k} ${n}`).join(', ') || '—',
    ]);
  }
}
out.push('');
out.push(`questions: ${total}; certainty: ${[...certainties].map(([c, n]) => `${c} ${n}`).join(', ')}`);
out.push('not computable, by kind (over all therapy groups; a study row counts once per question it is in):');
for (const [k, n] of kinds) out.push(`  ${k}: ${n}`);
console.log(out.join('\n'));
