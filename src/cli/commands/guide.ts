// `regenspine guide --therapy prp|bmc|msc --format markdown|html|json`: the patient guide of one therapy. Reads
// data/evidence, data/statements, data/judgements and config/instruments.json from the checkout (no database),
// like `regenspine sof`, whose numbers and certainty it words; the guide itself is pure (src/guide/model.ts).
import type { Command } from 'commander';
import { readEvidenceBaseCached } from '../../evidence/cache.ts';
import { GUIDE_THERAPIES, type GuideTherapy } from '../../guide/content.ts';
import { buildGuide } from '../../guide/model.ts';
import { guideToMarkdown } from '../../guide/render.ts';
import { checkFormat, UserError } from '../errors.ts';
import { readJudgements, readMcids } from './sof.ts';

export function registerGuide(program: Command): void {
  program
    .command('guide')
    .description('plain-language patient guide for one therapy: what was measured, how sure we are, the risks')
    .requiredOption('--therapy <therapy>', `therapy: ${GUIDE_THERAPIES.join(', ')}`)
    .option('--format <format>', 'markdown, html or json', 'markdown')
    .action(async (opts: { therapy: string; format: string }) => {
      const format = checkFormat(opts.format, ['markdown', 'html', 'json'] as const);
      const therapy = opts.therapy.toLowerCase();
      if (!(GUIDE_THERAPIES as readonly string[]).includes(therapy))
        throw new UserError(`--therapy must be one of: ${GUIDE_THERAPIES.join(', ')} (got "${opts.therapy}")`);
      const base = await readEvidenceBaseCached();
      if (base.problems.length)
        throw new UserError(`the evidence base has ${base.problems.length} problem(s); run \`regenspine validate\``);
      const guide = buildGuide(base.studies, base.statements, {
        therapy: therapy as GuideTherapy,
        mcids: await readMcids(),
        judgements: await readJudgements(),
      });
      if (format === 'json') console.log(JSON.stringify(guide, null, 2));
      // the HTML page (web/guide.ts) loads only for --format html
      else if (format === 'html') process.stdout.write((await import('../../web/guide.ts')).renderGuide(guide));
      else process.stdout.write(guideToMarkdown(guide));
    });
}
