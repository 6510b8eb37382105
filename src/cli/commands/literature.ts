// Literature commands: import, records, screen, prisma. Thin adapters over src/ingest and src/store/literature.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { fetchCtgov, fetchPubmed } from '../../ingest/fetch.ts';
import { prismaSvg } from '../../ingest/prisma.ts';
import { createProgress, readRecords } from '../../ingest/read.ts';
import { FORMATS, type Format } from '../../ingest/record.ts';
import { type Db, defaultOpenOptions, openDb } from '../../store/db.ts';
import {
  type FileImportSummary,
  formatName,
  LiteratureImporter,
  prismaFromDb,
  queryRecords,
  recordJson,
  screenRecord,
} from '../../store/literature.ts';
import { migrate } from '../../store/migrate.ts';
import { checkFormat, UserError } from '../errors.ts';

async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(defaultOpenOptions());
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

function progressBar(
  file: string,
  bytes: number,
  progress: ReturnType<typeof createProgress>,
  started: number,
): () => void {
  if (!process.stderr.isTTY) return () => {};
  const draw = () => {
    const secs = Math.max((Date.now() - started) / 1000, 1e-3);
    const frac = bytes > 0 ? Math.min(progress.bytesRead / bytes, 1) : 0;
    const width = 24;
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
    process.stderr.write(
      `\r${file.slice(-30).padEnd(30)} [${bar}] ${(frac * 100).toFixed(0).padStart(3)}%  ${(progress.bytesRead / 1e6 / secs).toFixed(1)} MB/s  ${progress.records} records (${(progress.records / secs).toFixed(0)}/s)  `,
    );
  };
  const timer = setInterval(draw, 200);
  return () => {
    clearInterval(timer);
    draw();
    process.stderr.write('\n');
  };
}

/** Why a file's format cannot be detected, or null when it can (reads the first 64 KB, gzip accepted). */
async function unrecognised(path: string): Promise<string | null> {
  const { createReadStream } = await import('node:fs');
  const stream = createReadStream(path);
  try {
    for await (const ev of readRecords(stream)) {
      if (ev.type === 'format') return null;
      if (ev.type === 'error') return ev.message;
      break;
    }
    return 'no records';
  } finally {
    stream.destroy();
  }
}

