import type { Command } from 'commander';
import { readEvidenceBaseCached } from '../../evidence/cache.ts';
import { readEvidenceBase } from '../../evidence/files.ts';
import { evidenceDirs, readJsonFiles } from '../../evidence/inputs.ts';
import { type EvidenceProblem, numbersToReview } from '../../evidence/validate.ts';
import { checkJudgementFiles } from '../../synthesis/judgements.ts';
import { questionLookup } from '../../synthesis/sof.ts';
import { DEFAULT_JUDGEMENTS_DIR, readMcids } from './sof.ts';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check data/evidence: schema, arms, provenance documents and that every quote stands in its source')
    .option('--dir <dir>', 'evidence folder (default: data/evidence)')
    .option('--format <format>', 'text or json', 'text')
    .option('--numbers', 'also list numbers that their quote does not state literally (for a reviewer to check)')
    .option('--judgements <dir>', 'reviewer judgement files (default: data/judgements)')
    .action(async (opts: { dir?: string; format: string; numbers?: boolean; judgements?: string }) => {
      // Validated now, never taken from the cache; for data/evidence (the folder the read commands read) the
      // result is left in the cache for them.
      const base = opts.dir
        ? await readEvidenceBase(opts.dir)
        : await readEvidenceBaseCached({ dirs: evidenceDirs(), fresh: true });
      // Reviewer judgements (data/judgements/<question-id>.json) are validated against the questions computed
      // now from this evidence base: schema, question id, domain, and `from` = the computed suggestion.
      const judgementProblems: EvidenceProblem[] = [];
      const judgementFiles = await readJsonFiles(opts.judgements ?? DEFAULT_JUDGEMENTS_DIR, judgementProblems);
      const judgements = checkJudgementFiles(
        judgementFiles,
        questionLookup(base.studies, base.statements, await readMcids()),
      );
      base.problems.push(...judgementProblems, ...judgements.problems);
      const review = base.studies.flatMap((s) => numbersToReview(s).map((r) => ({ study: s.id, ...r })));
      if (opts.format === 'json') {
        console.log(
          JSON.stringify(
            {
              studies: base.studies.length,
              statements: base.statements.length,
              judgements: judgements.ok.length,
              problems: base.problems,
              numbers_to_review: review,
            },
            null,
            2,
          ),
        );
      } else {
        for (const p of base.problems) console.log(`${p.file}: ${p.field}: ${p.message}`);
        console.log(
          base.problems.length === 0
            ? `ok: ${base.studies.length} studies valid and ${base.statements.length} statements, every quote found in its source, every derived value re-computed; ${judgements.ok.length} reviewer judgement file(s) valid`
            : `${base.problems.length} problem(s); ${base.studies.length} studies valid`,
        );
        if (opts.numbers) {
          for (const r of review) console.log(`review ${r.study}: ${r.field} = ${r.value}: "${r.quote}"`);
        }
        if (review.length > 0) {
          console.log(
            `note: ${review.length} number(s) are not stated literally in their quote (units, words or a timepoint given elsewhere)${opts.numbers ? '' : '; --numbers lists them'}`,
          );
        }
      }
      if (base.problems.length > 0) process.exitCode = 1;
    });
}
