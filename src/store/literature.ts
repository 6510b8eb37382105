// Storage of imported literature and registry records: the imperative shell around src/ingest.
// A file is streamed through its reader; records are written in batches, each batch one transaction
// (records, their source links and the file's counters together). Idempotent: a record whose source text
// was stored before (raw_hash) is not stored again, so re-importing a file adds nothing and a re-run after a
// crash (kill -9) completes what the crashed run left. De-duplication links a record to an earlier one of
// the same work (PMID, DOI, NCT, then title + year + first author) and keeps it.

import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { AppError } from '../errors.ts';
import { type DedupeFields, DedupeIndex } from '../ingest/dedupe.ts';
import { type PreparedRecord, preparedEvents } from '../ingest/prepared.ts';
import { type PrismaCounts, type PrismaRecord, prismaCounts } from '../ingest/prisma.ts';
import type { Progress } from '../ingest/read.ts';
import type { Format, ImportedRecord } from '../ingest/record.ts';
import type { Db, Queryable } from './db.ts';

/** The input cannot be imported at all (a folder, an unrecognised format): nothing was written. */
export class ImportInputError extends AppError {}

export interface ImportError {
  line: number;
  message: string;
}

export interface FileImportSummary {
  path: string;
  format: Format | null;
  source: string;
  records: number;
  imported: number;
  duplicates: number;
  /** Records whose source text was already stored (a re-import): counted among duplicates too. */
  already_imported: number;
  deleted: number;
  errors: ImportError[];
}

export interface ImportOptions {
  format?: Format;
  /** Name of the database or register the file comes from (PRISMA "identified from"); default: guessed. */
  source?: string;
  /** Records per transaction. */
  batchSize?: number;
  progress?: Progress;
  /** Errors kept in the summary (all are counted). */
  maxErrors?: number;
  /** Called after each committed batch with the file's records written so far. */
  onBatch?: (recordsCommitted: number) => void;
}

/** What the de-duplication index keeps of each stored record. */
export interface IndexedRecord extends DedupeFields {
  id: number;
}

const DEFAULT_SOURCE: Record<Format, string | null> = {
  'pubmed-xml': 'PubMed',
  medline: 'PubMed',
  'ctgov-json': 'ClinicalTrials.gov',
  'ctgov-xml': 'ClinicalTrials.gov',
  ris: null,
  wos: 'Web of Science',
};

function sourceFor(path: string, format: Format, database: string | null, given?: string): string {
  if (given) return given;
  // MEDLINE-tagged files from another owner (ERIC) name their database; PubMed's own records say "PubMed (…)"
  if (format === 'medline' && database && !database.startsWith('PubMed')) return database;
  const named = DEFAULT_SOURCE[format];
  if (named) return named;
  if (database) return database;
  return basename(path).replace(/\.(ris|txt|nbib|ciw|gz)$/gi, '');
}

/** The stored source text of a record, decompressed. */
export function rawText(rawDeflate: Buffer | Uint8Array): string {
  return inflateRawSync(rawDeflate).toString('utf8');
}

/** A stored record as de-duplication sees it (the columns DEDUPE_COLUMNS selects). */
export interface DedupeRow {
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
}
export const DEDUPE_COLUMNS = 'id, pmid, doi, nct, pmcid, title, year, authors[1] AS first_author, volume, pages';

export function indexedRecordOf(row: DedupeRow): IndexedRecord {
  return {
    id: Number(row.id),
    ids: { pmid: row.pmid, doi: row.doi, nct: row.nct ?? [], pmcid: row.pmcid },
    title: row.title,
    year: row.year,
    authors: row.first_author ? [row.first_author] : [],
    volume: row.volume,
    pages: row.pages,
  };
}

/** Loads what de-duplication needs of every stored record (ids, title, year, first author). */
export async function loadDedupeIndex(db: Queryable): Promise<DedupeIndex<IndexedRecord>> {
  const index = new DedupeIndex<IndexedRecord>();
  const r = await db.query<DedupeRow>(`SELECT ${DEDUPE_COLUMNS} FROM literature_record ORDER BY id`);
  for (const row of r.rows) index.add(indexedRecordOf(row));
  return index;
}

