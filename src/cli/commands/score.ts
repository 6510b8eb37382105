import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { type FieldError, isFieldError } from '../../instruments/input.ts';
import { SCORE_INSTRUMENTS, type ScoreResult, scoreInstrument } from '../../instruments/score.ts';

/** Scores the --input text (`-` reads stdin) for `instrument`; JSON problems come back as `{error, field: "input"}`. */
export function scoreFromText(instrument: string, text: string | undefined): ScoreResult {
  if (text === undefined) return { error: 'missing --input JSON', field: 'input' } satisfies FieldError;
  let input: unknown;
  try {
    input = JSON.parse(text === '-' ? readFileSync(0, 'utf8') : text);
  } catch (e) {
    return { error: `input is not valid JSON: ${(e as Error).message}`, field: 'input' };
  }
  return scoreInstrument(instrument, input);
}

export function registerScore(program: Command): void {
  program
    .command('score')
    .description(`score one PROM from JSON, no login or database (${SCORE_INSTRUMENTS.join(', ')}; EQ-5D-3L accepted)`)
    .argument('<instrument>', 'instrument name, case-insensitive')
    .option('--input <json>', 'the answers as JSON, e.g. \'{"answers": [0,1,2,3,4,5,0,1,2,3]}\'; - reads stdin')
    .action((instrument: string, opts: { input?: string }) => {
      const result = scoreFromText(instrument, opts.input);
      console.log(JSON.stringify(result));
      if (isFieldError(result)) process.exitCode = 1;
    });
}
