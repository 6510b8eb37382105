// `regenspine export registry --format csv|fhir [--site CODE]… [--deidentified] [--out PATH]` (issue 13 §4),
// a sub-command of the evidence base's `regenspine export` (which is unchanged: `regenspine export
// --format json`). FHIR: one R4 Bundle (JSON) to --out or stdout, streamed. CSV: the tables of one export —
// scores (long format), procedures, adverse_events, dictionary (REDCap style) and, de-identified, summary —
// as files in the folder --out. Audited as via "cli:<operator>". Thin adapter over src/store/registry-export.ts.

import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { checkFormat, UserError } from '../errors.ts';

const collect = (v: string, prev: string[]) => [...prev, v];

async function writeAll(out: NodeJS.WritableStream, chunks: AsyncIterable<string | Uint8Array>) {
  for await (const c of chunks) if (!out.write(c)) await once(out, 'drain');
}

export function registerRegistryExport(program: Command): void {
  const exportCmd = program.commands.find((c) => c.name() === 'export');
  if (!exportCmd) throw new Error('the evidence `export` command must be registered first');
  exportCmd
    .command('registry')
    .description('export the outcomes registry as CSV tables or a FHIR R4 Bundle (audited)')
    .option('--format <format>', 'csv or fhir (required)')
    .option('--site <code>', 'only this site (repeatable; default every site)', collect, [] as string[])
    .option(
      '--deidentified',
      'pseudonymous ids re-keyed for this export, no dates (CSV) or shifted dates (FHIR), no free text, birth year banded; research consent only',
    )
    .option('--out <path>', 'csv: the folder for the tables (required); fhir: the file (default stdout)')
    .action(async (opts: { format: string; site: string[]; deidentified?: boolean; out?: string }) => {
      // commander hands `--format` after the sub-command to the parent `export` (which has one too): take it there.
      const given =
        opts.format ??
        (exportCmd.getOptionValueSource('format') === 'cli' ? String(exportCmd.opts().format) : undefined);
      if (!given) throw new UserError('--format csv or --format fhir is required');
      const format = checkFormat(given, ['csv', 'fhir'] as const);
      if (format === 'csv' && !opts.out)
        throw new UserError('--format csv writes several tables: name a folder with --out DIR');
      // The registry's modules load only for `export registry`: `export --format json` (the evidence) registers
      // this sub-command too, and loading the database layer and its schemas cost it ≈ 0.1 s (CPU profile, 2026-12-01).
      const [{ CLI_ACTOR, listSites, siteIdsByCode }, { csvExportAll, fhirExportChunks }, { withRegistryDb }] =
        await Promise.all([
          import('../../store/registry-accounts.ts'),
          import('../../store/registry-export.ts'),
          import('../registry-db.ts'),
        ]);
      await withRegistryDb(async (db) => {
        const all = (await listSites(db)).map((s) => s.id);
        const siteIds = opts.site.length ? await siteIdsByCode(db, opts.site) : all;
        const actor = { ...CLI_ACTOR, siteIds: all };
        const o = { deidentified: !!opts.deidentified, siteIds };
        if (format === 'fhir') {
          const out = opts.out ? createWriteStream(opts.out) : process.stdout;
          await writeAll(out, fhirExportChunks(db, actor, o));
          if (opts.out) {
            out.end();
            await once(out, 'finish');
            console.error(`FHIR Bundle written to ${opts.out}`);
          }
          return;
        }
        const dir = opts.out!;
        mkdirSync(dir, { recursive: true });
        const files = new Map<string, ReturnType<typeof createWriteStream>>();
        const counts = await csvExportAll(db, actor, o, async (table, text) => {
          let f = files.get(table);
          if (!f) {
            f = createWriteStream(join(dir, `${table}.csv`));
            files.set(table, f);
          }
          if (!f.write(text)) await once(f, 'drain');
        });
        for (const f of files.values()) {
          f.end();
          await once(f, 'finish');
        }
        console.log(
          `${[...files.keys()].map((t) => join(dir, `${t}.csv`)).join('\n')}\n${counts.patients} patients: ${counts.scores} score rows, ${counts.procedures} procedures, ${counts.adverse_events} adverse events`,
        );
      });
    });
}
