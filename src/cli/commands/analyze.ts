// `regenspine analyze --input FILE.jsonl`: the outcomes analysis of issue 13 §1 without a database — one
// patient record per line in, responder rates, change, opioids, treatment failure and adverse events out.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { analysisText, analyze } from '../../registry/analysis/index.ts';
import { AnalysisInputError, parseJsonl } from '../../registry/analysis/input.ts';
import { parseStrata } from '../../registry/analysis/strata.ts';
import { parseIsoDate } from '../../registry/schedule.ts';
import { checkFormat, UserError } from '../errors.ts';

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description(
      'responder rates, change from baseline, opioids, treatment failure (Kaplan–Meier) and AE rates of a cohort given as JSON lines; no database',
    )
    .requiredOption('--input <file>', 'JSON lines, one patient record per line (- reads stdin)')
    .option('--format <format>', 'json or text', 'json')
    .option(
      '--as-of <date>',
      'the day the analysis is as of (yyyy-mm-dd): later windows are "not yet due"; default today (UTC)',
    )
    .option(
      '--by <strata>',
      'analyse by one or two of: site, therapy, product_class, target, pain_generator (comma-separated)',
    )
    .option(
      '--deidentified',
      'suppress small cells (config/analysis.json smallCell) as every de-identified output does',
    )
    .addHelpText(
      'after',
      `
Record (one per line):
  {"patient":"P1","procedure_date":"2025-01-10","therapy":"prp",
   "visits":[{"date":"2025-01-08","scores":{"ODI":48,"NRS":7}},{"date":"2025-04-12","scores":{"ODI":38,"NRS":5}}],
   "events":[{"type":"reintervention","date":"2025-09-01"}],"last_contact":"2026-01-10"}
  Baseline is the latest visit on or before the procedure within the baseline window (config/registry.json).
  Optional: "withdrawn" (date), "site", "product_class", "target", "pain_generator", visit "mme_per_day",
  "adverse_events":[{"grade":2,"serious":false,"attribution_procedure":"possible","attribution_product":null}].

Example:
  regenspine analyze --input examples/registry-cohort.jsonl --as-of 2026-06-30 --format text`,
    )
    .action((opts: { input: string; format: string; asOf?: string; by?: string; deidentified?: boolean }) => {
      const format = checkFormat(opts.format, ['json', 'text'] as const);
      const asOf = opts.asOf ?? new Date().toISOString().slice(0, 10);
      try {
        parseIsoDate(asOf);
      } catch {
        throw new UserError(`--as-of must be a calendar date yyyy-mm-dd (got "${asOf}")`);
      }
      let by: ReturnType<typeof parseStrata>;
      try {
        by = parseStrata(opts.by);
      } catch (e) {
        throw new UserError(`--by: ${(e as Error).message}`);
      }
      let text: string;
      try {
        text = readFileSync(opts.input === '-' ? 0 : opts.input, 'utf8');
      } catch (e) {
        throw new UserError(
          `cannot read --input ${opts.input}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
      let records: ReturnType<typeof parseJsonl>;
      try {
        records = parseJsonl(text);
      } catch (e) {
        if (e instanceof AnalysisInputError) throw new UserError(`${opts.input} ${e.message}`);
        throw e;
      }
      if (records.length === 0) throw new UserError(`${opts.input}: no records (one JSON object per line)`);
      const result = analyze(records, { asOf, by, deidentified: opts.deidentified === true });
      if (format === 'json') {
        console.log(JSON.stringify(by.length === 0 ? result.overall : result));
        return;
      }
      const parts = [analysisText(result.overall)];
      for (const g of result.groups) parts.push(analysisText(g.analysis, g.label));
      console.log(parts.join('\n\n'));
    });
}
