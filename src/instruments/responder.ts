// Responder (minimal important change) rules. Thresholds are versioned configuration (config/instruments.json
// `responder`, each with its source) because published values differ by population and method
// (docs/reference/instruments.md §6). Direction of improvement per §0.
import {
  type ConfiguredResponderRule,
  DEFAULT_INSTRUMENT_CONFIG,
  type InstrumentConfig,
  RESPONDER_INSTRUMENTS,
  type ResponderInstrument,
} from './config.ts';
import { expectNumber, InputError } from './input.ts';

export type Direction = 'lower-is-better' | 'higher-is-better';

/** Range and direction per instrument (docs/reference/instruments.md §0; GMH lower end from config, see promis10.ts). */
export function instrumentScale(
  instrument: ResponderInstrument,
  config: InstrumentConfig = DEFAULT_INSTRUMENT_CONFIG,
): { min: number; max: number; direction: Direction } {
  switch (instrument) {
    case 'ODI':
    case 'VAS':
    case 'FRI':
      return { min: 0, max: 100, direction: 'lower-is-better' };
    case 'NRS':
      return { min: 0, max: 10, direction: 'lower-is-better' };
    case 'RMDQ':
      return { min: 0, max: 24, direction: 'lower-is-better' };
    case 'EQ5D3L':
      // UK range −0.594 to 1 contains the US range −0.109 to 1 (§0, §3.5).
      return { min: -0.594, max: 1, direction: 'higher-is-better' };
    case 'EQVAS':
      return { min: 0, max: 100, direction: 'higher-is-better' };
    case 'PROMIS_GPH':
      return { min: 16.2, max: 67.7, direction: 'higher-is-better' };
    case 'PROMIS_GMH':
      return { min: config.promis10.gmhRaw4T.value, max: 67.6, direction: 'higher-is-better' };
  }
}

/** A rule given by the caller overrides the configured one field by field. */
export interface ResponderRule {
  /** Minimum improvement in score points (null = not used). */
  absolute?: number | null;
  /** Minimum improvement in % of baseline (null = not used; lower-is-better instruments only, §0). */
  relativePct?: number | null;
  /** 'any': responder if any criterion is met (the Ostelo 2008 default); 'all': every criterion. */
  combine?: 'any' | 'all';
}

export interface CriterionResult {
  threshold: number;
  /** null = not evaluable (e.g. the threshold cannot be reached from this baseline, or baseline 0). */
  met: boolean | null;
  note?: string;
}

export interface ResponderResult {
  instrument: ResponderInstrument;
  direction: Direction;
  baseline: number;
  followup: number;
  /** Change in the direction of improvement (positive = better). */
  improvement: number;
  /** (baseline − follow-up) / baseline × 100 for lower-is-better; null when not computable (§0). */
  percent_improvement: number | null;
  absolute: CriterionResult | null;
  relative: CriterionResult | null;
  /** true / false, or null when no criterion decides (reported, not counted as non-responder, §2.1). */
  responder: boolean | null;
  met: ('absolute' | 'relative')[];
  rule: {
    absolute: number | null;
    relativePct: number | null;
    combine: 'any' | 'all';
    source: string;
    version: string;
  };
}

// Scores are stored in full precision (e.g. ODI 35.555…); a threshold equal to the change up to
// representation error counts as met.
const EPS = 1e-9;

export function normalizeResponderInstrument(name: string): ResponderInstrument {
  const key = name.toUpperCase().replace(/[^A-Z0-9]/g, '');
  // Besides these, every instrument name matches without its underscore ("PROMIS-GPH" → PROMISGPH).
  const aliases: Record<string, ResponderInstrument> = {
    NRS11: 'NRS',
    EQ5D: 'EQ5D3L',
    EQ5D3LUK: 'EQ5D3L',
    EQ5D3LUS: 'EQ5D3L',
    GPH: 'PROMIS_GPH',
    GMH: 'PROMIS_GMH',
  };
  const found = aliases[key] ?? RESPONDER_INSTRUMENTS.find((i) => i.replace('_', '') === key);
  if (!found) {
    throw new InputError(
      `unknown instrument "${name}" (expected one of ${RESPONDER_INSTRUMENTS.join(', ')})`,
      'instrument',
    );
  }
  return found;
}

