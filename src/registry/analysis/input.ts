// The analysis input: one record per patient (its index procedure, dated visits with scores, failure events,
// last contact, and optional strata and adverse events). The JSON-lines form is the `regenspine analyze`
// contract (issue 13); src/store/registry-analysis.ts builds the same records from the database. Pure.

import { z } from 'zod';
import { AppError } from '../../errors.ts';
import {
  DEFAULT_INSTRUMENT_CONFIG,
  type InstrumentConfig,
  type ResponderInstrument,
} from '../../instruments/config.ts';
import { instrumentScale, normalizeResponderInstrument } from '../../instruments/responder.ts';
import { ATTRIBUTIONS, isRelated } from '../../instruments/safety.ts';

/** The strata a record carries (issue 13 §1); here, beside the record, so that facts.ts and strata.ts share them. */
export const STRATA = ['site', 'therapy', 'product_class', 'target', 'pain_generator'] as const;
export type Stratum = (typeof STRATA)[number];

export type Relatedness = 'related' | 'not-related' | 'not-assessed';

export interface AnalysisVisit {
  date: string;
  /** Principal score per instrument (ODI %, NRS 0–10, …), keys normalised to the responder instrument names. */
  scores: Partial<Record<ResponderInstrument, number>>;
  /** Total MME/day at this visit: 0 = no opioids; null/absent = not recorded (never read as 0). */
  mme_per_day: number | null;
}

export interface AnalysisAdverseEvent {
  grade: 1 | 2 | 3 | 4 | 5;
  serious: boolean;
  /** Grouped as Hillman 2010 (docs/reference/safety.md §4.1): possible/probable/definite = related. */
  related: Relatedness;
}

export interface AnalysisRecord {
  patient: string;
  procedure_date: string;
  therapy: string;
  visits: AnalysisVisit[];
  events: { type: string; date: string }[];
  /** Last date the patient is known to have been in follow-up (censoring time); null = latest visit/event. */
  last_contact: string | null;
  /** Date the patient withdrew from the registry (later visits are not expected). */
  withdrawn: string | null;
  site: string | null;
  product_class: string | null;
  target: string | null;
  pain_generator: string | null;
  adverse_events: AnalysisAdverseEvent[];
}

/** A bad input line: names the line (1-based) and the field. */
export class AnalysisInputError extends AppError {
  declare readonly field: string;
  constructor(
    message: string,
    readonly line: number,
    field: string,
  ) {
    super(`line ${line}: ${field}: ${message}`, { field });
  }
  override toJSON() {
    return { error: this.message, line: this.line, field: this.field };
  }
}

const isoDate = z.iso.date('a calendar date yyyy-mm-dd');
const label = z.string().trim().min(1).max(120);
const attribution = z.enum(ATTRIBUTIONS);

const RecordSchema = z
  .object({
    patient: z.string().trim().min(1).max(120),
    procedure_date: isoDate,
    therapy: label,
    visits: z
      .array(
        z
          .object({
            date: isoDate,
            scores: z.record(z.string(), z.number().finite()).default({}),
            mme_per_day: z.number().finite().min(0).max(100_000).nullish(),
          })
          .strict(),
      )
      .max(1000),
    events: z
      .array(
        z.object({ type: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a lower-case event type'), date: isoDate }).strict(),
      )
      .max(1000)
      .default([]),
    last_contact: isoDate.nullish(),
    withdrawn: isoDate.nullish(),
    site: label.nullish(),
    product_class: label.nullish(),
    target: label.nullish(),
    pain_generator: label.nullish(),
    adverse_events: z
      .array(
        z
          .object({
            grade: z.number().int().min(1).max(5),
            serious: z.boolean(),
            attribution_procedure: attribution.nullish(),
            attribution_product: attribution.nullish(),
          })
          .strict(),
      )
      .max(1000)
      .default([]),
  })
  .strict();

function fieldPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? String(p) : `.${String(p)}`;
  return s || '(record)';
}

/** Related to the procedure or to the product on either scale; not assessed when neither was judged. */
export function relatednessOf(proc: string | null | undefined, prod: string | null | undefined): Relatedness {
  const given = [proc, prod].filter((a): a is (typeof ATTRIBUTIONS)[number] => !!a);
  if (given.length === 0) return 'not-assessed';
  return given.some(isRelated) ? 'related' : 'not-related';
}

/** Validates one parsed JSON value as a record; throws AnalysisInputError naming `line` and the field. */
export function parseRecord(
  json: unknown,
  line: number,
  config: InstrumentConfig = DEFAULT_INSTRUMENT_CONFIG,
): AnalysisRecord {
  const r = RecordSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new AnalysisInputError(issue.message, line, fieldPath(issue.path));
  }
  const d = r.data;
  const visits: AnalysisVisit[] = d.visits.map((v, i) => {
    const scores: Partial<Record<ResponderInstrument, number>> = {};
    for (const [name, value] of Object.entries(v.scores)) {
      const field = `visits[${i}].scores.${name}`;
      let inst: ResponderInstrument;
      try {
        inst = normalizeResponderInstrument(name);
      } catch (e) {
        throw new AnalysisInputError((e as Error).message, line, field);
      }
      const scale = instrumentScale(inst, config);
      if (value < scale.min || value > scale.max)
        throw new AnalysisInputError(
          `${inst} must be between ${scale.min} and ${scale.max} (got ${value})`,
          line,
          field,
        );
      if (scores[inst] !== undefined) throw new AnalysisInputError(`${inst} is given twice`, line, field);
      scores[inst] = value;
    }
    return { date: v.date, scores, mme_per_day: v.mme_per_day ?? null };
  });
  for (const [i, e] of d.events.entries()) {
    if (e.date < d.procedure_date)
      throw new AnalysisInputError('an event cannot be before the procedure', line, `events[${i}].date`);
  }
  if (d.last_contact && d.last_contact < d.procedure_date)
    throw new AnalysisInputError('last contact cannot be before the procedure', line, 'last_contact');
  return {
    patient: d.patient,
    procedure_date: d.procedure_date,
    therapy: d.therapy,
    visits,
    events: d.events,
    last_contact: d.last_contact ?? null,
    withdrawn: d.withdrawn ?? null,
    site: d.site ?? null,
    product_class: d.product_class ?? null,
    target: d.target ?? null,
    pain_generator: d.pain_generator ?? null,
    adverse_events: d.adverse_events.map((a) => ({
      grade: a.grade as AnalysisAdverseEvent['grade'],
      serious: a.serious,
      related: relatednessOf(a.attribution_procedure, a.attribution_product),
    })),
  };
}

/** JSON lines → records. Blank lines are skipped; a repeated patient id is an error (one record per patient). */
export function parseJsonl(text: string, config: InstrumentConfig = DEFAULT_INSTRUMENT_CONFIG): AnalysisRecord[] {
  const out: AnalysisRecord[] = [];
  const seen = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(l);
    } catch (e) {
      throw new AnalysisInputError(`not valid JSON (${(e as Error).message})`, i + 1, '(line)');
    }
    const rec = parseRecord(json, i + 1, config);
    const prev = seen.get(rec.patient);
    if (prev !== undefined)
      throw new AnalysisInputError(`patient "${rec.patient}" is already on line ${prev}`, i + 1, 'patient');
    seen.set(rec.patient, i + 1);
    out.push(rec);
  }
  return out;
}
