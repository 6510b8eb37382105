// `regenspine check-claims (--text "…" | --file F | -)`: each claim of a summary or an advert against the
// evidence. Reads data/evidence, data/statements, data/judgements and config/instruments.json (no database);
// the checking is pure (src/claims/check.ts).
import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { type ClaimData, ClaimLimitError, checkClaims, MAX_INPUT_BYTES, toReport } from '../../claims/check.ts';
import { claimsToMarkdown, claimsToText } from '../../claims/render.ts';
import type { CheckedClaim } from '../../claims/types.ts';
import { THERAPY_GROUPS } from '../../domain/vocabulary.ts';
import { readEvidenceBaseCached } from '../../evidence/cache.ts';
import { knownConditions } from '../../evidence/select.ts';
import { checkFormat, UserError } from '../errors.ts';
import { readJudgements, readMcids } from './sof.ts';

/** The evidence the checker reads, as `regenspine sof` reads it (so certainty is the SoF's own). */
export async function loadClaimData(): Promise<ClaimData> {
  const base = await readEvidenceBaseCached();
  if (base.problems.length)
    throw new UserError(`the evidence base has ${base.problems.length} problem(s); run \`regenspine validate\``);
  return {
    studies: base.studies,
    statements: base.statements,
    mcids: await readMcids(),
    judgements: await readJudgements(),
  };
}

async function readInput(opts: { text?: string; file?: string }, dash: string | undefined): Promise<string> {
  const given = [opts.text !== undefined, opts.file !== undefined, dash === '-'].filter(Boolean).length;
  if (dash !== undefined && dash !== '-')
    throw new UserError(`unexpected argument "${dash}": use --text, --file or - (stdin)`);
  if (given !== 1)
    throw new UserError('give the text to check in exactly one way: --text "…", --file FILE, or - to read stdin');
  if (opts.text !== undefined) return opts.text;
  if (opts.file !== undefined) {
    try {
      const st = await stat(opts.file);
      if (st.size > MAX_INPUT_BYTES)
        throw new UserError(
          `--file ${opts.file} is ${st.size} bytes; at most ${MAX_INPUT_BYTES} bytes (32 KiB) can be checked at once`,
        );
      return await readFile(opts.file, 'utf8');
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw new UserError(
        `cannot read --file ${opts.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of process.stdin) {
    size += (c as Buffer).length;
    if (size > MAX_INPUT_BYTES)
      throw new UserError(`stdin has more than ${MAX_INPUT_BYTES} bytes (32 KiB); at most that can be checked at once`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function registerCheckClaims(program: Command): void {
  program
    .command('check-claims')
    .description(
      'check each claim of a text (a summary, an advert) against the evidence: supported, contradicted, overstated …',
    )
    .argument('[-]', 'read the text from stdin')
    .option('--text <text>', 'the text to check')
    .option('--file <file>', 'a file with the text to check (UTF-8, at most 32 KiB)')
    .option('--condition <condition>', `condition: ${knownConditions().join(', ')}`, 'chronic low back pain')
    .option(
      '--therapy <therapy>',
      `therapy a claim speaks of when it names none: ${Object.keys(THERAPY_GROUPS).join(', ')}`,
    )
    .option('--format <format>', 'text, markdown, html or json', 'text')
    .action(
      async (
        dash: string | undefined,
        opts: { text?: string; file?: string; condition: string; therapy?: string; format: string },
      ) => {
        const format = checkFormat(opts.format, ['text', 'markdown', 'html', 'json'] as const);
        const c = opts.condition.trim().toLowerCase();
        if (!knownConditions().includes(c) && !['clbp', 'low back pain'].includes(c))
          throw new UserError(`unknown condition "${opts.condition}"; known: ${knownConditions().join(', ')}`);
        if (opts.therapy && !THERAPY_GROUPS[opts.therapy.toLowerCase()])
          throw new UserError(
            `--therapy must be one of: ${Object.keys(THERAPY_GROUPS).join(', ')} (got "${opts.therapy}")`,
          );
        const text = await readInput(opts, dash);
        const data = await loadClaimData();
        let claims: CheckedClaim[];
        try {
          claims = checkClaims(text, data, { condition: opts.condition, therapy: opts.therapy ?? null });
        } catch (e) {
          if (e instanceof ClaimLimitError) throw new UserError(e.message);
          throw e;
        }
        if (format === 'json') console.log(JSON.stringify(toReport(claims), null, 2));
        else if (format === 'markdown') process.stdout.write(claimsToMarkdown(claims));
        else if (format === 'html')
          process.stdout.write((await import('../../web/check-view.ts')).claimsPage('Claims checked', text, claims));
        else process.stdout.write(claimsToText(claims));
      },
    );
}
