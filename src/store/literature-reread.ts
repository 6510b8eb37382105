// `regenspine records reread`: reads every stored record's source text again with today's readers and brings
// the stored columns up to date. Records imported before a reader fix (issue 11 §3: whole SICI DOIs, authors
// normalised to "Surname I", volume/issue/pages from migration 004) otherwise keep what the old reader made of
// them, and the duplicate links made from those values stay wrong. The source text is kept for exactly this
// (raw_deflate, migration 003). Screening decisions are never touched; the whole run is one transaction, so an
// interrupted reread leaves every record as it was.
import { Readable } from 'node:stream';
import { DedupeIndex, titleKey } from '../ingest/dedupe.ts';
import { collect } from '../ingest/read.ts';
import type { Format, ImportedRecord } from '../ingest/record.ts';
import type { Db, Queryable } from './db.ts';
import { rawText } from './literature.ts';

/** The columns a reader decides (everything but ids, provenance, links and screening). */
const READ_COLUMNS = [
  'source_type',
  'pmid',
  'doi',
  'nct',
  'pmcid',
  'title',
  'title_key',
  'year',
  'authors',
  'journal',
  'volume',
  'issue',
  'pages',
  'abstract',
  'publication_types',
  'mesh',
  'keywords',
  'language',
  'registry',
] as const;
type ReadColumn = (typeof READ_COLUMNS)[number];
type Columns = Record<ReadColumn, unknown>;

export interface RereadReport {
  records: number;
  /** Records whose stored columns changed, and how many times each column changed. */
  changed: number;
  columns: Partial<Record<ReadColumn, number>>;
  /** Records whose duplicate link (or its reason) changed once every record was re-read. */
  relinked: number;
  /** Source texts today's reader cannot read as exactly one record: left as they were, with why. */
  unreadable: { id: number; reason: string }[];
  dry_run: boolean;
}

/** What today's reader makes of one stored record's source text, or why it cannot. */
export async function readStoredRecord(
  raw: string,
  format: Format,
): Promise<{ record: ImportedRecord } | { reason: string }> {
  const r = await collect(Readable.from([Buffer.from(raw, 'utf8')]), { format });
  if (r.errors.length > 0) return { reason: `line ${r.errors[0]!.line}: ${r.errors[0]!.message}` };
  if (r.records.length !== 1) return { reason: `the source text reads as ${r.records.length} records, not 1` };
  return { record: r.records[0]! };
}

function columnsOf(rec: ImportedRecord): Columns {
  return {
    source_type: rec.source_type,
    pmid: rec.ids.pmid,
    doi: rec.ids.doi,
    nct: rec.ids.nct,
    pmcid: rec.ids.pmcid,
    title: rec.title,
    title_key: titleKey(rec.title) || null,
    year: rec.year,
    authors: rec.authors,
    journal: rec.journal,
    volume: rec.volume,
    issue: rec.issue,
    pages: rec.pages,
    abstract: rec.abstract,
    publication_types: rec.publication_types,
    mesh: rec.mesh,
    keywords: rec.keywords,
    language: rec.language,
    registry: rec.registry,
  };
}

/** Deep equality of JSON-like column values (text, numbers, arrays, jsonb objects). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

const PAGE = 500;

export async function rereadRecords(db: Db, opts: { dryRun?: boolean } = {}): Promise<RereadReport> {
  const report: RereadReport = {
    records: 0,
    changed: 0,
    columns: {},
    relinked: 0,
    unreadable: [],
    dry_run: !!opts.dryRun,
  };
  // the values read now of every changed record, so a dry run's relinking sees what a real run would write
  const readNow = new Map<number, Columns>();
  const run = async (tx: Queryable) => {
    // 1. every record, page by page in id order (bounded memory), read again and updated where it differs
    let after = 0;
    for (;;) {
      const page = await tx.query<Columns & { id: string | number; format: string; raw_deflate: Uint8Array }>(
        `SELECT id, format, raw_deflate, ${READ_COLUMNS.join(', ')} FROM literature_record WHERE id > $1 ORDER BY id LIMIT ${PAGE}`,
        [after],
      );
      if (page.rows.length === 0) break;
      for (const row of page.rows) {
        const id = Number(row.id);
        after = id;
        report.records++;
        const read = await readStoredRecord(rawText(row.raw_deflate), row.format as Format);
        if ('reason' in read) {
          report.unreadable.push({ id, reason: read.reason });
          continue;
        }
        const now = columnsOf(read.record);
        const diff = READ_COLUMNS.filter((c) => !same(row[c] ?? null, now[c] ?? null));
        if (diff.length === 0) continue;
        report.changed++;
        for (const c of diff) report.columns[c] = (report.columns[c] ?? 0) + 1;
        readNow.set(id, now);
        if (opts.dryRun) continue;
        const sets = diff.map((c, i) => `${c} = $${i + 2}${c === 'registry' ? '::jsonb' : ''}`);
        await tx.query(`UPDATE literature_record SET ${sets.join(', ')} WHERE id = $1`, [
          id,
          ...diff.map((c) => (c === 'registry' && now[c] !== null ? JSON.stringify(now[c]) : now[c])),
        ]);
      }
    }
    // 2. duplicate links made again from the corrected values, in import (id) order as an import makes them
    const rows = await tx.query<{
      id: string | number;
      pmid: string | null;
      doi: string | null;
      nct: string[] | null;
      pmcid: string | null;
      title: string | null;
      year: number | null;
      first_author: string | null;
      volume: string | null;
      pages: string | null;
      duplicate_of: string | number | null;
      duplicate_reason: string | null;
    }>(
      'SELECT id, pmid, doi, nct, pmcid, title, year, authors[1] AS first_author, volume, pages, duplicate_of, duplicate_reason FROM literature_record ORDER BY id',
    );
    type Entry = { id: number; ids: { pmid: string | null; doi: string | null; nct: string[]; pmcid: string | null } };
    const index = new DedupeIndex<
      Entry & {
        title: string | null;
        year: number | null;
        authors: string[];
        volume: string | null;
        pages: string | null;
      }
    >();
    for (const row of rows.rows) {
      const now = readNow.get(Number(row.id));
      const v = now
        ? {
            ...(now as unknown as typeof row),
            first_author: (now.authors as string[])[0] ?? null,
          }
        : row;
      const entry = {
        id: Number(row.id),
        ids: { pmid: v.pmid, doi: v.doi, nct: v.nct ?? [], pmcid: v.pmcid },
        title: v.title,
        year: v.year,
        authors: v.first_author ? [v.first_author] : [],
        volume: v.volume,
        pages: v.pages,
      };
      const dup = index.find(entry);
      index.add(entry);
      const of = dup ? index.canonical(dup.match).id : null;
      const reason = dup ? `${dup.reason}: ${dup.key}` : null;
      const was = row.duplicate_of === null ? null : Number(row.duplicate_of);
      if (was === of && row.duplicate_reason === reason) continue;
      report.relinked++;
      if (!opts.dryRun)
        await tx.query('UPDATE literature_record SET duplicate_of = $2, duplicate_reason = $3 WHERE id = $1', [
          entry.id,
          of,
          reason,
        ]);
    }
  };
  await db.transaction(run);
  return report;
}