export class LiteratureImporter {
  private index: DedupeIndex<IndexedRecord> | null = null;

  constructor(private readonly db: Db) {}

  /** Imports one file (gzip accepted, format detected from its content unless given). */
  async importFile(path: string, opts: ImportOptions = {}): Promise<FileImportSummary> {
    const st = statSync(path);
    if (st.isDirectory()) throw new ImportInputError(`${path} is a folder; give the files in it`);
    const bytes = st.size;
    this.index ??= await loadDedupeIndex(this.db);
    const index = this.index;
    const maxErrors = opts.maxErrors ?? 1000;
    const summary: FileImportSummary = {
      path,
      format: opts.format ?? null,
      source: opts.source ?? '',
      records: 0,
      imported: 0,
      duplicates: 0,
      already_imported: 0,
      deleted: 0,
      errors: [],
    };
    let fileId: number | null = null;
    let errorCount = 0;
    const ensureFile = async (first: PreparedRecord | null) => {
      if (fileId !== null) return fileId;
      const format = summary.format ?? first?.format;
      // an unrecognised file has no format: it is reported, never recorded (as "ris" or anything else)
      if (!format) return null;
      summary.format = format;
      summary.source = sourceFor(path, format, first?.database ?? null, opts.source);
      const r = await this.db.query<{ id: string | number }>(
        'INSERT INTO import_file (path, sha256, format, source, bytes) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [path, 'pending', format, summary.source, bytes],
      );
      fileId = Number(r.rows[0]!.id);
      return fileId;
    };

    for await (const ev of preparedEvents(path, {
      ...(opts.format ? { format: opts.format } : {}),
      ...(opts.progress ? { progress: opts.progress } : {}),
      ...(opts.batchSize ? { batchRecords: opts.batchSize } : {}),
    })) {
      if (ev.type === 'format') {
        summary.format ??= ev.format;
      } else if (ev.type === 'batch') {
        const id = await ensureFile(ev.records[0]!);
        if (id === null) throw new Error('records without a format'); // unreachable: readers set the format
        await this.writeBatch(id, summary.source, ev.records, index, summary);
        opts.onBatch?.(summary.imported + summary.already_imported);
      } else if (ev.type === 'delete') {
        await this.db.query('UPDATE literature_record SET deleted_in_source = true WHERE pmid = ANY($1::text[])', [
          ev.pmids,
        ]);
        summary.deleted += ev.pmids.length;
      } else if (ev.type === 'error') {
        errorCount++;
        if (summary.errors.length < maxErrors) summary.errors.push({ line: ev.line, message: ev.message });
      } else if (ev.type === 'end') {
        // Records repeated verbatim within the file: one record, the repeats counted as duplicates.
        summary.records += ev.repeats;
        summary.duplicates += ev.repeats;
        summary.already_imported += ev.repeats;
        const id = await ensureFile(null);
        if (id === null) continue;
        await this.db.query(
          'UPDATE import_file SET sha256 = $2, finished_at = now(), records = $3, imported = $4, duplicates = $5, errors = $6 WHERE id = $1',
          [id, ev.fileSha256, summary.records, summary.imported, summary.duplicates, errorCount],
        );
      }
    }
    if (errorCount > summary.errors.length) {
      summary.errors.push({ line: 0, message: `${errorCount - summary.errors.length} further errors not listed` });
    }
    return summary;
  }

