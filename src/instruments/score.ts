// One entry point for scoring a PROM from untrusted JSON: the CLI (`regenspine score`) and the HTTP route
// (`POST /api/score/:instrument`) are thin adapters over scoreInstrument.
import { DEFAULT_INSTRUMENT_CONFIG, type InstrumentConfig } from './config.ts';
import { type Eq5d3lResult, scoreEq5d3l } from './eq5d3l.ts';
import { attempt, type FieldError } from './input.ts';
import { type OdiResult, parseOdiInput, scoreOdi } from './odi.ts';
import { type SingleScoreResult, scoreNrs, scoreVas } from './pain.ts';
import { type Promis10Result, parsePromis10Input, scorePromis10 } from './promis10.ts';
import { scoreFri, scoreRmdq } from './rmdq.ts';

export const SCORE_INSTRUMENTS = ['ODI', 'EQ5D3L', 'PROMIS10', 'NRS', 'VAS', 'RMDQ', 'FRI'] as const;
export type ScoreInstrument = (typeof SCORE_INSTRUMENTS)[number];

export type ScoreResult =
  | OdiResult
  | Eq5d3lResult
  | Promis10Result
  | SingleScoreResult
  | { score: number; answered: number }
  | FieldError;

const ALIASES: Record<string, ScoreInstrument> = {
  EQ5D: 'EQ5D3L', // "EQ-5D-3L" normalises to EQ5D3L itself
  PROMISGLOBAL10: 'PROMIS10',
  GLOBAL10: 'PROMIS10',
  NRS11: 'NRS',
};

/** Case-insensitive; punctuation ignored, so "EQ-5D-3L", "eq5d3l" and "PROMIS-10" are accepted. */
export function normalizeInstrumentName(name: string): ScoreInstrument | null {
  const key = name.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return (SCORE_INSTRUMENTS as readonly string[]).includes(key) ? (key as ScoreInstrument) : (ALIASES[key] ?? null);
}

/** Scores `input` (parsed JSON) for `instrument`; returns the result object or `{error, field}`. Never throws on bad input. */
export function scoreInstrument(
  instrument: string,
  input: unknown,
  config: InstrumentConfig = DEFAULT_INSTRUMENT_CONFIG,
): ScoreResult {
  const name = normalizeInstrumentName(instrument);
  if (name === null) {
    return {
      error: `unknown instrument "${instrument}" (expected ${SCORE_INSTRUMENTS.join(', ')} or EQ-5D-3L)`,
      field: 'instrument',
    };
  }
  return attempt((): Exclude<ScoreResult, FieldError> => {
    switch (name) {
      case 'ODI':
        return scoreOdi(parseOdiInput(input, config), config);
      case 'EQ5D3L':
        return scoreEq5d3l(input);
      case 'PROMIS10':
        return scorePromis10(parsePromis10Input(input), config);
      case 'NRS':
        return scoreNrs(input);
      case 'VAS':
        return scoreVas(input);
      case 'RMDQ':
        return scoreRmdq(input, config);
      case 'FRI':
        return scoreFri(input, config);
    }
  });
}
