// Evidence commands: studies, study, export, card. Thin adapters over src/evidence. They read the validated
// files of data/evidence directly and never open the database: the files are the source of truth (the
// database holds a synced copy for the server), so a read needs no database start-up and works while a
// server holds the embedded database. The validation is reused while the files are unchanged (cache.ts).
import type { Command } from 'commander';
import type { Study } from '../../domain/evidence.ts';
import { DESIGNS, TARGETS, THERAPY_GROUPS } from '../../domain/vocabulary.ts';
import { readEvidenceBaseCached, validOnly } from '../../evidence/cache.ts';
import { exportEvidence, exportStudy } from '../../evidence/export.ts';
import type { EvidenceBase } from '../../evidence/files.ts';
import { knownConditions, studyMatchesTherapy, therapyMembers } from '../../evidence/select.ts';
import { UserError } from '../errors.ts';

/** The valid evidence base (an EvidenceInvalidError listing the problems otherwise), read once per command. */
async function withEvidence<T>(fn: (base: EvidenceBase) => Promise<T>): Promise<T> {
  return fn(validOnly(await readEvidenceBaseCached()));
}

function oneOf(name: string, value: string, allowed: readonly string[]): string {
  if (!allowed.includes(value)) throw new UserError(`--${name} must be one of: ${allowed.join(', ')} (got "${value}")`);
  return value;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function filterStudies(studies: Study[], opts: { therapy?: string; target?: string; design?: string }): Study[] {
  let out = studies;
  if (opts.therapy) {
    const members = (() => {
      try {
        return therapyMembers(opts.therapy!);
      } catch (e) {
        throw new UserError((e as Error).message);
      }
    })();
    out = out.filter((s) => studyMatchesTherapy(s, members));
  }
  if (opts.target) out = out.filter((s) => s.targets.includes(oneOf('target', opts.target!, TARGETS) as never));
  if (opts.design) out = out.filter((s) => s.design === oneOf('design', opts.design!, DESIGNS));
  return out;
}

export function registerEvidence(program: Command): void {
  program
    .command('studies')
    .description('list the curated studies')
    .option('--therapy <therapy>', `therapy or group: ${Object.keys(THERAPY_GROUPS).join(', ')}`)
    .option('--target <target>', `target: ${TARGETS.join(', ')}`)
    .option('--design <design>', `design: ${DESIGNS.join(', ')}`)
    .option('--format <format>', 'table or json', 'table')
    .action(async (opts: { therapy?: string; target?: string; design?: string; format: string }) => {
      oneOf('format', opts.format, ['table', 'json']);
      await withEvidence(async ({ studies: all }) => {
        const studies = filterStudies(all, opts);
        if (opts.format === 'json') {
          console.log(JSON.stringify(studies.map(exportStudy), null, 2));
          return;
        }
        const rows = [['ID', 'DESIGN', 'STATUS', 'N', 'FOLLOW-UP', 'THERAPIES', 'TARGETS']];
        for (const s of studies) {
          rows.push([
            s.id,
            s.design,
            s.status,
            s.enrolled.value === null ? '?' : String(s.enrolled.value),
            s.followup_months.value === null ? '?' : `${s.followup_months.value} mo`,
            s.therapies.join(','),
            s.targets.join(','),
          ]);
        }
        console.log(table(rows));
        console.log(`\n${studies.length} of ${all.length} studies`);
      });
    });

  program
    .command('study <id>')
    .description('show one study with the provenance of every number')
    .option('--format <format>', 'json', 'json')
    .action(async (id: string) => {
      await withEvidence(async ({ studies: all }) => {
        const s = all.find((x) => x.id === id);
        if (!s) throw new UserError(`no study "${id}"; \`regenspine studies\` lists them`);
        console.log(JSON.stringify(exportStudy(s), null, 2));
      });
    });

  program
    .command('export')
    .description('export the evidence base')
    .option('--format <format>', 'json', 'json')
    .action(async (opts: { format: string }) => {
      oneOf('format', opts.format, ['json']);
      // Statements (evidence levels, unverifiable claims, citation records) are read from data/statements.
      await withEvidence(async ({ studies: all, statements }) => {
        console.log(JSON.stringify(exportEvidence(all, statements), null, 2));
      });
    });

  program
    .command('card')
    .description('compute the evidence card for a condition and therapy')
    .option('--condition <condition>', `condition: ${knownConditions().join(', ')}`, 'chronic low back pain')
    .requiredOption('--therapy <therapy>', `therapy group: ${Object.keys(THERAPY_GROUPS).join(', ')}`)
    .option('--format <format>', 'text, markdown, html or json', 'text')
    .action(async (opts: { condition: string; therapy: string; format: string }) => {
      oneOf('format', opts.format, ['text', 'markdown', 'html', 'json']);
      oneOf('therapy', opts.therapy.toLowerCase(), Object.keys(THERAPY_GROUPS));
      if (
        !knownConditions().includes(opts.condition.trim().toLowerCase()) &&
        !['clbp', 'low back pain'].includes(opts.condition.trim().toLowerCase())
      ) {
        throw new UserError(`unknown condition "${opts.condition}"; known: ${knownConditions().join(', ')}`);
      }
      await withEvidence(async ({ studies: all, statements }) => {
        // The card's modules (synthesis, statistics) load only for `card`, not for every evidence command, and
        // the HTML page only for --format html.
        const [{ computeCard }, { cardToMarkdown, cardToText }, { readJudgements, readMcids }] = await Promise.all([
          import('../../evidence/card.ts'),
          import('../../evidence/card-render.ts'),
          import('./sof.ts'),
        ]);
        const card = computeCard(all, opts.condition, opts.therapy, statements, {
          mcids: await readMcids(),
          judgements: await readJudgements(),
        });
        if (opts.format === 'json') console.log(JSON.stringify(card, null, 2));
        else if (opts.format === 'markdown') process.stdout.write(cardToMarkdown(card));
        else if (opts.format === 'html')
          process.stdout.write((await import('../../web/render.ts')).renderCardHtmlDocument(card));
        else process.stdout.write(cardToText(card));
      });
    });
}
