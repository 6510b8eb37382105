// Records prepared for storage: everything about a record that does not depend on the database (its hash,
// its compressed source text, its stored columns as a JSON fragment) is computed next to the reader, on a
// worker thread for large files, so the thread that writes to the database only links duplicates and writes.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { titleKey } from './dedupe.ts';
import { createProgress, type Progress, readRecords } from './read.ts';
import type { Format, ImportedRecord, RecordIds } from './record.ts';

export interface PreparedRecord {
  /** sha256 of the record's source text: a record is stored once. */
  hash: string;
  line: number;
  format: Format;
  database: string | null;
  /** What de-duplication needs. */
  ids: RecordIds;
  title: string | null;
  year: number | null;
  firstAuthor: string | null;
  volume: string | null;
  pages: string | null;
  /**
   * The stored columns as a JSON object without its braces' opening: the writer prepends the columns it
   * decides (id, source, duplicate link). Starts with a comma-free key list, e.g. `"raw_hash":"…",…}`.
   */
  columns: string;
}

export type PreparedEvent =
  | { type: 'format'; format: Format }
  | { type: 'batch'; records: PreparedRecord[] }
  | { type: 'delete'; pmids: string[]; line: number }
  | { type: 'error'; line: number; message: string }
  /** `repeats`: records found verbatim earlier in the same file (yielded once, counted here). */
  | { type: 'end'; fileSha256: string; repeats: number };

/** One answer of the import worker: the events up to the next batch (or the end), and the progress then. */
export interface PreparedStep {
  events: PreparedEvent[];
  bytesRead: number;
  records: number;
  errors: number;
}

/** Source text compressed with raw DEFLATE (RFC 1951) at level 1: fast, and text still shrinks 4-8x. */
export function compressRaw(raw: string): Buffer {
  return deflateRawSync(raw, { level: 1 });
}

/**
 * The stored columns a reader decides (everything but the hash, the source text, provenance, links and
 * screening): what an import writes and what `records reread` (src/store/literature-reread.ts) compares.
 */
export function readColumns(rec: ImportedRecord) {
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

export function prepareRecord(rec: ImportedRecord): PreparedRecord {
  const hash = createHash('sha256').update(rec.raw).digest('hex');
  const columns = JSON.stringify({
    raw_hash: hash,
    format: rec.format,
    ...readColumns(rec),
    raw_deflate: compressRaw(rec.raw).toString('base64'),
    first_line: rec.line,
  }).slice(1);
  return {
    hash,
    line: rec.line,
    format: rec.format,
    database: rec.database,
    ids: rec.ids,
    title: rec.title,
    year: rec.year,
    firstAuthor: rec.authors[0] ?? null,
    volume: rec.volume,
    pages: rec.pages,
    columns,
  };
}

export interface PrepareOptions {
  format?: Format;
  progress?: Progress;
  /** A batch closes at this many records or this many bytes of source text, whichever comes first. */
  batchRecords?: number;
  batchBytes?: number;
}

/**
 * Reads a file and yields prepared batches, deletions and errors in file order, then the file's sha256.
 * Records repeated verbatim within the file are yielded once.
 */
export async function* prepareFile(path: string, opts: PrepareOptions = {}): AsyncGenerator<PreparedEvent> {
  const batchRecords = opts.batchRecords ?? 1000;
  const batchBytes = opts.batchBytes ?? 8 * 1024 * 1024;
  const progress = opts.progress ?? createProgress();
  const fileHash = createHash('sha256');
  // Hash the file as the reader pulls it (a 'data' listener would switch the stream to flowing mode and
  // buffer the whole file regardless of back-pressure).
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  async function* hashed(): AsyncGenerator<Buffer> {
    for await (const chunk of stream) {
      fileHash.update(chunk as Buffer);
      yield chunk as Buffer;
    }
  }
  let batch: PreparedRecord[] = [];
  let bytes = 0;
  const seen = new Set<string>();
  let repeats = 0;
  for await (const ev of readRecords(hashed(), { ...(opts.format ? { format: opts.format } : {}), progress })) {
    if (ev.type === 'record') {
      const p = prepareRecord(ev.record);
      if (seen.has(p.hash)) {
        repeats++;
        continue;
      }
      seen.add(p.hash);
      batch.push(p);
      bytes += ev.record.raw.length;
      if (batch.length >= batchRecords || bytes >= batchBytes) {
        yield { type: 'batch', records: batch };
        batch = [];
        bytes = 0;
      }
    } else {
      if (ev.type === 'delete' && batch.length > 0) {
        // a deletion applies to the records before it: flush them first
        yield { type: 'batch', records: batch };
        batch = [];
        bytes = 0;
      }
      yield ev;
    }
  }
  if (batch.length > 0) yield { type: 'batch', records: batch };
  yield { type: 'end', fileSha256: fileHash.digest('hex'), repeats };
}

/** Files at least this large are prepared on a worker thread (below it, starting one costs more than it saves). */
export const WORKER_MIN_BYTES = 4 * 1024 * 1024;

/**
 * prepareFile, on a worker thread for large files so that reading, hashing and compressing overlap with the
 * database writes on this thread. At most two batches wait for the writer (bounded memory).
 */
export async function* preparedEvents(
  path: string,
  opts: PrepareOptions & { worker?: boolean } = {},
): AsyncGenerator<PreparedEvent> {
  const useWorker =
    opts.worker ?? (statSync(path).size >= WORKER_MIN_BYTES && process.env.REGENSPINE_IMPORT_WORKER !== '0');
  if (!useWorker) {
    yield* prepareFile(path, opts);
    return;
  }
  const { WorkerPool } = await import('../workers.ts');
  const pool = new WorkerPool<null, PreparedStep>('prepare-worker', {
    workers: 1,
    maxInflight: 2,
    data: {
      path,
      format: opts.format ?? null,
      batchRecords: opts.batchRecords ?? null,
      batchBytes: opts.batchBytes ?? null,
    },
  });
  try {
    await pool.submit(null);
    await pool.submit(null);
    for (;;) {
      const step = await pool.next();
      if (opts.progress) {
        opts.progress.bytesRead = step.bytesRead;
        opts.progress.records = step.records;
        opts.progress.errors = step.errors;
      }
      const last = step.events[step.events.length - 1];
      if (last?.type !== 'end' && step.events.length > 0) await pool.submit(null);
      for (const ev of step.events) {
        yield ev;
        if (ev.type === 'end') return;
      }
      if (step.events.length === 0) throw new Error('import worker: the file ended without its end event');
    }
  } finally {
    await pool.close();
  }
}
