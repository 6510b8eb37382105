// Versioned registry settings (config/registry.json): follow-up windows, eligibility checklist, login limits,
// token lifetimes and scopes, export bounds, the dashboard cache and data-entry plausibility ranges.
// Validated on load so a bad edit fails loudly; functions take the config as a parameter.
import { z } from 'zod';
import registryJson from '../../config/registry.json' with { type: 'json' };

const setting = <T extends z.ZodType>(value: T) =>
  z.object({ value, verified: z.boolean(), source: z.string().min(1) }).strict();

export const TIMEPOINT_KEYS = ['baseline', '1m', '3m', '6m', '12m', '24m'] as const;
export type TimepointKey = (typeof TIMEPOINT_KEYS)[number];

const timepoint = z
  .object({
    key: z.enum(TIMEPOINT_KEYS),
    months: z.number().int().min(0).max(120),
    windowBeforeDays: z.number().int().min(0).max(366),
    windowAfterDays: z.number().int().min(0).max(366),
  })
  .strict();
export type TimepointConfig = z.infer<typeof timepoint>;

const eligibilityItem = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/),
    kind: z.enum(['inclusion', 'exclusion']),
    label: z.string().min(1),
  })
  .strict();
export type EligibilityItem = z.infer<typeof eligibilityItem>;

export const RegistryConfigSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.string().min(1),
    followup: z.object({ timepoints: setting(z.array(timepoint).min(1)) }).strict(),
    eligibility: z
      .object({ items: setting(z.array(eligibilityItem).min(1)), minPainMonths: setting(z.number().min(0)) })
      .strict(),
    auth: z
      .object({
        sessionHours: setting(z.number().positive()),
        sessionIdleMinutes: setting(z.number().min(2)),
        loginFreeFailures: setting(z.number().int().min(1)),
        loginMaxDelaySeconds: setting(z.number().int().min(1)),
        loginAddressMaxFailures: setting(z.number().int().min(1)),
        loginAddressWindowMinutes: setting(z.number().positive()),
      })
      .strict(),
    tokens: z
      .object({
        defaultDays: setting(z.number().int().min(1)),
        maxDays: setting(z.number().int().min(1)),
        defaultScopes: setting(z.array(z.enum(['read', 'write', 'export'])).min(1)),
      })
      .strict(),
    export: z
      .object({
        pageRows: setting(z.number().int().min(1).max(10_000)),
        perTokenConcurrent: setting(z.number().int().min(1)),
        serverConcurrent: setting(z.number().int().min(1)),
      })
      .strict(),
    dashboard: z.object({ reportCacheSeconds: setting(z.number().min(0)) }).strict(),
    plausibility: z
      .object({
        // Inside the database's envelope (migration 006: BMI 5–250, MME/day ≤ 100000).
        bmi: setting(z.object({ min: z.number().min(5), max: z.number().max(250) }).strict()),
        maxMmePerDay: setting(z.number().positive().max(100_000)),
        maxDoseMg: setting(z.number().positive()),
        maxDosesPerDay: setting(z.number().positive()),
        deviceMaxChars: setting(z.number().int().min(1).max(120)),
      })
      .strict(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const keys = c.followup.timepoints.value.map((t) => t.key);
    if (new Set(keys).size !== keys.length)
      ctx.addIssue({ code: 'custom', message: 'duplicate timepoint', path: ['followup'] });
    const ids = c.eligibility.items.value.map((i) => i.id);
    if (new Set(ids).size !== ids.length)
      ctx.addIssue({ code: 'custom', message: 'duplicate eligibility item', path: ['eligibility'] });
    if (c.plausibility.bmi.value.min >= c.plausibility.bmi.value.max)
      ctx.addIssue({ code: 'custom', message: 'min must be below max', path: ['plausibility', 'bmi'] });
    if (c.tokens.defaultDays.value > c.tokens.maxDays.value)
      ctx.addIssue({ code: 'custom', message: 'defaultDays above maxDays', path: ['tokens', 'defaultDays'] });
  });
export type RegistryConfig = z.infer<typeof RegistryConfigSchema>;

export function parseRegistryConfig(json: unknown): RegistryConfig {
  return RegistryConfigSchema.parse(json);
}

export const DEFAULT_REGISTRY_CONFIG: RegistryConfig = parseRegistryConfig(registryJson);