export function registerLiterature(program: Command): void {
  program
    .command('import')
    .description(
      'import PubMed XML, MEDLINE (.nbib, also ERIC), RIS, Web of Science or ClinicalTrials.gov files (gzip accepted); re-importing adds nothing',
    )
    .argument('<files...>', 'files to import')
    .option(
      '--from <format>',
      `file format: auto or one of: ${FORMATS.join(', ')} (pubmed = pubmed-xml, ctgov = ctgov-json)`,
      'auto',
    )
    .option('--source <name>', 'database or register the files come from, for PRISMA (default: guessed per file)')
    .option('--format <format>', 'output: text or json (one JSON summary); --json = --format json', 'text')
    .option('--verbose', 'say on stderr when each batch of records is committed')
    .action(async (files: string[], opts: { from: string; source?: string; format: string; verbose?: boolean }) => {
      const json = checkFormat(opts.format, ['text', 'json'] as const) === 'json';
      const alias: Record<string, Format> = { pubmed: 'pubmed-xml', ctgov: 'ctgov-json' };
      const format = opts.from === 'auto' ? undefined : (alias[opts.from] ?? opts.from);
      if (format !== undefined && !FORMATS.includes(format as Format)) {
        throw new UserError(
          `--from must be auto, pubmed, medline, ris, ctgov or one of ${FORMATS.join(', ')} (got "${opts.from}")`,
        );
      }
      const { statSync } = await import('node:fs');
      for (const f of files) {
        let isDir: boolean;
        try {
          isDir = statSync(f).isDirectory();
        } catch {
          throw new UserError(`cannot read ${f}`);
        }
        if (isDir) throw new UserError(`${f} is a folder; give the files in it, e.g. regenspine import ${f}/*`);
      }
      // Every file's format is known before anything is written: an unrecognised file stops the whole import.
      if (!format) {
        for (const f of files) {
          const problem = await unrecognised(f);
          if (problem) throw new UserError(`${f}: ${problem}`, 2);
        }
      }
      const summaries: FileImportSummary[] = [];
      await withDb(async (db) => {
        const importer = new LiteratureImporter(db);
        for (const path of files) {
          const progress = createProgress();
          const stop = json ? () => {} : progressBar(path, statSync(path).size, progress, Date.now());
          try {
            summaries.push(
              await importer.importFile(path, {
                progress,
                ...(format ? { format: format as Format } : {}),
                ...(opts.source ? { source: opts.source } : {}),
                ...(opts.verbose
                  ? { onBatch: (n: number) => process.stderr.write(`committed ${n} records of ${path}\n`) }
                  : {}),
              }),
            );
          } finally {
            stop();
          }
        }
      });
      const totals = summaries.reduce(
        (t, s) => ({
          records: t.records + s.records,
          imported: t.imported + s.imported,
          duplicates: t.duplicates + s.duplicates,
          errors: t.errors + s.errors.length,
        }),
        { records: 0, imported: 0, duplicates: 0, errors: 0 },
      );
      if (json) {
        console.log(
          JSON.stringify({
            files: summaries.map((s) => ({
              path: s.path,
              format: formatName(s.format),
              reader: s.format,
              source: s.source,
              records: s.records,
              imported: s.imported,
              duplicates: s.duplicates,
              already_imported: s.already_imported,
              deleted: s.deleted,
              errors: s.errors,
            })),
            totals,
          }),
        );
      } else {
        for (const s of summaries) {
          console.log(
            `${s.path}: ${s.format ?? 'unknown format'} from ${s.source}: ${s.records} records, ${s.imported} imported, ${s.duplicates} duplicates${s.deleted ? `, ${s.deleted} deletions` : ''}, ${s.errors.length} errors`,
          );
          for (const e of s.errors.slice(0, 20)) console.log(`  line ${e.line}: ${e.message}`);
        }
        console.log(
          `total: ${totals.records} records, ${totals.imported} imported, ${totals.duplicates} duplicates, ${totals.errors} errors`,
        );
      }
      if (totals.errors > 0) process.exitCode = 2;
    });

  const fetchCmd = program
    .command('fetch')
    .description('download records from PubMed or ClinicalTrials.gov into a file to import');
  const save = async (out: string, text: string, what: string, andImport: boolean) => {
    writeFileSync(out, text);
    console.log(`${what} written to ${out}${andImport ? '' : `; import it with: regenspine import ${out}`}`);
    if (andImport) {
      await withDb(async (db) => {
        const s = await new LiteratureImporter(db).importFile(out);
        console.log(
          `${s.records} records, ${s.imported} imported, ${s.duplicates} duplicates, ${s.errors.length} errors`,
        );
      });
    }
  };
  fetchCmd
    .command('pubmed')
    .description('search PubMed (E-utilities) and save the records as PubMed XML')
    .requiredOption('--query <query>', 'PubMed search, e.g. "platelet-rich plasma AND low back pain"')
    .option('--max <n>', 'at most this many records', '200')
    .option('--out <file>', 'where to save', 'pubmed-fetch.xml')
    .option('--import', 'import the file right away')
    .option('--timeout <seconds>', 'give up on a request after this long', '15')
    .action(async (opts: { query: string; max: string; out: string; import?: boolean; timeout: string }) => {
      {
        const { pmids, xml } = await fetchPubmed(opts.query, Number(opts.max), {
          timeoutMs: Number(opts.timeout) * 1000,
          ...(process.env.REGENSPINE_EUTILS_BASE ? { eutilsBase: process.env.REGENSPINE_EUTILS_BASE } : {}),
        });
        await save(opts.out, xml, `${pmids.length} PubMed records`, Boolean(opts.import));
      }
    });
  fetchCmd
    .command('ctgov')
    .description('download ClinicalTrials.gov records (API v2 JSON)')
    .requiredOption('--nct <ids...>', 'NCT ids')
    .option('--out <file>', 'where to save', 'ctgov-fetch.json')
    .option('--import', 'import the file right away')
    .option('--timeout <seconds>', 'give up on a request after this long', '15')
    .action(async (opts: { nct: string[]; out: string; import?: boolean; timeout: string }) => {
      {
        const json = await fetchCtgov(opts.nct, {
          timeoutMs: Number(opts.timeout) * 1000,
          ...(process.env.REGENSPINE_CTGOV_BASE ? { ctgovBase: process.env.REGENSPINE_CTGOV_BASE } : {}),
        });
        await save(opts.out, json, `${opts.nct.length} ClinicalTrials.gov records`, Boolean(opts.import));
      }
    });

  const records = program
    .command('records')
    .description("list imported records (records reread: read them again with today's readers)")
    .option('--search <text>', 'words in title, abstract or authors; or a PMID, DOI or NCT id')
    .option('--from <format>', 'only records read from files of this format (pubmed-xml, ris, ...)')
    .option('--source <name>', 'only records from this source')
    .option('--screening <status>', 'unscreened, included or excluded')
    .option('--limit <n>', 'at most this many', '100')
    .option('--format <format>', 'output: text or json (a JSON array); --json = --format json', 'text')
    .action(
      async (opts: {
        search?: string;
        from?: string;
        source?: string;
        screening?: string;
        limit: string;
        format: string;
      }) => {
        const json = checkFormat(opts.format, ['text', 'json'] as const) === 'json';
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1)
          throw new UserError(`--limit must be a positive whole number (got "${opts.limit}")`);
        await withDb(async (db) => {
          const { from, format: _output, ...filters } = opts;
          const { total, records } = await queryRecords(db, {
            ...filters,
            ...(from !== undefined ? { format: from } : {}),
            limit,
          });
          if (json) {
            console.log(JSON.stringify(records.map(recordJson), null, 2));
            return;
          }
          for (const r of records) {
            const id = r.ids.pmid ? `PMID ${r.ids.pmid}` : (r.ids.nct[0] ?? (r.ids.doi ? `doi:${r.ids.doi}` : ''));
            console.log(
              `${String(r.id).padStart(6)}  ${String(r.year ?? '----')}  ${(r.title ?? '(no title)').slice(0, 80)}  [${id}; ${r.source}${r.duplicate_of ? `; duplicate of ${r.duplicate_of}` : ''}; ${r.screening_status}]`,
            );
          }
          console.log(`${records.length} of ${total} records`);
        });
      },
    );

  records
    .command('reread')
    .description(
      "read every stored record's source text again with today's readers, update what changed and make the duplicate links again (screening decisions are kept)",
    )
    .option('--dry-run', 'only say what would change')
    .option('--format <format>', 'output: text or json; --json = --format json', 'text')
    .action(async (opts: { dryRun?: boolean; format: string }) => {
      const json = checkFormat(opts.format, ['text', 'json'] as const) === 'json';
      const { rereadRecords } = await import('../../store/literature-reread.ts');
      await withDb(async (db) => {
        const r = await rereadRecords(db, { dryRun: !!opts.dryRun });
        if (json) {
          console.log(JSON.stringify(r, null, 2));
          return;
        }
        const verb = r.dry_run ? 'would change' : 'changed';
        const cols = Object.entries(r.columns)
          .map(([c, n]) => `${c} ${n}`)
          .join(', ');
        console.log(`${r.records} records read again: ${r.changed} ${verb}${cols ? ` (${cols})` : ''}`);
        console.log(`${r.relinked} duplicate links ${r.dry_run ? 'would be ' : ''}made again`);
        for (const u of r.unreadable) console.log(`record ${u.id} left as it was: ${u.reason}`);
      });
    });

  program
    .command('screen')
    .description('record a screening decision on an imported record')
    .argument('<id>', 'record id (from `regenspine records`)')
    .option('--include', 'include the record')
    .option('--exclude <reason>', 'exclude the record, with the reason')
    .option('--reset', 'back to unscreened')
    .action(async (idText: string, opts: { include?: boolean; exclude?: string; reset?: boolean }) => {
      const id = Number(idText);
      if (!Number.isInteger(id) || id < 1)
        throw new UserError(`record id must be a positive whole number (got "${idText}")`);
      const chosen = [opts.include, opts.exclude !== undefined, opts.reset].filter(Boolean).length;
      if (chosen !== 1) throw new UserError('give exactly one of --include, --exclude <reason>, --reset');
      await withDb(async (db) => {
        // A ScreeningError (no such record, a duplicate) is an AppError: main() prints it as one line.
        await screenRecord(
          db,
          id,
          opts.include
            ? { status: 'included' }
            : opts.reset
              ? { status: 'unscreened' }
              : { status: 'excluded', reason: opts.exclude! },
        );
      });
    });

  program
    .command('prisma')
    .description('PRISMA 2020 counts of the imported records, and the flow diagram as SVG')
    .option('--svg <file>', 'write the flow diagram to this file')
    .option('--format <format>', 'output: text or json (the counts); --json = --format json', 'text')
    .action(async (opts: { svg?: string; format: string }) => {
      const json = checkFormat(opts.format, ['text', 'json'] as const) === 'json';
      await withDb(async (db) => {
        const c = await prismaFromDb(db);
        if (opts.svg) writeFileSync(opts.svg, prismaSvg(c));
        if (json) {
          console.log(JSON.stringify(c, null, 2));
          return;
        }
        console.log('Identification');
        for (const s of c.identified.databases) console.log(`  records from ${s.source}: ${s.n}`);
        for (const s of c.identified.registers) console.log(`  records from register ${s.source}: ${s.n}`);
        console.log(`  duplicate records removed: ${c.duplicates_removed}`);
        console.log('Screening');
        console.log(`  records screened: ${c.screened} (awaiting screening: ${c.awaiting_screening})`);
        console.log(`  records excluded: ${c.excluded_screening}`);
        for (const r of c.excluded_screening_reasons) console.log(`    ${r.source}: ${r.n}`);
        console.log(`  reports assessed for eligibility: ${c.assessed_for_eligibility}`);
        console.log(`  reports excluded: ${c.excluded_full_text}`);
        for (const r of c.excluded_reasons) console.log(`    ${r.reason}: ${r.n}`);
        console.log('Included');
        console.log(`  studies included: ${c.included}`);
        if (opts.svg) console.log(`flow diagram written to ${opts.svg}`);
      });
    });
}
