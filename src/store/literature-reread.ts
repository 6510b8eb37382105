// `regenspine records reread`: reads every stored record's source text again with today's readers and brings
// the stored columns up to date. Records imported before a reader fix (issue 11 §3: whole SICI DOIs, authors
// normalised to "Surname I", volume/issue/pages from migration 004) otherwise keep what the old reader made of
// them, and the duplicate links made from those values stay wrong. The source text is kept for exactly this
// (raw_deflate, migration 003). Screening decisions are never touched; the whole run is one transaction, so an
// interrupted reread leaves every record as it was.
import { Readable } from 'node:stream';
import { isDeepStrictEqual } from 'node:util';
import { DedupeIndex } from '../ingest/dedupe.ts';
import { readColumns } from '../ingest/prepared.ts';
import { collect } from '../ingest/read.ts';
import { emptyRecord, type Format, type ImportedRecord } from '../ingest/record.ts';
import type { Db, Queryable } from './db.ts';
import { DEDUPE_COLUMNS, type DedupeRow, type IndexedRecord, indexedRecordOf, rawText } from './literature.ts';

type Columns = ReturnType<typeof readColumns>;
type ReadColumn = keyof Columns;
/** The columns a reader decides, in the order an import writes them (src/ingest/prepared.ts). */
const READ_COLUMNS = Object.keys(readColumns(emptyRecord('ris', '', 1))) as ReadColumn[];

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
        const now = readColumns(read.record);
        const diff = READ_COLUMNS.filter((c) => !isDeepStrictEqual(row[c] ?? null, now[c] ?? null));
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
    const rows = await tx.query<DedupeRow & { duplicate_of: string | number | null; duplicate_reason: string | null }>(
      `SELECT ${DEDUPE_COLUMNS}, duplicate_of, duplicate_reason FROM literature_record ORDER BY id`,
    );
    const index = new DedupeIndex<IndexedRecord>();
    for (const row of rows.rows) {
      const now = readNow.get(Number(row.id));
      // a dry run links from the values a real run would have written
      const entry = indexedRecordOf(now ? { ...now, id: row.id, first_author: now.authors[0] ?? null } : row);
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
