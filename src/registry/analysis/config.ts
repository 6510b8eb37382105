// Settings of the outcomes analysis (config/analysis.json), validated on load so a bad edit fails loudly.
// Responder thresholds and follow-up windows are read from their own settings (config/instruments.json,
// config/registry.json); this file only says what is analysed and how.
import { z } from 'zod';
import analysisJson from '../../../config/analysis.json' with { type: 'json' };
import { RESPONDER_INSTRUMENTS } from '../../instruments/config.ts';

const setting = <T extends z.ZodType>(value: T) =>
  z.object({ value, verified: z.boolean(), source: z.string().min(1) }).strict();

const override = z
  .object({
    absolute: z.number().positive().nullable().optional(),
    relativePct: z.number().positive().max(100).nullable().optional(),
    combine: z.enum(['any', 'all']).optional(),
  })
  .strict();

export const AnalysisConfigSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.string().min(1),
    instruments: setting(z.array(z.enum(RESPONDER_INSTRUMENTS)).min(1)),
    responderOverrides: setting(z.partialRecord(z.enum(RESPONDER_INSTRUMENTS), override)),
    failureEvents: setting(z.array(z.string().regex(/^[a-z][a-z0-9_-]*$/)).min(1)),
    confType: setting(z.enum(['log-log', 'log', 'plain'])),
    smallCell: setting(z.number().int().min(1).max(100)),
    level: setting(z.number().gt(0).lt(1)),
  })
  .strict();
export type AnalysisConfig = z.infer<typeof AnalysisConfigSchema>;

export function parseAnalysisConfig(json: unknown): AnalysisConfig {
  return AnalysisConfigSchema.parse(json);
}

export const DEFAULT_ANALYSIS_CONFIG: AnalysisConfig = parseAnalysisConfig(analysisJson);