  private async writeBatch(
    fileId: number,
    source: string,
    batch: PreparedRecord[],
    index: DedupeIndex<IndexedRecord>,
    summary: FileImportSummary,
  ): Promise<void> {
    // Which records are stored already (a re-import, or the part of a crashed import that committed).
    const existing = new Map(
      (
        await this.db.query<{ id: string | number; raw_hash: string }>(
          'SELECT id, raw_hash FROM literature_record WHERE raw_hash = ANY($1::text[])',
          [batch.map((p) => p.hash)],
        )
      ).rows.map((r) => [r.raw_hash, Number(r.id)]),
    );
    const fresh = batch.filter((p) => !existing.has(p.hash));
    try {
      await this.db.transaction(async (tx) => {
        const ids =
          fresh.length === 0
            ? []
            : (
                await tx.query<{ id: string | number }>(
                  "SELECT nextval('literature_record_id_seq') AS id FROM generate_series(1, $1::int)",
                  [fresh.length],
                )
              ).rows.map((r) => Number(r.id));
        let duplicates = existing.size;
        const parts: string[] = [];
        const newIds = new Map<string, number>();
        fresh.forEach((p, i) => {
          const entry: IndexedRecord = {
            id: ids[i]!,
            ids: p.ids,
            title: p.title,
            year: p.year,
            authors: p.firstAuthor ? [p.firstAuthor] : [],
            volume: p.volume,
            pages: p.pages,
          };
          const dup = index.find(entry);
          index.add(entry);
          newIds.set(p.hash, entry.id);
          if (dup) duplicates++;
          // The writer's own columns, then the prepared ones (a JSON object without its opening brace).
          parts.push(
            `{"id":${entry.id},"source":${JSON.stringify(source)},"first_file_id":${fileId},` +
              `"duplicate_of":${dup ? index.canonical(dup.match).id : 'null'},` +
              `"duplicate_reason":${dup ? JSON.stringify(`${dup.reason}: ${dup.key}`) : 'null'},${p.columns}`,
          );
        });
        if (parts.length > 0) {
          // One statement per batch: the rows travel as one JSON document (fast on both engines).
          await tx.query(
            `INSERT INTO literature_record (id, raw_hash, format, source, source_type, pmid, doi, nct, pmcid, title, title_key, year,
               authors, journal, volume, issue, pages, abstract, publication_types, mesh, keywords, language, registry, raw_deflate,
               first_file_id, first_line, duplicate_of, duplicate_reason)
             SELECT id, raw_hash, format, source, source_type, pmid, doi, nct, pmcid, title, title_key, year, authors, journal,
               volume, issue, pages, abstract, publication_types, mesh, keywords, language, registry, decode(raw_deflate, 'base64'),
               first_file_id, first_line, duplicate_of, duplicate_reason
             FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, raw_hash text, format text, source text, source_type text,
               pmid text, doi text, nct text[], pmcid text, title text, title_key text, year integer, authors text[],
               journal text, volume text, issue text, pages text, abstract text, publication_types text[], mesh text[], keywords text[], language text,
               registry jsonb, raw_deflate text, first_file_id bigint, first_line integer, duplicate_of bigint, duplicate_reason text)`,
            [`[${parts.join(',')}]`],
          );
        }
        const links = batch.map((p) => ({
          record_id: existing.get(p.hash) ?? newIds.get(p.hash)!,
          file_id: fileId,
          line: p.line,
        }));
        await tx.query(
          `INSERT INTO record_source (record_id, file_id, line)
           SELECT record_id, file_id, line FROM jsonb_to_recordset($1::jsonb) AS x(record_id bigint, file_id bigint, line integer)
           ON CONFLICT DO NOTHING`,
          [JSON.stringify(links)],
        );
        await tx.query(
          'UPDATE import_file SET records = records + $2, imported = imported + $3, duplicates = duplicates + $4 WHERE id = $1',
          [fileId, batch.length, fresh.length, duplicates],
        );
        summary.records += batch.length;
        summary.imported += fresh.length;
        summary.duplicates += duplicates;
        summary.already_imported += existing.size;
      });
    } catch (e) {
      // The transaction rolled back: the in-memory index may hold records that were not stored.
      this.index = null;
      throw e;
    }
  }
}

// ------------------------------------------------------------------------------------------ queries

