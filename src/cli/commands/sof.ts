// `regenspine sof`: the Summary-of-Findings for condition × therapy. Reads data/evidence, data/statements,
// data/judgements and config/instruments.json from the checkout (no database); the computation is pure
// (src/synthesis/sof.ts).
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { TARGETS, THERAPY_GROUPS } from '../../domain/vocabulary.ts';
import { readEvidenceBaseCached } from '../../evidence/cache.ts';
import { readJsonFiles } from '../../evidence/inputs.ts';
import { knownConditions } from '../../evidence/select.ts';
import type { EvidenceProblem } from '../../evidence/validate.ts';
import { REPO_ROOT } from '../../repo-root.ts';
import { METHODS, type Method } from '../../stats/rma.ts';
import type { Mcid } from '../../synthesis/grade.ts';
import type { JudgementFile } from '../../synthesis/judgements.ts';
import { sofToCsv, sofToMarkdown, sofToText } from '../../synthesis/render.ts';
import { computeSof, type Sof } from '../../synthesis/sof.ts';
import { UserError } from '../errors.ts';

export const DEFAULT_JUDGEMENTS_DIR = join(REPO_ROOT, 'data', 'judgements');

export async function readMcids(file = join(REPO_ROOT, 'config', 'instruments.json')): Promise<Record<string, Mcid>> {
  const cfg = JSON.parse(await readFile(file, 'utf8')) as {
    responder?: Record<string, { absolute?: number; source?: string }>;
  };
  const out: Record<string, Mcid> = {};
  for (const [k, v] of Object.entries(cfg.responder ?? {})) {
    if (typeof v.absolute === 'number') out[k] = { instrument: k, absolute: v.absolute, source: v.source ?? '' };
  }
  return out;
}

export async function readJudgements(dir = DEFAULT_JUDGEMENTS_DIR): Promise<JudgementFile[]> {
  const problems: EvidenceProblem[] = [];
  const files = await readJsonFiles(dir, problems);
  const errors = problems.map((p) => `${basename(p.file)}: ${p.message}`);
  const out: JudgementFile[] = [];
  // The judgement schemas (zod) load only when there is a judgement to check (a checkout has none by default).
  if (files.length > 0) {
    const { parseJudgement } = await import('../../synthesis/judgements.ts');
    for (const { file, json } of files) {
      const r = parseJudgement(basename(file), json);
      if ('error' in r) errors.push(r.error);
      else out.push(r.ok);
    }
  }
  if (errors.length) throw new UserError(`invalid reviewer judgements in ${dir}:\n${errors.join('\n')}`);
  return out;
}

export async function loadSof(opts: {
  condition: string;
  therapy: string;
  target?: string;
  method?: string;
}): Promise<Sof> {
  const therapy = opts.therapy.toLowerCase();
  if (!THERAPY_GROUPS[therapy])
    throw new UserError(`--therapy must be one of: ${Object.keys(THERAPY_GROUPS).join(', ')} (got "${opts.therapy}")`);
  const c = opts.condition.trim().toLowerCase();
  if (!knownConditions().includes(c) && !['clbp', 'low back pain'].includes(c))
    throw new UserError(`unknown condition "${opts.condition}"; known: ${knownConditions().join(', ')}`);
  if (opts.target && !TARGETS.includes(opts.target as never))
    throw new UserError(`--target must be one of: ${TARGETS.join(', ')}`);
  const method = (opts.method ?? 'REML').toUpperCase();
  if (!METHODS.includes(method as Method)) throw new UserError(`--method must be one of: ${METHODS.join(', ')}`);
  const base = await readEvidenceBaseCached();
  if (base.problems.length)
    throw new UserError(`the evidence base has ${base.problems.length} problem(s); run \`regenspine validate\``);
  return computeSof(base.studies, base.statements, {
    condition: opts.condition,
    therapy,
    target: opts.target ?? null,
    method: method as Method,
    mcids: await readMcids(),
    judgements: await readJudgements(),
  });
}

export function registerSof(program: Command): void {
  program
    .command('sof')
    .description(
      'Summary of Findings: effects, pooled estimates, GRADE suggestions and ASIPP levels per outcome question',
    )
    .option('--condition <condition>', `condition: ${knownConditions().join(', ')}`, 'chronic low back pain')
    .requiredOption('--therapy <therapy>', `therapy group: ${Object.keys(THERAPY_GROUPS).join(', ')}`)
    .option('--target <target>', `only studies at this target: ${TARGETS.join(', ')}`)
    .option('--method <method>', `τ² estimator: ${METHODS.join(', ')}`, 'REML')
    .option('--format <format>', 'text, markdown, html, json or csv', 'text')
    .action(async (opts: { condition: string; therapy: string; target?: string; method: string; format: string }) => {
      if (!['text', 'markdown', 'html', 'json', 'csv'].includes(opts.format))
        throw new UserError(`--format must be one of: text, markdown, html, json, csv (got "${opts.format}")`);
      const sof = await loadSof(opts);
      if (opts.format === 'json') console.log(JSON.stringify(sof, null, 2));
      else if (opts.format === 'markdown') process.stdout.write(sofToMarkdown(sof));
      else if (opts.format === 'csv') process.stdout.write(sofToCsv(sof));
      else if (opts.format === 'html')
        process.stdout.write((await import('../../web/sof-page.ts')).renderSofHtmlDocument(sof));
      else process.stdout.write(sofToText(sof));
    });
}
