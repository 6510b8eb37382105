// Reviewer judgements: overrides of a GRADE domain or of the final rating, as data files
// data/judgements/<question-id>.json, validated here and shown beside the computed suggestion (never replacing it).
import { z } from 'zod';
import { CERTAINTY, GRADE_DOMAINS } from './grade.ts';

const nonEmpty = z.string().trim().min(1);
const level = z.union([z.enum(CERTAINTY), z.number().int().min(0).max(3)]);

export const OverrideSchema = z
  .object({
    who: nonEmpty,
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
    domain: z.enum([...GRADE_DOMAINS, 'large-effect', 'overall']),
    from: level.describe('steps (0–3) for a domain, a certainty for overall: the suggestion the reviewer saw'),
    to: level,
    reason: nonEmpty,
  })
  .strict()
  .superRefine((o, ctx) => {
    const overall = o.domain === 'overall';
    for (const k of ['from', 'to'] as const) {
      if (overall !== (typeof o[k] === 'string'))
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: overall ? 'overall takes a certainty' : 'a domain takes steps 0–3',
        });
    }
  });

export const JudgementFileSchema = z.object({ question: nonEmpty, overrides: z.array(OverrideSchema).min(1) }).strict();
export type JudgementFile = z.infer<typeof JudgementFileSchema>;

export function parseJudgement(name: string, json: unknown): { ok: JudgementFile } | { error: string } {
  const r = JudgementFileSchema.safeParse(json);
  if (!r.success) {
    return { error: r.error.issues.map((i) => `${name}: ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n') };
  }
  if (`${r.data.question}.json` !== name.replace(/^.*\//, ''))
    return { error: `${name}: question "${r.data.question}" does not match the file name` };
  return { ok: r.data };
}