export interface RecordRow
  extends Pick<
    ImportedRecord,
    | 'ids'
    | 'title'
    | 'year'
    | 'authors'
    | 'journal'
    | 'volume'
    | 'issue'
    | 'pages'
    | 'abstract'
    | 'publication_types'
    | 'mesh'
  > {
  id: number;
  format: string;
  source: string;
  duplicate_of: number | null;
  duplicate_reason: string | null;
  screening_status: 'unscreened' | 'included' | 'excluded';
  exclusion_reason: string | null;
  deleted_in_source: boolean;
  status: string | null;
  phase: string[] | null;
  enrollment: { count: number | null; type: string | null } | null;
  imports: number[];
  /** For registry records: curated studies with this NCT id, and imported publications that cite it. */
  linked_studies: string[];
  linked_publications: number[];
  raw?: string;
}

export interface RecordQuery {
  search?: string;
  format?: string;
  source?: string;
  screening?: string;
  duplicates?: 'only' | 'exclude';
  limit?: number;
  offset?: number;
  /** Include each record's source text. */
  raw?: boolean;
}

export async function queryRecords(
  db: Queryable,
  q: RecordQuery = {},
): Promise<{ total: number; records: RecordRow[] }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (q.search?.trim()) {
    const like = p(`%${q.search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const exact = p(q.search.trim());
    where.push(
      `(title ILIKE ${like} OR abstract ILIKE ${like} OR pmid = ${exact} OR doi = lower(${exact}) OR upper(${exact}) = ANY(nct) OR array_to_string(authors, ' ') ILIKE ${like})`,
    );
  }
  if (q.format) where.push(`format = ${p(q.format)}`);
  if (q.source) where.push(`source = ${p(q.source)}`);
  if (q.screening) where.push(`screening_status = ${p(q.screening)}`);
  if (q.duplicates === 'only') where.push('duplicate_of IS NOT NULL');
  if (q.duplicates === 'exclude') where.push('duplicate_of IS NULL');
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM literature_record ${w}`, params))
    .rows[0]!.n;
  const limit = Math.min(Math.max(q.limit ?? 100, 1), 100_000);
  const rows = await db.query<Record<string, unknown>>(
    `SELECT id, pmid, doi, nct, pmcid, title, year, authors, journal, volume, issue, pages, abstract, publication_types, mesh, format, source,
       duplicate_of, duplicate_reason, screening_status, exclusion_reason, deleted_in_source, registry,
       ${q.raw ? 'raw_deflate' : 'NULL AS raw_deflate'},
       ARRAY(SELECT DISTINCT file_id FROM record_source rs WHERE rs.record_id = literature_record.id ORDER BY file_id) AS imports,
       CASE WHEN format LIKE 'ctgov%' THEN ARRAY(SELECT s.id FROM study s WHERE s.doc->'citation'->>'nct' = ANY(literature_record.nct) ORDER BY s.id) ELSE '{}' END AS linked_studies,
       CASE WHEN format LIKE 'ctgov%' THEN ARRAY(SELECT o.id FROM literature_record o WHERE o.id <> literature_record.id
         AND o.format NOT LIKE 'ctgov%' AND o.nct && literature_record.nct ORDER BY o.id) ELSE '{}' END AS linked_publications
     FROM literature_record ${w} ORDER BY id LIMIT ${p(limit)} OFFSET ${p(Math.max(q.offset ?? 0, 0))}`,
    params,
  );
  return {
    total,
    records: rows.rows.map((r) => {
      const registry = r.registry as ImportedRecord['registry'];
      return {
        id: Number(r.id),
        ids: {
          pmid: r.pmid as string | null,
          doi: r.doi as string | null,
          nct: (r.nct as string[]) ?? [],
          pmcid: r.pmcid as string | null,
        },
        title: r.title as string | null,
        year: r.year as number | null,
        authors: (r.authors as string[]) ?? [],
        journal: r.journal as string | null,
        volume: r.volume as string | null,
        issue: r.issue as string | null,
        pages: r.pages as string | null,
        abstract: r.abstract as string | null,
        publication_types: (r.publication_types as string[]) ?? [],
        mesh: (r.mesh as string[]) ?? [],
        format: r.format as string,
        source: r.source as string,
        duplicate_of: r.duplicate_of === null ? null : Number(r.duplicate_of),
        duplicate_reason: r.duplicate_reason as string | null,
        screening_status: r.screening_status as RecordRow['screening_status'],
        exclusion_reason: r.exclusion_reason as string | null,
        deleted_in_source: Boolean(r.deleted_in_source),
        status: registry?.status ?? null,
        phase: registry ? registry.phases : null,
        enrollment: registry ? registry.enrollment : null,
        imports: ((r.imports as (string | number)[]) ?? []).map(Number),
        linked_studies: (r.linked_studies as string[]) ?? [],
        linked_publications: ((r.linked_publications as (string | number)[]) ?? []).map(Number),
        ...(r.raw_deflate ? { raw: rawText(r.raw_deflate as Buffer) } : {}),
      };
    }),
  };
}

