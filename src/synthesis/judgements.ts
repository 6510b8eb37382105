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

/** A problem in a judgement file, named by file and field (the shape of src/evidence/validate.ts problems). */
export interface JudgementProblem {
  file: string;
  field: string;
  message: string;
}

/**
 * Validates judgement files against the questions they override: the schema (who, date, domain, from → to,
 * reason), the question id (must be a question the evidence base gives), the domain (must be one the question
 * is graded on), and `from` (must equal the value computed now: otherwise the reviewer overrode another
 * suggestion than the one shown). `questionOf` computes a question by id, or null when no such question exists.
 */
export function checkJudgementFiles(
  files: readonly { file: string; json: unknown }[],
  questionOf: (id: string) => { certainty: string; domains: { domain: string; steps: number }[] } | null,
): { ok: JudgementFile[]; problems: JudgementProblem[] } {
  const ok: JudgementFile[] = [];
  const problems: JudgementProblem[] = [];
  for (const { file, json } of files) {
    const name = file.replace(/^.*[\\/]/, '');
    const r = JudgementFileSchema.safeParse(json);
    if (!r.success) {
      for (const i of r.error.issues) problems.push({ file, field: i.path.join('.') || '(root)', message: i.message });
      continue;
    }
    const j = r.data;
    if (`${j.question}.json` !== name) {
      problems.push({ file, field: 'question', message: `"${j.question}" does not match the file name ${name}` });
      continue;
    }
    const q = questionOf(j.question);
    if (!q) {
      problems.push({
        file,
        field: 'question',
        message: `no question "${j.question}" in the evidence base (regenspine sof --format json lists the ids)`,
      });
      continue;
    }
    let fine = true;
    j.overrides.forEach((o, i) => {
      if (o.domain === 'overall') {
        if (o.from !== q.certainty) {
          fine = false;
          problems.push({
            file,
            field: `overrides.${i}.from`,
            message: `the computed certainty is ${q.certainty}, not ${o.from}`,
          });
        }
        return;
      }
      const d = q.domains.find((x) => x.domain === o.domain);
      if (!d) {
        fine = false;
        problems.push({ file, field: `overrides.${i}.domain`, message: `the question is not graded on "${o.domain}"` });
      } else if (o.from !== d.steps) {
        fine = false;
        problems.push({
          file,
          field: `overrides.${i}.from`,
          message: `the computed ${o.domain} is ${d.steps} step(s), not ${o.from}`,
        });
      }
    });
    if (fine) ok.push(j);
  }
  return { ok, problems };
}
