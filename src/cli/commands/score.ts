import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { type FieldError, isFieldError } from '../../instruments/input.ts';
import { SCORE_INSTRUMENTS, type ScoreResult, scoreInstrument } from '../../instruments/score.ts';
import { checkFormat, printUserError } from '../errors.ts';

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

/**
 * One working example per instrument, shown by `regenspine score --help` (test/cli/score-help.test.ts runs
 * every one of them). The shapes are those the scorers in src/instruments accept.
 */
export const SCORE_EXAMPLES: Record<(typeof SCORE_INSTRUMENTS)[number], { input: string; what: string }> = {
  ODI: { input: '{"answers":[0,1,2,3,4,5,0,1,2,3]}', what: '10 section scores 0-5 (null = unanswered)' },
  EQ5D3L: { input: '{"state":"21232","vas":70}', what: '5-digit health state, optional EQ VAS 0-100' },
  PROMIS10: {
    input:
      '{"items":{"Global01":3,"Global02":3,"Global03":3,"Global04":3,"Global05":3,"Global06":3,"Global07":5,"Global08":3,"Global09":3,"Global10":3}}',
    what: 'Global01-Global10 as answered (Global07 is the 0-10 pain rating)',
  },
  NRS: { input: '{"value":6}', what: 'pain 0-10, whole numbers' },
  VAS: { input: '{"value":45.5}', what: 'pain 0-100 mm' },
  RMDQ: {
    input:
      '{"items":[true,false,true,false,false,true,false,false,false,true,false,false,false,false,true,false,false,false,false,false,true,false,false,false]}',
    what: '24 yes/no statements (true = applies today)',
  },
  FRI: { input: '{"answers":[2,1,3,0,2,1,2,4,1,0]}', what: '10 items scored 0-4' },
};

function scoreHelp(): string {
  const lines = ['', 'Examples (one per instrument):'];
  for (const name of SCORE_INSTRUMENTS) {
    const ex = SCORE_EXAMPLES[name];
    lines.push(`  # ${name}: ${ex.what}`, `  regenspine score ${name} --input '${ex.input}'`);
  }
  lines.push('', '  echo \'{"value":6}\' | regenspine score NRS --input -      # read the JSON from stdin');
  return lines.join('\n');
}

/** `key: value` lines for --format text (nested values as JSON). */
function asText(result: Record<string, unknown>): string {
  return Object.entries(result)
    .map(([k, v]) => `${k}: ${v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('\n');
}

export function registerScore(program: Command): void {
  program
    .command('score')
    .description(`score one PROM from JSON, no login or database (${SCORE_INSTRUMENTS.join(', ')}; EQ-5D-3L accepted)`)
    .argument('<instrument>', 'instrument name, case-insensitive')
    .option('--input <json>', 'the answers as JSON (see the examples below); - reads stdin')
    .option(
      '--format <format>',
      'json (one object, the same as POST /api/score) or text; --json = --format json',
      'json',
    )
    .addHelpText('after', scoreHelp())
    .action((instrument: string, opts: { input?: string; format: string }) => {
      const format = checkFormat(opts.format, ['json', 'text'] as const);
      const result = scoreFromText(instrument, opts.input);
      if (isFieldError(result)) {
        // the machine-readable object on stdout (as the API answers), the message on stderr like every error
        if (format === 'json') console.log(JSON.stringify(result));
        printUserError(`${result.field}: ${result.error}`);
        process.exitCode = 1;
        return;
      }
      console.log(format === 'json' ? JSON.stringify(result) : asText(result as Record<string, unknown>));
    });
}