/** The import formats as the CLI names them (`--format pubmed|medline|ris|ctgov`), with the exact reader. */
export function formatName(format: string | null): string | null {
  if (format === null) return null;
  if (format === 'pubmed-xml') return 'pubmed';
  if (format.startsWith('ctgov')) return 'ctgov';
  return format;
}

/**
 * A record as `regenspine records --json` and `/api/records` give it: `ids.nct` is the record's (first) NCT id
 * and `ids.nct_all` every NCT id it names (a publication can cite several trials).
 */
export function recordJson(r: RecordRow) {
  const { ids, format, ...rest } = r;
  return {
    ...rest,
    ids: { pmid: ids.pmid, doi: ids.doi, nct: ids.nct[0] ?? null, pmcid: ids.pmcid, nct_all: ids.nct },
    format: formatName(format),
    reader: format,
  };
}

/** A screening decision that cannot be recorded (no such record: 404; otherwise 422). */
export class ScreeningError extends AppError {
  constructor(message: string, status = 422) {
    super(message, { status });
  }
}

/** Records a screening decision on a record (first occurrences only: a duplicate follows its original). */
export async function screenRecord(
  db: Queryable,
  id: number,
  decision: { status: 'unscreened' | 'included' } | { status: 'excluded'; reason: string },
): Promise<void> {
  const r = await db.query<{ duplicate_of: string | null }>(
    'SELECT duplicate_of FROM literature_record WHERE id = $1',
    [id],
  );
  const row = r.rows[0];
  if (!row) throw new ScreeningError(`no record ${id}`, 404);
  if (row.duplicate_of !== null)
    throw new ScreeningError(`record ${id} is a duplicate of record ${row.duplicate_of}: screen that one`);
  if (decision.status === 'excluded' && !decision.reason.trim())
    throw new ScreeningError('an exclusion needs a reason');
  await db.query(
    'UPDATE literature_record SET screening_status = $2, exclusion_reason = $3, screened_at = now() WHERE id = $1',
    [id, decision.status, decision.status === 'excluded' ? decision.reason.trim() : null],
  );
}

export async function prismaFromDb(db: Queryable): Promise<PrismaCounts> {
  const r = await db.query<{
    id: string | number;
    source: string;
    duplicate_of: string | number | null;
    screening_status: string;
    exclusion_reason: string | null;
  }>('SELECT id, source, duplicate_of, screening_status, exclusion_reason FROM literature_record ORDER BY id');
  const records: PrismaRecord[] = r.rows.map((row) => ({
    id: String(row.id),
    source: row.source,
    duplicate_of: row.duplicate_of === null ? null : String(row.duplicate_of),
    screening:
      row.screening_status === 'excluded'
        ? { status: 'excluded', reason: row.exclusion_reason ?? 'unspecified' }
        : row.screening_status === 'included'
          ? { status: 'included' }
          : { status: 'unscreened' },
  }));
  return prismaCounts(records);
}
