// Versioned scoring settings (config/instruments.json, config/medications.json). Everything the reference marks
// UNVERIFIED lives there with its default and source, not in code. The files are validated on load so a bad
// edit fails loudly; functions take the config as a parameter (default: the shipped file) so an analyst can
// score with another version.
import { z } from 'zod';
import instrumentsJson from '../../config/instruments.json' with { type: 'json' };
import medicationsJson from '../../config/medications.json' with { type: 'json' };

/** One configurable value with its provenance. */
const setting = <T extends z.ZodType>(value: T) =>
  z.object({ value, verified: z.boolean(), source: z.string().min(1) }).strict();

const responderRuleSchema = z
  .object({
    absolute: z.number().positive().nullable(),
    relativePct: z.number().positive().max(100).nullable(),
    combine: z.enum(['any', 'all']),
    verified: z.boolean(),
    source: z.string().min(1),
  })
  .strict();
export type ConfiguredResponderRule = z.infer<typeof responderRuleSchema>;

export const RESPONDER_INSTRUMENTS = [
  'ODI',
  'NRS',
  'VAS',
  'RMDQ',
  'FRI',
  'EQ5D3L',
  'EQVAS',
  'PROMIS_GPH',
  'PROMIS_GMH',
] as const;
export type ResponderInstrument = (typeof RESPONDER_INSTRUMENTS)[number];

export const InstrumentConfigSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.string().min(1),
    odi: z.object({
      maxMissingSections: setting(z.number().int().min(0).max(9)),
      multipleMarked: setting(z.enum(['highest', 'reject'])),
    }),
    rmdq: z.object({ maxMissingItems: setting(z.number().int().min(0).max(23)) }),
    fri: z.object({ maxMissingItems: setting(z.number().int().min(0).max(9)) }),
    promis10: z.object({ gmhRaw4T: setting(z.number().min(0).max(100)) }),
    responder: z.object(
      Object.fromEntries(RESPONDER_INSTRUMENTS.map((k) => [k, responderRuleSchema])) as Record<
        ResponderInstrument,
        typeof responderRuleSchema
      >,
    ),
  })
  .strict();
export type InstrumentConfig = z.infer<typeof InstrumentConfigSchema>;

export const MedicationConfigSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.string().min(1),
    defaultFactorSet: setting(z.enum(['CDC-2022', 'CDC-2016'])),
    buprenorphine: z.object({ factor: setting(z.number().positive().nullable()) }),
    bands: setting(z.tuple([z.number().positive(), z.number().positive()])),
  })
  .strict();
export type MedicationConfig = z.infer<typeof MedicationConfigSchema>;

/** Validates a config object (e.g. another version read by the caller); throws with the zod issues. */
export function parseInstrumentConfig(json: unknown): InstrumentConfig {
  return InstrumentConfigSchema.parse(json);
}
export function parseMedicationConfig(json: unknown): MedicationConfig {
  const cfg = MedicationConfigSchema.parse(json);
  const [lo, hi] = cfg.bands.value;
  if (!(lo < hi)) throw new Error('medications config: bands must be increasing');
  return cfg;
}

export const DEFAULT_INSTRUMENT_CONFIG: InstrumentConfig = parseInstrumentConfig(instrumentsJson);
export const DEFAULT_MEDICATION_CONFIG: MedicationConfig = parseMedicationConfig(medicationsJson);