/**
 * Classifies one patient's change. Improvement per §0; relative change undefined at baseline 0 ("not
 * computable", never 0 or infinity). An absolute threshold larger than the best possible improvement from the
 * baseline is "not evaluable" rather than "not met" (docs/reference/instruments.md §2.1, stated there for NRS baseline < 2 and
 * applied to every instrument by the same logic).
 */
export function isResponder(
  instrument: string,
  baseline: number,
  followup: number,
  rule: ResponderRule = {},
  config: InstrumentConfig = DEFAULT_INSTRUMENT_CONFIG,
): ResponderResult {
  const inst = normalizeResponderInstrument(instrument);
  const scale = instrumentScale(inst, config);
  expectNumber(baseline, 'baseline', scale.min, scale.max);
  expectNumber(followup, 'followup', scale.min, scale.max);
  const configured: ConfiguredResponderRule = config.responder[inst];
  const absolute = rule.absolute === undefined ? configured.absolute : rule.absolute;
  const relativePct = rule.relativePct === undefined ? configured.relativePct : rule.relativePct;
  const combine = rule.combine ?? configured.combine;
  if (absolute !== null && !(absolute > 0)) {
    throw new InputError('the absolute threshold must be a positive number of score points, or null', 'rule.absolute');
  }
  if (relativePct !== null && !(relativePct > 0 && relativePct <= 100)) {
    throw new InputError(
      'the relative threshold must be a percentage above 0 and at most 100, or null',
      'rule.relativePct',
    );
  }
  if (absolute === null && relativePct === null) {
    // The message names no settings key or document path (the setting's source is for the reviewer).
    throw new InputError(`no responder threshold is set for ${inst} in the scoring settings; pass a rule`, 'rule');
  }

  const lowerBetter = scale.direction === 'lower-is-better';
  const improvement = lowerBetter ? baseline - followup : followup - baseline;
  const room = lowerBetter ? baseline - scale.min : scale.max - baseline;
  const percent = lowerBetter && baseline !== 0 ? (improvement / baseline) * 100 : null;

  let abs: CriterionResult | null = null;
  if (absolute !== null) {
    abs =
      room + EPS < absolute
        ? {
            threshold: absolute,
            met: null,
            note: `not evaluable for the absolute threshold: baseline ${baseline} leaves at most ${room} points of improvement`,
          }
        : { threshold: absolute, met: improvement + EPS >= absolute };
  }
  let rel: CriterionResult | null = null;
  if (relativePct !== null) {
    if (!lowerBetter) {
      rel = {
        threshold: relativePct,
        met: null,
        // docs/reference/instruments.md §0 gives each instrument's direction
        note: 'relative change is defined only for lower-is-better instruments',
      };
    } else if (percent === null) {
      rel = { threshold: relativePct, met: null, note: 'relative change not computable: baseline is 0' };
    } else {
      rel = { threshold: relativePct, met: percent + EPS >= relativePct };
    }
  }

  const verdicts = [abs, rel].filter((c): c is CriterionResult => c !== null).map((c) => c.met);
  let responder: boolean | null;
  if (combine === 'any') {
    responder = verdicts.includes(true) ? true : verdicts.includes(null) ? null : false;
  } else {
    responder = verdicts.includes(false) ? false : verdicts.includes(null) ? null : true;
  }
  const met: ('absolute' | 'relative')[] = [];
  if (abs?.met) met.push('absolute');
  if (rel?.met) met.push('relative');
  return {
    instrument: inst,
    direction: scale.direction,
    baseline,
    followup,
    improvement,
    percent_improvement: percent,
    absolute: abs,
    relative: rel,
    responder,
    met,
    rule: {
      absolute,
      relativePct,
      combine,
      source: Object.keys(rule).length > 0 ? `caller-supplied rule over: ${configured.source}` : configured.source,
      version: config.version,
    },
  };
}
